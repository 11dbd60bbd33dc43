"""The records page's forms: upload a workbook, confirm its import, download the export."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField


class UploadForm(FlaskForm):
    workbook = FileField(_l("Workbook (.xlsx)"), validators=[
        FileRequired(message=_l("Choose the workbook to import.")),
        FileAllowed(["xlsx"], message=_l("Only an .xlsx workbook can be imported here."))])


class ConfirmForm(FlaskForm):
    upload = HiddenField()


class ExportForm(FlaskForm):
    """Only the CSRF token: the export gives rows without an external id one, so it is a POST."""
