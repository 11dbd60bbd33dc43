"""Which reports a tenant has, and running one for a period.

``tenant_reports()`` gathers the ``mentorkorps_reports`` hook of the current tenant: the core's
reports first (the built-in defaults), then each enabled plugin's, the first definition of a key
winning. ``run_report(key, start, end)`` checks the period and computes the sections.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from core.clock import today
from core.errors import NotFound, ServiceError
from core.hooks import current_hooks
from core.hooks.types import ReportDefinition, ReportSection
from core.tenancy import current_tenant

# A period longer than this is refused: reports are read per year or a few, and an open-ended period
# would let one request count every day of a century (a report may average over the days).
MAX_PERIOD_YEARS = 25


@dataclass(frozen=True)
class Report:
    key: str
    title: object
    description: object
    start: date
    end: date
    sections: tuple[ReportSection, ...]


def tenant_reports() -> dict[str, ReportDefinition]:
    """``{key: definition}`` of the current tenant, the core's first."""
    batches = current_hooks().mentorkorps_reports()
    reports: dict[str, ReportDefinition] = {}
    for batch in reversed(batches):  # the hook runs municipality, plugins, defaults: core first here
        for definition in batch or ():
            reports.setdefault(definition.key, definition)
    return reports


def get_definition(key: str) -> ReportDefinition:
    definition = tenant_reports().get(key)
    if definition is None:
        raise NotFound(_l("No such report."))
    return definition


def default_period(on: date | None = None) -> tuple[date, date]:
    """The period a report opens with: this calendar year up to today."""
    on = on or today()
    return date(on.year, 1, 1), on


def check_period(start: date, end: date) -> None:
    if start > end:
        raise ServiceError(_l("The period must end on or after its first day."), field="to")
    if end.year - start.year > MAX_PERIOD_YEARS:
        raise ServiceError(_l("A period can be at most %(years)s years.", years=MAX_PERIOD_YEARS), field="to")


def run_report(key: str, start: date, end: date) -> Report:
    definition = get_definition(key)
    check_period(start, end)
    sections = tuple(definition.compute(tenant=current_tenant(), start=start, end=end))
    return Report(definition.key, definition.title, definition.description, start, end, sections)
