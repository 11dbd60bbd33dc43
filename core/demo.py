"""Demo data: the demo municipalities that the installed packages supply (``PluginInfo.demo``), an
account per role in each, and the building blocks a package uses for its records: a mentor corps
(:func:`build_corps`: volunteers from first contact to active mentor, courses, meetings, groups and
screenings) and young people's paths (:func:`young_person`: referral, intake, match, meetings, end
and follow-up). The core names no municipality; each package describes its own.

Everything goes through the services, as a coordinator's clicks would, so the status histories,
completion and audit records are what the real pages produce. Dates are relative to today, so the
demo always looks current. :func:`load_demo` only creates what is missing and can run again.
"""
from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from sqlalchemy import select

from core.clock import add_months

from core.accounts import services as accounts
from core.extensions import db
from core.hooks.types import DemoTenant
from core.platform.services import create_tenant, get_tenant_by_slug
from core.tenancy import tenant_context

DEMO_PASSWORD = "mentor-demo-2026"
DEMO_NAMES = {"coordinator": "Karen Koordinator", "caseworker": "Søren Sagsbehandler", "mentor": "Mette Mentor"}
ROLES_DA = (("coordinator", "koordinator"), ("caseworker", "sagsbehandler"), ("mentor", "mentor"))


def demo_tenants() -> list[DemoTenant]:
    """The demo municipalities the installed packages supply (``PluginInfo.demo``), in the order of
    the packages' registration. The core names none of them."""
    from core.hooks.manager import plugin_manager

    return [info.demo for info in plugin_manager().infos.values() if info.demo is not None]


def demo_accounts() -> list[tuple[str, str | None, str]]:
    """``(email, tenant slug or None, role)``: the platform administrator and one account per role
    in each demo municipality."""
    return [("admin@mentorkorps.dk", None, "platform-admin")] + [
        (f"{role_da}@{demo.slug}.dk", demo.slug, role) for demo in demo_tenants() for role, role_da in ROLES_DA]


def load_demo(today: date | None = None, only: str | None = None) -> bool:
    """Create what is missing (of the demo tenant ``only``, if given); returns whether anything was
    created."""
    today = today or date.today()
    created = False
    for demo in demo_tenants():
        if only is not None and demo.slug != only:
            continue
        if get_tenant_by_slug(demo.slug) is None:
            create_tenant(demo.slug, demo.name, demo.plugins)
            created = True
    for email, slug, role in demo_accounts():
        if accounts.find_user(email) is not None or (only is not None and slug not in (None, only)):
            continue
        if slug is None:
            accounts.create_user(email, DEMO_PASSWORD, name="Platform Admin", platform_admin=True)
        else:
            user = accounts.create_user(email, DEMO_PASSWORD, name=DEMO_NAMES[role])
            accounts.add_membership(user, get_tenant_by_slug(slug), role)
        created = True
    for demo in demo_tenants():
        if only is None or demo.slug == only:
            created = _load_records(demo, get_tenant_by_slug(demo.slug), today) or created
    return created


def _load_records(demo: DemoTenant, tenant, today: date) -> bool:
    """The package's records for its demo tenant, unless the tenant has volunteers already; and the
    demo mentor's login linked to their volunteer record."""
    from core.volunteers.models import Volunteer

    with tenant_context(tenant):
        if db.session.scalar(select(Volunteer.id).limit(1)) is not None:
            return _link_mentor(tenant)
        demo.load(tenant, today)
        db.session.flush()
        _link_mentor(tenant)
        db.session.flush()
        return True


# ---- the mentor corps of each demo municipality ------------------------------------------------

@dataclass(frozen=True)
class Corps:
    """How a demo municipality runs its corps (from the seed documents)."""

    postcode: str
    place: str
    size: int  # volunteers in all
    course_sessions: int
    course_hours: int
    course_start: time
    course_days_apart: int
    course_places: int
    channels: tuple
    standing_groups: tuple  # (name, kind)
    group_meeting_title: str
    group_meeting_every_days: int
    supervision_every_days: int
    capacities: tuple = (1,)
    social_events: tuple = field(default=("Sommerfest", "Julehygge"))
    # The package's own profile fields: ``extra_profile(rng, profile) -> dict``, merged over each
    # generic profile (e.g. the answers a municipality's volunteer form requires).
    extra_profile: object = None


WOMEN = ["Anne", "Hanne", "Lone", "Susanne", "Camilla", "Louise", "Maria", "Kirsten", "Birgit", "Ida", "Sofie", "Fatima",
         "Amina", "Zeynep", "Line", "Rikke", "Helle", "Pia", "Tina", "Karina", "Marianne", "Nadia", "Emma", "Inge"]
MEN = ["Jens", "Peter", "Lars", "Henrik", "Niels", "Anders", "Mikkel", "Rasmus", "Thomas", "Ole", "Bent", "Kasper",
       "Mads", "Ahmed", "Ali", "Hassan", "Jonas", "Frederik", "Poul", "Jesper", "Erik", "Morten", "Emre", "Kim"]
SURNAMES = ["Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen", "Rasmussen",
            "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Poulsen", "Johansen", "Møller",
            "Mortensen", "Yilmaz", "Hussein", "Khan", "Lund", "Holm", "Bach", "Friis", "Dahl", "Vestergaard"]
WORK = [("public", "care_teaching_social", "Pædagog i en børnehave"), ("public", "care_teaching_social", "Lærer i udskolingen"),
        ("public", "care_teaching_social", "Sygeplejerske"), ("public", "higher", "Sagsbehandler i en anden kommune"),
        ("private", "vocational", "Tømrer"), ("private", "vocational", "Elektriker"), ("private", "higher", "Ingeniør"),
        ("private", "higher", "Økonomimedarbejder"), ("private", "vocational", "Butiksleder"),
        ("private", "unskilled", "Lagermedarbejder"), ("none", "care_teaching_social", "Pensioneret skolelærer"),
        ("none", "vocational", "Pensioneret smed"), ("none", "higher", "Studerende, socialrådgiveruddannelsen"),
        ("none", "unskilled", "Førtidspensionist")]
INTERESTS = ["fodbold", "madlavning", "musik", "natur og vandreture", "IT og computerspil", "kreative fag", "fiskeri",
             "løb", "bøger", "motorcykler", "frivilligt foreningsarbejde", "rollespil"]
LANGUAGES = [["dansk"], ["dansk"], ["dansk", "engelsk"], ["dansk", "engelsk", "tysk"], ["dansk", "arabisk"],
             ["dansk", "tyrkisk"], ["dansk", "urdu", "engelsk"], ["dansk", "somali"]]
WISHES = ["En ung, der vil i gang med en uddannelse", "Gerne en ung med interesse for håndværk",
          "En ung, der har brug for struktur i hverdagen", "Unge med anden etnisk baggrund end dansk",
          "En ung, der er ensom og har brug for et netværk", None]
RESERVATIONS = [None, None, None, "Ikke unge med et aktivt misbrug", "Kan ikke om tirsdagen", "Ikke unge med voldelig adfærd"]


def _email(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name.lower().replace("ø", "oe").replace("æ", "ae").replace("å", "aa"))
    return ".".join("".join(c for c in part if c.isalnum()) for part in plain.split()) + "@example.com"


class _People:
    """Realistic Danish profiles, the same every time for a municipality."""

    def __init__(self, slug: str, corps: Corps, today: date):
        self.rng = random.Random(f"mentorkorps-demo-{slug}")
        self.corps = corps
        self.today = today
        self.used = {DEMO_NAMES["mentor"]}

    def profile(self, recruited_on: date, name: str | None = None, gender: str | None = None) -> dict:
        rng = self.rng
        gender = gender or rng.choice(["female", "female", "female", "male", "male"])
        while name is None or (name in self.used and name != DEMO_NAMES["mentor"]):
            name = f"{rng.choice(WOMEN if gender == 'female' else MEN)} {rng.choice(SURNAMES)}"
        self.used.add(name)
        age = rng.choice([rng.randint(20, 34), rng.randint(35, 54), rng.randint(35, 54), rng.randint(55, 75)])
        sector, education, work = rng.choice(WORK)
        if age >= 66:
            sector, work = "none", f"Pensioneret ({work.lower()})" if not work.startswith("Pension") else work
        profile = {
            "name": name,
            "email": _email(name),
            "postcode": self.corps.postcode,
            "gender": gender,
            "birth_date": self.today - timedelta(days=age * 365 + rng.randint(30, 330)),
            "languages": rng.choice(LANGUAGES),
            "interests": rng.sample(INTERESTS, 2),
            "work_background": work,
            "competences": rng.choice(["God til at lytte", "Tålmodig og struktureret", "Kender uddannelsessystemet",
                                       "Erfaring fra ungdomsarbejde", "Praktisk anlagt"]),
            "wishes": rng.choice(WISHES),
            "reservations": rng.choice(RESERVATIONS),
            "employment_sector": sector,
            "education": education,
            "recruitment_channel": rng.choice(self.corps.channels),
            "capacity": rng.choice(self.corps.capacities),
            "recruited_on": recruited_on,
        }
        if self.corps.extra_profile is not None:
            profile.update(self.corps.extra_profile(rng, profile))
        return profile


def _link_mentor(tenant) -> bool:
    """Link the demo mentor account (mentor@<slug>.dk) to their volunteer record."""
    from core.volunteers.models import Volunteer

    user = accounts.find_user(f"mentor@{tenant.slug}.dk")
    if user is None or db.session.scalar(select(Volunteer.id).where(Volunteer.user_id == user.id)) is not None:
        return False
    volunteer = db.session.scalar(select(Volunteer).where(Volunteer.name == DEMO_NAMES["mentor"], Volunteer.user_id.is_(None)))
    if volunteer is None:
        return False
    volunteer.user_id = user.id
    return True


def build_corps(tenant, corps: Corps, today: date) -> "_People":
    """A mentor corps run the way ``corps`` describes, over the last ten months: two recruitment
    rounds with information meetings, a finished course and the next one with a waiting list,
    screening and approval, standing groups with their meetings, supervision and social events.
    Returns the people generator, so the package can go on with the same random sequence."""
    from core.groups import services as groups
    from core.training import services as training
    from core.volunteers import services as volunteers

    people = _People(tenant.slug, corps, today)
    rng = people.rng

    def day(offset: int) -> date:
        return today + timedelta(days=offset)

    def new(recruited_days_ago: int, **extra):
        return volunteers.create_volunteer({**people.profile(day(-recruited_days_ago)), **extra})

    # First recruitment round (about 10 months ago): an info meeting, then the course they finished.
    n_first = round(corps.size * 0.5)
    first = [volunteers.create_volunteer(people.profile(day(-rng.randint(240, 300)), name=DEMO_NAMES["mentor"], gender="female")
                                         | {"email": f"mentor@{tenant.slug}.dk"})]
    first += [new(rng.randint(235, 300)) for _ in range(n_first - 1)]
    info_first = groups.create_meeting({"kind": "info_meeting", "title": "Informationsmøde om mentorkorpset", "on": day(-225),
                                        "starts_at": time(19, 0), "hours": 2, "place": corps.place})
    dropped_after_info = [new(rng.randint(235, 300)) for _ in range(2)]
    groups.invite(info_first, [v.id for v in first + dropped_after_info[:1]])  # one just turned up
    groups.register_attendance(info_first, {v.id: True for v in first + dropped_after_info})
    for volunteer in dropped_after_info:
        volunteers.change_status(volunteer, "left", day(-210), note="Fandt ikke tid til at være mentor")

    course = training.create_course({
        "title": f"Mentorkursus, {_season(day(-200))}",
        "description": "Grundkursus for nye frivillige mentorer: rollen som mentor, samtalen med den unge, "
                       "grænser og tavshedspligt, samarbejdet med jobcentret.",
        "place": corps.place, "max_participants": max(len(first), corps.course_places)})
    sessions = [training.add_session(course, day(-200 + i * corps.course_days_apart), corps.course_hours,
                                     starts_at=corps.course_start) for i in range(corps.course_sessions)]
    for volunteer in first:
        training.enroll(course, volunteer)
    missed = {first[-1].id: sessions[-1].id, first[-2].id: sessions[0].id}  # two did not finish
    for session in sessions:
        training.register_attendance(session, {v.id: missed.get(v.id) != session.id for v in first})
    completed = [v for v in first if v.id not in missed]
    volunteers.change_status(first[-1], "left", day(-150), note="Flyttede fra kommunen")

    # Screening and approval; most became active mentors, some paused, one left.
    last_session = sessions[-1].on
    for i, volunteer in enumerate(completed):
        volunteers.add_screening(volunteer, "child_certificate", last_session + timedelta(days=3 + i % 5))
        volunteers.change_status(volunteer, "approved", last_session + timedelta(days=14))
        if i % 7 == 6:
            continue  # approved, waiting for a young person
        volunteers.change_status(volunteer, "active", last_session + timedelta(days=21 + i))
    active = [v for v in completed if v.status == "active"]
    for volunteer in active[-3:-1]:
        volunteers.change_status(volunteer, "paused", day(-rng.randint(40, 80)), note="Orlov i en periode")
    volunteers.change_status(active[-1], "left", day(-30), note="Nyt arbejde med skiftende arbejdstider")

    # Standing groups of the mentors and their meetings (the last months, and the next one).
    mentors = [v for v in completed if v.status in ("active", "approved", "paused")]
    standing = []
    for index, (name, kind) in enumerate(corps.standing_groups):
        group = groups.create_group(name, kind)
        groups.set_group_members(group, [v.id for v in mentors[index::len(corps.standing_groups)]])
        standing.append(group)
    for index, group in enumerate(standing):
        kind = group.kind
        for months_back in (3, 2, 1):
            on = day(-months_back * corps.group_meeting_every_days + index * 2)
            meeting = groups.create_meeting({"kind": kind, "title": f"{corps.group_meeting_title}, {group.name}",
                                             "on": on, "starts_at": time(19, 0), "hours": 2, "place": corps.place,
                                             "group_id": group.id})
            groups.invite_group(meeting)
            groups.register_attendance(meeting, {v.id: rng.random() < 0.8 for v in group.members if v.status != "left"})
        upcoming = groups.create_meeting({"kind": kind, "title": f"{corps.group_meeting_title}, {group.name}",
                                          "on": day(corps.group_meeting_every_days // 2 + index * 2), "starts_at": time(19, 0),
                                          "hours": 2, "place": corps.place, "group_id": group.id})
        groups.invite_group(upcoming)

    # Supervision for every mentor, and social events.
    current = [v for v in mentors if v.status in ("active", "approved")]
    for offset in (-corps.supervision_every_days - 30, -30, corps.supervision_every_days - 30):
        meeting = groups.create_meeting({"kind": "supervision", "title": "Supervision med psykolog", "on": day(offset),
                                         "starts_at": time(17, 0), "hours": 2, "place": corps.place,
                                         "description": "Fælles supervision ved ekstern psykolog."})
        groups.invite(meeting, [v.id for v in current])
        if offset <= 0:
            groups.register_attendance(meeting, {v.id: rng.random() < 0.7 for v in current})
    past_event = groups.create_meeting({"kind": "social_event", "title": corps.social_events[0], "on": day(-110),
                                        "starts_at": time(17, 30), "hours": 4, "place": corps.place})
    groups.invite(past_event, [v.id for v in mentors])
    groups.register_attendance(past_event, {v.id: rng.random() < 0.6 for v in mentors})
    next_event = groups.create_meeting({"kind": "social_event", "title": corps.social_events[1], "on": day(40),
                                        "starts_at": time(17, 30), "hours": 3, "place": corps.place})
    groups.invite(next_event, [v.id for v in current])

    # Second recruitment round: an info meeting three weeks ago, the next course with a waiting list.
    n_second = round(corps.size * 0.35)
    second = [new(rng.randint(25, 70)) for _ in range(n_second)]
    info_second = groups.create_meeting({"kind": "info_meeting", "title": "Informationsmøde om mentorkorpset", "on": day(-21),
                                         "starts_at": time(19, 0), "hours": 2, "place": corps.place})
    came = second[:-2]  # two signed up but did not come
    groups.invite(info_second, [v.id for v in second])
    groups.register_attendance(info_second, {v.id: v in came for v in second})
    volunteers.change_status(came[-1], "left", day(-10), note="Valgte en anden frivillig opgave")
    next_course = training.create_course({
        "title": f"Mentorkursus, {_season(day(21))}",
        "description": "Næste grundkursus for nye frivillige mentorer.",
        "place": corps.place, "max_participants": corps.course_places})
    for i in range(corps.course_sessions):
        training.add_session(next_course, day(21 + i * corps.course_days_apart), corps.course_hours,
                             starts_at=corps.course_start)
    for volunteer in came[:-1] + second[-2:]:
        training.enroll(next_course, volunteer)  # the last ones go on the waiting list

    # New applicants, invited to the next info meeting.
    newest = [new(rng.randint(2, 12)) for _ in range(max(corps.size - n_first - 2 - n_second, 3))]
    info_next = groups.create_meeting({"kind": "info_meeting", "title": "Informationsmøde om mentorkorpset", "on": day(9),
                                       "starts_at": time(19, 0), "hours": 2, "place": corps.place})
    groups.invite(info_next, [v.id for v in newest])
    return people


def _season(day: date) -> str:
    return f"{'forår' if day.month <= 6 else 'efterår'} {day.year}"


# ---- young people's paths ------------------------------------------------------------------------

YOUNG_WOMEN = ["Sara", "Amalie", "Freja", "Laura", "Mathilde", "Yasmin", "Aya", "Julie", "Nanna", "Cecilie", "Maja",
               "Emilie", "Sofia", "Hiba", "Josefine", "Clara", "Alberte", "Leila", "Asta", "Zara"]
YOUNG_MEN = ["Oliver", "Lucas", "Noah", "Emil", "Mohammed", "Malthe", "Victor", "Magnus", "Tobias", "Sebastian",
             "Omar", "William", "Elias", "Mikkel", "Yusuf", "Marcus", "Nicklas", "Jonas", "Adam", "Mustafa"]
YOUNG_INTERESTS = ["fodbold", "musik", "IT og computerspil", "madlavning", "fitness", "tegning", "dans", "biler",
                   "natur og vandreture", "film og serier", "mode", "løb"]
EDUCATION_WISHES = ["Vil gerne være tømrer", "Drømmer om at blive pædagog", "Vil tage en HF", "Overvejer SOSU-uddannelsen",
                    "Vil gerne læse videre på gymnasiet", "Interesseret i en uddannelse inden for IT",
                    "Vil gerne være elektriker", "Ved ikke endnu - vil gerne have hjælp til at finde ud af det"]
NEEDS = ["Har brug for struktur i hverdagen og hjælp til at komme op om morgenen",
         "Ensom og med et lille netværk; har brug for en voksen at tale med",
         "Har svært ved at overskue breve, SU og økonomi",
         "Er faldet fra en uddannelse og har brug for støtte til at komme i gang igen",
         "Har brug for en rollemodel og opbakning til at gennemføre uddannelsen"]


@dataclass
class YoungPersonPath:
    """What :func:`young_person` made: the referral and, if a match was made, the match."""

    referral: object
    match: object = None


def young_person(rng: random.Random, today: date, *, referred_on: date, age: int, gender: str, source: str,
                 situation: str, postcode: str, name: str | None = None, reason: str | None = None,
                 answers: dict | None = None, reject_reason: str | None = None, candidates=(), chosen=None,
                 proposed_on: date | None = None, started_on: date | None = None, meetings=(),
                 ended_on: date | None = None, end_reason: str | None = None, outcome: str = "none",
                 followups=(), extra: dict | None = None) -> YoungPersonPath:
    """One young person's path, through the services in date order, each step on its own day (the
    app's clock travels): referred by the tenant's caseworker with consent, intake (every question
    answered ``answers`` or with its non-blocking answer; accepted, or rejected with
    ``reject_reason``), a proposal of ``candidates`` (volunteers) on ``proposed_on``, the young
    person's ``chosen`` one, the mentor's acceptance on ``started_on``, ``meetings`` (dates), the end
    on ``ended_on`` with its reason and outcome, and ``followups`` (``(months_after, status)``).
    Steps after the last date given are left out, so a path can stop anywhere. The caller keeps each
    mentor's matches in date order (capacity is counted as it stands)."""
    from core.clock import travel
    from core.matching import services as matching
    from core.meetings import services as meetings_service
    from core.referrals import services as referrals
    from core.tenancy import current_tenant

    slug = current_tenant().slug
    caseworker = accounts.find_user(f"sagsbehandler@{slug}.dk")
    coordinator = accounts.find_user(f"koordinator@{slug}.dk")
    first = rng.choice(YOUNG_WOMEN if gender == "female" else YOUNG_MEN)
    name = name or f"{first} {rng.choice(SURNAMES)}"
    birth_date = referred_on - timedelta(days=age * 365 + rng.randint(20, 340))
    with travel(referred_on):
        referral = referrals.create_referral({
            "citizen": {"name": name, "birth_date": birth_date, "gender": gender, "postcode": postcode,
                        "languages": rng.choice(LANGUAGES), "interests": rng.sample(YOUNG_INTERESTS, 2),
                        "education_wishes": rng.choice(EDUCATION_WISHES), "needs": rng.choice(NEEDS),
                        **(extra or {})},
            "source": source, "situation": situation, "reason": reason or rng.choice(NEEDS),
            "consent_given_on": referred_on, "consent_text_version": referrals.consent_text().key,
        }, caseworker or coordinator, "caseworker" if caseworker else "coordinator")
    path = YoungPersonPath(referral)
    decided_on = min(referred_on + timedelta(days=rng.randint(3, 12)), today)
    with travel(decided_on):
        given = {q.key: (not q.blocking_answer if isinstance(q.blocking_answer, bool) else "no")
                 for q in referrals.intake_questions()}
        referrals.decide_intake(referral, {**given, **(answers or {})}, "reject" if reject_reason else "accept",
                                reject_reason, user=coordinator)
    if reject_reason or not candidates:
        return path
    proposed_on = proposed_on or min(decided_on + timedelta(days=rng.randint(5, 20)), today)
    with travel(proposed_on):
        match = matching.propose(referral, [v.id for v in candidates], on=proposed_on)
        matching.choose(match, (chosen or candidates[0]).id, on=proposed_on)
    path.match = match
    if started_on is None:
        return path
    with travel(started_on):
        matching.accept(match, on=started_on)
    for held_on in meetings:
        with travel(held_on):
            meetings_service.log_meeting(match, {"held_on": held_on, "minutes": rng.choice((60, 90, 90, 120)),
                                                 "place": rng.choice(("cafe", "walk", "cooking", "online", "other"))})
    if ended_on is None:
        return path
    with travel(ended_on):
        matching.end(match, {"ended_on": ended_on, "end_reason": end_reason, "outcome": outcome})
    for months_after, status in followups:
        due = add_months(ended_on, months_after)
        if due <= today:
            with travel(due):
                meetings_service.record_followup(match, months_after, status)
    return path
