"""Validation of a whole import before anything is written: every cell read into its type and checked
against the tenant's codes, every reference resolved (in the file or among the rows the tenant
already has by ``external_id``), and the rules between rows (dates in order, one open match per
referral, meetings within their match). Runs in the tenant's context; reads only."""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from core.extensions import db
from core.matching.models import OPEN_STATUSES, Match
from core.referrals.models import Citizen, Referral
from core.transfer import problems as P
from core.transfer.format import (
    CODE, DATE, EXTERNAL_ID, EXTERNAL_ID_LENGTH, REFERENCE, SHEETS, TEXT, WHOLE_NUMBER, Column, allowed_codes,
)
from core.transfer.problems import Problem
from core.transfer.reader import RawBook
from core.volunteers.models import Volunteer

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DIGITS = re.compile(r"\d+")
KEYED_SHEETS = ("volunteers", "citizens", "referrals", "matches")
MODELS = {"volunteers": Volunteer, "citizens": Citizen, "referrals": Referral, "matches": Match}


@dataclass
class Row:
    number: int
    values: dict  # {column: typed value or None}
    bad: set = field(default_factory=set)  # columns whose cell was refused


@dataclass
class ExistingMatch:
    id: int
    referral_external_id: str | None
    status: str
    started_on: date | None
    ended_on: date | None


@dataclass
class Checked:
    """The file read and checked: typed rows per sheet (every sheet, a missing one empty), the columns
    the file has, and every problem found."""

    rows: dict[str, list[Row]]
    columns: dict[str, tuple[str, ...]]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def _text(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a spreadsheet's 17 is 17.0
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _date(value) -> date | None:
    if isinstance(value, datetime):  # an xlsx date cell
        return value.date() if value.time() == datetime.min.time() else None
    if isinstance(value, date):
        return value
    if isinstance(value, str) and ISO_DATE.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _whole_number(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and DIGITS.fullmatch(value.strip()):
        return int(value.strip())
    return None


def _cell(column: Column, value, codes: tuple[str, ...] | None):
    """``(typed value, reason)``: the cell in its type, or why it cannot be."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, (P.REQUIRED if column.required else None)
    if column.kind == DATE:
        day = _date(value)
        return (day, None) if day is not None else (None, P.not_a_date(_text(value)))
    if column.kind == WHOLE_NUMBER:
        number = _whole_number(value)
        if number is None or not 1 <= number <= column.limit:
            return None, (P.not_minutes if column.name == "minutes" else P.not_months)(column.limit)
        return number, None
    text = _text(value)
    if column.kind == CODE:
        return (text, None) if text in codes else (None, P.unknown_code(text, codes))
    if column.kind == EXTERNAL_ID and len(text) > EXTERNAL_ID_LENGTH:
        return None, P.too_long(EXTERNAL_ID_LENGTH)
    if column.kind == TEXT and column.limit and len(text) > column.limit:
        return None, P.too_long(column.limit)
    return text, None


def _existing_ids() -> dict[str, set[str]]:
    """The external ids the tenant already has, per keyed sheet: one query each."""
    return {sheet: set(db.session.scalars(select(model.external_id).where(model.external_id.is_not(None))))
            for sheet, model in MODELS.items()}


def existing_matches() -> dict[str, ExistingMatch]:
    """The tenant's matches that have an external id, with their referral's external id."""
    rows = db.session.execute(
        select(Match.external_id, Match.id, Referral.external_id, Match.status, Match.started_on, Match.ended_on)
        .join(Referral, Referral.id == Match.referral_id)
        .where(Match.external_id.is_not(None)))
    return {external_id: ExistingMatch(match_id, referral_ext, status, started_on, ended_on)
            for external_id, match_id, referral_ext, status, started_on, ended_on in rows}


def _open_matches_by_referral() -> dict[str, list[str]]:
    """``{referral external id: [open match's external id or #id]}``, of the tenant's open matches."""
    rows = db.session.execute(
        select(Referral.external_id, Match.external_id, Match.id)
        .join(Referral, Referral.id == Match.referral_id)
        .where(Match.status.in_(OPEN_STATUSES), Referral.external_id.is_not(None)))
    found: dict[str, list[str]] = defaultdict(list)
    for referral_ext, match_ext, match_id in rows:
        found[referral_ext].append(match_ext or f"#{match_id}")
    return found


def check(book: RawBook) -> Checked:
    """Every problem of ``book`` for the tenant in context. Nothing is written."""
    problems = list(book.problems)
    codes = allowed_codes()
    rows: dict[str, list[Row]] = {}
    columns: dict[str, tuple[str, ...]] = {}
    for sheet, spec in SHEETS.items():
        raw = book.sheets.get(sheet)
        columns[sheet] = raw.columns if raw else ()
        rows[sheet] = []
        present = [column for column in spec if raw is not None and column.name in raw.columns]
        for number, cells in raw.rows if raw else ():
            row = Row(number, {})
            for column in present:
                value, reason = _cell(column, cells.get(column.name), codes.get((sheet, column.name)))
                row.values[column.name] = value
                if reason is not None:
                    row.bad.add(column.name)
                    problems.append(Problem(sheet, number, column.name, reason))
            rows[sheet].append(row)
    if book.problems:
        # The header is wrong: the rows' own problems are listed, the rules between rows wait.
        return Checked(rows, columns, _in_order(problems))
    problems.extend(_between_rows(rows))
    return Checked(rows, columns, _in_order(problems))


def _in_order(problems: list[Problem]) -> list[Problem]:
    sheet_order = {sheet: i for i, sheet in enumerate(SHEETS)}
    column_order = {(sheet, c.name): i for sheet, spec in SHEETS.items() for i, c in enumerate(spec)}
    return sorted(problems, key=lambda p: (sheet_order.get(p.sheet, -1), p.row or 0,
                                           column_order.get((p.sheet, p.column), -1)))


def _between_rows(rows: dict[str, list[Row]]) -> list[Problem]:
    problems: list[Problem] = []

    def problem(sheet, row, column, reason):
        problems.append(Problem(sheet, row.number, column, reason))

    # Each external id once per sheet; the first row with it is the one referred to.
    in_file: dict[str, dict[str, Row]] = {}
    for sheet in KEYED_SHEETS:
        first: dict[str, Row] = {}
        for row in rows[sheet]:
            key = row.values.get("external_id")
            if key is None:
                continue
            if key in first:
                problem(sheet, row, "external_id", P.duplicate_id(key, first[key].number))
            else:
                first[key] = row
        in_file[sheet] = first

    existing = _existing_ids()
    for sheet, spec in SHEETS.items():
        for column in spec:
            if column.kind != REFERENCE:
                continue
            for row in rows[sheet]:
                key = row.values.get(column.name)
                if key is not None and key not in in_file[column.sheet] and key not in existing[column.sheet]:
                    row.bad.add(column.name)
                    problem(sheet, row, column.name, P.no_such_row(column.sheet, key))

    def good(row, *names):
        return all(row.values.get(n) is not None and n not in row.bad for n in names)

    for row in rows["volunteers"]:
        if good(row, "recruited_on", "left_on") and row.values["left_on"] < row.values["recruited_on"]:
            problem("volunteers", row, "left_on", P.left_before_recruited(row.values["left_on"], row.values["recruited_on"]))

    for row in rows["matches"]:
        values = row.values
        if good(row, "started_on", "ended_on") and values["ended_on"] < values["started_on"]:
            row.bad.add("ended_on")
            problem("matches", row, "ended_on", P.ends_before_start(values["ended_on"], values["started_on"]))
        if values.get("ended_on") is None and "ended_on" not in row.bad:
            for name in ("end_reason", "outcome"):
                if values.get(name) is not None:
                    problem("matches", row, name, P.NOT_ENDED)

    # One open match per referral: the file's open matches, and the tenant's that the file leaves as they are.
    matches_in_file = in_file["matches"]
    open_by_referral: dict[str, list] = defaultdict(list)
    for referral_ext, match_keys in _open_matches_by_referral().items():
        open_by_referral[referral_ext].extend(k for k in match_keys if k not in matches_in_file)
    for row in rows["matches"]:
        if (row.values.get("external_id") and matches_in_file.get(row.values["external_id"]) is row
                and good(row, "referral_id", "started_on") and row.values.get("ended_on") is None
                and "ended_on" not in row.bad):
            open_by_referral[row.values["referral_id"]].append(row)
    for entries in open_by_referral.values():
        for position, entry in enumerate(entries):
            if position > 0 and isinstance(entry, Row):
                other = entries[0]
                problem("matches", entry, "referral_id",
                        P.another_open_match(other.values["external_id"] if isinstance(other, Row) else other))

    # Meetings and follow-ups against their match: the file's row, else the tenant's.
    tenant_matches = existing_matches()

    def match_dates(key):
        """``(started_on, ended_on, known)`` of the match ``key``; not known when its row is faulty."""
        row = matches_in_file.get(key)
        if row is not None:
            known = not ({"started_on", "ended_on"} & row.bad) and row.values.get("started_on") is not None
            return row.values.get("started_on"), row.values.get("ended_on"), known
        match = tenant_matches.get(key)
        if match is None:
            return None, None, False
        return match.started_on, match.ended_on, match.started_on is not None

    for row in rows["meetings"]:
        if not good(row, "match_id", "held_on"):
            continue
        started_on, ended_on, known = match_dates(row.values["match_id"])
        held_on = row.values["held_on"]
        if known and held_on < started_on:
            problem("meetings", row, "held_on", P.meeting_before_start(held_on, started_on))
        elif known and ended_on is not None and held_on > ended_on:
            problem("meetings", row, "held_on", P.meeting_after_end(held_on, ended_on))

    seen_followups: dict[tuple, int] = {}
    for row in rows["followups"]:
        if not good(row, "match_id"):
            continue
        started_on, ended_on, known = match_dates(row.values["match_id"])
        if known and ended_on is None:
            problem("followups", row, "match_id", P.FOLLOWUP_NOT_ENDED)
        if good(row, "months_after"):
            key = (row.values["match_id"], row.values["months_after"])
            if key in seen_followups:
                problem("followups", row, "months_after", P.duplicate_followup(seen_followups[key]))
            else:
                seen_followups[key] = row.number
    return problems
