"""The import with the tenant's plugins: their codes are accepted where they are enabled, and no
lifecycle hook hears of imported history."""
from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale

from core.hooks.types import Code
from core.platform.services import set_plugin_enabled
from core.tenancy import tenant_context
from core.transfer.services import ImportRefused, import_records
from tests.core.helpers import make_plugin
from tests.transfer.helpers import sample, write_xlsx

HEARD = []


def _channels(tenant):
    return [Code("mentor_spouse", "Spouse of a mentor")]


def _started(tenant, match):
    HEARD.append(("started", match.id))


def _ended(tenant, match):
    HEARD.append(("ended", match.id))


def _followup_months(tenant, match):
    return [3, 6]


@pytest.fixture
def extra_plugins():
    return (make_plugin("spouses", mentorkorps_recruitment_channels=_channels),
            make_plugin("listener", mentorkorps_match_started=_started, mentorkorps_match_ended=_ended,
                        mentorkorps_followup_months=(_followup_months, {"tryfirst": True})))


@pytest.fixture(autouse=True)
def _forget():
    HEARD.clear()


def test_a_plugins_code_is_accepted_only_where_the_plugin_is_enabled(tenant, other_tenant, db, tmp_path):
    sheets = {"volunteers": sample()["volunteers"]}
    sheets["volunteers"][0][6] = "mentor_spouse"
    path = write_xlsx(tmp_path / "records.xlsx", sheets)
    set_plugin_enabled(tenant, "spouses", True)
    db.session.commit()
    assert import_records(tenant, path)["volunteers"]["inserted"] == 2
    with pytest.raises(ImportRefused) as refused, force_locale("en"):
        import_records(other_tenant, path)
    [problem] = refused.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("volunteers", 2, "recruitment_channel")
    with force_locale("en"):
        assert "Unknown code mentor_spouse" in str(problem.reason) and "press" in str(problem.reason)


def test_imported_history_runs_no_lifecycle_hook(tenant, db, tmp_path):
    """No hook hears of imported matches, and no follow-ups are scheduled beside the file's; the
    same hooks do run when the app ends a match (so the listener is really listening)."""
    from core.matching import services as matching
    from core.matching.models import Match
    from core.meetings.models import FollowUp
    from sqlalchemy import func, select

    set_plugin_enabled(tenant, "listener", True)
    db.session.commit()
    sheets = sample()
    # V1 gets two open matches beside its ended one, over its capacity of 1: history is not re-checked.
    sheets["referrals"].append(["R3", "C2", "2023-05-01", "school", "other"])
    sheets["matches"].append(["M3", "R3", "V1", "2023-05-02", "", "", "", "no"])
    import_records(tenant, write_xlsx(tmp_path / "records.xlsx", sheets))
    db.session.commit()
    assert HEARD == []
    with tenant_context(tenant):
        assert db.session.scalar(select(func.count(FollowUp.id))) == 1
        match = db.session.scalar(select(Match).where(Match.external_id == "M3"))
        matching.end(match, {"ended_on": date(2023, 9, 1), "end_reason": "completed", "outcome": "job"})
        assert HEARD == [("ended", match.id)]
        assert db.session.scalar(select(func.count(FollowUp.id))) == 3
