"""The report pages: the tenant's reports, and one report for a period with a chart and a data table
per section, the period picker and the CSV/XLSX downloads (the same rows as the API's)."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request
from werkzeug.datastructures import MultiDict

from core.access import members
from core.audit.reads import no_personal_data
from core.clock import add_months, today
from core.reports import services
from core.reports.api import report_response
from core.reports.forms import PeriodForm

bp = Blueprint("reports", __name__, url_prefix="/<tenant>/reports", template_folder="templates")


@bp.route("/")
@members("coordinator")
@no_personal_data("the names of the tenant's reports")
def index():
    return render_template("reports/index.html", reports=list(services.tenant_reports().values()),
                           period=services.default_period())


def presets(on: date) -> list[tuple[str, date, date]]:
    """Quick choices of period: this year so far, last year, the last 12 months."""
    from flask_babel import gettext as _

    return [
        (_("This year"), date(on.year, 1, 1), on),
        (_("Last year"), date(on.year - 1, 1, 1), date(on.year - 1, 12, 31)),
        (_("The last 12 months"), date.fromordinal(add_months(on, -12).toordinal() + 1), on),
    ]


@bp.route("/<string:key>")
@members("coordinator")
@no_personal_data("counts of a period, no person's data")
def show(key):
    definition = services.get_definition(key)
    start, end = services.default_period()
    formdata = MultiDict({"from": start.isoformat(), "to": end.isoformat()})
    for name in ("from", "to"):
        if request.args.get(name):
            formdata[name] = request.args[name]
    form = PeriodForm(formdata=formdata)
    if not form.validate():
        return render_template("reports/show.html", definition=definition, form=form, report=None,
                               presets=presets(today())), 422
    report = services.run_report(key, form.start.data, form.end.data)
    file_format = request.args.get("format")
    if file_format in ("csv", "xlsx"):
        return report_response(report, file_format)
    return render_template("reports/show.html", definition=definition, form=form, report=report,
                           presets=presets(today()))
