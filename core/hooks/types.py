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
    """A report the tenant has: ``compute(tenant=, start=, end=)`` returns its sections, a list of
    :class:`ReportSection`, counted with SQL aggregates for the period [``start``, ``end``]
    (CONTRACT.md section 5; the shared counting rules are :mod:`core.reports.rules`)."""

    key: str
    title: Any
    compute: Callable[..., list]
    description: Any = ""


@dataclass(frozen=True)
class ReportRow:
    """One figure of a report section. ``percent`` (one decimal, :func:`core.reports.rules.share`)
    only where the report defines a share; ``label`` is translatable."""

    key: str
    label: Any
    value: int | float
    percent: float | None = None


@dataclass(frozen=True)
class ReportSection:
    """A section of a report: drawn as one chart beside its data table. ``chart`` is ``"bar"``
    (one bar per row) or ``"line"`` (rows in time order, e.g. months)."""

    key: str
    title: Any
    rows: tuple
    chart: str = "bar"
    description: Any = ""


@dataclass(frozen=True)
class Setting:
    """A setting a plugin declares in its ``PluginInfo``: the default, and the rule a tenant's own
    value must keep. The coordinator sees and changes it on the tenant's settings page.

    ``kind``: ``"int"`` (``min``/``max`` inclusive), ``"bool"``, ``"text"`` (at most ``max``
    characters), ``"choice"`` (one of ``choices``, a tuple of :class:`Code`) or ``"list"`` (words;
    each of ``choices`` when given, else any word of at most 40 characters; ``min``/``max`` bound
    the number of words).
    """

    key: str
    label: Any
    default: Any
    kind: str = "int"
    min: int | None = None
    max: int | None = None
    choices: tuple = ()
    help: Any = ""

    def clean(self, value):
        """The value in its kind's type, or raises ``ValueError`` with a translatable message."""
        from flask_babel import lazy_gettext as _l

        if self.kind == "bool":
            if not isinstance(value, bool):
                raise ValueError(_l("Must be yes or no."))
            return value
        if self.kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(_l("Enter a whole number."))
            if (self.min is not None and value < self.min) or (self.max is not None and value > self.max):
                raise ValueError(_l("Must be between %(low)s and %(high)s.", low=self.min, high=self.max))
            return value
        if self.kind == "text":
            if not isinstance(value, str):
                raise ValueError(_l("Enter a text."))
            value = value.strip()
            if self.max is not None and len(value) > self.max:
                raise ValueError(_l("At most %(max)s characters.", max=self.max))
            return value
        if self.kind == "choice":
            if value not in {c.key for c in self.choices}:
                raise ValueError(_l("Choose one of the options."))
            return value
        if self.kind == "list":
            if isinstance(value, str):
                value = value.replace(",", " ").split()
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                raise ValueError(_l("Enter words separated by commas."))
            words = list(dict.fromkeys(v.strip() for v in value if v.strip()))
            allowed = {c.key for c in self.choices}
            if allowed and any(w not in allowed for w in words):
                raise ValueError(_l("Choose among the options."))
            if not allowed and any(len(w) > 40 for w in words):
                raise ValueError(_l("Each word can be at most 40 characters."))
            if (self.min is not None and len(words) < self.min) or (self.max is not None and len(words) > self.max):
                raise ValueError(_l("Give between %(low)s and %(high)s.", low=self.min, high=self.max))
            return words
        raise ValueError(f"unknown setting kind {self.kind!r}")


@dataclass(frozen=True)
class MeetingRhythm:
    """A kind of group meeting a tenant holds at a steady rhythm (e.g. supervision every 3 months).
    The groups page offers to plan the next meetings at this rhythm, and the front page says when
    none is planned within it."""

    kind: str  # a group-meeting kind: experience_group, supervision, sparring_group, mentor_meeting...
    title: Any
    every_days: int


@dataclass(frozen=True)
class DemoTenant:
    """A demo municipality a package supplies: ``load(tenant, today)`` builds its records through
    the services (called inside the tenant's context, only when the tenant has no volunteers yet)."""

    slug: str
    name: str
    plugins: tuple
    load: Callable[..., None]
