"""Building blocks of every package's marshmallow schemas (the API's request and response bodies).

Load schemas derive from :class:`LoadSchema` (a field the API does not know is an error) and build
their fields with :func:`text`, :func:`code`, :func:`object_id` and :func:`whole_number`, which carry
the lengths, code lists and ranges. A response field whose value can be absent (an empty column) is
declared with ``allow_none=True`` so that the OpenAPI document says it is ``nullable``.
"""
from __future__ import annotations

from datetime import timezone

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from core.inputs import MAX_ID

# Messages of marshmallow's validators, lazily translated so that the caller's language is used
# when the validator formats them (the msgids are marshmallow's own, see core/i18n_messages.py).
TOO_LONG = _l("Longer than maximum length {max}.")
ONE_OF = _l("Must be one of: {choices}.")
AT_LEAST = _l("Must be greater than or equal to {min}.")
AT_MOST = _l("Must be less than or equal to {max}.")
BETWEEN = _l("Must be greater than or equal to {min} and less than or equal to {max}.")

# The largest whole number a request may carry where the service checks the real limit: that of the
# INTEGER columns, so that an absurd number is refused here and never reaches the database.
MAX_WHOLE_NUMBER = 2**31 - 1


def max_length(n: int) -> validate.Length:
    return validate.Length(max=n, error=TOO_LONG)


def one_of(choices) -> validate.OneOf:
    return validate.OneOf(tuple(choices), error=ONE_OF)


def text(n: int, **kwargs) -> fields.String:
    """An optional text of at most ``n`` characters (``null`` clears it)."""
    kwargs.setdefault("allow_none", True)
    return fields.String(validate=max_length(n), **kwargs)


def code(choices, **kwargs) -> fields.String:
    kwargs.setdefault("allow_none", True)
    return fields.String(validate=one_of(choices), **kwargs)


def object_id(**kwargs) -> fields.Integer:
    """The id of a row: 1 up to the largest id (core.inputs.MAX_ID; a larger number never reaches
    the database)."""
    return fields.Integer(strict=True, validate=[validate.Range(min=1, error=AT_LEAST),
                                                 validate.Range(max=MAX_ID, error=AT_MOST)], **kwargs)


def whole_number(**kwargs) -> fields.Integer:
    """A whole number the service checks (its range, in its own words, goes into ``metadata`` for the
    document); here only one that no column could hold is refused."""
    return fields.Integer(strict=True, validate=validate.Range(min=-MAX_WHOLE_NUMBER, max=MAX_WHOLE_NUMBER, error=BETWEEN),
                          **kwargs)


class StrictBoolean(fields.Boolean):
    """``true`` or ``false`` and nothing else: marshmallow's Boolean also takes ``1``, ``"yes"`` …
    (and ``1 in {True}`` is true in Python, so restricting ``truthy`` does not help)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class UtcDateTime(fields.DateTime):
    """A moment, stored in UTC without a zone and sent with its offset, as RFC 3339 (the OpenAPI
    ``date-time`` format) requires: ``2026-03-14T09:30:00+00:00``."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)


class LocalTime(fields.Time):
    """A time of day on the municipality's clock (``HH:MM`` or ``HH:MM:SS``): a time with a zone
    (``09:30Z``) is not one, and cannot be compared with the stored times."""

    def _deserialize(self, value, attr, data, **kwargs):
        parsed = super()._deserialize(value, attr, data, **kwargs)
        if parsed.tzinfo is not None:
            raise self.make_error("invalid", input=value, obj_type=self.OBJ_TYPE)
        return parsed


class LoadSchema(ma.Schema):
    """Base of every request body: a field the API does not know is an error, never ignored."""

    class Meta:
        unknown = ma.RAISE


class PatchSchema(LoadSchema):
    """Base of a PATCH body: only the fields sent are changed, so a body that changes nothing (no
    body, or ``{}``) is refused rather than answered as if something had been saved."""

    @ma.validates_schema
    def _something_to_change(self, data, **kwargs):
        if not data:
            raise ma.ValidationError(str(_l("Missing data for required field.")), "_schema")
