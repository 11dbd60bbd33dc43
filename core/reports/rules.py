"""CONTRACT.md section 5's counting rules, once, as SQL expressions every report builds on (the
core's and the plugins'): a person's age on ``to``, a match active on a day, in the period, ended by
``to``, a volunteer who counts on ``to``, calendar months. Reports count with SQL aggregates over
these; nothing here loops over rows.

Dates that depend only on the period (the birth date that makes someone 26 on ``to``, the last end
date that is 6 months before ``to``) are computed in Python once and compared in SQL, so the same
expression runs on SQLite and PostgreSQL. The two things the dialects spell differently (days
between two dates, a date's ``YYYY-MM``) are :class:`days_between` and :class:`year_month`.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Date, and_, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Integer, String

from core.clock import add_months


def share(part, whole) -> float:
    """``part`` as a percent of ``whole`` with one decimal, halves rounded up (10.25 -> 10.3);
    0.0 when ``whole`` is 0 (a share of nothing)."""
    if not whole:
        return 0.0
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def mean(total, count) -> float:
    """``total / count`` rounded to two decimals, halves up; 0.0 for no count."""
    if not count:
        return 0.0
    return float((Decimal(total) / Decimal(count)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


# ---- ages ----------------------------------------------------------------------------------------

def born_by(on: date, years: int) -> date:
    """The latest birth date of someone who is at least ``years`` old on ``on`` (whole years): born on
    or before it. 29 February birthdays count from 1 March in other years, as age in whole years does."""
    return add_months(on, -12 * years)


def age_at_least(birth_date, on: date, years: int):
    return birth_date <= born_by(on, years)


def age_between(birth_date, on: date, low: int, high: int | None):
    """Age on ``on`` in [``low``, ``high``] whole years (``high`` None: no upper bound). Unknown birth
    dates are in no band."""
    lower = birth_date <= born_by(on, low)
    if high is None:
        return and_(birth_date.is_not(None), lower)
    return and_(lower, birth_date > born_by(on, high + 1))


def age_in_years(born: date | None, on: date) -> int | None:
    """The age in whole years on ``on`` (for labels and single rows, not for counting)."""
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


# ---- matches -------------------------------------------------------------------------------------

def match_active_on(match, day: date):
    """``started_on <= day`` and (``ended_on`` empty or ``day < ended_on``)."""
    return and_(match.started_on.is_not(None), match.started_on <= day,
                or_(match.ended_on.is_(None), match.ended_on > day))


def match_in_period(match, start: date, end: date):
    """Active on at least one day of [``start``, ``end``]: started by ``end``, and not ended on or
    before ``start`` (nor on its own first day: a match ended the day it started was never active)."""
    return and_(match.started_on.is_not(None), match.started_on <= end,
                or_(match.ended_on.is_(None), and_(match.ended_on > start, match.ended_on > match.started_on)))


def match_ended_by(match, end: date):
    return and_(match.ended_on.is_not(None), match.ended_on <= end)


def meeting_counts(meeting, end: date):
    """A match's meetings are those held on or before ``end``."""
    return meeting.held_on <= end


def last_day_months_before(end: date, months: int) -> date:
    """The latest day ``d`` with ``d + months`` (calendar months) on or before ``end``: ``ended_on <=``
    it is "``months`` months after ``ended_on`` is on or before ``end``". Not simply ``end - months``:
    31 August + 6 months is 28 February, so for ``end`` 28 February it is 31 August."""
    day = add_months(end, -months)
    while add_months(day + timedelta(days=1), months) <= end:
        day += timedelta(days=1)
    return day


# ---- volunteers ----------------------------------------------------------------------------------

def volunteer_counts_on(volunteer, day: date):
    """``recruited_on <= day`` and (``left_on`` empty or ``left_on > day``)."""
    return and_(volunteer.recruited_on <= day, or_(volunteer.left_on.is_(None), volunteer.left_on > day))


# ---- calendar ------------------------------------------------------------------------------------

def period_days(start: date, end: date) -> int:
    return (end - start).days + 1


def months_of(start: date, end: date) -> list[str]:
    """``YYYY-MM`` of every calendar month that overlaps [``start``, ``end``], in order."""
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def years_of(start: date, end: date) -> list[int]:
    return list(range(start.year, end.year + 1))


class days_between(FunctionElement):
    """Whole days from the first date to the second (``b - a``), in SQL."""

    type = Integer()
    inherit_cache = True


@compiles(days_between)
def _days_between_default(element, compiler, **kw):
    a, b = list(element.clauses)
    return f"({compiler.process(b, **kw)} - {compiler.process(a, **kw)})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    a, b = list(element.clauses)
    return f"CAST(julianday({compiler.process(b, **kw)}) - julianday({compiler.process(a, **kw)}) AS INTEGER)"


class year_month(FunctionElement):
    """A date's ``YYYY-MM``, in SQL."""

    type = String()
    inherit_cache = True


@compiles(year_month)
def _year_month_default(element, compiler, **kw):
    (day,) = list(element.clauses)
    return f"to_char({compiler.process(day, **kw)}, 'YYYY-MM')"


@compiles(year_month, "sqlite")
def _year_month_sqlite(element, compiler, **kw):
    (day,) = list(element.clauses)
    return f"strftime('%Y-%m', {compiler.process(day, **kw)})"


class year_of(FunctionElement):
    """A date's calendar year as an integer, in SQL."""

    type = Integer()
    inherit_cache = True


@compiles(year_of)
def _year_of_default(element, compiler, **kw):
    (day,) = list(element.clauses)
    return f"CAST(EXTRACT(YEAR FROM {compiler.process(day, **kw)}) AS INTEGER)"


@compiles(year_of, "sqlite")
def _year_of_sqlite(element, compiler, **kw):
    (day,) = list(element.clauses)
    return f"CAST(strftime('%Y', {compiler.process(day, **kw)}) AS INTEGER)"


def as_date(value):
    """A bound date parameter typed as a date (PostgreSQL needs the type to subtract dates)."""
    from sqlalchemy import literal

    return literal(value, Date())
