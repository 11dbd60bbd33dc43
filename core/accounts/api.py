"""API tokens: CONTRACT.md section 4."""
import marshmallow as ma
from flask import request
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import abort

from core.access import public
from core.accounts import services
from core.api_base import Blueprint
from core.extensions import limiter

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="API tokens")


class CredentialsSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    email = ma.fields.String(required=True, validate=ma.validate.Length(max=254))
    password = ma.fields.String(required=True, validate=ma.validate.Length(max=1000))


class TokenSchema(ma.Schema):
    token = ma.fields.String(required=True)


def _login_limit():
    from flask import current_app

    return current_app.config["LOGIN_RATE_LIMIT"]


@blp.route("/token")
class Token(MethodView):
    decorators = [limiter.limit(_login_limit, methods=["POST"])]

    @public
    @blp.doc(security=[])
    @blp.arguments(CredentialsSchema)
    @blp.response(201, TokenSchema)
    @blp.alt_response(401, description="Wrong e-mail or password")
    def post(self, credentials):
        """Exchange e-mail and password for a bearer token."""
        user = services.authenticate(credentials["email"], credentials["password"])
        if user is None:
            abort(401, message=_("Wrong e-mail or password."))
        return {"token": services.issue_token(user)}

    @public
    @blp.response(204)
    def delete(self):
        """Revoke the bearer token sent with this request."""
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer ") or not services.revoke_token(header[7:].strip()):
            abort(401)
