"""With Middelfart's demo records, its two reports over the demo's period show seed 001's figures (the
issue's "done when"): ages 6/13/13/33/42/2, 69 women and 40 men, 114 matched, 16 stopped as 6/4/4/2,
outcomes 42/22/11/11/4 %."""
from __future__ import annotations

from datetime import date

from core.demo import load_demo
from core.extensions import db
from core.platform.services import get_tenant_by_slug
from core.reports.services import run_report
from core.tenancy import tenant_context
from municipalities.middelfart.demo import demo_period


def rows(report, section):
    return {r.key: (r.value, r.percent) for s in report.sections if s.key == section for r in s.rows}


def test_the_demo_reports_show_the_figures_of_seed_001(app):
    today = date.today()
    load_demo(today, only="middelfart")
    db.session.commit()
    start, end = demo_period(today)
    with tenant_context(get_tenant_by_slug("middelfart")):
        mentors = run_report("middelfart-mentors", start, end)
        outcomes = run_report("middelfart-outcomes", start, end)

    assert [value for value, _ in rows(mentors, "age").values()] == [6, 13, 13, 33, 42, 2]
    assert rows(mentors, "gender") == {"female": (69, None), "male": (40, None), "other": (0, None)}
    # The slides' whole percents, from the report's one decimal.
    assert {k: (n, round(p)) for k, (n, p) in rows(mentors, "sector").items()} == {
        "public": (59, 54), "private": (50, 46), "none": (0, 0)}
    assert {k: round(p) for k, (_, p) in rows(mentors, "education").items()} == {
        "care_teaching_social": 46, "vocational": 23, "higher": 29, "unskilled": 2}

    assert rows(outcomes, "totals") == {"matched": (114, None), "stopped": (16, None)}
    assert rows(outcomes, "stop_reasons") == {
        "moved_away": (6, None), "needs_beyond_scope": (4, None), "boundary_issues": (4, None), "own_wish": (2, None),
        "mentor_stopped": (0, None), "other": (0, None)}
    assert {k: round(p) for k, (_, p) in rows(outcomes, "outcomes").items()} == {
        "retained_in_education": 42, "benefits_to_education": 22, "sick_leave_to_education": 11, "internship": 11,
        "gave_up": 4, "job": 0}
    assert rows(outcomes, "outcomes")["retained_in_education"] == (48, 42.1)
