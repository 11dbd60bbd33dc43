"""Small value types that hook implementations return. Labels are lazy strings so they follow the
language of the request that reads them."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass(frozen=True)
class Code:
    """A code with a translatable label (recruitment channel, end reason, outcome ...)."""

    key: str
    label: Any


@dataclass(frozen=True)
class Finding:
    """The result of one rule or criterion: ``blocking`` findings stop the process they belong to."""

    code: str
    message: Any
    blocking: bool = False


@dataclass(frozen=True)
class Rule:
    """A named rule; ``check(**context)`` returns a :class:`Finding` or ``None`` when it holds."""

    key: str
    label: Any
    check: Callable[..., Finding | None]


@dataclass(frozen=True)
class IntakeCriterion:
    """A question asked at intake. ``blocking_answer`` is the answer that excludes the young person."""

    key: str
    question: Any
    reason: Any
    blocking_answer: Any = True


@dataclass(frozen=True)
class ScorePart:
    """Part of a candidate's score, with the reason the coordinator sees."""

    points: float
    reason: Any


@dataclass(frozen=True)
class ScoringCriterion:
    """One criterion of matching, computed for many young people against many mentors at once.

    ``score(young, mentors)`` gets two :class:`core.matching.scoring.Features` (R young people, V
    mentors) and returns an R×V array of floats (numpy), before ``weight``; ``NaN`` counts as 0.
    ``explain(young_row, mentor_row, points)`` words one pair's part for the candidates shown (the
    rows are :class:`core.matching.scoring.Person`, ``points`` the weighted part) and returns the
    reason, or ``None`` to show nothing. ``blocks(young, mentors)``, if given, returns an R×V bool
    array: ``True`` = this pair may not be matched. The criterion's ``key`` is unique per run: the
    first criterion with a key wins (a municipality's before a plugin's before the defaults'), so a
    plugin replaces a default criterion by using its key."""

    key: str
    label: Any
    score: Callable[..., Any]
    explain: Callable[..., Any] | None
    weight: float = 1.0
    blocks: Callable[..., Any] | None = None


@dataclass(frozen=True)
class MenuItem:
    """An entry of the main navigation. ``endpoint`` is built with ``url_for`` for the tenant."""

    key: str
    label: Any
    endpoint: str
    roles: frozenset = frozenset({"coordinator", "caseworker", "mentor"})
    order: int = 100
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ReportDefinition:
    """A report the tenant has: ``compute(tenant=, start=, end=)`` returns the sections."""

    key: str
    title: Any
    compute: Callable[..., list]
    description: Any = ""
