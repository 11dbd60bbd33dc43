"""A report as data (the JSON of CONTRACT.md section 5) and as files: CSV and XLSX with the same rows.

The files have one line per row of every section, with the columns ``section, section_title, key,
label, value, percent`` (labels in the reader's language); the workbook adds an ``about`` sheet with
the report's key, title and period.
"""
from __future__ import annotations

import csv
import io
import re

from core.reports.services import Report

COLUMNS = ("section", "section_title", "key", "label", "value", "percent")
CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A spreadsheet program runs a cell that starts with one of these as a formula (CSV injection):
# labels are ours or a plugin's, but a tenant's own codes may be typed by people.
_FORMULA_START = re.compile(r"^[=+\-@\t\r]")


def as_dict(report: Report) -> dict:
    return {
        "key": report.key,
        "title": str(report.title),
        "description": str(report.description or ""),
        "from": report.start.isoformat(),
        "to": report.end.isoformat(),
        "sections": [
            {"key": section.key, "title": str(section.title), "chart": section.chart,
             "rows": [_row(row) for row in section.rows]}
            for section in report.sections
        ],
    }


def _row(row) -> dict:
    data = {"key": row.key, "label": str(row.label), "value": row.value}
    if row.percent is not None:
        data["percent"] = row.percent
    return data


def table_rows(report: Report) -> list[tuple]:
    """Every row of every section, in the files' columns."""
    return [(section.key, str(section.title), row.key, str(row.label), row.value,
             "" if row.percent is None else row.percent)
            for section in report.sections for row in section.rows]


def _safe(cell):
    return f"'{cell}" if isinstance(cell, str) and _FORMULA_START.match(cell) else cell


def as_csv(report: Report) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for line in table_rows(report):
        writer.writerow([_safe(cell) for cell in line])
    # A byte-order mark, so that Excel opens Danish letters as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = "report"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in table_rows(report):
        sheet.append([_safe(cell) if cell != "" else None for cell in line])
        sheet.cell(row=sheet.max_row, column=6).number_format = "0.0"
    for column, width in zip("ABCDEF", (18, 36, 24, 48, 10, 10)):
        sheet.column_dimensions[column].width = width
    about = workbook.create_sheet("about")
    for line in (("key", report.key), ("title", str(report.title)), ("from", report.start.isoformat()),
                 ("to", report.end.isoformat())):
        about.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filename(report: Report, extension: str) -> str:
    return f"{report.key}_{report.start.isoformat()}_{report.end.isoformat()}.{extension}"
