"""Matching in #MentorIshøj (seed 002, "Match af de unge med en mentor"): the match starts from the
young person's needs, interests, education wishes, ethnicity and age, against the volunteer
profiles (gender, age, ethnicity, interests, work background, competences, wishes). "Det skal
understreges, at der ikke nødvendigvis matches en til en i forhold til køn og etnicitet": the young
person's own wishes about the mentor are honoured, and nothing requires sameness. At most two
possible mentors are found and presented; the young person chooses (``candidate_count``).

The criteria, beside the core's ``interests`` (shared interests), ``languages`` (shared languages
other than Danish) and ``gender_wish`` (the mentor has the gender the young person wished for),
which Ishøj keeps as they are:

==================  ========================================================  =======================
key                 points                                                   reason shown
==================  ========================================================  =======================
``needs_and_wishes``  1.5 per theme (crafts, care and teaching, IT, money and    wishes and needs meet
                    letters, education, everyday structure, network) that      the mentor's experience:
                    both the young person's education wishes and needs and     …
                    the mentor's work background, competences and wishes
                    name, at most 3 themes
``background_wish``   1 when a word of the young person's wish about the        has the background the
                    mentor (``mentor_wishes``, e.g. "gerne en med tyrkisk      young person wished for
                    baggrund") is in the mentor's stated background or
                    languages; never a requirement
``age_gap``           replaced by Ishøj's own: 0.5 when the mentor is at        an adult N years older
                    least 10 years older (an "ekstra voksen"); the core's
                    penalty for a gap of more than 20 years is dropped,
                    as Ishøj recruits retired teachers on purpose
==================  ========================================================  =======================

None blocks a pair. Each criterion is one matrix product over a handful of themes or words; the
texts are read once per scoring run (one query for the young people, one for the mentors), and a
pair is only put into words when it is shown.
"""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
from sqlalchemy import select

from core.extensions import db
from core.hooks import hookimpl
from core.hooks.types import ScoringCriterion
from core.matching.scoring import Features, Person, pairwise
from municipalities.ishoej import PLUGIN, _l

# A theme is found in a text when one of its words begins with one of the stems (stems of three
# letters or fewer must be the whole word: "it", "su", "hf").
THEMES = {
    "crafts": (_l("crafts and trades"), ("håndværk", "tømrer", "snedker", "elektriker", "smed", "murer", "vvs",
                                         "mekaniker", "maler", "praktisk")),
    "care": (_l("care, teaching and social work"), ("pædagog", "lærer", "skolelærer", "sosu", "sygeplej", "omsorg",
                                                   "social", "undervis")),
    "it": (_l("IT and technology"), ("it", "computer", "programm", "data", "ingeniør", "teknik")),
    "money": (_l("money, letters and the authorities"), ("økonomi", "su", "skat", "regning", "breve", "sagsbehandl",
                                                         "budget")),
    "education": (_l("getting into and through an education"), ("uddannelse", "gymnas", "hf", "studie", "ansøg",
                                                                "vejled", "skole")),
    "everyday": (_l("structure in everyday life"), ("struktur", "hverdag", "morgen", "rutine")),
    "network": (_l("loneliness and a network"), ("ensom", "netværk", "venner", "ungdomsarbejde", "fritid")),
}
THEME_KEYS = tuple(THEMES)
THEME_POINTS = 1.5
MAX_THEMES = 2  # 3 points at most
OLDER_BY_YEARS = 10
OLDER_POINTS = 0.5
# Words of a wish about the mentor that say nothing about a background.
WISH_STOPWORDS = frozenset("""
    af alder at baggrund bare ben den der det dette eller en er et for fra gerne godt god har have helst hun
    hvis i ikke jeg kan kender kvinde kvindelig man mand mandlig med meget men mentor mentoren mig min mine
    måske også om person på rolle rollemodel samme som taler til ung unge ved vil voksen være ønske ønsker
""".split())
WORD = re.compile(r"[^\W\d_]+")


def _words(*texts) -> list[str]:
    return [word for text in texts if text for word in WORD.findall(str(text).casefold())]


@lru_cache(maxsize=4096)
def themes_of(text: str) -> frozenset[str]:
    """The themes a text names (lower case words begin with a theme's stem)."""
    words = _words(text)
    found = set()
    for key, (_label, stems) in THEMES.items():
        for stem in stems:
            if any(word == stem if len(stem) <= 3 else word.startswith(stem) for word in words):
                found.add(key)
                break
    return frozenset(found)


def _stem(word: str) -> str:
    """Words compared by their first five letters: "tyrkisk" and "tyrkiet", "arabisk" and "araber"."""
    return word[:5]


def wish_stems(text: str | None) -> frozenset[str]:
    return frozenset(_stem(word) for word in _words(text) if len(word) >= 4 and word not in WISH_STOPWORDS)


def background_stems(background: str | None, languages) -> frozenset[str]:
    return frozenset(_stem(word) for word in _words(background, *(languages or ())) if len(word) >= 4)


def _incidence(rows: list[frozenset], vocabulary: dict[str, int]) -> np.ndarray:
    """rows × vocabulary, 1.0 where a row has the term (the vocabulary is small: themes, or the words
    of the wishes in this run)."""
    matrix = np.zeros((len(rows), len(vocabulary)), dtype=np.float32)
    for i, terms in enumerate(rows):
        for term in terms:
            j = vocabulary.get(term)
            if j is not None:
                matrix[i, j] = 1.0
    return matrix


EMPTY_YOUNG = (frozenset(), frozenset(), None)
EMPTY_MENTOR = (frozenset(), frozenset(), None, ())


class _Texts:
    """The free texts the criteria read, loaded once per scoring run for the run's ids: the young
    people's education wishes, needs and wishes about the mentor (one query), the mentors' work
    background, competences, wishes, background and languages (one query)."""

    def __init__(self):
        self._young: dict[int, tuple] = {}
        self._mentors: dict[int, tuple] = {}

    def young(self, ids) -> dict[int, tuple]:
        from core.referrals.models import Citizen, Referral

        wanted = [int(i) for i in ids if int(i) not in self._young]
        if wanted:
            rows = db.session.execute(
                select(Referral.id, Citizen.education_wishes, Citizen.needs, Citizen.mentor_wishes)
                .join(Citizen, Citizen.id == Referral.citizen_id).where(Referral.id.in_(wanted)))
            self._young.update(dict.fromkeys(wanted, EMPTY_YOUNG))  # asked once, found or not
            for referral_id, education_wishes, needs, mentor_wishes in rows:
                self._young[referral_id] = (themes_of(" ".join(filter(None, (education_wishes, needs)))),
                                            wish_stems(mentor_wishes), mentor_wishes)
        return self._young

    def mentors(self, ids) -> dict[int, tuple]:
        from core.volunteers.models import Volunteer

        wanted = [int(i) for i in ids if int(i) not in self._mentors]
        if wanted:
            rows = db.session.execute(
                select(Volunteer.id, Volunteer.work_background, Volunteer.competences, Volunteer.wishes,
                       Volunteer.background, Volunteer.languages).where(Volunteer.id.in_(wanted)))
            self._mentors.update(dict.fromkeys(wanted, EMPTY_MENTOR))
            for volunteer_id, work, competences, wishes, background, languages in rows:
                self._mentors[volunteer_id] = (themes_of(" ".join(filter(None, (work, competences, wishes)))),
                                               background_stems(background, languages), background, tuple(languages or ()))
        return self._mentors


def criteria(texts: _Texts | None = None) -> list[ScoringCriterion]:
    """Ishøj's criteria for one scoring run (``texts`` holds what the run has read)."""
    texts = texts or _Texts()

    def rows(young: Features, mentors: Features):
        young_texts, mentor_texts = texts.young(young.ids), texts.mentors(mentors.ids)
        return ([young_texts.get(int(i), EMPTY_YOUNG) for i in young.ids],
                [mentor_texts.get(int(i), EMPTY_MENTOR) for i in mentors.ids])

    # ---- needs and education wishes against the mentor's experience --------------------------------
    vocabulary = {key: n for n, key in enumerate(THEME_KEYS)}

    def needs_score(young: Features, mentors: Features) -> np.ndarray:
        young_rows, mentor_rows = rows(young, mentors)
        shared = _incidence([r[0] for r in young_rows], vocabulary) @ _incidence([r[0] for r in mentor_rows], vocabulary).T
        return THEME_POINTS * np.minimum(shared, MAX_THEMES)

    def needs_explain(young_row: Person, mentor_row: Person, points: float):
        shared = [key for key in THEME_KEYS
                  if key in texts.young([young_row.id]).get(young_row.id, EMPTY_YOUNG)[0]
                  and key in texts.mentors([mentor_row.id]).get(mentor_row.id, EMPTY_MENTOR)[0]]
        if not shared:
            return None
        return _l("Wishes and needs meet the mentor's experience: %(themes)s",
                  themes=", ".join(str(THEMES[key][0]) for key in shared))

    # ---- the young person's wish about the mentor's background -------------------------------------
    def background_score(young: Features, mentors: Features) -> np.ndarray:
        young_rows, mentor_rows = rows(young, mentors)
        words = {stem: n for n, stem in enumerate(sorted({s for r in young_rows for s in r[1]}))}
        if not words:
            return np.zeros((len(young), len(mentors)), dtype=np.float32)
        shared = _incidence([r[1] for r in young_rows], words) @ _incidence([r[1] for r in mentor_rows], words).T
        return (shared > 0).astype(np.float32)

    def background_explain(young_row: Person, mentor_row: Person, points: float):
        if points <= 0:
            return None
        wish = texts.young([young_row.id]).get(young_row.id, EMPTY_YOUNG)
        _themes, stems, background, languages = texts.mentors([mentor_row.id]).get(mentor_row.id, EMPTY_MENTOR)
        words = [word for text in (background, *languages) if text for word in WORD.findall(str(text))]
        met = [word for word in dict.fromkeys(words) if _stem(word.casefold()) in wish[1]]  # in the mentor's spelling
        return _l("Has the background the young person wished for (%(words)s)", words=", ".join(met)) if met else None

    # ---- an adult a good deal older ----------------------------------------------------------------
    def _older(young_age, mentor_age):
        return np.where(mentor_age - young_age >= OLDER_BY_YEARS, OLDER_POINTS, 0.0)  # unknown ages: NaN, 0 points

    def age_score(young: Features, mentors: Features) -> np.ndarray:
        return pairwise(young, mentors, "age", _older)

    def age_explain(young_row: Person, mentor_row: Person, points: float):
        if points <= 0 or young_row.age is None or mentor_row.age is None:
            return None
        return _l("An adult %(years)s years older", years=int(mentor_row.age - young_row.age))

    return [
        ScoringCriterion("needs_and_wishes", _l("Needs and education wishes against the mentor's experience"),
                         needs_score, needs_explain),
        ScoringCriterion("background_wish", _l("The young person's wish about the mentor's background"),
                         background_score, background_explain),
        ScoringCriterion("age_gap", _l("An adult a good deal older"), age_score, age_explain),
    ]


@hookimpl(tryfirst=True)
def mentorkorps_scoring_criteria(tenant):
    return criteria()


@hookimpl(tryfirst=True)
def mentorkorps_candidate_count(tenant):
    return PLUGIN.setting(tenant, "candidate_count")
