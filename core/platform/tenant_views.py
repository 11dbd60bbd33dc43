"""The coordinator's page for the municipality's own settings (``core.settings.TENANT_SETTINGS``)."""
from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import InputRequired

from core.tenancy import current_tenant
from core.access import members
from core.audit.reads import no_personal_data
from core.forms import submit
from core.settings import TENANT_SETTINGS, tenant_setting, update_tenant_settings
from core.fields import WholeNumberField

bp = Blueprint("tenant_settings", __name__, url_prefix="/<tenant>/settings", template_folder="templates")


class TenantSettingsForm(FlaskForm):
    """One field per key of ``TENANT_SETTINGS``, labelled with the setting's own label. The values'
    rules are the settings service's; the form only turns text into numbers."""

    screening_required = BooleanField(TENANT_SETTINGS["screening_required"][1])
    screening_valid_months = WholeNumberField(TENANT_SETTINGS["screening_valid_months"][1],
                                              validators=[InputRequired(message=_l("Enter a number."))])
    default_capacity = WholeNumberField(TENANT_SETTINGS["default_capacity"][1],
                                        validators=[InputRequired(message=_l("Enter a number."))])
    no_contact_days = WholeNumberField(TENANT_SETTINGS["no_contact_days"][1])  # empty: unchanged


@bp.route("/", methods=["GET", "POST"])
@members("coordinator")
@no_personal_data("the municipality's settings")
def edit():
    form = TenantSettingsForm(data={key: tenant_setting(current_tenant(), key) for key in TENANT_SETTINGS})
    outcome = submit(form, lambda: update_tenant_settings(current_tenant(), {key: getattr(form, key).data
                                                                     for key in TENANT_SETTINGS
                                                                     if getattr(form, key).data is not None}))
    if outcome.ok:
        flash(_("The settings are saved."), "success")
        return redirect(url_for("tenant_settings.edit"))
    return render_template("platform/settings.html", form=form), outcome.status
