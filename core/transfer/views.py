"""The coordinator's records page: upload a workbook, see every problem or what importing it would
change, confirm; and download the export. Thin views over :mod:`core.transfer.services`."""
from __future__ import annotations

import io

from flask import Blueprint, Response, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from core import clock
from core.access import members
from core.audit.reads import EXPORT, no_personal_data, reads
from core.tenancy import current_tenant
from core.transfer import uploads
from core.transfer.format import SHEETS
from core.transfer.forms import ConfirmForm, ExportForm, UploadForm
from core.transfer.services import ImportRefused, check_import, export_records, import_records

bp = Blueprint("transfer", __name__, url_prefix="/<tenant>/records", template_folder="templates")

SESSION_KEY = "records_upload"  # {tenant id: token} of the upload waiting for its confirmation
PROBLEMS_SHOWN = 1000  # a page lists at most these; the count says how many there are in all


@bp.url_value_preprocessor
def _limit_the_upload(endpoint, values):
    """Before the request's form is read (the CSRF check reads it): an upload over the limit is
    refused without being read to its end."""
    if endpoint == "transfer.check":
        request.max_content_length = uploads.MAX_UPLOAD_BYTES


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error):
    """The limit trips while the form is first read, before access is decided (core.inputs reads it
    first): back to the page, whose own access check applies, with the error."""
    flash(_("The file is larger than %(mb)s MB and was not uploaded.", mb=uploads.MAX_UPLOAD_BYTES // (1024 * 1024)),
          "error")
    slug = g.get("tenant_slug") or current_tenant().slug
    return redirect(url_for("transfer.index", tenant=slug), 303)


def _page(*, upload_form=None, problems=None, counts=None, token=None, status=200):
    return render_template(
        "transfer/records.html", upload_form=upload_form or UploadForm(formdata=None),
        confirm_form=ConfirmForm(formdata=None, data={"upload": token}), export_form=ExportForm(formdata=None),
        problems=(problems or [])[:PROBLEMS_SHOWN], problem_count=len(problems or []), counts=counts,
        sheets=SHEETS, max_mb=uploads.MAX_UPLOAD_BYTES // (1024 * 1024)), status


def _waiting() -> dict:
    return dict(session.get(SESSION_KEY) or {})


@bp.route("/")
@members("coordinator")
@no_personal_data("the upload and export forms and the format's description")
def index():
    return _page()


@bp.route("/check", methods=["POST"])
@members("coordinator")
@no_personal_data("a file's problems by sheet, row, column and code, or the counts of what it would change")
def check():
    form = UploadForm()
    if not form.validate_on_submit():
        return _page(upload_form=form, status=422)
    tenant = current_tenant()
    waiting = _waiting()
    if str(tenant.id) in waiting:  # a newer upload replaces the one not confirmed
        uploads.discard(tenant.id, current_user.id, waiting.pop(str(tenant.id)))
    token = uploads.keep(form.workbook.data, tenant.id, current_user.id)
    preview = check_import(tenant, uploads.find(tenant.id, current_user.id, token))
    if preview.problems:
        uploads.discard(tenant.id, current_user.id, token)
        session[SESSION_KEY] = waiting
        return _page(problems=preview.problems, status=422)
    waiting[str(tenant.id)] = token
    session[SESSION_KEY] = waiting
    return _page(counts=preview.counts, token=token)


@bp.route("/import", methods=["POST"])
@members("coordinator")
@no_personal_data("imports the confirmed upload; shows its problems or counts")
def confirm():
    form = ConfirmForm()
    tenant = current_tenant()
    waiting = _waiting()
    token = waiting.get(str(tenant.id))
    # The page's token must be the session's: a page of an earlier upload does not import a later file.
    path = uploads.find(tenant.id, current_user.id, token) if form.validate_on_submit() and token \
        and form.upload.data == token else None
    if path is None:
        flash(_("The upload is no longer waiting (it is kept for an hour); upload the workbook again."), "error")
        return redirect(url_for("transfer.index"))
    waiting.pop(str(tenant.id))
    session[SESSION_KEY] = waiting
    try:
        counts = import_records(tenant, path)
    except ImportRefused as refused:  # the tenant's records changed since the check
        return _page(problems=refused.problems, status=422)
    finally:
        uploads.discard(tenant.id, current_user.id, token)
    flash(_("The records are imported: %(inserted)s new, %(updated)s changed, %(unchanged)s unchanged.",
            inserted=sum(c["inserted"] for c in counts.values()), updated=sum(c["updated"] for c in counts.values()),
            unchanged=sum(c["unchanged"] for c in counts.values())), "success")
    return redirect(url_for("transfer.index"))


@bp.route("/export", methods=["POST"])
@members("coordinator")
@reads("citizen", action=EXPORT)
def export():
    """The workbook of every record (a POST: rows made in the app get their external id; the service
    audits the export as ``records.exported``)."""
    form = ExportForm()
    if not form.validate_on_submit():
        return redirect(url_for("transfer.index"))
    tenant = current_tenant()
    workbook = io.BytesIO()
    export_records(tenant, workbook, as_csv=False)
    name = f"mentorkorps-{tenant.slug}-{clock.today().isoformat()}.xlsx"
    return Response(workbook.getvalue(), headers={"Content-Disposition": f'attachment; filename="{name}"'},
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
