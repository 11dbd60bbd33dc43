"""Sign in and out, change password. Thin: load, check, call a service, render."""
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.tenancy import current_tenant
from core.access import members, public
from core.audit.reads import no_personal_data
from core.accounts import services
from core.accounts.forms import ChangePasswordForm, LoginForm
from core.extensions import limiter
from core.forms import safe_next, submit

bp = Blueprint("accounts", __name__, template_folder="templates")


def _login_limit():
    from flask import current_app

    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/<tenant>/login", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("web.front"))
    return _sign_in(lambda user: services.membership_of(user, current_tenant()) is not None, landing="web.front")


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def platform_login():
    """Sign-in for the platform's administrators (no municipality in the URL)."""
    return _sign_in(lambda user: user.is_platform_admin, landing="platform.tenants")


def _sign_in(may_sign_in, landing: str):
    """The sign-in form: a user whose credentials are right and who ``may_sign_in(user)`` here is
    signed in and sent on (to ``next`` or the ``landing`` endpoint)."""
    form = LoginForm(next=request.args.get("next", ""))
    outcome = submit(form, lambda: services.sign_in_with_password(form.email.data, form.password.data,
                                                                  may_sign_in=may_sign_in))
    if outcome.ok:
        return redirect(safe_next(form.next.data, url_for(landing)))
    return render_template("accounts/login.html", form=form), outcome.status


@bp.route("/<tenant>/logout", methods=["POST"])
@members()
def logout():
    services.sign_out()
    flash(_("You are signed out."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/logout", methods=["POST"])
@public
def platform_logout():
    services.sign_out()
    return redirect(url_for("accounts.platform_login"))


@bp.route("/<tenant>/account/password", methods=["GET", "POST"])
@members()
@no_personal_data("a password form")
def change_password():
    form = ChangePasswordForm()
    outcome = submit(form, lambda: services.change_password(current_user, form.current_password.data,
                                                            form.new_password.data, form.repeat_password.data))
    if outcome.ok:
        services.sign_in(current_user._get_current_object())  # every session ended: go on in a new one
        flash(_("Your password has been changed."), "success")
        return redirect(url_for("web.front"))
    return render_template("accounts/password.html", form=form), outcome.status
