"""Schemas of the reports API (CONTRACT.md section 5)."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from core.schemas import one_of

FORMATS = ("json", "csv", "xlsx")


class ReportArgsSchema(ma.Schema):
    # ``from`` is a Python keyword: the fields are named start/end and read from ``from``/``to``.
    start = fields.Date(data_key="from", metadata={"description": "The period's first day, YYYY-MM-DD "
                                                                  "(default: 1 January of this year)"})
    end = fields.Date(data_key="to", metadata={"description": "The period's last day (default: today)"})
    format = fields.String(load_default="json", validate=one_of(FORMATS),
                           metadata={"description": "json, or the same rows as a csv or xlsx file"})


class ReportListItemSchema(ma.Schema):
    key = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)


class ReportRowSchema(ma.Schema):
    key = fields.String(required=True)
    label = fields.String(required=True)
    # A count (a whole number) or, for an average, a number with two decimals.
    value = fields.Raw(required=True, metadata={"type": "number"})
    percent = fields.Float(metadata={"description": "Present where the report defines a share; one decimal"})


class ReportSectionSchema(ma.Schema):
    key = fields.String(required=True)
    title = fields.String(required=True)
    chart = fields.String(required=True, metadata={"enum": ["bar", "line"]})
    rows = fields.List(fields.Nested(ReportRowSchema), required=True)


class ReportSchema(ma.Schema):
    class Meta:
        ordered = True

    key = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    start = fields.String(data_key="from", required=True, metadata={"format": "date"})
    end = fields.String(data_key="to", required=True, metadata={"format": "date"})
    sections = fields.List(fields.Nested(ReportSectionSchema), required=True)
