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
