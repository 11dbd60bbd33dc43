"""The vectorised scoring engine (core.matching.scoring), the default criteria (core.matching.criteria)
and the batch assignment across the waiting list (core.matching.assignment).

The engine's and the assignment's results are checked against hand-computed cases and against
brute force (set intersections pair by pair, every possible assignment) on small random instances.
"""
from __future__ import annotations

import itertools
import random
from datetime import date

import numpy as np
import pytest

from core.hooks.types import ScoringCriterion
from core.matching import criteria as defaults
from core.matching.assignment import assign
from core.matching.scoring import Features, age_in_years, postcode_number, score, shared_counts


def fixed(matrix, key="fixed", blocks=None):
    """A criterion that gives the points of ``matrix`` (and blocks the pairs of ``blocks``)."""
    matrix = np.asarray(matrix, dtype=float)
    return ScoringCriterion(key, key, lambda young, mentors: matrix, None,
                            blocks=None if blocks is None else (lambda young, mentors: np.asarray(blocks, bool)))


def people(n, start=1, **columns):
    return Features(list(range(start, start + n)), **columns)


def scored(matrix, free=None, blocks=None, mentor_ids=None):
    matrix = np.asarray(matrix, dtype=float)
    rows, columns = matrix.shape
    mentors = Features(mentor_ids or list(range(101, 101 + columns)), free_capacity=free)
    return score(people(rows), mentors, [fixed(matrix, blocks=blocks)])


def offered(batch):
    """``{referral id: [volunteer ids, best first]}``."""
    return {s.referral_id: [c.volunteer_id for c in s.candidates] for s in batch.suggestions}


# ---- features ---------------------------------------------------------------------------------------

def test_features_columns_ages_and_postcodes():
    assert age_in_years(date(2000, 6, 15), date(2026, 6, 14)) == 25
    assert age_in_years(date(2000, 6, 15), date(2026, 6, 15)) == 26
    assert np.isnan(age_in_years(None, date(2026, 1, 1)))
    assert postcode_number(" 5500 ") == 5500 and np.isnan(postcode_number("DK-5500")) and np.isnan(postcode_number(None))
    features = Features([4, 9], age=[20, None], postcode=["5500", None], interests=[["Fodbold", " fodbold ", "Musik"], None])
    assert features.interests == [("Fodbold", "Musik"), ()]  # one term per normalised spelling, own spelling kept
    row = features.row(1)
    assert (row.id, row.age, row.postcode_number, row.interests) == (9, None, None, ())
    assert features.index_of(9) == 1
    with pytest.raises(ValueError):
        Features([1, 2], interests=[["a"]])


def test_shared_counts_equal_the_pairwise_set_intersections():
    rng = random.Random(5)
    vocabulary = ["football", "Music", "chess", "cooking", "dansk", "arabisk", "Fishing", "urdu"]

    def terms():
        return [rng.choice([t, t.upper(), f" {t} "]) for t in rng.sample(vocabulary, rng.randint(0, 4))]

    young = Features(range(30), interests=[terms() for _ in range(30)])
    mentors = Features(range(50), interests=[terms() for _ in range(50)])
    counts = shared_counts(young, mentors, "interests")
    without = shared_counts(young, mentors, "interests", exclude=["DANSK", "chess"])
    capped = shared_counts(young, mentors, "interests", cap=1)
    for i, j in itertools.product(range(30), range(50)):
        mine = {t.strip().casefold() for t in young.interests[i]}
        theirs = {t.strip().casefold() for t in mentors.interests[j]}
        assert counts[i, j] == len(mine & theirs)
        assert without[i, j] == len(mine & theirs - {"dansk", "chess"})
        assert capped[i, j] == min(len(mine & theirs), 1)
    assert counts.shape == (30, 50) and counts.sum() > 0


# ---- the default criteria, by hand ------------------------------------------------------------------

@pytest.fixture
def pair():
    """One young person and three mentors, with every default criterion's points worked out below."""
    young = Features([11], age=[20], gender=["male"], postcode=["5500"], languages=[["dansk", "arabisk"]],
                     interests=[["football", "music"]], gender_wish=["female"])
    mentors = Features([1, 2, 3], age=[25, 55, None], gender=["female", "male", None],
                       postcode=["5500", "5510", None], languages=[["Arabisk"], ["dansk"], []],
                       interests=[["Music"], ["FOOTBALL", "music", "chess"], []], free_capacity=[1, 2, 1])
    return young, mentors


def test_default_criteria_points(pair):
    scoring = score(*pair, defaults.default_criteria())
    parts = {key: part[0].tolist() for key, part in scoring.parts.items()}
    assert parts == {
        "interests": [1, 2, 0],      # music; football and music; nothing
        "languages": [1, 0, 0],      # Arabic; Danish does not count
        "nearby": [1, 0.5, 0],       # same postcode; 10 apart; unknown
        "age_gap": [0, pytest.approx(-0.75), 0],  # 5 years; 35 years: (35 - 20) * 0.05; unknown age
        "gender_wish": [1, 0, 0],    # wished for a woman
    }
    assert scoring.total[0].tolist() == pytest.approx([4, 1.75, 0])
    assert [j for j, _ in scoring.ranked(0)] == [0, 1, 2]


@pytest.fixture
def in_english(app):
    """The reasons are lazy strings: read them in English, as an English-speaking coordinator would."""
    from flask_babel import force_locale

    with app.test_request_context("/"), force_locale("en"):
        yield


def test_explain_words_the_parts_of_the_pair_shown(app, pair, in_english):
    scoring = score(*pair, defaults.default_criteria())
    reasons = {part["key"]: (part["points"], str(part["reason"])) for part in scoring.explain(0, 0)}
    assert reasons == {"interests": (1.0, "Shares an interest in music"), "languages": (1.0, "Speaks arabisk"),
                       "nearby": (1.0, "Lives in the same postcode area (5500)"),
                       "gender_wish": (1.0, "Is a woman, as the young person wished")}
    reasons = {part["key"]: (part["points"], str(part["reason"])) for part in scoring.explain(0, 1)}
    assert reasons == {"interests": (2.0, "Shares an interest in football, music"),
                       "nearby": (0.5, "Lives nearby (postcodes 5500 and 5510)"),
                       "age_gap": (-0.75, "Age gap of 35 years")}
    assert scoring.explain(0, 2) == []  # nothing known, nothing said


def test_the_gender_wish_is_a_bonus_never_a_requirement(pair):
    young, mentors = pair
    scoring = score(young, mentors, defaults.default_criteria())
    assert not scoring.blocked.any()
    # The man (index 1) is still a candidate, and ahead of the woman when he has more in common.
    heavier = [ScoringCriterion("interests", "x", lambda y, m: 5 * shared_counts(y, m, "interests"), None),
               *defaults.default_criteria()]
    assert [j for j, _ in score(young, mentors, heavier).ranked(0)] == [1, 0, 2]


def test_explain_is_called_only_for_the_pairs_shown():
    calls = []
    criterion = ScoringCriterion("k", "k", lambda y, m: np.ones((len(y), len(m))),
                                 lambda y, m, points: calls.append((y.id, m.id, points)) or "why")
    scoring = score(people(40), people(60, start=100), [criterion])
    assert calls == []
    assert scoring.explain(3, 7) == [{"key": "k", "label": "k", "points": 1.0, "reason": "why"}]
    assert calls == [(4, 107, 1.0)]


# ---- the engine -------------------------------------------------------------------------------------

def test_weights_multiply_and_the_first_criterion_of_a_key_counts():
    young, mentors = people(2), people(3, start=10)
    a = np.array([[1, 2, 3], [4, 5, 6]])
    b = np.array([[1, 0, 0], [0, 0, 1]])
    first = ScoringCriterion("a", "A", lambda y, m: a, None, weight=2.0)
    replaced = ScoringCriterion("a", "A again", lambda y, m: np.full((2, 3), 100), None)
    other = ScoringCriterion("b", "B", lambda y, m: b, None, weight=-0.5)
    total, parts = score(young, mentors, [first, other, replaced])
    assert list(parts) == ["a", "b"]
    assert parts["a"].tolist() == (2 * a).tolist()
    assert total.tolist() == (2 * a - 0.5 * b).tolist()


def test_blocked_pairs_and_mentors_without_free_capacity_are_minus_infinity():
    young, mentors = people(2), Features([10, 11, 12], free_capacity=[1, 0, 3])
    blocks = np.array([[False, False, True], [False, False, False]])
    scoring = score(young, mentors, [fixed(np.ones((2, 3)), blocks=blocks)])
    assert scoring.blocked.tolist() == [[False, True, True], [False, True, False]]
    assert scoring.total.tolist() == [[1, -np.inf, -np.inf], [1, -np.inf, 1]]
    assert [j for j, _ in scoring.ranked(0)] == [0]
    assert [j for j, _ in scoring.ranked(1)] == [0, 2]


def test_unknown_points_count_as_zero_and_a_wrong_shape_is_refused():
    young, mentors = people(1), people(2, start=5)
    total, parts = score(young, mentors, [fixed([[np.nan, 2.0]])])
    assert total.tolist() == [[0.0, 2.0]]
    row = ScoringCriterion("row", "r", lambda y, m: np.array([1.0, 3.0]), None)  # broadcasts over the rows
    assert score(young, mentors, [row]).total.tolist() == [[1.0, 3.0]]
    wrong = ScoringCriterion("wrong", "w", lambda y, m: np.ones((3, 3)), None)
    with pytest.raises(ValueError, match="'wrong'"):
        score(young, mentors, [wrong])


def test_ranked_breaks_equal_totals_by_the_volunteer_id():
    scoring = scored([[1, 2, 2, 1]], mentor_ids=[40, 30, 20, 10])
    assert [scoring.mentors.ids[j] for j, _ in scoring.ranked(0)] == [20, 30, 10, 40]
    assert len(scoring.ranked(0, limit=2)) == 2


# ---- the batch suggestion ---------------------------------------------------------------------------

def test_a_scarce_mentor_goes_to_the_young_person_where_it_adds_most():
    # Row by row, young person 1 would take mentor 101 (10) and leave 102 (1) for young person 2:
    # 11 in all. The batch gives 101 to young person 2 and 102 to young person 1: 9 + 8 = 17.
    batch = assign(scored([[10, 9], [8, 1]], free=[1, 1]))
    assert offered(batch) == {1: [102], 2: [101]}


def test_a_mentor_with_capacity_two_is_offered_twice_at_most():
    batch = assign(scored([[10, 1], [10, 2], [10, 3]], free=[2, 5]))
    given = [v for vs in offered(batch).values() for v in vs]
    assert given.count(101) == 2 and given.count(102) == 1
    # 102 goes to the one who loses least by taking it: 3 points there (10 + 10 + 3 = 23)
    assert offered(batch) == {1: [101], 2: [101], 3: [102]}


def test_two_candidates_each_are_two_distinct_mentors():
    # Mentor 101 has two places and the best score, but one young person gets it once.
    batch = assign(scored([[10, 1, 0]], free=[2, 1, 1]), slots=2)
    assert offered(batch) == {1: [101, 102]}
    batch = assign(scored([[10, 1, 0], [9, 0, 5]], free=[2, 1, 1]), slots=2)
    assert offered(batch) == {1: [101, 102], 2: [101, 103]}
    assert all(s.missing == 0 for s in batch.suggestions)


def test_blocked_pairs_are_never_offered_even_if_someone_goes_without():
    blocks = [[False, True], [True, True]]
    batch = assign(scored([[1, 100], [50, 50]], free=[1, 1], blocks=blocks), slots=2)
    assert offered(batch) == {1: [101], 2: []}
    assert [s.missing for s in batch.suggestions] == [1, 2]
    assert [s.referral_id for s in batch.without_candidate] == [2]


def test_more_young_people_than_places_leaves_the_lowest_scoring_without():
    batch = assign(scored([[3, 3], [1, 2], [5, 4]], free=[1, 1]))
    assert offered(batch) == {1: [102], 2: [], 3: [101]}
    assert [s.missing for s in batch.suggestions] == [0, 1, 0]


def test_as_many_young_people_as_possible_get_a_candidate_before_the_scores_count():
    # Young person 1 would score 10 with mentor 101, but young person 2 can have no one else; so 1
    # gets 102 (-5 points) and 2 gets 101, rather than a higher total with 2 going without.
    batch = assign(scored([[10, -5], [0, 0]], free=[1, 1], blocks=[[False, False], [False, True]]))
    assert offered(batch) == {1: [102], 2: [101]}


def test_a_negative_total_is_still_a_candidate_when_nothing_better_is_left():
    batch = assign(scored([[-2.0]], free=[1]))
    assert offered(batch) == {1: [101]}


def test_ties_are_broken_deterministically_by_waiting_order_and_volunteer_id():
    # Equal scores everywhere: the first young person in the order gets the one place...
    assert offered(assign(scored([[4], [4], [4]], free=[1]))) == {1: [101], 2: [], 3: []}
    # ...and the mentor with the lower volunteer id, whatever the column order.
    batch = assign(scored([[4, 4, 4]], free=[1, 1, 1], mentor_ids=[30, 10, 20]))
    assert offered(batch) == {1: [10]}
    assert offered(assign(scored([[4, 4, 4]], free=[1, 1, 1], mentor_ids=[30, 10, 20]))) == offered(batch)


def _brute_force(matrix, free):
    """The best (most young people with a candidate, then the highest total) of every way to give
    each young person at most one mentor within the mentors' places."""
    rows, columns = len(matrix), len(matrix[0])
    best = None
    for choice in itertools.product([None, *range(columns)], repeat=rows):
        if any(j is not None and not np.isfinite(matrix[i][j]) for i, j in enumerate(choice)):
            continue
        if any(choice.count(j) > free[j] for j in range(columns)):
            continue
        key = (sum(j is not None for j in choice), round(sum(matrix[i][j] for i, j in enumerate(choice) if j is not None), 6))
        if best is None or key > best:
            best = key
    return best


def test_one_candidate_each_is_the_exact_optimum_on_random_instances():
    rng = random.Random(11)
    for _ in range(60):
        rows, columns = rng.randint(1, 4), rng.randint(1, 4)
        matrix = [[rng.choice([-1, 0, 1, 2, 3, 5]) for _ in range(columns)] for _ in range(rows)]
        blocks = [[rng.random() < 0.2 for _ in range(columns)] for _ in range(rows)]
        free = [rng.randint(0, 2) for _ in range(columns)]
        batch = assign(scored(matrix, free=free, blocks=blocks))
        blocked_matrix = [[-np.inf if blocks[i][j] or free[j] == 0 else matrix[i][j] for j in range(columns)]
                          for i in range(rows)]
        got = [(s.young_index, c.mentor_index) for s in batch.suggestions for c in s.candidates]
        assert (len(got), round(sum(matrix[i][j] for i, j in got), 6)) == _brute_force(blocked_matrix, free)


def test_a_large_batch_keeps_every_rule():
    rng = np.random.default_rng(3)
    matrix = rng.integers(-2, 6, size=(60, 40)).astype(float)
    blocks = rng.random((60, 40)) < 0.1
    free = rng.integers(0, 3, size=40)
    batch = assign(scored(matrix, free=free.tolist(), blocks=blocks), slots=2)
    counts = np.zeros(40, dtype=int)
    for suggestion in batch.suggestions:
        mentors = [c.mentor_index for c in suggestion.candidates]
        assert len(set(mentors)) == len(mentors) <= 2
        assert suggestion.missing == 2 - len(mentors)
        for j in mentors:
            assert not blocks[suggestion.young_index, j]
            counts[j] += 1
        assert [c.score for c in suggestion.candidates] == sorted((c.score for c in suggestion.candidates), reverse=True)
    assert (counts <= free).all()
    # Nobody is left short while an allowed mentor still has a place for them.
    for suggestion in batch.suggestions:
        if suggestion.missing:
            given = {c.mentor_index for c in suggestion.candidates}
            assert all(blocks[suggestion.young_index, j] or j in given or counts[j] >= free[j] for j in range(40))
    assert counts.sum() == free.sum()  # 120 slots wanted: every place is used


# ---- features from the database ---------------------------------------------------------------------

ON = date(2026, 6, 1)


def _volunteer(name, **fields):
    from core.volunteers.models import Volunteer

    return Volunteer(name=name, status=fields.pop("status", "active"), status_since=ON, recruited_on=ON, **fields)


def _referral(name, referred_on=ON, status="accepted", **citizen):
    from core.referrals.models import Citizen, Referral

    return Referral(citizen=Citizen(name=name, **citizen), referred_on=referred_on, source="jobcenter",
                    situation="cash_benefit", status=status, consent_given_on=ON, consent_text_version="core-1")


def _people_of(tenant, volunteers=3):
    """``(referral ids, volunteer ids)`` of ``tenant``: two young people, ``volunteers`` volunteers of
    capacity 1 besides four whose places are partly taken, and matches in every status."""
    from core.extensions import db
    from core.matching.models import Match, MatchCandidate
    from core.tenancy import tenant_context

    with tenant_context(tenant):
        young = [_referral("Amal Ung", birth_date=date(2006, 6, 2), gender="female", postcode="5500",
                           languages=["dansk", "arabisk"], interests=["Football", "music"], mentor_gender_wish="female"),
                 _referral("Bo Ung", birth_date=date(2000, 1, 1), postcode="x", interests=None)]
        taken = {"two places, one active": _volunteer("Vera", capacity=2, gender="female", birth_date=date(1980, 6, 1),
                                                      postcode="5510", languages=["Arabisk"], interests=["football"]),
                 "proposed elsewhere": _volunteer("Per", capacity=1, gender="male"),
                 "ended and cancelled only": _volunteer("Eva", capacity=1, gender="female"),
                 "three places, one chosen": _volunteer("Ole", capacity=3, gender="male")}
        plain = [_volunteer(f"Frivillig {n}", capacity=1) for n in range(volunteers)]
        others = [_referral(f"Andet Ung {n}", status="matched") for n in range(5)]
        db.session.add_all([*young, *taken.values(), *plain, *others])
        db.session.flush()

        other_referrals = iter(others)

        def match(status, volunteer=None, candidates=()):
            row = Match(referral_id=next(other_referrals).id, volunteer_id=volunteer.id if volunteer else None,
                        status=status, proposed_on=ON)
            row.candidates = [MatchCandidate(volunteer_id=v.id, rank=n) for n, v in enumerate(candidates, 1)]
            db.session.add(row)

        match("active", taken["two places, one active"])
        match("proposed", candidates=[taken["proposed elsewhere"]])
        match("ended", taken["ended and cancelled only"])
        match("cancelled", candidates=[taken["ended and cancelled only"]])
        match("chosen", taken["three places, one chosen"], candidates=[taken["three places, one chosen"]])
        db.session.commit()
        return [r.id for r in young], [v.id for v in (*taken.values(), *plain)]


def _warm_the_relay():
    """The tenant's hook relay is loaded once per tenant and enablement version (a request has it
    already); mentor_features asks it for the capacity limit (mentorkorps_capacity_limit)."""
    from core.hooks import current_hooks

    current_hooks().mentorkorps_capacity_limit()


def test_features_load_from_the_database_in_the_tenant_with_a_fixed_number_of_queries(db, tenant_factory, count_queries):
    from core.matching.scoring import mentor_features, young_features
    from core.tenancy import tenant_context

    tenant, other = tenant_factory("testby"), tenant_factory("andenby")
    foreign_referrals, foreign_volunteers = _people_of(other, volunteers=1)
    referral_ids, volunteer_ids = _people_of(tenant, volunteers=3)
    with tenant_context(tenant):
        _warm_the_relay()
        with count_queries() as queries:
            young = young_features([referral_ids[1], referral_ids[0], *foreign_referrals], ON)
        assert len(queries) == 2
        assert young.ids.tolist() == [referral_ids[1], referral_ids[0]]  # as asked; another tenant's left out
        assert young.age.tolist() == [26, 19]  # 20 years on 2026-06-02, so 19 on 2026-06-01
        assert np.isnan(young.postcode_number[0]) and young.postcode_number[1] == 5500
        assert young.interests == [(), ("Football", "music")] and young.languages[1] == ("dansk", "arabisk")
        assert young.gender_wish.tolist() == [None, "female"] and young.free_capacity is None

        with count_queries() as queries:
            mentors = mentor_features(volunteer_ids + foreign_volunteers, ON)
        assert len(queries) == 3
        assert mentors.ids.tolist() == volunteer_ids
        assert mentors.free_capacity.tolist() == [1, 0, 1, 2, 1, 1, 1]
        assert mentors.age[0] == 46 and np.isnan(mentors.age[1])

    many_referrals, many_volunteers = _people_of(tenant, volunteers=40)
    with tenant_context(tenant):
        _warm_the_relay()
        with count_queries() as queries:
            assert len(young_features(many_referrals + referral_ids, ON)) == 4
            assert len(mentor_features(many_volunteers + volunteer_ids, ON)) == 44 + 7
        assert len(queries) == 2 + 3


def test_features_from_a_select_keep_its_order(db, tenant_factory, count_queries):
    from sqlalchemy import select

    from core.matching.scoring import mentor_features, young_features
    from core.referrals.models import Referral
    from core.tenancy import tenant_context
    from core.volunteers.models import Volunteer

    tenant = tenant_factory("testby")
    referral_ids, volunteer_ids = _people_of(tenant, volunteers=3)
    with tenant_context(tenant):
        _warm_the_relay()
        with count_queries() as queries:
            young = young_features(select(Referral.id).where(Referral.status == "accepted").order_by(Referral.id.desc()))
            mentors = mentor_features(select(Volunteer.id).where(Volunteer.capacity == 1).order_by(Volunteer.id.desc()))
        assert len(queries) == 3 + 4  # the selects are run once each for the ids
        assert young.ids.tolist() == sorted(referral_ids, reverse=True)
        assert mentors.ids.tolist() == sorted([volunteer_ids[i] for i in (1, 2, 4, 5, 6)], reverse=True)


def test_suggest_for_the_waiting_list_from_the_database(app, db, tenant_factory, in_english):
    from core.matching.assignment import suggest
    from core.tenancy import tenant_context

    tenant = tenant_factory("testby")
    referral_ids, volunteer_ids = _people_of(tenant, volunteers=3)
    with tenant_context(tenant):
        batch = suggest(referral_ids, volunteer_ids, on=ON)  # the tenant's criteria and candidate count (1)
        assert batch.slots == 1
        amal = batch.suggestions[0]
        # Vera: football, Arabic, a nearby postcode and the gender wished for; the others share nothing.
        assert [c.volunteer_id for c in amal.candidates] == [volunteer_ids[0]]
        reasons = [str(part["reason"]) for part in batch.explain(amal, amal.candidates[0])]
        assert reasons == ["Shares an interest in Football", "Speaks arabisk", "Lives nearby (postcodes 5500 and 5510)",
                           "Age gap of 27 years", "Is a woman, as the young person wished"]
        offered = [c.volunteer_id for s in batch.suggestions for c in s.candidates]
        assert volunteer_ids[1] not in offered  # proposed elsewhere: no free place
        assert len(offered) == 2 and len(set(offered)) == 2
