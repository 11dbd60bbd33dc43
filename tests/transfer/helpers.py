"""Import files for the tests: a small corps' records as sheets of cells, written as an .xlsx
workbook or a folder of CSV files."""
from __future__ import annotations

import copy
import csv
from pathlib import Path

from core.transfer.format import SHEETS, column_names

HEADERS = {sheet: list(column_names(sheet)) for sheet in SHEETS}


def sample() -> dict[str, list[list]]:
    """Two volunteers (one left), two young people, a match that ended with a follow-up and an open
    one with a nominated mentor, three meetings. Rows only; the header is added when written."""
    return copy.deepcopy({
        "volunteers": [
            ["V1", "Anna Berg", "1970-03-01", "female", "public", "higher", "press", "2023-01-10", ""],
            ["V2", "Bent Holm", "1955-07-15", "male", "none", "vocational", "word_of_mouth", "2023-02-01", "2024-06-30"],
        ],
        "citizens": [
            ["C1", "Ali Hansen", "2005-05-05", "male"],
            ["C2", "Bodil Juhl", "", "female"],
        ],
        "referrals": [
            ["R1", "C1", "2023-03-01", "jobcenter", "cash_benefit"],
            ["R2", "C2", "2023-04-01", "school", "in_education"],
        ],
        "matches": [
            ["M1", "R1", "V1", "2023-03-15", "2023-12-01", "completed", "job", "no"],
            ["M2", "R2", "V2", "2023-04-20", "", "", "", "yes"],
        ],
        "meetings": [
            ["M1", "2023-03-20", "60"],
            ["M1", "2023-04-03", "90"],
            ["M2", "2023-05-01", ""],
        ],
        "followups": [
            ["M1", "6", "education"],
        ],
    })


def with_headers(sheets: dict, headers: dict | None = None) -> dict[str, list[list]]:
    headers = {**HEADERS, **(headers or {})}
    return {sheet: [headers[sheet]] + [list(r) for r in rows] for sheet, rows in sheets.items()}


def write_xlsx(path: Path, sheets: dict, headers: dict | None = None) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet, rows in with_headers(sheets, headers).items():
        worksheet = workbook.create_sheet(sheet)
        for row in rows:
            worksheet.append(row)
    for worksheet in workbook.worksheets:  # a text that starts with "=" is text, not a formula
        for row in worksheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
    workbook.save(path)
    return path


def write_csv(folder: Path, sheets: dict, headers: dict | None = None, bom: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for sheet, rows in with_headers(sheets, headers).items():
        with (folder / f"{sheet}.csv").open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
            csv.writer(handle).writerows(["" if v is None else v for v in row] for row in rows)
    return folder


def read_xlsx(path) -> dict[str, list[tuple]]:
    """A workbook's cells per sheet (header included), as values."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    try:
        book = {ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)] for ws in workbook.worksheets}
    finally:
        workbook.close()
    # A row's empty cells at its end are not stored: padded to the header's width.
    return {title: [row + (None,) * (len(rows[0]) - len(row)) for row in rows] for title, rows in book.items()}


def read_csv(folder: Path) -> dict[str, list[list]]:
    return {path.stem: list(csv.reader(path.open(encoding="utf-8-sig", newline="")))
            for path in sorted(folder.glob("*.csv"))}
