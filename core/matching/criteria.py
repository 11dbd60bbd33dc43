"""The built-in scoring criteria, registered by the defaults plugin (``mentorkorps_scoring_criteria``,
``trylast``). Small weights, so that a plugin's criteria count for more; each is one vectorised
matrix for all pairs and explains one pair in words.

=================  ======================================================  =========================
key                points (before the weight of 1.0)                       reason shown
=================  ======================================================  =========================
``interests``      1 per shared interest, at most 3                        shares an interest in …
``languages``      1 per shared language other than Danish, at most 2      speaks …
``nearby``         1 for the same postcode, 0.5 for a postcode at most     the same postcode area /
                   10 apart (a rough proxy for distance, see below)        nearby
``age_gap``        0 up to 20 years apart, then −0.05 a year, at most −1   age gap of N years
``gender_wish``    1 when the mentor has the gender the young person       as the young person wished
                   wished for; a bonus, never a requirement
=================  ======================================================  =========================

Postcodes are compared as numbers: two postcodes at most ``NEARBY_POSTCODES`` apart are usually
neighbouring towns in Denmark, but not always, and a town's postcodes can be far apart as numbers.
It is a proxy until real distances exist. Unknown values (no birth date, no postcode) give 0 points.

A plugin replaces one of these by returning a criterion with the same key (the first of a key
wins), e.g. ``ScoringCriterion("age_gap", ..., weight=0)`` to ignore age gaps.
"""
from __future__ import annotations

import numpy as np
from flask_babel import lazy_gettext as _l

from core.hooks.types import ScoringCriterion
from core.matching.scoring import Features, Person, pairwise, shared_counts

DANISH = frozenset({"dansk", "danish", "da"})
MAX_SHARED_INTERESTS = 3
MAX_SHARED_LANGUAGES = 2
NEARBY_POSTCODES = 10
AGE_GAP_FREE_YEARS = 20
AGE_GAP_POINTS_PER_YEAR = 0.05


def _names(terms: list[str]) -> str:
    return ", ".join(terms)


# ---- shared interests -------------------------------------------------------------------------------

def interests_score(young: Features, mentors: Features) -> np.ndarray:
    return shared_counts(young, mentors, "interests", cap=MAX_SHARED_INTERESTS)


def interests_explain(young: Person, mentor: Person, points: float):
    shared = young.shared(mentor, "interests")
    return _l("Shares an interest in %(interests)s", interests=_names(shared)) if shared else None


# ---- shared languages other than Danish -------------------------------------------------------------

def languages_score(young: Features, mentors: Features) -> np.ndarray:
    return shared_counts(young, mentors, "languages", exclude=DANISH, cap=MAX_SHARED_LANGUAGES)


def languages_explain(young: Person, mentor: Person, points: float):
    shared = young.shared(mentor, "languages", exclude=DANISH)
    return _l("Speaks %(languages)s", languages=_names(shared)) if shared else None


# ---- the same or a nearby postcode ------------------------------------------------------------------

def _nearby(young_postcode, mentor_postcode):
    distance = np.abs(young_postcode - mentor_postcode)  # NaN (unknown) compares False: 0 points
    return np.where(distance == 0, 1.0, np.where(distance <= NEARBY_POSTCODES, 0.5, 0.0))


def nearby_score(young: Features, mentors: Features) -> np.ndarray:
    return pairwise(young, mentors, "postcode_number", _nearby)


def nearby_explain(young: Person, mentor: Person, points: float):
    if young.postcode_number is None or mentor.postcode_number is None:
        return None
    distance = abs(young.postcode_number - mentor.postcode_number)
    if distance == 0:
        return _l("Lives in the same postcode area (%(postcode)s)", postcode=young.postcode)
    if distance <= NEARBY_POSTCODES:
        return _l("Lives nearby (postcodes %(young)s and %(mentor)s)", young=young.postcode, mentor=mentor.postcode)
    return None


# ---- age gap ----------------------------------------------------------------------------------------

def _age_gap(young_age, mentor_age):
    points = (np.abs(young_age - mentor_age) - AGE_GAP_FREE_YEARS) * -AGE_GAP_POINTS_PER_YEAR
    return np.fmax(np.fmin(points, 0.0), -1.0)  # fmin/fmax turn an unknown age (NaN) into 0 points


def age_gap_score(young: Features, mentors: Features) -> np.ndarray:
    return pairwise(young, mentors, "age", _age_gap)


def age_gap_explain(young: Person, mentor: Person, points: float):
    if points >= 0 or young.age is None or mentor.age is None:
        return None
    return _l("Age gap of %(years)s years", years=int(abs(young.age - mentor.age)))


# ---- the young person's wish about the mentor's gender ----------------------------------------------

def _same_gender(wish, gender):
    return np.vectorize(lambda w, g: bool(w) and w == g, otypes=[bool])(wish, gender)


def gender_wish_score(young: Features, mentors: Features) -> np.ndarray:
    if young.gender_wish is None:
        return np.zeros((len(young), len(mentors)), dtype=np.float32)
    return pairwise(young, mentors, "gender_wish", _same_gender, mentor_column="gender")


GENDER_WISH_REASONS = {
    "female": _l("Is a woman, as the young person wished"),
    "male": _l("Is a man, as the young person wished"),
}


def gender_wish_explain(young: Person, mentor: Person, points: float):
    if not young.gender_wish or young.gender_wish != mentor.gender:
        return None
    return GENDER_WISH_REASONS.get(young.gender_wish, _l("Has the gender the young person wished for"))


DEFAULT_CRITERIA = [
    ScoringCriterion("interests", _l("Shared interests"), interests_score, interests_explain),
    ScoringCriterion("languages", _l("Shared languages other than Danish"), languages_score, languages_explain),
    ScoringCriterion("nearby", _l("Lives nearby"), nearby_score, nearby_explain),
    ScoringCriterion("age_gap", _l("Age gap"), age_gap_score, age_gap_explain),
    ScoringCriterion("gender_wish", _l("The young person's wish about the mentor's gender"), gender_wish_score,
                     gender_wish_explain),
]


def default_criteria() -> list[ScoringCriterion]:
    """The built-in criteria (the table above)."""
    return list(DEFAULT_CRITERIA)

