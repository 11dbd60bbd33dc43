"""Sign in and out, change password. Thin: load, check, call a service, render."""
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from core.access import members, public
from core.accounts import services
from core.accounts.forms import ChangePasswordForm, LoginForm
from core.errors import ServiceError
from core.extensions import limiter
from core.forms import attach_service_error, safe_next

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
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None or services.membership_of(user, g.tenant) is None:
            form.form_errors.append(_("Wrong e-mail or password."))
        else:
            login_user(user)
            return redirect(safe_next(form.next.data, url_for("web.front")))
    return render_template("accounts/login.html", form=form), 200 if not form.errors else 422


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def platform_login():
    """Sign-in for the platform's administrators (no municipality in the URL)."""
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None or not user.is_platform_admin:
            form.form_errors.append(_("Wrong e-mail or password."))
        else:
            login_user(user)
            return redirect(safe_next(form.next.data, url_for("platform.tenants")))
    return render_template("accounts/login.html", form=form), 200 if not form.errors else 422


@bp.route("/<tenant>/logout", methods=["POST"])
@members()
def logout():
    logout_user()
    flash(_("You are signed out."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/logout", methods=["POST"])
@public
def platform_logout():
    logout_user()
    return redirect(url_for("accounts.platform_login"))


@bp.route("/<tenant>/account/password", methods=["GET", "POST"])
@members()
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.new_password.data, form.repeat_password.data)
        except ServiceError as error:
            attach_service_error(form, error)
        else:
            login_user(current_user._get_current_object())  # the session follows the new epoch; others end
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("web.front"))
    return render_template("accounts/password.html", form=form), 200 if not form.errors else 422
