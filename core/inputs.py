"""Input as it arrives from outside, refused before it can reach the database.

- Row ids (URLs, query strings, form fields, JSON bodies): an id is a whole number of ASCII digits
  from 1 to 2**31 - 1, the range of the id columns (``INTEGER``; SQLite's are wider). Python's
  ``int`` accepts any size and Unicode digits (``int('١٢')`` is 12; ``'²'.isdigit()`` is true but
  ``int('²')`` raises); SQLite's driver raises ``OverflowError`` beyond 64 bits and PostgreSQL
  "integer out of range" beyond 32.
- NUL characters: PostgreSQL cannot store one in a text column (the driver raises), so a request
  with one in its path, query string, form or headers is a 400 (JSON bodies: core.api_base).
"""
from __future__ import annotations

import builtins
import re

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # the id columns are INTEGER
_ASCII_DIGITS = re.compile(r"[0-9]{1,10}")


def parse_id(value) -> int | None:
    """``value`` as an id, or ``None`` when it is not one (empty, not ASCII digits, 0, too large)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1 <= value <= MAX_ID else None
    text = str(value).strip() if value is not None else ""
    if not _ASCII_DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


class IdConverter(IntegerConverter):
    """The ``int`` URL converter, bounded: ASCII digits only and at most :data:`MAX_ID`, so that a
    larger number in a URL is an ordinary 404 instead of an error in the database driver. Registered app-wide as ``int`` (core.create_app), so every ``<int:...>`` route uses it;
    the OpenAPI document shows its bounds."""

    regex = r"[0-9]+"

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002 (werkzeug's names)
        super().__init__(map, fixed_digits, min=0 if min is None else min,
                         max=MAX_ID if max is None else builtins.min(max, MAX_ID), signed=False)


def _has_nul(values) -> bool:
    return any("\x00" in value for value in values)


def refuse_nul_characters():
    """``before_request``: a NUL anywhere a view or service could read it is a 400."""
    if ("\x00" in request.path
            or _has_nul(key + value for key, value in request.args.items(multi=True))
            or _has_nul(value for _name, value in request.headers.items())
            or (request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")
                and _has_nul(key + value for key, value in request.form.items(multi=True)))):
        abort(400)


def init_app(app: Flask) -> None:
    """Bound ids in every ``<int:...>`` route and refuse NUL characters; call before the blueprints
    are registered (their rules are compiled with the converters known then) and before any other
    ``before_request`` function (the tenant is looked up by the slug in the path)."""
    app.url_map.converters["int"] = IdConverter
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_nul_characters)


LIST_FIELDS = ("languages", "interests")


def clean_fields(data: dict, list_fields=LIST_FIELDS) -> dict:
    """A service's input tidied before validation: text stripped (empty text is ``None``), and the
    entries of list fields stripped with the empty ones dropped."""
    cleaned = {}
    for key, value in data.items():
        if isinstance(value, str):
            value = value.strip() or None
        if key in list_fields:
            value = [str(v).strip() for v in (value or []) if str(v).strip()]
        cleaned[key] = value
    return cleaned
