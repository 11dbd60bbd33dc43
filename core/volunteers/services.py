"""Volunteers from first contact to active mentor. Every change goes through these functions;
they validate, record history, call lifecycle hooks and never commit."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache

from flask import g, has_request_context
from flask_babel import LazyString, format_date, lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import bindparam, case, func, or_, select
from sqlalchemy.orm import load_only

from core.tenancy import built_once, current_tenant
from core.audit import services as audit
from core.codes import recruitment_channels
from core import clock
from core.inputs import clean_fields
from core.errors import (
    IN_THE_FUTURE, INVALID_EMAIL, UNREADABLE_DATE, Conflict, NotFound, ServiceError, raise_if, too_long, unknown_choice,
)
from core.extensions import db
from core.hooks import current_hooks
from core.hooks.types import Finding
from core.pagination import paginate
from core.settings import capacity_limit, tenant_setting
from core.training.models import ENROLLED, WAITING, CourseEnrollment
from core.training.queries import completed_volunteer_ids
from core.volunteers.models import (
    EDUCATIONS, EMPLOYMENT_SECTORS, GENDERS, SCREENING_KINDS, Screening, Volunteer, VolunteerStatus as S,
    VolunteerStatusChange,
)

ADULT_AGE = 18
OLDEST_AGE = 100  # an older birth date is a mistyped year
OLDEST_BIRTH_YEAR = 1900

# The lifecycle: which status may follow which. "left" is final; a returning volunteer is a new
# record, so the history of the first time stays as it was.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.APPLICANT: (S.INFO_MEETING, S.IN_TRAINING, S.LEFT),
    S.INFO_MEETING: (S.IN_TRAINING, S.LEFT),
    S.IN_TRAINING: (S.APPROVED, S.LEFT),
    S.APPROVED: (S.ACTIVE, S.PAUSED, S.LEFT),
    S.ACTIVE: (S.PAUSED, S.LEFT),
    S.PAUSED: (S.ACTIVE, S.APPROVED, S.LEFT),
    S.LEFT: (),
}
MATCHABLE = (S.APPROVED, S.ACTIVE)

TEXT_LIMITS = {"name": 120, "email": 254, "phone": 40, "postcode": 10, "background": 200, "work_background": 2000,
               "competences": 2000, "wishes": 2000, "reservations": 2000, "external_id": 64}
LIST_LIMIT = 20  # languages, interests
PROFILE_FIELDS = ("name", "email", "phone", "postcode", "gender", "birth_date", "background", "languages", "interests",
                  "work_background", "competences", "wishes", "reservations", "employment_sector", "education",
                  "recruitment_channel", "capacity", "recruited_on", "external_id")
# What a mentor may change on their own profile (not channel, capacity, dates or status).
SELF_SERVICE_FIELDS = ("phone", "postcode", "background", "languages", "interests", "work_background", "competences",
                       "wishes", "reservations")


def today() -> date:
    return clock.today()


def _acting_user_id():
    return current_user.id if has_request_context() and current_user.is_authenticated else None


# ---- validation --------------------------------------------------------------------------------

def required_fields() -> tuple[str, ...]:
    """The profile fields the tenant's volunteer form requires besides the name (the
    ``mentorkorps_volunteer_fields`` hook; the default is none), in the order of
    :data:`PROFILE_FIELDS`. A name the hook gives that is no profile field is ignored."""
    wanted = set(current_hooks().mentorkorps_volunteer_fields() or ())
    return tuple(name for name in PROFILE_FIELDS if name in wanted and name != "name")


def _is_empty(value) -> bool:
    return value is None or value == "" or value == []


def _validate(data: dict, *, creating: bool, on: date, existing: Volunteer | None = None) -> dict:
    errors: dict[str, list] = {}

    def err(name, message):
        errors.setdefault(name, []).append(message)

    if (creating or "name" in data) and not data.get("name"):
        err("name", _l("The name is missing. Write the volunteer's full name."))
    # The tenant's volunteer profile form: on registration every required field is filled in; a
    # change may not empty one (a field a change leaves out keeps its value).
    for name in required_fields():
        if (creating or name in data) and _is_empty(data.get(name)):
            err(name, _l("This is empty, but the municipality's volunteer form requires it. Fill it in."))
    for name, limit in TEXT_LIMITS.items():
        value = data.get(name)
        if isinstance(value, str) and len(value) > limit:
            err(name, too_long(value, limit))
    if data.get("email") and ("@" not in data["email"] or " " in data["email"]):
        err("email", INVALID_EMAIL)
    for name, allowed in (("gender", GENDERS), ("employment_sector", EMPLOYMENT_SECTORS), ("education", EDUCATIONS)):
        if data.get(name) is not None and data[name] not in allowed:
            err(name, unknown_choice(data[name]))
    if data.get("recruitment_channel") is not None and data["recruitment_channel"] not in recruitment_channels():
        err("recruitment_channel", unknown_choice(data["recruitment_channel"]))
    for name in ("languages", "interests"):
        values = data.get(name) or []
        if len(values) > LIST_LIMIT:
            err(name, _l("There are %(count)s. Keep the %(n)s that matter most, separated by commas.",
                         count=len(values), n=LIST_LIMIT))
        elif any(len(v) > 60 for v in values):
            too_long_entry = next(v for v in values if len(v) > 60)
            err(name, _l("An entry is longer than 60 characters (%(entry)s…). Shorten it, and separate the entries "
                         "with commas.", entry=too_long_entry[:30]))
    birth = data.get("birth_date")
    birth_ok = birth is None
    if birth is not None:
        if not isinstance(birth, date):
            err("birth_date", UNREADABLE_DATE)
        elif birth > on:
            err("birth_date", _l("The birth date is in the future. Check the year, and write the date as dd/mm/yyyy."))
        elif _years_between(birth, on) > OLDEST_AGE:
            err("birth_date", _l("The birth date is more than %(years)s years ago. Check the year, and write the date "
                                 "as dd/mm/yyyy.", years=OLDEST_AGE))
        elif _years_between(birth, on) < ADULT_AGE:
            err("birth_date", _l("By this birth date the volunteer is %(years)s; a mentor must be at least %(age)s. "
                                 "Check the year, and write the date as dd/mm/yyyy.",
                                 years=_years_between(birth, on), age=ADULT_AGE))
        else:
            birth_ok = True
    if "capacity" in data:
        capacity, limit = data["capacity"], capacity_limit()
        if not isinstance(capacity, int) or isinstance(capacity, bool) or not 0 <= capacity <= limit:
            err("capacity", _l("The number of young people must be between 0 and %(max)s. Enter a number in that "
                               "range, or leave the field empty for the municipality's default.", max=limit))
    recruited = data.get("recruited_on")
    if recruited is not None:
        if not isinstance(recruited, date):
            err("recruited_on", UNREADABLE_DATE)
        elif recruited > on:
            err("recruited_on", IN_THE_FUTURE)
        elif recruited.year < OLDEST_BIRTH_YEAR:
            err("recruited_on", _l("The date is before %(year)s. Check the year.", year=OLDEST_BIRTH_YEAR))
        elif existing is not None and len(existing.status_changes) > 1 and recruited > existing.status_changes[1].on:
            err("recruited_on", _l("The first contact is after the first change of status (%(date)s). Enter that "
                                   "date or an earlier one.", date=_local_date(existing.status_changes[1].on)))
    if birth is not None and birth_ok and isinstance(recruited, date) and recruited < birth:
        err("recruited_on", _l("The first contact is before the birth date (%(date)s). Check both dates.",
                               date=_local_date(birth)))
    if data.get("external_id") and _external_id_taken(data["external_id"], existing):
        err("external_id", _l("Another volunteer has this external id. Enter a different one, or leave it empty."))
    raise_if(errors)
    return data


def _external_id_taken(external_id: str, existing: Volunteer | None) -> bool:
    stmt = select(Volunteer.id).where(Volunteer.external_id == external_id)
    if existing is not None:
        stmt = stmt.where(Volunteer.id != existing.id)
    return db.session.scalar(stmt) is not None


def _local_date(day: date) -> LazyString:
    """A date inside a message, written the way the reader's language writes dates."""
    return LazyString(format_date, day)


def _years_between(start: date, end: date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


# ---- create, update ----------------------------------------------------------------------------

def create_volunteer(data: dict) -> Volunteer:
    """A person's first contact: status applicant, dated ``recruited_on`` (default today)."""
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise ServiceError(_l("Unknown fields: %(fields)s", fields=", ".join(sorted(unknown))))
    data = clean_fields(data)
    on = today()
    data.setdefault("recruited_on", None)
    if data["recruited_on"] is None:
        data["recruited_on"] = on
    if data.get("capacity") is None:  # the tenant's default, within the tenant's limit
        data["capacity"] = min(tenant_setting(current_tenant(), "default_capacity"), capacity_limit())
    _validate(data, creating=True, on=on)
    volunteer = Volunteer(**data, status=S.APPLICANT, status_since=data["recruited_on"])
    db.session.add(volunteer)
    db.session.flush()
    _record_change(volunteer, None, S.APPLICANT, data["recruited_on"], None)
    audit.record("volunteer.created", volunteer)
    return volunteer


def update_volunteer(volunteer: Volunteer, data: dict, *, allowed=PROFILE_FIELDS) -> Volunteer:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ServiceError(_l("Unknown fields: %(fields)s", fields=", ".join(sorted(unknown))))
    data = clean_fields(data)
    if "capacity" in data and data["capacity"] is None:
        data.pop("capacity")
    if "recruited_on" in data and data["recruited_on"] is None:
        data.pop("recruited_on")
    _validate(data, creating=False, on=today(), existing=volunteer)
    for key, value in data.items():
        setattr(volunteer, key, value)
    if "recruited_on" in data and volunteer.status_changes:
        volunteer.status_changes[0].on = data["recruited_on"]  # the first contact is the first change
        if len(volunteer.status_changes) == 1:
            volunteer.status_since = data["recruited_on"]
    audit.record("volunteer.updated", volunteer, fields=sorted(data))
    return volunteer


def get_volunteer(volunteer_id: int) -> Volunteer:
    volunteer = db.session.scalar(_volunteer_statement(), {"volunteer_id": volunteer_id})
    if volunteer is None:
        raise NotFound(_l("The volunteer was not found."))
    return volunteer


def get_volunteer_with_history(volunteer_id: int) -> Volunteer:
    """:func:`get_volunteer` with its status history and certificates loaded along (the volunteer's
    page shows both), each by a statement built once rather than a lazy load built on every page."""
    from sqlalchemy.orm.attributes import set_committed_value

    volunteer = get_volunteer(volunteer_id)
    for name, statement in _history_statements().items():
        set_committed_value(volunteer, name, db.session.scalars(statement, {"volunteer_id": volunteer_id}).all())
    return volunteer


@cache
def _volunteer_statement():
    """Built once: every page about a volunteer starts here (a ``session.get`` is rebuilt with the
    tenant's filter on each call)."""
    return built_once(select(Volunteer).where(Volunteer.id == bindparam("volunteer_id")))


@cache
def _history_statements():
    """The relationships' own rows in their own order (models.Volunteer)."""
    def of(model, *order):
        return built_once(select(model).where(model.volunteer_id == bindparam("volunteer_id")).order_by(*order))

    return {"status_changes": of(VolunteerStatusChange, VolunteerStatusChange.id),
            "screenings": of(Screening, Screening.obtained_on.desc(), Screening.id)}


def volunteer_for_user(user) -> Volunteer | None:
    return db.session.scalar(select(Volunteer).where(Volunteer.user_id == user.id))


# ---- status lifecycle --------------------------------------------------------------------------

def allowed_transitions(volunteer: Volunteer) -> tuple[str, ...]:
    return TRANSITIONS[volunteer.status]


def check_status_change(volunteer: Volunteer, to_status: str, on: date | None = None, note: str | None = None) -> date:
    """Refuse a status change the lifecycle or its date does not allow, exactly as
    :func:`change_status` would, without changing anything (the page asks for confirmation of a
    change that ends something only once it would be accepted). Returns the change's date."""
    on = on or today()
    if to_status not in TRANSITIONS:
        raise ServiceError(unknown_choice(to_status), field="status")
    if to_status not in TRANSITIONS[volunteer.status]:
        raise Conflict(_l("A volunteer cannot go from %(from)s to %(to)s. Choose one of the statuses offered.", **{
            "from": STATUS_LABELS[volunteer.status], "to": STATUS_LABELS[to_status]}), field="status")
    errors = {}
    if on > today():
        errors["on"] = [IN_THE_FUTURE]
    elif on < volunteer.status_since:
        errors["on"] = [_l("The date is before the current status began (%(date)s). Enter that date or a later one.",
                           date=_local_date(volunteer.status_since))]
    if note and len(note) > 500:
        errors["note"] = [too_long(note, 500)]
    raise_if(errors)
    return on


def change_status(volunteer: Volunteer, to_status: str, on: date | None = None, note: str | None = None) -> VolunteerStatusChange:
    """Move a volunteer along the lifecycle, dated ``on`` (default today)."""
    on = check_status_change(volunteer, to_status, on, note)
    change = _record_change(volunteer, volunteer.status, to_status, on, note)
    volunteer.status = to_status
    volunteer.status_since = on
    if to_status == S.LEFT:
        volunteer.left_on = on
    db.session.flush()
    current_hooks().mentorkorps_volunteer_status_changed(volunteer=volunteer, change=change)
    audit.record("volunteer.status_changed", volunteer, to=to_status)
    return change


def advance_to(volunteer: Volunteer, to_status: str, on: date) -> None:
    """Move forward automatically (attending an info meeting or a course session) when the
    lifecycle allows it from where the volunteer is; otherwise leave the status alone."""
    order = [S.APPLICANT, S.INFO_MEETING, S.IN_TRAINING]
    if volunteer.status in order and order.index(volunteer.status) < order.index(to_status):
        change_status(volunteer, to_status, on=max(on, volunteer.status_since), note=None)


def _record_change(volunteer, from_status, to_status, on, note) -> VolunteerStatusChange:
    change = VolunteerStatusChange(volunteer=volunteer, from_status=from_status, to_status=to_status, on=on,
                                   note=note, by_user_id=_acting_user_id())
    db.session.add(change)
    return change


STATUS_LABELS = {
    S.APPLICANT: _l("Applicant"),
    S.INFO_MEETING: _l("Attended info meeting"),
    S.IN_TRAINING: _l("In training"),
    S.APPROVED: _l("Approved"),
    S.ACTIVE: _l("Active mentor"),
    S.PAUSED: _l("Paused"),
    S.LEFT: _l("Left"),
}
GENDER_LABELS = {"female": _l("Female"), "male": _l("Male"), "other": _l("Other")}
SECTOR_LABELS = {"public": _l("Public sector"), "private": _l("Private sector"), "none": _l("Not employed")}
EDUCATION_LABELS = {
    "care_teaching_social": _l("Care, teaching or social work"),
    "vocational": _l("Vocational education"),
    "higher": _l("Higher education"),
    "unskilled": _l("No vocational education"),
}
# The two certificates from the police: a børneattest (about offences against children, for work
# with young people under 15) and a straffeattest (the criminal record). Either one counts for the
# matching gate (eligibility_many), so the gate's words name both.
SCREENING_LABELS = {"child_certificate": _l("Child-protection certificate (børneattest)"),
                    "criminal_record": _l("Criminal-record certificate (straffeattest)")}


# ---- screening ---------------------------------------------------------------------------------

def add_screening(volunteer: Volunteer, kind: str, obtained_on: date, note: str | None = None) -> Screening:
    errors = {}
    if kind not in SCREENING_KINDS:
        errors["kind"] = [unknown_choice(kind)]
    if not isinstance(obtained_on, date):
        errors["obtained_on"] = [UNREADABLE_DATE]
    elif obtained_on > today():
        errors["obtained_on"] = [IN_THE_FUTURE]
    elif obtained_on.year < 2000:
        errors["obtained_on"] = [_l("The date is before %(year)s. Check the year.", year=2000)]
    if note and len(note) > 500:
        errors["note"] = [too_long(note, 500)]
    raise_if(errors)
    screening = Screening(volunteer=volunteer, kind=kind, obtained_on=obtained_on, note=(note or None),
                          by_user_id=_acting_user_id())
    db.session.add(screening)
    db.session.flush()
    audit.record("volunteer.screening_added", volunteer, kind=kind)
    return screening


add_months = clock.add_months  # kept here: the mentor side and its tests import it from this module


def screening_valid_until(screening: Screening) -> date:
    return add_months(screening.obtained_on, tenant_setting(current_tenant(), "screening_valid_months"))


# ---- eligibility: the gates matching will use ---------------------------------------------------

@dataclass
class Eligibility:
    eligible: bool
    findings: list[Finding] = field(default_factory=list)

    @property
    def reasons(self) -> list:
        return [f.message for f in self.findings if f.blocking]


def eligibility(volunteer: Volunteer, on: date | None = None) -> Eligibility:
    """Whether ``volunteer`` can be matched on ``on``, with every reason why not."""
    return eligibility_many([volunteer], on)[volunteer.id]


def eligibility_many(volunteers: list[Volunteer], on: date | None = None) -> dict[int, Eligibility]:
    """The gates for many volunteers with a fixed number of queries (no query per volunteer)."""
    on = on or today()
    ids = [v.id for v in volunteers]
    completed = completed_volunteer_ids(ids, on)
    latest_screening = _latest_screenings(ids)
    screening_required = tenant_setting(current_tenant(), "screening_required")
    valid_months = tenant_setting(current_tenant(), "screening_valid_months")
    hooks = current_hooks()
    result = {}
    for volunteer in volunteers:
        findings: list[Finding] = []
        if volunteer.status not in MATCHABLE:
            findings.append(Finding("status", _l("The status is '%(status)s'; only approved and active mentors can be matched.",
                                                  status=STATUS_LABELS[volunteer.status]), blocking=True))
        if hooks.mentorkorps_course_required_for_matching(volunteer=volunteer) and volunteer.id not in completed:
            findings.append(Finding("course", _l("Has not completed the course."), blocking=True))
        if screening_required:
            obtained = latest_screening.get(volunteer.id)
            if obtained is None:
                findings.append(Finding("screening_missing", _l(
                    "No certificate is registered: register a child-protection certificate (børneattest) or a "
                    "criminal-record certificate (straffeattest)."), blocking=True))
            elif add_months(obtained, valid_months) < on:
                findings.append(Finding("screening_expired", _l(
                    "The latest certificate expired on %(date)s: register a new one.",
                    date=_local_date(add_months(obtained, valid_months))), blocking=True))
        for batch in hooks.mentorkorps_eligibility_findings(volunteer=volunteer, on=on):
            findings.extend(batch or [])
        result[volunteer.id] = Eligibility(not any(f.blocking for f in findings), findings)
    return result


def screenings_expiring(on: date | None = None, within_days: int = 30) -> list[tuple[Volunteer, date]]:
    """``[(volunteer, valid until)]``: approved and active mentors whose latest certificate is still
    valid on ``on`` and expires within ``within_days`` days, soonest first; two queries at most."""
    from datetime import timedelta

    on = on or today()
    months = tenant_setting(current_tenant(), "screening_valid_months")
    last = on + timedelta(days=within_days)
    # add_months is monotone: the window of obtaining dates, widened by a few days for month ends.
    lo, hi = add_months(on, -months) - timedelta(days=4), add_months(last, -months) + timedelta(days=4)
    latest = (select(Screening.volunteer_id, func.max(Screening.obtained_on).label("obtained"))
              .group_by(Screening.volunteer_id).subquery())
    rows = db.session.execute(select(Volunteer, latest.c.obtained).join(latest, latest.c.volunteer_id == Volunteer.id)
                              .where(Volunteer.status.in_(MATCHABLE), latest.c.obtained.between(lo, hi))).all()
    found = [(v, add_months(obtained, months)) for v, obtained in rows]
    return sorted([(v, until) for v, until in found if on <= until <= last], key=lambda pair: (pair[1], pair[0].id))


def _latest_screenings(volunteer_ids: list[int]) -> dict[int, date]:
    if not volunteer_ids:
        return {}
    return dict(db.session.execute(_latest_screenings_statement(), {"ids": list(volunteer_ids)}).all())


@cache
def _latest_screenings_statement():
    """Built once (:func:`core.tenancy.built_once`): the volunteer's page asks on every request."""
    return built_once(select(Screening.volunteer_id, func.max(Screening.obtained_on))
                      .where(Screening.volunteer_id.in_(bindparam("ids", expanding=True)))
                      .group_by(Screening.volunteer_id))


# ---- lists ---------------------------------------------------------------------------------------

# The volunteer list's columns that sort (the page's ``?sort=``, "-" first for descending); anything
# else sorts by name. Status follows the lifecycle and the channel its label in the reader's
# language, as the page shows them, not the stored codes' alphabet.
LIST_SORTS = ("name", "status", "channel", "age", "capacity", "recruited_on")
DEFAULT_LIST_SORT = "name"


@dataclass(frozen=True)
class ListSort:
    key: str = DEFAULT_LIST_SORT
    descending: bool = False

    @classmethod
    def parse(cls, value: str | None) -> "ListSort":
        """The sort a ``?sort=`` value asks for: ``"recruited_on"``, ``"-recruited_on"``; an
        unknown key sorts by name, ascending."""
        value = (value or "").strip()
        key = value.removeprefix("-")
        if key not in LIST_SORTS:
            return cls()
        return cls(key, value.startswith("-"))

    @property
    def value(self) -> str:
        return f"-{self.key}" if self.descending else self.key

    @property
    def is_default(self) -> bool:
        return self == ListSort()


def _list_order(sort: ListSort) -> list:
    descending = sort.descending
    missing = None  # a column that may be empty: empty values go last, whichever the direction
    if sort.key == "status":
        position = {code: n for n, code in enumerate(S)}
        column = case(position, value=Volunteer.status, else_=len(position))
    elif sort.key == "channel":
        labels = {code: str(label).casefold() for code, label in recruitment_channels().items()}
        position = {code: n for n, code in enumerate(sorted(labels, key=lambda code: (labels[code], code)))}
        # A code no plugin names any more is shown as it is, after the named ones.
        column = case(position, value=Volunteer.recruitment_channel, else_=len(position)) if position else \
            Volunteer.recruitment_channel
        missing = Volunteer.recruitment_channel
    elif sort.key == "age":  # the older, the earlier the birth date
        column, missing, descending = Volunteer.birth_date, Volunteer.birth_date, not descending
    else:
        column = getattr(Volunteer, sort.key)
    order = [] if missing is None else [missing.is_(None)]
    order.append(column.desc() if descending else column.asc())
    if sort.key != "name":
        order.append(Volunteer.name)
    # The id last, so a row is on exactly one page; by name, descending is ascending reversed.
    order.append(Volunteer.id.desc() if sort.key == "name" and sort.descending else Volunteer.id)
    return order


def volunteer_query(search: str | None = None, status: str | None = None, channel: str | None = None,
                    sort: ListSort | None = None):
    stmt = select(Volunteer)
    if search:
        like = f"%{search.strip().lower()}%"
        stmt = stmt.where(or_(func.lower(Volunteer.name).like(like), func.lower(Volunteer.email).like(like)))
    if status:
        stmt = stmt.where(Volunteer.status == status)
    if channel:
        stmt = stmt.where(Volunteer.recruitment_channel == channel)
    return stmt.order_by(*_list_order(sort or ListSort()))


def list_volunteers(*, search=None, status=None, channel=None, sort: ListSort | None = None, page=1, per_page=50,
                    only: tuple[str, ...] | None = None):
    """One page of volunteers (two queries: the count and the page), sorted by ``sort`` (by name
    when none is given). ``only``: the columns a list shows; the others (free texts, lists) are not
    loaded, and reading one raises instead of querying once per row."""
    stmt = volunteer_query(search, status, channel, sort)
    # Counted on the entity's own column, not over a subquery of the select: a statement whose only
    # entity hides in a subquery passes the tenant filter of core.tenancy unscoped, and would count
    # every municipality's volunteers.
    count = stmt.with_only_columns(func.count(Volunteer.id)).order_by(None)
    if only:
        stmt = stmt.options(load_only(*(getattr(Volunteer, name) for name in only), raiseload=True))
    return paginate(stmt, count, page=page, per_page=per_page)


def waiting_list() -> list[Volunteer]:
    """Volunteers waiting for the next course: not yet in training (applicants and those who came
    to an info meeting) with no current course place, and those on a full course's waiting list;
    longest waiting first."""
    has_place = select(CourseEnrollment.id).where(CourseEnrollment.volunteer_id == Volunteer.id,
                                                   CourseEnrollment.state == ENROLLED).exists()
    on_waiting_list = select(CourseEnrollment.id).where(CourseEnrollment.volunteer_id == Volunteer.id,
                                                         CourseEnrollment.state == WAITING).exists()
    stmt = (select(Volunteer)
            .where(or_(Volunteer.status.in_([S.APPLICANT, S.INFO_MEETING]) & ~has_place, on_waiting_list))
            .where(Volunteer.status != S.LEFT)
            .order_by(Volunteer.status_since, Volunteer.id))
    return db.session.scalars(stmt).all()


# ---- a mentor login ------------------------------------------------------------------------------

def create_mentor_account(volunteer: Volunteer, email: str, password: str):
    """Give a volunteer a login with the mentor role in the current municipality, linked to their
    record, so they see their own profile, course and meetings. Returns the user: a new one, or
    the account the address already has (a mentor in two municipalities is one person)."""
    from core.accounts import services as accounts

    if volunteer.user_id is not None:
        raise Conflict(_l("The volunteer already has a login."), field="email")
    if volunteer.status == S.LEFT:
        raise Conflict(_l("A volunteer who has left cannot get a login."), field="email")
    errors = {}  # both fields checked at once; accounts.add_member checks them again
    if "@" not in accounts.normalise_email(email):
        errors["email"] = [INVALID_EMAIL]
    if len(password or "") < accounts.MIN_PASSWORD_LENGTH:
        errors["password"] = [_l("The password is too short. Use at least %(n)s characters.", n=accounts.MIN_PASSWORD_LENGTH)]
    raise_if(errors)
    # The same answer whether the address is new or has an account in another municipality (which
    # is not this coordinator's business): the person becomes a mentor here with that account.
    user = accounts.add_member(current_tenant(), email, password, "mentor", name=volunteer.name)
    volunteer.user_id = user.id
    audit.record("volunteer.account_created", volunteer)
    return user
