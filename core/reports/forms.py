"""The period picker of a report page (a GET form: the period is in the address, so a committee's
link opens the same figures)."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import InputRequired, ValidationError

from core.fields import LocalDateField
from core.reports.services import MAX_PERIOD_YEARS


class PeriodForm(FlaskForm):
    class Meta:
        csrf = False

    # Named ``from``/``to`` in the address, as in the API.
    start = LocalDateField(_l("From"), name="from", validators=[InputRequired(message=_l("Enter the date."))])
    end = LocalDateField(_l("To"), name="to", validators=[InputRequired(message=_l("Enter the date."))])

    def validate_end(self, field):
        if not (isinstance(self.start.data, date) and isinstance(field.data, date)):
            return
        if field.data < self.start.data:
            raise ValidationError(_l("The end of the period cannot be before its start."))
        if field.data.year - self.start.data.year > MAX_PERIOD_YEARS:
            raise ValidationError(_l("A period can be at most %(years)s years.", years=MAX_PERIOD_YEARS))
