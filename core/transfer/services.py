"""The import and export of a corps' records (CONTRACT.md sections 2 and 3).

An import is validated whole before anything is written (:mod:`core.transfer.validation`); then it
is compared with what the tenant already has, keyed by ``external_id`` (:func:`plan`), and written in
the caller's transaction (:func:`import_records`; services never commit). It records history as it
happened: intake rules, course gates, capacity limits and lifecycle hooks are not run again, and rows
are inserted in bulk (a workbook with 20,000 meetings imports in seconds). Re-importing the same file
changes nothing.

An export writes the tenant's records in the same format; a row made in the app gets an
``external_id`` the first time it is exported (``volunteer-17``), kept on the row, so that the next
export names it the same and importing the file back into the same tenant updates that row instead
of adding a copy.
"""
from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask_babel import lazy_ngettext
from sqlalchemy import insert, select, update

from core import clock
from core.audit import services as audit
from core.errors import ServiceError
from core.extensions import db
from core.matching.models import Match, MatchTransition
from core.meetings.models import FollowUp, Meeting
from core.referrals.models import Citizen, Referral
from core.settings import tenant_setting
from core.tenancy import current_tenant, tenant_context, utcnow
from core.transfer.format import NO, SHEETS, YES, column_names
from core.transfer.problems import Problem
from core.transfer.reader import CSV_ESCAPED, read_book
from core.transfer.validation import MODELS, Checked, Row, check
from core.volunteers.models import Volunteer, VolunteerStatus, VolunteerStatusChange

IMPORT_NOTE = "import"  # the note on the status history an import writes, and the referrals' consent text version
EXPORTED_MATCH_STATUSES = ("active", "ended")  # a match that never started is no mentoring course
INSERT_CHUNK = 2000
VOLUNTEER_FIELDS = ("name", "birth_date", "gender", "employment_sector", "education", "recruitment_channel",
                    "recruited_on", "left_on")
CITIZEN_FIELDS = ("name", "birth_date", "gender")
ID_PREFIXES = {"volunteers": "volunteer", "citizens": "citizen", "referrals": "referral", "matches": "match"}


class ImportRefused(ServiceError):
    """The file has problems; nothing was imported. ``problems`` lists every one."""

    def __init__(self, problems: list[Problem]):
        super().__init__(lazy_ngettext("The file has %(num)s problem; nothing was imported.",
                                       "The file has %(num)s problems; nothing was imported.", len(problems)))
        self.problems = problems


# ---- the plan: what an import would change ------------------------------------------------------------

NEW = object()  # a reference to a row that the import itself inserts (its id is not known yet)


@dataclass
class SheetPlan:
    inserts: list = field(default_factory=list)
    updates: list = field(default_factory=list)  # (ORM object, {attribute: new value}, the file's Row)
    unchanged: int = 0

    def counts(self) -> dict:
        return {"inserted": len(self.inserts), "updated": len(self.updates), "unchanged": self.unchanged}


@dataclass
class Plan:
    checked: Checked
    sheets: dict[str, SheetPlan]

    def counts(self) -> dict[str, dict]:
        return {sheet: self.sheets[sheet].counts() for sheet in SHEETS}

    @property
    def rows(self) -> int:
        return sum(len(rows) for rows in self.checked.rows.values())


def _keyed(model) -> dict:
    """The tenant's rows of ``model`` that have an external id, by it."""
    return {obj.external_id: obj for obj in db.session.scalars(select(model).where(model.external_id.is_not(None)))}


def _diff(obj, wanted: dict) -> dict:
    return {name: value for name, value in wanted.items() if getattr(obj, name) != value}


def plan(checked: Checked) -> Plan:
    """Compare the checked file with the tenant's rows: what would be inserted, updated, left alone."""
    rows = checked.rows
    sheets = {sheet: SheetPlan() for sheet in SHEETS}
    existing = {sheet: _keyed(model) for sheet, model in MODELS.items()}

    def ref(sheet, key):
        obj = existing[sheet].get(key)
        return obj.id if obj is not None else NEW

    def keyed_rows(sheet):
        """Each external id's row (validation refused a second one)."""
        return {row.values["external_id"]: row for row in rows[sheet]}.values()

    def compare(sheet, wanted_of):
        for row in keyed_rows(sheet):
            obj = existing[sheet].get(row.values["external_id"])
            if obj is None:
                sheets[sheet].inserts.append(row)
                continue
            changes = _diff(obj, wanted_of(row))
            if changes:
                sheets[sheet].updates.append((obj, changes, row))
            else:
                sheets[sheet].unchanged += 1

    compare("volunteers", lambda row: {name: row.values[name] for name in VOLUNTEER_FIELDS})
    compare("citizens", lambda row: {name: row.values[name] for name in CITIZEN_FIELDS})
    compare("referrals", lambda row: {
        "citizen_id": ref("citizens", row.values["citizen_id"]), "referred_on": row.values["referred_on"],
        "source": row.values["source"], "situation": row.values["situation"]})

    def match_wanted(row):
        values = row.values
        wanted = {"referral_id": ref("referrals", values["referral_id"]),
                  "volunteer_id": ref("volunteers", values["volunteer_id"]),
                  "started_on": values["started_on"], "ended_on": values["ended_on"],
                  "end_reason": values["end_reason"], "outcome": values["outcome"]}
        if values.get("network_nominated") is not None:  # an empty cell or no column: unknown, left as it is
            wanted["network_nominated"] = values["network_nominated"] == YES
        return wanted

    compare("matches", match_wanted)

    # Meetings have no key: per match, only the (held_on, minutes) occurrences the tenant lacks are new.
    by_match: dict[str, Counter] = defaultdict(Counter)
    for row in rows["meetings"]:
        by_match[row.values["match_id"]][(row.values["held_on"], row.values.get("minutes"))] += 1
    known_ids = {existing["matches"][key].id: key for key in by_match if key in existing["matches"]}
    have: dict[str, Counter] = defaultdict(Counter)
    if known_ids:
        for match_id, held_on, minutes in db.session.execute(select(Meeting.match_id, Meeting.held_on, Meeting.minutes)):
            if match_id in known_ids:
                have[known_ids[match_id]][(held_on, minutes)] += 1
    for key, wanted in by_match.items():
        for (held_on, minutes), count in wanted.items():
            already = min(count, have[key][(held_on, minutes)])
            sheets["meetings"].unchanged += already
            sheets["meetings"].inserts.extend([(key, held_on, minutes)] * (count - already))

    # Follow-ups by (match, months after).
    followups = {}
    match_ids = {obj.id: key for key, obj in existing["matches"].items()}
    if rows["followups"]:
        for followup in db.session.scalars(select(FollowUp)):
            if followup.match_id in match_ids:
                followups[(match_ids[followup.match_id], followup.months_after)] = followup
    for row in rows["followups"]:
        key = (row.values["match_id"], row.values["months_after"])
        followup = followups.get(key)
        if followup is None:
            sheets["followups"].inserts.append(row)
        elif followup.status != row.values["status"]:
            sheets["followups"].updates.append((followup, {"status": row.values["status"]}, row))
        else:
            sheets["followups"].unchanged += 1
    return Plan(checked, sheets)


# ---- checking and importing ----------------------------------------------------------------------------

@dataclass
class Preview:
    problems: list[Problem]
    counts: dict[str, dict] | None  # None when there are problems


def check_import(tenant, source) -> Preview:
    """Validate ``source`` (a path, or an open .xlsx file) for ``tenant`` and count what importing it
    would insert, update and leave unchanged. Writes nothing."""
    with tenant_context(tenant):
        checked = check(read_book(source))
        if not checked.ok:
            return Preview(checked.problems, None)
        return Preview([], plan(checked).counts())


def import_records(tenant, source, *, progress: Callable[[int], None] | None = None,
                   on_plan: Callable[[int], None] | None = None) -> dict[str, dict]:
    """Import ``source`` into ``tenant`` in the caller's transaction; nothing is written when the file
    has any problem (:class:`ImportRefused`). ``on_plan(total)`` is told the number of rows before the
    writing starts and ``progress(n)`` as each ``n`` of them are written. Returns the counts per sheet:
    ``{sheet: {"inserted", "updated", "unchanged"}}``."""
    with tenant_context(tenant):
        checked = check(read_book(source))
        if not checked.ok:
            raise ImportRefused(checked.problems)
        the_plan = plan(checked)
        if on_plan is not None:
            on_plan(the_plan.rows)
        _apply(the_plan, progress or (lambda n: None))
        counts = the_plan.counts()
        audit.record("records.imported", None, counts=counts)
        db.session.flush()
        return counts


def _bulk_insert(model, rows: list[dict]) -> None:
    """ORM bulk INSERT (stamped with the tenant by core.tenancy). ``render_nulls``: a None is sent as
    NULL rather than leaving its column out, so rows with and without an end date go in one batch
    instead of a statement each time the set of columns changes."""
    statement = insert(model).execution_options(render_nulls=True)
    # The row's time of writing, once for all rows rather than the column default's call per row.
    stamp = next((name for name in ("created_at", "at") if name in model.__table__.c), None)
    if stamp is not None:
        now = utcnow()
        rows = [{**row, stamp: now} for row in rows]
    for start in range(0, len(rows), INSERT_CHUNK):
        db.session.execute(statement, rows[start:start + INSERT_CHUNK])


def _ids(model) -> dict[str, int]:
    return dict(db.session.execute(select(model.external_id, model.id).where(model.external_id.is_not(None))).all())


def _apply(the_plan: Plan, progress: Callable[[int], None]) -> None:
    sheets, rows = the_plan.sheets, the_plan.checked.rows
    _apply_volunteers(sheets["volunteers"])
    progress(len(rows["volunteers"]))
    _apply_citizens(sheets["citizens"])
    progress(len(rows["citizens"]))
    citizen_ids = _ids(Citizen)
    affected_referrals = set()
    _apply_referrals(sheets["referrals"], citizen_ids)
    progress(len(rows["referrals"]))
    referral_ids, volunteer_ids = _ids(Referral), _ids(Volunteer)
    affected_referrals |= {referral_ids[row.values["external_id"]] for row in sheets["referrals"].inserts}
    affected_referrals |= _apply_matches(sheets["matches"], referral_ids, volunteer_ids)
    progress(len(rows["matches"]))
    match_ids = _ids(Match)
    meetings = [{"match_id": match_ids[key], "held_on": held_on, "minutes": minutes}
                for key, held_on, minutes in sheets["meetings"].inserts]
    _bulk_insert(Meeting, meetings)
    progress(len(rows["meetings"]))
    _apply_followups(sheets["followups"], rows["matches"], match_ids)
    progress(len(rows["followups"]))
    _derive_referral_statuses(affected_referrals)


def _apply_citizens(sheet_plan: SheetPlan) -> None:
    for citizen, changes, _row in sheet_plan.updates:
        for name, value in changes.items():
            setattr(citizen, name, value)
    db.session.flush()
    _bulk_insert(Citizen, [{"external_id": row.values["external_id"], **{name: row.values[name] for name in CITIZEN_FIELDS},
                            "languages": [], "interests": [], "share_contact_with_mentor": False}
                           for row in sheet_plan.inserts])


def _apply_volunteers(sheet_plan: SheetPlan) -> None:
    """New volunteers are active mentors from ``recruited_on`` (left on ``left_on``), with that status
    history, so the reports and the recruitment overview count them; changed ones have their history
    corrected to the file's dates."""
    capacity = tenant_setting(current_tenant(), "default_capacity")
    _update_volunteers(sheet_plan.updates)
    new = []
    for row in sheet_plan.inserts:
        values = row.values
        left_on = values["left_on"]
        new.append({"external_id": values["external_id"], **{name: values[name] for name in VOLUNTEER_FIELDS},
                    "status": VolunteerStatus.LEFT if left_on else VolunteerStatus.ACTIVE,
                    "status_since": left_on or values["recruited_on"], "capacity": capacity,
                    "languages": [], "interests": []})
    _bulk_insert(Volunteer, new)
    if not new:
        return
    ids = _ids(Volunteer)
    changes = []
    for row in sheet_plan.inserts:
        volunteer_id, values = ids[row.values["external_id"]], row.values
        changes.append({"volunteer_id": volunteer_id, "from_status": None, "to_status": VolunteerStatus.ACTIVE,
                        "on": values["recruited_on"], "note": IMPORT_NOTE})
        if values["left_on"]:
            changes.append({"volunteer_id": volunteer_id, "from_status": VolunteerStatus.ACTIVE,
                            "to_status": VolunteerStatus.LEFT, "on": values["left_on"], "note": IMPORT_NOTE})
    _bulk_insert(VolunteerStatusChange, changes)


def _update_volunteers(updates: list) -> None:
    if not updates:
        return
    history: dict[int, list] = defaultdict(list)
    for change in db.session.scalars(select(VolunteerStatusChange)
                                     .where(VolunteerStatusChange.volunteer_id.in_([v.id for v, _, _ in updates]))
                                     .order_by(VolunteerStatusChange.id)):
        history[change.volunteer_id].append(change)
    for volunteer, changes, _row in updates:
        for name, value in changes.items():
            setattr(volunteer, name, value)
        steps = history[volunteer.id]
        if "recruited_on" in changes and steps:
            steps[0].on = changes["recruited_on"]  # the first contact is the first change
            if len(steps) == 1:
                volunteer.status_since = changes["recruited_on"]
        if "left_on" not in changes:
            continue
        left_on = changes["left_on"]
        left = next((s for s in reversed(steps) if s.to_status == VolunteerStatus.LEFT), None)
        if left_on is not None and left is None:
            db.session.add(VolunteerStatusChange(volunteer_id=volunteer.id, from_status=volunteer.status,
                                                 to_status=VolunteerStatus.LEFT, on=left_on, note=IMPORT_NOTE))
            volunteer.status, volunteer.status_since = VolunteerStatus.LEFT, left_on
        elif left_on is not None:
            left.on = left_on
            if volunteer.status == VolunteerStatus.LEFT:
                volunteer.status_since = left_on
        elif left is not None:  # the file says the volunteer has not left: the leaving is undone
            db.session.delete(left)
            before = [s for s in steps if s is not left]
            if volunteer.status == VolunteerStatus.LEFT:
                volunteer.status = before[-1].to_status if before else VolunteerStatus.ACTIVE
                volunteer.status_since = before[-1].on if before else volunteer.recruited_on
    db.session.flush()


def _apply_referrals(sheet_plan: SheetPlan, citizen_ids: dict) -> None:
    for referral, changes, row in sheet_plan.updates:
        if "citizen_id" in changes:  # the citizen may be new: its id is known now
            changes["citizen_id"] = citizen_ids[row.values["citizen_id"]]
        for name, value in changes.items():
            setattr(referral, name, value)
        if "referred_on" in changes and referral.consent_text_version == IMPORT_NOTE:
            referral.consent_given_on = referral.decided_on = changes["referred_on"]
    db.session.flush()
    _bulk_insert(Referral, [{
        "external_id": row.values["external_id"], "citizen_id": citizen_ids[row.values["citizen_id"]],
        "referred_on": row.values["referred_on"], "source": row.values["source"],
        "situation": row.values["situation"], "status": "accepted",
        "consent_given_on": row.values["referred_on"], "consent_text_version": IMPORT_NOTE,
        "decision": "accept", "decided_on": row.values["referred_on"], "intake_answers": {}, "findings": []}
        for row in sheet_plan.inserts])


def _apply_matches(sheet_plan: SheetPlan, referral_ids: dict, volunteer_ids: dict) -> set[int]:
    """Matches as they happened: active from ``started_on`` (proposed and chosen the same day), ended
    on ``ended_on``, each with its dated transitions. Returns the ids of the referrals whose status
    follows from their matches again."""
    affected: set[int] = set()
    if sheet_plan.updates:
        transitions: dict[int, list] = defaultdict(list)
        for transition in db.session.scalars(select(MatchTransition).where(
                MatchTransition.match_id.in_([m.id for m, _, _ in sheet_plan.updates])).order_by(MatchTransition.id)):
            transitions[transition.match_id].append(transition)
        ended_changed = {}
        for match, changes, row in sheet_plan.updates:
            values = row.values
            affected.add(match.referral_id)
            if "referral_id" in changes:
                changes["referral_id"] = referral_ids[values["referral_id"]]
            if "volunteer_id" in changes:
                changes["volunteer_id"] = volunteer_ids[values["volunteer_id"]]
            for name, value in changes.items():
                setattr(match, name, value)
            affected.add(match.referral_id)
            steps = transitions[match.id]
            if "started_on" in changes:
                match.proposed_on = min(match.proposed_on, match.started_on)
                match.chosen_on = min(match.chosen_on or match.started_on, match.started_on)
                started = next((t for t in reversed(steps) if t.to_status == "active"), None)
                if started is not None:
                    started.on = match.started_on
            if "ended_on" in changes:
                ended = next((t for t in reversed(steps) if t.to_status == "ended"), None)
                if match.ended_on is None:
                    if ended is not None:
                        db.session.delete(ended)
                elif ended is None:
                    db.session.add(MatchTransition(match_id=match.id, from_status="active", to_status="ended",
                                                   on=match.ended_on, note=IMPORT_NOTE))
                else:
                    ended.on = match.ended_on
                    ended_changed[match.id] = match.ended_on
            match.status = "ended" if match.ended_on is not None else "active"
        db.session.flush()
        if ended_changed:  # a follow-up is due counted from the end
            for followup in db.session.scalars(select(FollowUp).where(FollowUp.match_id.in_(list(ended_changed)))):
                imported = followup.recorded_on == followup.due_on
                followup.due_on = clock.add_months(ended_changed[followup.match_id], followup.months_after)
                if imported and followup.recorded_on is not None:
                    followup.recorded_on = followup.due_on
            db.session.flush()
    new = []
    for row in sheet_plan.inserts:
        values = row.values
        new.append({"external_id": values["external_id"], "referral_id": referral_ids[values["referral_id"]],
                    "volunteer_id": volunteer_ids[values["volunteer_id"]],
                    "status": "ended" if values["ended_on"] else "active",
                    "proposed_on": values["started_on"], "chosen_on": values["started_on"],
                    "started_on": values["started_on"], "ended_on": values["ended_on"],
                    "end_reason": values["end_reason"], "outcome": values["outcome"],
                    "network_nominated": values.get("network_nominated") == YES})
    _bulk_insert(Match, new)
    if new:
        ids = _ids(Match)
        steps = []
        for row in sheet_plan.inserts:
            values = row.values
            match_id = ids[values["external_id"]]
            steps.append({"match_id": match_id, "from_status": None, "to_status": "active",
                          "on": values["started_on"], "note": IMPORT_NOTE})
            if values["ended_on"]:
                steps.append({"match_id": match_id, "from_status": "active", "to_status": "ended",
                              "on": values["ended_on"], "note": IMPORT_NOTE})
        _bulk_insert(MatchTransition, steps)
        affected |= {referral_ids[row.values["referral_id"]] for row in sheet_plan.inserts}
    return affected


def _apply_followups(sheet_plan: SheetPlan, match_rows: list[Row], match_ids: dict) -> None:
    """A follow-up is due ``months_after`` calendar months after its match ended, and recorded that
    day when it has a status."""
    for followup, changes, _row in sheet_plan.updates:
        followup.status = changes["status"]
        followup.recorded_on = followup.due_on if followup.status is not None else None
    db.session.flush()
    ended = {row.values["external_id"]: row.values["ended_on"] for row in match_rows}
    missing = [key for key in {row.values["match_id"] for row in sheet_plan.inserts} if key not in ended]
    if missing:
        ended.update(dict(db.session.execute(select(Match.external_id, Match.ended_on)
                                             .where(Match.external_id.in_(missing))).all()))
    new = []
    for row in sheet_plan.inserts:
        values = row.values
        due_on = clock.add_months(ended[values["match_id"]], values["months_after"])
        new.append({"match_id": match_ids[values["match_id"]], "months_after": values["months_after"],
                    "due_on": due_on, "status": values["status"],
                    "recorded_on": due_on if values["status"] is not None else None})
    _bulk_insert(FollowUp, new)


def _derive_referral_statuses(referral_ids: set[int]) -> None:
    """A referral's status follows from its matches: matched while one is open, ended when every one
    has ended, else accepted (waiting for a match). A referral that was rejected or whose consent was
    withdrawn keeps that status."""
    if not referral_ids:
        return
    statuses: dict[int, set] = defaultdict(set)
    ids = list(referral_ids)
    for start in range(0, len(ids), INSERT_CHUNK):
        for referral_id, status in db.session.execute(select(Match.referral_id, Match.status)
                                                      .where(Match.referral_id.in_(ids[start:start + INSERT_CHUNK]))):
            statuses[referral_id].add(status)
    by_status: dict[str, list[int]] = defaultdict(list)
    for referral_id in ids:
        found = statuses.get(referral_id, set())
        if "active" in found:
            status = "matched"
        elif found & {"proposed", "chosen"}:
            status = "proposed"
        elif "ended" in found:
            status = "ended"
        else:
            status = "accepted"
        by_status[status].append(referral_id)
    for status, chosen in by_status.items():
        for start in range(0, len(chosen), INSERT_CHUNK):
            db.session.execute(update(Referral).where(Referral.id.in_(chosen[start:start + INSERT_CHUNK]),
                                                      Referral.status.not_in(("rejected", "withdrawn")),
                                                      Referral.status != status)
                               .values(status=status).execution_options(synchronize_session="fetch"))


# ---- export --------------------------------------------------------------------------------------------------

def _give_external_ids() -> None:
    """A row made in the app gets an external id when it is first exported, kept from then on:
    ``<kind>-<id>``, or with a further number should an imported row already have that one."""
    exported_matches = Match.status.in_(EXPORTED_MATCH_STATUSES)
    for sheet, model in MODELS.items():
        criteria = [model.external_id.is_(None)] + ([exported_matches] if model is Match else [])
        missing = db.session.scalars(select(model).where(*criteria).order_by(model.id)).all()
        if not missing:
            continue
        taken = set(db.session.scalars(select(model.external_id).where(model.external_id.is_not(None))))
        for obj in missing:
            candidate, n = f"{ID_PREFIXES[sheet]}-{obj.id}", 1
            while candidate in taken:
                n += 1
                candidate = f"{ID_PREFIXES[sheet]}-{obj.id}-{n}"
            taken.add(candidate)
            obj.external_id = candidate
        db.session.flush()


def _code(value) -> str | None:
    return value if value else None


def export_rows() -> dict[str, list[tuple]]:
    """The tenant's records as the import format's rows (without the header), per sheet."""
    _give_external_ids()
    book: dict[str, list[tuple]] = {}
    book["volunteers"] = [tuple(row) for row in db.session.execute(
        select(Volunteer.external_id, Volunteer.name, Volunteer.birth_date, Volunteer.gender,
               Volunteer.employment_sector, Volunteer.education, Volunteer.recruitment_channel,
               Volunteer.recruited_on, Volunteer.left_on).order_by(Volunteer.id))]
    book["citizens"] = [tuple(row) for row in db.session.execute(
        select(Citizen.external_id, Citizen.name, Citizen.birth_date, Citizen.gender).order_by(Citizen.id))]
    book["referrals"] = [tuple(row) for row in db.session.execute(
        select(Referral.external_id, Citizen.external_id, Referral.referred_on, Referral.source, Referral.situation)
        .join(Citizen, Citizen.id == Referral.citizen_id).order_by(Referral.id))]
    exported = (Match.status.in_(EXPORTED_MATCH_STATUSES), Match.started_on.is_not(None),
                Match.volunteer_id.is_not(None))
    book["matches"] = [
        (external_id, referral, volunteer, started_on, ended_on, end_reason, outcome, YES if nominated else NO)
        for external_id, referral, volunteer, started_on, ended_on, end_reason, outcome, nominated in db.session.execute(
            select(Match.external_id, Referral.external_id, Volunteer.external_id, Match.started_on, Match.ended_on,
                   Match.end_reason, Match.outcome, Match.network_nominated)
            .join(Referral, Referral.id == Match.referral_id).join(Volunteer, Volunteer.id == Match.volunteer_id)
            .where(*exported).order_by(Match.id))]
    book["meetings"] = [tuple(row) for row in db.session.execute(
        select(Match.external_id, Meeting.held_on, Meeting.minutes).join(Match, Match.id == Meeting.match_id)
        .where(*exported).order_by(Meeting.match_id, Meeting.held_on, Meeting.id))]
    book["followups"] = [tuple(row) for row in db.session.execute(
        select(Match.external_id, FollowUp.months_after, FollowUp.status).join(Match, Match.id == FollowUp.match_id)
        .where(*exported).order_by(FollowUp.match_id, FollowUp.months_after))]
    return book


def export_records(tenant, target, *, as_csv: bool | None = None) -> dict[str, int]:
    """Write ``tenant``'s records to ``target``: a folder of CSV files (``as_csv``, or a path that
    does not end in ``.xlsx``) or a workbook (a path ending in ``.xlsx``, or an open binary file).
    Audited. Returns the number of rows per sheet."""
    with tenant_context(tenant):
        if as_csv is None:
            as_csv = isinstance(target, (str, Path)) and not str(target).lower().endswith(".xlsx")
        book = export_rows()
        if as_csv:
            write_csv_folder(book, Path(target))
        else:
            write_workbook(book, target)
        counts = {sheet: len(rows) for sheet, rows in book.items()}
        audit.record("records.exported", None, counts=counts, format="csv" if as_csv else "xlsx")
        db.session.flush()
        return counts


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if CSV_ESCAPED.match(text) else text


def write_csv_folder(book: dict[str, list[tuple]], folder: Path) -> None:
    """One ``<sheet>.csv`` per sheet, UTF-8 with a byte-order mark (so that Excel reads the letters)."""
    folder.mkdir(parents=True, exist_ok=True)
    for sheet in SHEETS:
        with (folder / f"{sheet}.csv").open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(column_names(sheet))
            writer.writerows([_cell_text(v) for v in row] for row in book.get(sheet, []))


def write_workbook(book: dict[str, list[tuple]], target) -> None:
    """One sheet per sheet of the format, dates as date cells shown YYYY-MM-DD; text is always text
    (a name starting with ``=`` is not a formula)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    for sheet in SHEETS:
        worksheet = workbook.create_sheet(sheet)
        worksheet.append(list(column_names(sheet)))
        for row in book.get(sheet, []):
            cells = []
            for value in row:
                cell = WriteOnlyCell(worksheet, value=value)
                if isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(value, str):
                    cell.data_type = "s"
                cells.append(cell)
            worksheet.append(cells)
    if isinstance(target, (str, Path)):
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)

