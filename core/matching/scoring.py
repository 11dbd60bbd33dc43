"""Matching computed in bulk: the features of many young people and many mentors, and the engine that
scores every young person against every mentor at once with the criteria of the enabled plugins.

No hook and no Python loop runs once per pair (1,000 referrals × 5,000 volunteers are 5 million
pairs). A scoring run:

1. loads the features once, column by column, with a fixed number of queries —
   :func:`young_features` (referrals and their citizens, two queries) and :func:`mentor_features`
   (volunteers and what already takes their capacity, three queries);
2. gathers the criteria once (:func:`gather_criteria`, the gatherer hook
   ``mentorkorps_scoring_criteria``); each criterion turns the two :class:`Features` into an R×V
   matrix of points (numpy), and may block pairs;
3. adds the weighted parts (:func:`score`): blocked pairs, and mentors with no free capacity, get
   ``-inf``;
4. words the parts of the pairs actually shown (:meth:`Scoring.explain`), and only those.

Shared interests and languages are counted as a sparse incidence product (young R×K @ K×V mentors
over the terms they have in common, :func:`shared_counts`), never by intersecting sets pair by pair.

This module is pure apart from the two loaders, which import the models lazily. It imports no
service module (the defaults plugin imports it through :mod:`core.matching.criteria`).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Iterable, Sequence

import numpy as np
from scipy import sparse

TERM_FIELDS = ("languages", "interests")


def normalise_term(term: Any) -> str:
    """The form in which two people's interests or languages are compared: trimmed, single spaces,
    case-folded (``" Fodbold "`` and ``"fodbold"`` are one interest)."""
    return _forms(str(term))[1]


@lru_cache(maxsize=8192)
def _forms(text: str) -> tuple[str, str]:
    """``(as written with single spaces, normalised)``; kept, since the same terms recur on many rows."""
    spaced = " ".join(text.split())
    return spaced, spaced.casefold()


def postcode_number(postcode: Any) -> float:
    """A postcode as a number (``"5500"`` → 5500.0), ``NaN`` when it is not all digits. The distance
    of two Danish postcodes as numbers is only a rough proxy for the distance of two places: nearby
    numbers are usually nearby towns, but not always."""
    text = str(postcode).strip() if postcode is not None else ""
    return float(text) if text.isdigit() else float("nan")


def age_in_years(birth_date: date | None, on: date) -> float:
    """Whole years of age on ``on``; ``NaN`` when the birth date is unknown."""
    if birth_date is None:
        return float("nan")
    return float(on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day)))


def _terms(values: Iterable[Any] | str | None) -> tuple[str, ...]:
    """The distinct terms of a list, in the person's own spelling and order (first spelling wins). A
    JSON text (a column read without decoding) is decoded here, once per distinct text."""
    if isinstance(values, str):
        return _terms_of_json(values)
    if not values:
        return ()
    return _distinct(tuple(str(v) for v in values))


@lru_cache(maxsize=8192)
def _terms_of_json(text: str) -> tuple[str, ...]:
    values = json.loads(text)
    return _distinct(tuple(str(v) for v in values or ()))


@lru_cache(maxsize=8192)
def _distinct(values: tuple[str, ...]) -> tuple[str, ...]:
    seen, kept = set(), []
    for value in values:
        spaced, key = _forms(value)
        if key and key not in seen:
            seen.add(key)
            kept.append(spaced)
    return tuple(kept)


@dataclass(frozen=True)
class Person:
    """One row of :class:`Features`: what a criterion's ``explain`` gets for one young person or
    one mentor. ``age`` and ``postcode_number`` are ``None`` when unknown; ``languages`` and
    ``interests`` are in the person's own spelling; ``columns`` holds this row's extra columns."""

    index: int
    id: int
    age: float | None
    gender: str | None
    postcode: str | None
    postcode_number: float | None
    languages: tuple[str, ...]
    interests: tuple[str, ...]
    gender_wish: str | None = None
    free_capacity: int | None = None
    columns: dict | None = None

    def shared(self, other: "Person", field: str, exclude: Iterable[str] = ()) -> list[str]:
        """The terms of ``field`` (``"languages"`` or ``"interests"``) both have, in this person's
        spelling and order, without the (normalised) terms in ``exclude``."""
        theirs = {normalise_term(t) for t in getattr(other, field)}
        skip = {normalise_term(t) for t in exclude}
        return [t for t in getattr(self, field) if normalise_term(t) in theirs and normalise_term(t) not in skip]


class Features:
    """Column-oriented features of many people (young people or mentors), built once per scoring run.

    Every column has one entry per row, in the order of ``ids``:

    - ``ids`` — int64: the referral's id for young people, the volunteer's id for mentors;
    - ``age`` — float64 years on the run's day, ``NaN`` when unknown;
    - ``gender`` — object array of ``"female"``/``"male"``/``"other"``/``None``;
    - ``postcode`` — object array of the postcodes as written; ``postcode_number`` — float64, ``NaN``
      when unknown (see :func:`postcode_number`);
    - ``languages``, ``interests`` — a tuple of terms per row (own spelling); :meth:`incidence` gives
      the same as a sparse one-hot matrix over the terms;
    - ``gender_wish`` — young people: the gender the young person wishes their mentor to have
      (object array, ``None`` = no wish); ``None`` for mentors;
    - ``free_capacity`` — mentors: int64 places left (capacity minus chosen/active matches minus
      candidacies in proposals still open); ``None`` for young people;
    - ``columns`` — extra named columns (numpy arrays of the same length) a caller or plugin adds.
    """

    def __init__(self, ids: Sequence[int], *, age: Sequence[float | None] | None = None,
                 gender: Sequence[str | None] | None = None, postcode: Sequence[Any] | None = None,
                 languages: Sequence[Iterable[str]] | None = None, interests: Sequence[Iterable[str]] | None = None,
                 gender_wish: Sequence[str | None] | None = None, free_capacity: Sequence[int] | None = None,
                 columns: dict[str, Any] | None = None):
        n = len(ids)
        self.ids = np.asarray(ids, dtype=np.int64).reshape(n)
        self.age = np.array([np.nan if a is None else a for a in (age if age is not None else [None] * n)],
                            dtype=np.float64).reshape(n)
        self.gender = self._objects(gender, n)
        self.postcode = self._objects(postcode, n)
        self.postcode_number = np.array([postcode_number(p) for p in self.postcode], dtype=np.float64).reshape(n)
        self.languages = [_terms(v) for v in (languages if languages is not None else [()] * n)]
        self.interests = [_terms(v) for v in (interests if interests is not None else [()] * n)]
        self.gender_wish = None if gender_wish is None else self._objects(gender_wish, n)
        self.free_capacity = None if free_capacity is None else np.asarray(free_capacity, dtype=np.int64).reshape(n)
        self.columns = {name: np.asarray(values) for name, values in (columns or {}).items()}
        for name, column in (("languages", self.languages), ("interests", self.interests), *self.columns.items()):
            if len(column) != n:
                raise ValueError(f"features: column {name!r} has {len(column)} rows, not {n}")
        self._incidence: dict[str, tuple[dict[str, int], sparse.csr_array]] = {}
        self._position: dict[int, int] | None = None
        self._distinct: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    @staticmethod
    def _objects(values, n) -> np.ndarray:
        array = np.empty(n, dtype=object)
        if values is not None:
            if len(values) != n:
                raise ValueError(f"features: a column has {len(values)} rows, not {n}")
            array[:] = list(values)
        return array

    def __len__(self) -> int:
        return len(self.ids)

    def __repr__(self) -> str:
        return f"<Features {len(self)} rows>"

    def index_of(self, id_: int) -> int:
        """The row of the person with this id (``KeyError`` if absent)."""
        if self._position is None:
            self._position = {int(i): n for n, i in enumerate(self.ids)}
        return self._position[int(id_)]

    def row(self, index: int) -> Person:
        """One row as a :class:`Person` (for explanations, not for scoring)."""
        def known(value):
            return None if value != value else value  # NaN -> None

        return Person(index=index, id=int(self.ids[index]), age=known(float(self.age[index])),
                      gender=self.gender[index], postcode=self.postcode[index],
                      postcode_number=known(float(self.postcode_number[index])),
                      languages=self.languages[index], interests=self.interests[index],
                      gender_wish=None if self.gender_wish is None else self.gender_wish[index],
                      free_capacity=None if self.free_capacity is None else int(self.free_capacity[index]),
                      columns={name: column[index] for name, column in self.columns.items()})

    def distinct(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """``(distinct values, index of each row's value)`` of a column, built once and kept."""
        if column not in self._distinct:
            values = self.columns[column] if column in self.columns else getattr(self, column)
            if values is None:
                raise ValueError(f"features: no column {column!r} here")
            self._distinct[column] = _distinct_values(np.asarray(values))
        return self._distinct[column]

    def incidence(self, field: str) -> tuple[dict[str, int], sparse.csc_array]:
        """``(vocabulary, matrix)`` for ``"languages"`` or ``"interests"``: the vocabulary maps each
        normalised term to a column; the matrix (n × K, CSC, float32) has a 1 where a row has the
        term. Built once per Features and kept."""
        if field not in self._incidence:
            vocabulary: dict[str, int] = {}
            indptr, indices = [0], []
            for terms in getattr(self, field):
                for term in terms:
                    indices.append(vocabulary.setdefault(normalise_term(term), len(vocabulary)))
                indptr.append(len(indices))
            matrix = sparse.csr_array((np.ones(len(indices), dtype=np.float32), np.asarray(indices, dtype=np.int64),
                                       np.asarray(indptr, dtype=np.int64)), shape=(len(self), len(vocabulary)))
            self._incidence[field] = (vocabulary, matrix.tocsc())
        return self._incidence[field]


def shared_counts(young: Features, mentors: Features, field: str, exclude: Iterable[str] = (),
                  cap: float | None = None) -> np.ndarray:
    """R×V float32: how many terms of ``field`` (``"languages"`` or ``"interests"``) each young person
    shares with each mentor, leaving out the terms in ``exclude``, at most ``cap``. One sparse product
    over the terms both sides have (the shared vocabulary): young (R×K) @ mentors (K×V); the cap is
    applied before the result is made dense."""
    if field not in TERM_FIELDS:
        raise ValueError(f"shared_counts: unknown field {field!r}")
    young_vocabulary, young_matrix = young.incidence(field)
    mentor_vocabulary, mentor_matrix = mentors.incidence(field)
    skip = {normalise_term(t) for t in exclude}
    common = [term for term in young_vocabulary if term in mentor_vocabulary and term not in skip]
    if not common:
        return np.zeros((len(young), len(mentors)), dtype=np.float32)
    left = young_matrix[:, [young_vocabulary[t] for t in common]]
    right = mentor_matrix[:, [mentor_vocabulary[t] for t in common]]
    product = left.tocsr() @ right.T.tocsc()
    if cap is not None:
        product.data = np.minimum(product.data, cap)
    return product.toarray()


def _distinct_values(column: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(distinct values, index of each row's value)``; numbers through ``np.unique`` (all NaNs are
    one value), other values (strings, ``None``) through a dict."""
    if column.dtype != object:
        return np.unique(column, return_inverse=True)
    index: dict = {}
    inverse = np.fromiter((index.setdefault(v, len(index)) for v in column), dtype=np.int64, count=len(column))
    values = np.empty(len(index), dtype=object)
    values[:] = list(index)
    return values, inverse


def pairwise(young: Features, mentors: Features, column: str, function, mentor_column: str | None = None) -> np.ndarray:
    """R×V float32 ``function(young value, mentor value)`` of a column (``"age"``, ``"postcode_number"``,
    ``"gender"``, an extra column ...; the mentors' ``mentor_column`` if it differs) for every pair,
    computed on the small grid of distinct values only (ages, postcodes and genders repeat) and
    spread to every pair with one gather. ``function`` gets a column (d×1) and a row (1×e) of
    distinct values and returns d×e."""
    young_values, young_index = young.distinct(column)
    mentor_values, mentor_index = mentors.distinct(mentor_column or column)
    grid = np.asarray(function(young_values[:, None], mentor_values[None, :]), dtype=np.float32)
    grid = np.broadcast_to(grid, (len(young_values), len(mentor_values)))
    return np.take(grid[young_index], mentor_index, axis=1)


def pairwise_distance(young: Features, mentors: Features, column: str) -> np.ndarray:
    """R×V float32 ``|young - mentor|`` of a numeric column (``NaN`` where either is unknown)."""
    return pairwise(young, mentors, column, lambda a, b: np.abs(a - b))


# ---- the engine -------------------------------------------------------------------------------------

def gather_criteria() -> list:
    """The scoring criteria of the current tenant's enabled plugins and the defaults, gathered once
    (``mentorkorps_scoring_criteria``), in hook order: a municipality's, then reusable plugins',
    then the built-in defaults'."""
    from core.hooks import current_hooks

    return [criterion for batch in current_hooks().mentorkorps_scoring_criteria() for criterion in (batch or [])]


def unique_criteria(criteria: Iterable) -> list:
    """The criteria with the first one of each key kept (the later ones, e.g. a default replaced by
    a plugin's criterion with the same key, are dropped)."""
    seen, kept = set(), []
    for criterion in criteria:
        if criterion.key not in seen:
            seen.add(criterion.key)
            kept.append(criterion)
    return kept


def _matrix(value, shape, what: str, dtype) -> np.ndarray:
    array = np.asarray(value, dtype=dtype)
    if array.shape != shape:
        try:
            array = np.broadcast_to(array, shape)
        except ValueError:
            raise ValueError(f"scoring: {what} returned shape {array.shape}, not {shape}") from None
    return array


class Scoring:
    """The result of one scoring run of R young people against V mentors.

    - ``total`` — R×V float32: the sum of the weighted parts; ``-inf`` for a blocked pair;
    - ``parts`` — ``{criterion key: R×V float32}``, each the criterion's points times its weight;
    - ``blocked`` — R×V bool: pairs a criterion blocked, and every mentor without free capacity;
    - ``young``, ``mentors``, ``criteria`` — what was scored, and with what.

    ``total, parts = score(...)`` unpacks it.
    """

    def __init__(self, young: Features, mentors: Features, criteria: list, total: np.ndarray,
                 parts: dict[str, np.ndarray], blocked: np.ndarray):
        self.young, self.mentors, self.criteria = young, mentors, criteria
        self.total, self.parts, self.blocked = total, parts, blocked

    def __iter__(self):
        yield self.total
        yield self.parts

    def explain(self, young_index: int, mentor_index: int) -> list[dict]:
        """The parts of one pair's score, in words, for a candidate that is shown: a list of
        ``{"key", "label", "points", "reason"}``, one per criterion that gave points or a reason, in
        criterion order. ``reason`` is the criterion's ``explain(young_row, mentor_row, points)``
        (a lazy string or ``None``); ``points`` is rounded to 3 decimals."""
        young_row, mentor_row = self.young.row(young_index), self.mentors.row(mentor_index)
        explained = []
        for criterion in self.criteria:
            points = float(self.parts[criterion.key][young_index, mentor_index])
            reason = criterion.explain(young_row, mentor_row, points) if criterion.explain else None
            if points or reason is not None:
                explained.append({"key": criterion.key, "label": criterion.label,
                                  "points": round(points, 3), "reason": reason})
        return explained

    def ranked(self, young_index: int, limit: int | None = None) -> list[tuple[int, float]]:
        """The mentors of one young person that are not blocked, as ``(mentor index, total)``,
        best first; equal totals by the volunteer's id."""
        row = self.total[young_index]
        order = np.lexsort((self.mentors.ids, -row))
        allowed = order[np.isfinite(row[order])]
        if limit is not None:
            allowed = allowed[:limit]
        return [(int(j), float(row[j])) for j in allowed]


def score(young: Features, mentors: Features, criteria: Iterable | None = None) -> Scoring:
    """Score every young person against every mentor.

    :param young: the young people's :class:`Features` (R rows).
    :param mentors: the mentors' :class:`Features` (V rows). A mentor whose ``free_capacity`` is 0 or
        less is blocked for everyone.
    :param criteria: :class:`core.hooks.types.ScoringCriterion` objects; by default those of the
        current tenant (:func:`gather_criteria`). Each criterion's ``score`` is called once for the
        whole matrix; the first criterion of each key counts.
    :return: a :class:`Scoring` (``total, parts = score(...)``); the matrices are float32.
    """
    criteria = unique_criteria(gather_criteria() if criteria is None else criteria)
    shape = (len(young), len(mentors))
    total = np.zeros(shape, dtype=np.float32)
    blocked = np.zeros(shape, dtype=bool)
    parts: dict[str, np.ndarray] = {}
    for criterion in criteria:
        points = _matrix(criterion.score(young, mentors), shape, f"criterion {criterion.key!r}", np.float32)
        if criterion.weight == 1 and points.flags.owndata and points.flags.writeable:
            part = points  # a fresh array of the criterion's: no copy
        else:
            part = np.multiply(points, np.float32(criterion.weight), dtype=np.float32)
        if not np.isfinite(part.sum()):  # one reduction; the rare NaNs are then looked for
            np.nan_to_num(part, copy=False, nan=0.0, posinf=np.inf, neginf=-np.inf)
        parts[criterion.key] = part
        total += part
        if criterion.blocks is not None:
            blocked |= _matrix(criterion.blocks(young, mentors), shape, f"criterion {criterion.key!r} blocks", bool)
    if mentors.free_capacity is not None and len(mentors) and mentors.free_capacity.min() <= 0:
        blocked[:, mentors.free_capacity <= 0] = True
    np.copyto(total, -np.inf, where=blocked)
    return Scoring(young, mentors, criteria, total, parts, blocked)


# ---- loading the features from the database ---------------------------------------------------------

def _ids_and_filter(items, column) -> tuple[list[int], Any]:
    """The ids in order, and the WHERE criterion on ``column`` that selects them. ``items`` is a list of
    objects or ids, or a select of ids (run once here for the order). On PostgreSQL the ids go as
    one array parameter (``= ANY(:ids)``, hashed by the planner); elsewhere as an IN list. Not as a
    subquery: without statistics, under row-level security, PostgreSQL ran one once per row."""
    from sqlalchemy import Integer, any_, bindparam
    from sqlalchemy.dialects.postgresql import ARRAY
    from sqlalchemy.sql import Select

    from core.extensions import db

    if isinstance(items, Select):
        ids = list(db.session.scalars(items))
    else:
        ids = [int(getattr(item, "id", item)) for item in items]
    if db.session.get_bind().dialect.name == "postgresql":
        return ids, column == any_(bindparam("wanted_ids", ids, type_=ARRAY(Integer)))
    return ids, column.in_(ids)


def _json_text(column):
    """A JSON column read as its text where the driver gives text (SQLite), decoded by :func:`_terms`
    once per distinct text instead of once per row (a driver that decodes JSON itself gives lists)."""
    from sqlalchemy import Text, type_coerce

    return type_coerce(column, Text)


def young_features(referrals, on: date | None = None) -> Features:
    """The features of the young people of ``referrals`` — Referral objects or ids in the order the
    rows should have, or a select of referral ids (e.g. the accepted ones by referral date) — from
    Referral and Citizen in two queries (three with a select), in the current tenant. Ages are on ``on``
    (default today). Ids of no referral of the tenant are left out."""
    from sqlalchemy import select

    from core.extensions import db
    from core.referrals.models import Citizen, Referral

    on = on or date.today()
    ids, wanted = _ids_and_filter(referrals, Referral.id)
    citizen_of, citizens = {}, {}
    if ids:
        # Two plain look-ups rather than a join: a join's plan depended on PostgreSQL's statistics
        # (a nested loop over every citizen per referral right after a bulk load).
        citizen_of = dict(db.session.execute(select(Referral.id, Referral.citizen_id).where(wanted)).all())
        _, wanted_citizens = _ids_and_filter(sorted(set(citizen_of.values())), Citizen.id)
        statement = select(Citizen.id, Citizen.birth_date, Citizen.gender, Citizen.postcode,
                           _json_text(Citizen.languages), _json_text(Citizen.interests),
                           Citizen.mentor_gender_wish).where(wanted_citizens)
        citizens = {row[0]: row for row in db.session.execute(statement)}
    ordered = [(i, citizens[citizen_of[i]]) for i in ids if i in citizen_of and citizen_of[i] in citizens]
    return Features([i for i, _ in ordered], age=[age_in_years(r[1], on) for _, r in ordered],
                    gender=[r[2] for _, r in ordered], postcode=[r[3] for _, r in ordered],
                    languages=[r[4] for _, r in ordered], interests=[r[5] for _, r in ordered],
                    gender_wish=[r[6] for _, r in ordered])


def taken_places() -> dict[int, int]:
    """``{volunteer id: places taken}`` in the current tenant, in two queries: chosen and active
    matches, and candidacies in proposals still open (a volunteer proposed elsewhere is taken until
    that proposal is settled). Counted for the whole tenant: open matches are few beside volunteers."""
    from sqlalchemy import func, select

    from core.extensions import db
    from core.matching.models import OCCUPYING_STATUSES, Match, MatchCandidate

    taken: dict[int, int] = {}
    occupying = (select(Match.volunteer_id, func.count(Match.id))
                 .where(Match.status.in_(OCCUPYING_STATUSES), Match.volunteer_id.is_not(None))
                 .group_by(Match.volunteer_id))
    proposed = (select(MatchCandidate.volunteer_id, func.count(MatchCandidate.id))
                .join(Match, Match.id == MatchCandidate.match_id).where(Match.status == "proposed")
                .group_by(MatchCandidate.volunteer_id))
    for statement in (occupying, proposed):
        for volunteer_id, count in db.session.execute(statement):
            taken[volunteer_id] = taken.get(volunteer_id, 0) + count
    return taken


def _capacity_limit() -> int:
    """The tenant's limit of young people per mentor, as :func:`core.settings.capacity_limit` reads
    it (asked here through the hook itself: this module imports no service module)."""
    from core.hooks import current_hooks

    return max(int(current_hooks().mentorkorps_capacity_limit()), 1)


def mentor_features(volunteers, on: date | None = None) -> Features:
    """The features of ``volunteers`` — Volunteer objects or ids in the order the rows should have, or
    a select of volunteer ids — in the current tenant, with three queries (four with a select): the
    volunteers' columns and :func:`taken_places`. ``free_capacity`` = the mentor's places − places
    taken, where the places are ``min(capacity, the tenant's limit)`` (the hook
    ``mentorkorps_capacity_limit``, read from the relay's cache: no query), so a limit lowered after
    a mentor was registered with more holds at once. Eligibility (status, course, screening,
    plugins) is not checked here: pass eligible volunteers only. Ids of no volunteer of the tenant
    are left out."""
    from sqlalchemy import select

    from core.extensions import db
    from core.volunteers.models import Volunteer

    on = on or date.today()
    ids, wanted = _ids_and_filter(volunteers, Volunteer.id)
    rows, taken = {}, {}
    if ids:
        statement = select(Volunteer.id, Volunteer.birth_date, Volunteer.gender, Volunteer.postcode,
                           _json_text(Volunteer.languages), _json_text(Volunteer.interests),
                           Volunteer.capacity).where(wanted)
        rows = {row[0]: row for row in db.session.execute(statement)}
        taken = taken_places()
    ordered = [rows[i] for i in ids if i in rows]
    limit = _capacity_limit() if ordered else 0
    return Features([r[0] for r in ordered], age=[age_in_years(r[1], on) for r in ordered],
                    gender=[r[2] for r in ordered], postcode=[r[3] for r in ordered],
                    languages=[r[4] for r in ordered], interests=[r[5] for r in ordered],
                    free_capacity=[min(r[6] or 0, limit) - taken.get(r[0], 0) for r in ordered])
