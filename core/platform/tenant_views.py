"""The coordinator's page for the municipality's own settings (``core.settings.TENANT_SETTINGS``) and
the settings of each plugin the municipality has enabled (their ``PluginInfo.settings``)."""
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField
from wtforms.widgets import CheckboxInput, ListWidget
from wtforms.validators import InputRequired

from core.tenancy import current_tenant
from core.access import members
from core.audit.reads import no_personal_data
from core.forms import submit
from core.settings import TENANT_SETTINGS, tenant_setting, update_tenant_settings
from core.fields import WholeNumberField
from core.hooks.manager import plugin_manager
from core.platform.services import enabled_plugin_names, plugin_settings, update_plugin_settings

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


def _setting_field(setting):
    """The form field for one plugin setting. The form only turns text into values; the rules
    (ranges, allowed codes) are the setting's own, checked by the service."""
    label, hint = setting.label, setting.help or None
    if setting.kind == "int":
        return WholeNumberField(label, validators=[InputRequired(message=_l("Enter a number."))], description=hint)
    if setting.kind == "bool":
        return BooleanField(label, description=hint)
    if setting.kind == "choice":
        return SelectField(label, choices=[(c.key, c.label) for c in setting.choices], description=hint)
    if setting.kind == "list" and setting.choices:
        return SelectMultipleField(label, choices=[(c.key, c.label) for c in setting.choices], description=hint,
                                   widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    return StringField(label, description=hint)


def plugin_settings_form(info, values: dict, formdata=None):
    """A form with one field per setting the plugin declares, filled with the tenant's values."""
    fields = {s.key: _setting_field(s) for s in info.settings}
    form_class = type(f"{info.name}SettingsForm", (FlaskForm,), fields)
    data = {key: (", ".join(value) if isinstance(value, list) and not setting.choices else value)
            for setting in info.settings for key, value in [(setting.key, values.get(setting.key))]}
    return form_class(formdata=formdata, data=data, prefix=info.name)


def _plugin_sections(posted: str | None = None):
    """``(info, form)`` for every enabled plugin that declares settings; the posted one reads the request."""
    tenant = current_tenant()
    pm = plugin_manager()
    enabled = enabled_plugin_names(tenant)
    sections = []
    for name, info in sorted(pm.enableable_for(tenant.slug).items()):
        if name in enabled and info.settings:
            formdata = request.form if name == posted else None
            sections.append((info, plugin_settings_form(info, plugin_settings(tenant, name), formdata)))
    return sections


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
    return render_template("platform/settings.html", form=form, plugin_sections=_plugin_sections()), outcome.status


@bp.route("/plugins/<plugin>", methods=["POST"])
@members("coordinator")
@no_personal_data("the settings of the municipality's plugins")
def edit_plugin(plugin):
    sections = _plugin_sections(posted=plugin)
    section = next(((info, form) for info, form in sections if info.name == plugin), None)
    if section is None:
        abort(404)
    info, form = section
    outcome = submit(form, lambda: update_plugin_settings(current_tenant(), plugin, {
        s.key: getattr(form, s.key).data for s in info.settings if getattr(form, s.key).data is not None}))
    if outcome.ok:
        flash(_("The settings of %(plugin)s are saved.", plugin=info.title), "success")
        return redirect(url_for("tenant_settings.edit") + f"#plugin-{plugin}")
    core_form = TenantSettingsForm(data={key: tenant_setting(current_tenant(), key) for key in TENANT_SETTINGS})
    return render_template("platform/settings.html", form=core_form, plugin_sections=sections), outcome.status
