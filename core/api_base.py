"""flask-smorest's Api with the contract's error format and HTML errors for pages."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext
from flask_smorest import Api
from werkzeug.exceptions import HTTPException
import marshmallow as ma

from core import i18n_messages  # noqa: F401  (puts marshmallow's messages into the catalogue)

HTTP_MESSAGES = i18n_messages.HTTP_MESSAGES


class ContractErrorSchema(ma.Schema):
    """``{"code", "message", "errors"}``: CONTRACT.md section 4."""

    code = ma.fields.Integer(metadata={"description": "HTTP status"})
    message = ma.fields.String(metadata={"description": "What went wrong, in the language of Accept-Language"})
    errors = ma.fields.Dict(metadata={"description": "Messages per field"})


def _translate_errors(errors):
    """webargs nests messages under the request location; the contract wants them per field."""
    if isinstance(errors, dict) and len(errors) == 1 and next(iter(errors)) in {"json", "query", "form", "headers", "files", "path"}:
        errors = next(iter(errors.values()))
    if isinstance(errors, dict):
        return {str(k): _translate_errors(v) for k, v in errors.items()}
    if isinstance(errors, (list, tuple)):
        return [_translate_errors(e) for e in errors]
    return gettext(str(errors)) if errors is not None else errors


def json_error(code: int, message=None, errors=None, headers=None):
    payload = {"code": code, "message": str(message) if message else gettext(HTTP_MESSAGES.get(code, "Error"))}
    errors = _translate_errors(errors) if errors else {}
    if not isinstance(errors, dict):  # about the body as a whole (e.g. not JSON): marshmallow's key for that
        errors = {"_schema": errors if isinstance(errors, list) else [errors]}
    payload["errors"] = errors
    return payload, code, headers or {}


class MentorkorpsApi(Api):
    ERROR_SCHEMA = ContractErrorSchema

    def handle_http_exception(self, error: HTTPException):
        if not request.path.startswith("/api/"):
            return render_template("error.html", error=error, message=gettext(HTTP_MESSAGES.get(error.code, "Error"))), error.code
        data = getattr(error, "data", None) or {}
        errors = data.get("errors") or data.get("messages")
        message = data.get("message")
        if message is None and errors:
            message = gettext("The request has invalid fields.")
        return json_error(error.code, message, errors, data.get("headers"))
