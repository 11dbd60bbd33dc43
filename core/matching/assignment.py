"""Candidates for the whole waiting list at once, so that a scarce mentor is not offered to two young
people.

Each young person is offered up to ``slots`` candidates (the ``mentorkorps_candidate_count`` hook,
default 1), each mentor appears at most ``free_capacity`` times across the whole batch, no pair that
is blocked (``-inf`` in the scoring) is ever offered, and a young person never gets the same mentor
twice. Within those rules the total score is maximised with
``scipy.optimize.linear_sum_assignment`` on an expanded matrix: one row per young person still
wanting a candidate, one column per free place of each mentor (a mentor with 2 free places is 2
identical columns).

Several candidates per young person are assigned in rounds of one candidate each — round 1 maximises
the total of everyone's first candidate, round 2 the second ones with what is left, and so on. So no
young person gets a second candidate at the cost of another young person's first, and a mentor is
never given twice to the same young person (a single expanded assignment could give a mentor's two
places to the two slots of one young person). With one candidate each (the default) the result is the
exact maximum.

When the places run out, some young people get fewer candidates or none: their ``missing`` says how
many. Who goes without is decided by the score; ties are broken deterministically — the young person
earlier in the given order (the longest waiting, when the caller orders by referral date) and the
mentor with the lower volunteer id win. (Totals closer than about 1e-6 per young person are ties:
they are float32, and the tie-break is a nudge of at most ``TIE_BREAK`` per pair.)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

import numpy as np
from scipy.optimize import linear_sum_assignment

from core.matching.scoring import Scoring, mentor_features, score, young_features

# The largest tie-breaking nudge of one assignment (half for the row's place, half for the mentor's):
# far below the differences of points criteria give (float32 totals carry about 1e-6 anyway), and
# far above the rounding of the solver's float64 sums.
TIE_BREAK = 1e-6


@dataclass(frozen=True)
class Candidate:
    """One mentor offered to one young person: row ``mentor_index`` of the mentors' features."""

    mentor_index: int
    volunteer_id: int
    score: float


@dataclass(frozen=True)
class Suggestion:
    """The candidates suggested for one young person (row ``young_index``), best first.
    ``missing`` is how many of the ``slots`` could not be filled (0 = all)."""

    young_index: int
    referral_id: int
    candidates: tuple[Candidate, ...]
    missing: int


@dataclass
class Batch:
    """A batch suggestion: one :class:`Suggestion` per young person, in the order of the rows, and the
    :class:`~core.matching.scoring.Scoring` it was made from (for :meth:`explain`)."""

    scoring: Scoring
    slots: int
    suggestions: list[Suggestion] = field(default_factory=list)

    def explain(self, suggestion: Suggestion, candidate: Candidate) -> list[dict]:
        """The score parts of one suggested pair, in words (:meth:`Scoring.explain`)."""
        return self.scoring.explain(suggestion.young_index, candidate.mentor_index)

    @property
    def without_candidate(self) -> list[Suggestion]:
        """The young people who got no candidate at all."""
        return [s for s in self.suggestions if not s.candidates]


def candidate_count() -> int:
    """How many candidates a young person is shown in the current tenant (the firstresult hook
    ``mentorkorps_candidate_count``; the default is 1)."""
    from core.hooks import current_hooks

    return max(int(current_hooks().mentorkorps_candidate_count()), 1)


def _finite_bounds(scoring: Scoring) -> tuple[float, float]:
    """A lower and an upper bound of every finite total: the highest total and the sum of each part's
    lowest points (two plain reductions; a reduction that skips the infinite totals is much slower).
    Exact bounds when a criterion itself returned infinite points."""
    total = scoring.total
    if not total.size:
        return 0.0, 0.0
    highest = float(total.max())
    lowest = float(sum(float(part.min()) for part in scoring.parts.values()))
    if not (np.isfinite(highest) and np.isfinite(lowest)):
        finite = total[np.isfinite(total)]
        if not finite.size:
            return 0.0, 0.0
        highest, lowest = float(finite.max()), float(finite.min())
    return min(lowest, highest), highest


def assign(scoring: Scoring, slots: int = 1) -> Batch:
    """Assign up to ``slots`` candidates to every young person of ``scoring`` (see the module's
    docstring for the rules). Mentors without ``free_capacity`` in their features count 1 place each.
    Pure: nothing is read from or written to the database."""
    if slots < 1:
        raise ValueError("assign: slots must be at least 1")
    young, mentors = scoring.young, scoring.mentors
    total = scoring.total
    rows_n, mentors_n = total.shape
    free = (np.ones(mentors_n, dtype=np.int64) if mentors.free_capacity is None
            else np.maximum(mentors.free_capacity, 0).astype(np.int64))
    lowest, highest = _finite_bounds(scoring)
    # A blocked pair costs more than every score difference of a whole round together, so the solver
    # first offers as many allowed pairs as it can, then the best of them.
    blocked_cost = (highest - lowest + 1.0) * (rows_n + 1) + max(abs(highest), abs(lowest))
    # The cost of every pair, once: minus the total, plus the tie-breaking nudges (earlier rows and
    # lower volunteer ids cost a little less); blocked pairs, and pairs already given, cost blocked_cost.
    cost_all = np.negative(total, dtype=np.float64)
    cost_all += (TIE_BREAK / 2 * np.arange(rows_n) / max(rows_n, 1))[:, None]
    mentor_rank = np.empty(mentors_n, dtype=np.int64)
    mentor_rank[np.argsort(mentors.ids, kind="stable")] = np.arange(mentors_n)
    cost_all += (TIE_BREAK / 2 * mentor_rank / max(mentors_n, 1))[None, :]
    np.minimum(cost_all, blocked_cost, out=cost_all)  # -(-inf) = +inf: blocked
    chosen: list[list[int]] = [[] for _ in range(rows_n)]

    for _round in range(slots):
        open_mentors = np.flatnonzero(free > 0)
        if not len(open_mentors) or not rows_n:
            break
        open_costs = cost_all if len(open_mentors) == mentors_n else cost_all[:, open_mentors]
        rows = np.flatnonzero(open_costs.min(axis=1) < blocked_cost)
        if not len(rows):
            break
        # The expanded columns: each open mentor once per free place, never more than there are rows.
        column_mentor = np.repeat(open_mentors, np.minimum(free[open_mentors], len(rows)))
        cost = np.take(cost_all if len(rows) == rows_n else cost_all[rows], column_mentor, axis=1)
        picked_rows, picked_columns = linear_sum_assignment(cost)
        for r, c in zip(picked_rows.tolist(), picked_columns.tolist()):
            if cost[r, c] >= blocked_cost:
                continue  # no allowed mentor was left for this row in this round
            i, j = int(rows[r]), int(column_mentor[c])
            chosen[i].append(j)
            free[j] -= 1
            cost_all[i, j] = blocked_cost  # never the same mentor twice for one young person

    batch = Batch(scoring=scoring, slots=slots)
    for i in range(rows_n):
        candidates = sorted((Candidate(j, int(mentors.ids[j]), float(total[i, j])) for j in chosen[i]),
                            key=lambda c: (-c.score, c.volunteer_id))
        batch.suggestions.append(Suggestion(i, int(young.ids[i]), tuple(candidates), slots - len(candidates)))
    return batch


def suggest(referrals: Iterable, volunteers: Iterable, *, on: date | None = None, slots: int | None = None,
            criteria: Iterable | None = None) -> Batch:
    """The batch suggestion from the database, in the current tenant: loads the features of
    ``referrals`` (in waiting order, e.g. accepted referrals by referral date) and of ``volunteers``
    (the eligible ones: see :func:`core.matching.scoring.mentor_features`), scores them with the
    tenant's criteria (or ``criteria``) and assigns ``slots`` candidates each (default:
    :func:`candidate_count`). Reads only; the caller records the proposals."""
    young = young_features(referrals, on)
    mentors = mentor_features(volunteers, on)
    return assign(score(young, mentors, criteria), candidate_count() if slots is None else slots)
