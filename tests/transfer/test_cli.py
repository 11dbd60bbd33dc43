"""``mentorkorps import`` and ``mentorkorps export`` (CONTRACT.md section 2) through click's runner."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.cli import export_command, import_command
from core.tenancy import tenant_context
from core.volunteers.models import Volunteer
from tests.transfer.helpers import read_csv, read_xlsx, sample, write_csv, write_xlsx


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()

    def invoke(command, *args):
        return runner.invoke(command, list(args), catch_exceptions=False)

    return invoke


def volunteers_in(db, tenant) -> int:
    with tenant_context(tenant):
        return db.session.scalar(select(func.count(Volunteer.id)))


def test_import_prints_the_counts_and_exits_0(run, tenant, db, tmp_path):
    db.session.commit()
    result = run(import_command, "--tenant", "middelfart", str(write_xlsx(tmp_path / "r.xlsx", sample())))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "volunteers: 2 inserted, 0 updated, 0 unchanged", "citizens: 2 inserted, 0 updated, 0 unchanged",
        "referrals: 2 inserted, 0 updated, 0 unchanged", "matches: 2 inserted, 0 updated, 0 unchanged",
        "meetings: 3 inserted, 0 updated, 0 unchanged", "followups: 1 inserted, 0 updated, 0 unchanged"]
    assert "Importing" not in result.output  # no progress bar when the output is not a terminal
    assert volunteers_in(db, tenant) == 2
    again = run(import_command, "--tenant", "middelfart", str(tmp_path / "r.xlsx"))
    assert again.exit_code == 0
    assert "volunteers: 0 inserted, 0 updated, 2 unchanged" in again.output


def test_import_lists_each_problem_and_exits_1_with_nothing_imported(run, tenant, db, tmp_path):
    sheets = sample()
    sheets["volunteers"][1][3] = "woman"
    sheets["matches"][0][4] = "2023-03-01"
    db.session.commit()
    result = run(import_command, "--tenant", "middelfart", str(write_csv(tmp_path / "csv", sheets)))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "volunteers, row 3, gender: Unknown code woman; the codes are: female, male, other.",
        "matches, row 2, ended_on: The match ends (2023-03-01) before it starts (2023-03-15).",
        "2 problem(s); nothing was imported.",
    ]
    assert volunteers_in(db, tenant) == 0


def test_a_progress_bar_on_a_terminal(run, tenant, db, tmp_path, monkeypatch):
    import core.cli

    db.session.commit()
    monkeypatch.setattr(core.cli, "_on_terminal", lambda: True)
    result = run(import_command, "--tenant", "middelfart", str(write_xlsx(tmp_path / "r.xlsx", sample())))
    assert result.exit_code == 0, result.output
    assert "Importing" in result.output


def test_an_unknown_tenant_is_a_clear_error(run, tenant, tmp_path):
    path = str(write_xlsx(tmp_path / "r.xlsx", sample()))
    for command, target in ((import_command, path), (export_command, str(tmp_path / "out.xlsx"))):
        result = run(command, "--tenant", "nowhere", target)
        assert result.exit_code == 1
        assert "No municipality 'nowhere'" in result.output


def test_export_writes_a_workbook_or_a_folder_of_csv_files(run, tenant, db, tmp_path):
    db.session.commit()
    run(import_command, "--tenant", "middelfart", str(write_xlsx(tmp_path / "r.xlsx", sample())))
    result = run(export_command, "--tenant", "middelfart", str(tmp_path / "out.xlsx"))
    assert result.exit_code == 0, result.output
    assert "volunteers 2" in result.output
    assert [row[0] for row in read_xlsx(tmp_path / "out.xlsx")["matches"]] == ["external_id", "M1", "M2"]
    result = run(export_command, "--tenant", "middelfart", str(tmp_path / "folder"))
    assert result.exit_code == 0
    assert sorted(read_csv(tmp_path / "folder")) == sorted(["volunteers", "citizens", "referrals", "matches",
                                                            "meetings", "followups"])


def test_the_command_is_installed_in_the_group(app):
    runner = app.test_cli_runner()
    from core.cli import main

    assert "import" in app.cli.commands and "export" in app.cli.commands
    assert main is not None
    assert runner.invoke(args=["import", "--help"]).exit_code == 0
