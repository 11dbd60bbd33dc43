"""The platform administrator's pages: municipalities and the plugins each has enabled."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from core.access import platform_admin
from core.errors import ServiceError
from core.extensions import db
from core.hooks.manager import plugin_manager
from core.platform import services
from core.tenancy import Municipality

bp = Blueprint("platform", __name__, url_prefix="/admin", template_folder="templates")


@bp.route("/")
@platform_admin
def tenants():
    rows = db.session.scalars(select(Municipality).order_by(Municipality.name)).all()
    return render_template("platform/tenants.html", tenants=rows)


@bp.route("/<slug>/plugins", methods=["GET", "POST"])
@platform_admin
def plugins(slug):
    tenant = services.get_tenant_by_slug(slug) or abort(404)
    if request.method == "POST":
        try:
            services.set_plugin_enabled(tenant, request.form.get("plugin", ""), request.form.get("enabled") == "1")
        except ServiceError as error:
            flash(str(error.message), "error")
        else:
            flash(_("The change applies from the municipality's next request."), "success")
        return redirect(url_for("platform.plugins", slug=slug))
    available = plugin_manager().enableable_for(tenant.slug)
    return render_template("platform/plugins.html", tenant=tenant, available=available,
                           enabled=services.enabled_plugin_names(tenant))
