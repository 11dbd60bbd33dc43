"""The REST API's shared machinery: flask-smorest's Api with the contract's error format (and HTML
errors for pages), the Blueprint every ``api.py`` uses, and the helpers its endpoints share.

- :class:`Blueprint` parses JSON bodies strictly (:func:`load_json`): a body nested too deep, a
  string with a lone surrogate (not Unicode) or a NUL (neither can be stored), or bytes that are
  not UTF-8 are a
  400 in the contract's format, never a server error. It documents the ``X-Pagination`` header as
  what it is, a string holding JSON.
- :func:`document_errors` documents an endpoint's error answers; :func:`errors_as` renames a
  service's field errors after the request's fields.
"""
from __future__ import annotations

import http
import json
import re
from contextlib import contextmanager

from flask import request
from flask_babel import gettext
from flask_smorest import Api
from flask_smorest import Blueprint as SmorestBlueprint
from flask_smorest.pagination import PaginationMetadataSchema
from webargs import core as webargs_core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import HTTPException
import marshmallow as ma

from core import i18n_messages  # noqa: F401  (puts marshmallow's messages into the catalogue)
from core.errors import ServiceError, error_page
from core.pagination import MAX_PAGE_SIZE, PAGE_SIZE  # noqa: F401  (the API's page sizes)

HTTP_MESSAGES = i18n_messages.HTTP_MESSAGES

# The error responses every tenant resource can give (the contract's error body, see
# ContractErrorSchema): no or a revoked token, not a member / no such item.
COMMON_ERRORS = (401, 404)

# A request body nested deeper than this is refused (no request of this API nests more than 3).
MAX_JSON_DEPTH = 32
_UNSTORABLE = re.compile("[\ud800-\udfff\x00]")  # lone surrogates, NUL


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


def _headers_of(error: HTTPException) -> dict:
    """The headers an HTTP error carries (``Allow`` on 405, ``Retry-After`` on 429 …), without the
    content type of werkzeug's own HTML body."""
    headers = dict(error.get_headers())
    headers.pop("Content-Type", None)
    return headers


class MentorkorpsApi(Api):
    ERROR_SCHEMA = ContractErrorSchema

    def handle_http_exception(self, error: HTTPException):
        headers = _headers_of(error)
        if not request.path.startswith("/api/"):
            return error_page(error.code, headers=headers)
        data = getattr(error, "data", None) or {}
        errors = data.get("errors") or data.get("messages")
        message = data.get("message")
        if message is None and errors:
            message = gettext("The request has invalid fields.")
        return json_error(error.code, message, errors, {**headers, **(data.get("headers") or {})})


# ---- request bodies ----------------------------------------------------------------------------

def load_json(body: bytes | str):
    """Parse a request body as JSON, refusing what the application could not handle safely: bytes
    that are not UTF-8, nesting deeper than :data:`MAX_JSON_DEPTH` (Python's parser would raise
    ``RecursionError`` at about a thousand levels) and strings or keys with a lone surrogate
    (``"\\ud800"`` is valid JSON syntax but not Unicode text, and no database can store it) or a
    NUL (PostgreSQL cannot store it in text). Raises ``json.JSONDecodeError``, a ``ValueError``,
    for each of them."""
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    try:
        data = json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", text, 0) from None
    stack = [(data, 1)]
    while stack:  # iterative: the walk itself must not recurse
        value, depth = stack.pop()
        if isinstance(value, str):
            if _UNSTORABLE.search(value):
                raise json.JSONDecodeError("a lone surrogate or NUL in a string", text, 0)
        elif isinstance(value, (list, dict)):
            if depth > MAX_JSON_DEPTH:
                raise json.JSONDecodeError("nested too deeply", text, 0)
            if isinstance(value, dict):
                stack.extend((key, depth) for key in value)
                value = value.values()
            stack.extend((item, depth + 1) for item in value)
    return data


class ApiParser(FlaskParser):
    """webargs' Flask parser with :func:`load_json` for bodies (invalid: 400, ``Invalid JSON body.``)."""

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return webargs_core.missing
        return load_json(req.get_data(cache=True))  # webargs answers UnicodeDecodeError as invalid JSON


class Blueprint(SmorestBlueprint):
    """The Blueprint of every ``api.py``."""

    ARGUMENTS_PARSER = ApiParser()
    DEFAULT_PAGINATION_PARAMETERS = {"page": 1, "page_size": PAGE_SIZE, "max_page_size": MAX_PAGE_SIZE}

    def _document_pagination_metadata(self, spec, resp_doc):
        """flask-smorest documents ``X-Pagination`` as an object; it is sent as a string of JSON."""
        fields = ", ".join(f"`{name}`" for name in PaginationMetadataSchema().fields)
        resp_doc.setdefault("headers", {})[self.PAGINATION_HEADER_NAME] = {
            "description": f"Pagination metadata as a JSON object in a string: {fields} (page numbers from 1; "
                          "`page`, `previous_page` and `next_page` only where they exist)",
            "schema": {"type": "string"},
        }


# ---- endpoint helpers --------------------------------------------------------------------------

def document_errors(blueprint: SmorestBlueprint, *codes: int):
    """Document error responses of an endpoint in the OpenAPI document with the contract's error
    schema (flask-smorest registers one response component per HTTP status). 422 for an invalid
    body is added by ``@blp.arguments`` itself; pass it here for endpoints without a body whose
    service can refuse."""

    def decorator(func):
        for status in sorted(set(COMMON_ERRORS + codes), reverse=True):
            func = blueprint.alt_response(status, response=http.HTTPStatus(status).name)(func)
        return func

    return decorator


@contextmanager
def errors_as(**fields: str):
    """Name a service's field errors after the request's fields (``errors_as(status="to_status")``):
    the services are shared with the web forms, whose fields may be named otherwise."""
    try:
        yield
    except ServiceError as error:
        for theirs, ours in fields.items():
            if theirs in error.errors:
                error.errors.setdefault(ours, []).extend(error.errors.pop(theirs))
        raise
