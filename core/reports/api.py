"""REST API of reports (CONTRACT.md section 5), for coordinators.

- ``GET /reports``: the reports the tenant has (the core's and its enabled plugins').
- ``GET /reports/<key>?from=&to=``: the report for the period (default: this year up to today);
  ``&format=csv`` or ``&format=xlsx``: the same rows as a file.
"""
from __future__ import annotations

from flask import Response
from flask.views import MethodView

from core.access import members
from core.api_base import Blueprint, document_errors
from core.audit.reads import no_personal_data
from core.reports import formats, schemas, services

blp = Blueprint("reports_api", __name__, url_prefix="/api/v1/<tenant>",
                description="Reports of the corps: the core's and each enabled plugin's")


def report_response(report, format: str):
    """The report as JSON data (dumped by the schema) or as a downloadable CSV/XLSX file."""
    if format == "csv":
        return Response(formats.as_csv(report), content_type=formats.CSV_MIMETYPE, headers={
            "Content-Disposition": f'attachment; filename="{formats.filename(report, "csv")}"'})
    if format == "xlsx":
        return Response(formats.as_xlsx(report), content_type=formats.XLSX_MIMETYPE, headers={
            "Content-Disposition": f'attachment; filename="{formats.filename(report, "xlsx")}"'})
    return {**formats.as_dict(report), "start": report.start.isoformat(), "end": report.end.isoformat()}


@blp.route("/reports")
class Reports(MethodView):
    @members("coordinator")
    @no_personal_data("the names of the tenant's reports")
    @blp.response(200, schemas.ReportListItemSchema(many=True))
    @document_errors(blp, 403)
    def get(self):
        """The reports the tenant has: the core's, then each enabled plugin's."""
        return [{"key": d.key, "title": str(d.title), "description": str(d.description or "")}
                for d in services.tenant_reports().values()]


@blp.route("/reports/<string:key>")
class ReportResource(MethodView):
    @members("coordinator")
    @no_personal_data("counts of a period, no person's data")
    @blp.arguments(schemas.ReportArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, schemas.ReportSchema)
    # The same rows as files (``format=csv|xlsx``): documented beside the JSON answer.
    @blp.doc(responses={"200": {"content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/Report"}},
        "text/csv": {"schema": {"type": "string"}},
        formats.XLSX_MIMETYPE: {"schema": {"type": "string", "format": "binary"}}}}})
    @document_errors(blp, 403, 404, 422)
    def get(self, key, start=None, end=None, format="json"):
        """The report `key` for [`from`, `to`] (default: this year up to today): sections of rows
        `{key, label, value, percent?}`. With `format=csv` or `format=xlsx` the same rows as a file
        (columns `section, section_title, key, label, value, percent`). `from` after `to`: 422."""
        default_start, default_end = services.default_period()
        report = services.run_report(key, start or default_start, end or default_end)
        return report_response(report, format)
