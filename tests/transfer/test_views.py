"""The coordinator's records page end to end: an upload's problems are listed and nothing is
imported; a good one shows the counts and imports on confirmation; the export downloads; only a
coordinator of the tenant gets in."""
from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.audit.models import AuditEvent
from core.tenancy import tenant_context
from core.transfer import uploads
from core.volunteers.models import Volunteer
from tests.conftest import csrf_token, login
from tests.transfer.helpers import sample, write_xlsx

PAGE = "/middelfart/records/"


def upload(client, path: Path, name="records.xlsx"):
    token = csrf_token(client, PAGE)
    return client.post("/middelfart/records/check", data={"csrf_token": token, "workbook": (io.BytesIO(path.read_bytes()), name)},
                       content_type="multipart/form-data")


def confirm(client, page_html: str):
    upload_token = re.search(r'name="upload" type="hidden" value="([^"]+)"', page_html) or \
        re.search(r'id="upload" name="upload" type="hidden" value="([^"]+)"', page_html)
    token = re.search(r'data-testid="confirm-form".*?name="csrf_token" type="hidden" value="([^"]+)"', page_html, re.S)
    return client.post("/middelfart/records/import", data={"csrf_token": token.group(1), "upload": upload_token.group(1)})


def volunteers_in(db, tenant) -> int:
    with tenant_context(tenant):
        return db.session.scalar(select(func.count(Volunteer.id)))


def stored_uploads(app) -> list[Path]:
    folder = Path(app.instance_path) / "uploads" / "records"
    return sorted(folder.glob("*.xlsx")) if folder.exists() else []


@pytest.fixture(autouse=True)
def _instance(app, tmp_path):
    app.instance_path = str(tmp_path / "instance")


def test_the_page_has_the_upload_and_the_export_and_is_linked_from_settings_and_reports(signed_in):
    html = signed_in.get(PAGE).get_data(as_text=True)
    assert 'data-testid="upload-form"' in html and 'data-testid="export-form"' in html
    assert 'enctype="multipart/form-data"' in html
    # Not in the main menu (a coordinator's menu is full at 1,280 px): where the records are looked after.
    for page in ("/middelfart/settings/", "/middelfart/reports/"):
        assert 'href="/middelfart/records/"' in signed_in.get(page).get_data(as_text=True), page


def test_an_upload_with_problems_lists_them_and_imports_nothing(signed_in, tenant, db, tmp_path, app):
    sheets = sample()
    sheets["volunteers"][1][3] = "woman"
    sheets["meetings"][0][1] = "2023-03-01"
    response = upload(signed_in, write_xlsx(tmp_path / "bad.xlsx", sheets))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    rows = re.findall(r'<tr data-testid="import-problem">\s*<td>(.*?)</td><td>(.*?)</td><td>(.*?)</td>', html)
    assert rows == [("volunteers", "3", "gender"), ("meetings", "2", "held_on")]
    assert 'data-testid="confirm-form"' not in html
    assert volunteers_in(db, tenant) == 0
    assert stored_uploads(app) == []  # a refused file is not kept


def test_a_good_upload_shows_the_counts_and_imports_on_confirmation(signed_in, tenant, db, tmp_path, app):
    response = upload(signed_in, write_xlsx(tmp_path / "good.xlsx", sample()))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    counts = dict(re.findall(r'data-sheet="(\w+)">\s*<th scope="row">\w+</th><td class="text-align-right">(\d+)</td>', html))
    assert counts == {"volunteers": "2", "citizens": "2", "referrals": "2", "matches": "2", "meetings": "3", "followups": "1"}
    assert volunteers_in(db, tenant) == 0  # the check writes nothing
    [kept] = stored_uploads(app)
    assert kept.name.startswith(f"{tenant.id}-{signed_in.user.id}-")
    response = confirm(signed_in, html)
    assert response.status_code == 302 and response.headers["Location"].endswith(PAGE)
    assert volunteers_in(db, tenant) == 2
    assert stored_uploads(app) == []  # removed once imported
    assert "2 changed" not in signed_in.get(PAGE).get_data(as_text=True)
    with tenant_context(tenant):
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "records.imported")).all()
        assert event.user_id == signed_in.user.id
    # Confirming again: the upload is gone, nothing happens twice.
    again = confirm(signed_in, html)
    assert again.status_code == 302
    assert volunteers_in(db, tenant) == 2


def test_the_confirmation_needs_the_uploaders_session_and_the_pages_own_upload(signed_in, tenant, db, tmp_path, app):
    first = upload(signed_in, write_xlsx(tmp_path / "a.xlsx", sample())).get_data(as_text=True)
    # A second upload replaces the first: the first page's confirmation no longer imports anything.
    second_sheets = {"volunteers": sample()["volunteers"][:1]}
    second = upload(signed_in, write_xlsx(tmp_path / "b.xlsx", second_sheets)).get_data(as_text=True)
    assert len(stored_uploads(app)) == 1
    confirm(signed_in, first)
    assert volunteers_in(db, tenant) == 0
    confirm(signed_in, second)
    assert volunteers_in(db, tenant) == 1


def test_another_coordinator_cannot_confirm_someone_elses_upload(app, signed_in, tenant, db, tmp_path, user_factory):
    html = upload(signed_in, write_xlsx(tmp_path / "a.xlsx", sample())).get_data(as_text=True)
    other = app.test_client()
    login(other, user_factory(tenant, "coordinator"), tenant)
    csrf = csrf_token(other, PAGE)
    token = re.search(r'name="upload" type="hidden" value="([^"]+)"', html).group(1)
    response = other.post("/middelfart/records/import", data={"csrf_token": csrf, "upload": token})
    assert response.status_code == 302
    assert volunteers_in(db, tenant) == 0


def test_an_upload_older_than_an_hour_is_not_imported(signed_in, tenant, db, tmp_path, app):
    signed_in.post("/lang", data={"lang": "en", "csrf_token": csrf_token(signed_in, PAGE)})
    html = upload(signed_in, write_xlsx(tmp_path / "a.xlsx", sample())).get_data(as_text=True)
    [kept] = stored_uploads(app)
    hour_ago = time.time() - uploads.KEEP_SECONDS - 5
    os.utime(kept, (hour_ago, hour_ago))
    response = confirm(signed_in, html)
    assert response.status_code == 302
    assert volunteers_in(db, tenant) == 0
    assert stored_uploads(app) == []
    assert "upload the workbook again" in signed_in.get(PAGE).get_data(as_text=True)


def test_old_uploads_are_swept_away(app, tmp_path):
    with app.test_request_context():
        folder = Path(app.instance_path) / "uploads" / "records"
        folder.mkdir(parents=True)
        old, fresh = folder / "1-1-old.xlsx", folder / "1-1-fresh.xlsx"
        old.write_bytes(b"x")
        fresh.write_bytes(b"x")
        os_time = time.time() - uploads.KEEP_SECONDS - 60
        os.utime(old, (os_time, os_time))
        uploads.sweep()
        assert not old.exists() and fresh.exists()


def test_only_an_xlsx_file_is_taken(signed_in, tenant, tmp_path):
    response = upload(signed_in, write_xlsx(tmp_path / "a.xlsx", sample()), name="records.csv")
    assert response.status_code == 422
    assert 'data-field="workbook"' in response.get_data(as_text=True)
    response = signed_in.post("/middelfart/records/check", data={"csrf_token": csrf_token(signed_in, PAGE)},
                              content_type="multipart/form-data")
    assert response.status_code == 422


def test_an_upload_over_the_limit_is_refused_with_a_clear_error(signed_in, tenant, db, app, monkeypatch, tmp_path):
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 1024)
    path = tmp_path / "big.xlsx"
    path.write_bytes(b"x" * 4096)
    signed_in.post("/lang", data={"lang": "en", "csrf_token": csrf_token(signed_in, PAGE)})
    response = upload(signed_in, path)
    assert response.status_code == 303 and response.headers["Location"].endswith(PAGE)
    assert stored_uploads(app) == []
    html = signed_in.get(PAGE).get_data(as_text=True)
    assert "The file is larger than 0 MB and was not uploaded." in html  # 1,024 bytes in whole megabytes
    assert volunteers_in(db, tenant) == 0


def test_the_export_downloads_the_workbook_and_is_audited(signed_in, tenant, db, tmp_path):
    from core.transfer.services import import_records
    from tests.transfer.helpers import read_xlsx

    import_records(tenant, write_xlsx(tmp_path / "in.xlsx", sample()))
    db.session.commit()
    response = signed_in.post("/middelfart/records/export", data={"csrf_token": csrf_token(signed_in, PAGE)})
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'attachment; filename="mentorkorps-middelfart-' in response.headers["Content-Disposition"]
    (tmp_path / "out.xlsx").write_bytes(response.data)
    assert [row[0] for row in read_xlsx(tmp_path / "out.xlsx")["volunteers"]] == ["external_id", "V1", "V2"]
    with tenant_context(tenant):
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "records.exported")).all()
        assert event.user_id == signed_in.user.id and event.details["format"] == "xlsx"


def test_forms_without_a_csrf_token_are_refused(signed_in, tmp_path):
    assert signed_in.post("/middelfart/records/export").status_code == 400
    assert signed_in.post("/middelfart/records/import", data={"upload": "x"}).status_code == 400


@pytest.mark.parametrize("role", ["mentor", "caseworker"])
def test_a_mentor_or_caseworker_is_refused(client, tenant, user_factory, role, tmp_path, db):
    login(client, user_factory(tenant, role), tenant)
    assert client.get(PAGE).status_code == 403
    for url in ("/middelfart/records/check", "/middelfart/records/import", "/middelfart/records/export"):
        assert client.post(url, data={"csrf_token": csrf_token(client, "/middelfart/")}).status_code == 403
    assert volunteers_in(db, tenant) == 0


def test_a_coordinator_of_another_tenant_gets_404(client, tenant, other_tenant, user_factory):
    login(client, user_factory(other_tenant, "coordinator"), other_tenant)
    assert client.get(PAGE).status_code == 404
    assert client.post("/middelfart/records/export").status_code == 404


def test_the_page_in_danish_and_english(signed_in):
    signed_in.post("/lang", data={"lang": "en", "csrf_token": csrf_token(signed_in, PAGE)})
    assert "Import and export of records" in signed_in.get(PAGE).get_data(as_text=True)
