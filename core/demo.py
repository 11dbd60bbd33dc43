"""Demo data: the three demo municipalities, an account per role, and for each municipality a mentor
corps to look at: volunteers from first contact to active mentor (and some who paused or left), a
finished course with attendance, an upcoming course with a waiting list, information meetings,
experience groups, supervision, sparring groups and social events, and screenings.

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

from core.accounts import services as accounts
from core.extensions import db
from core.platform.services import create_tenant, get_tenant_by_slug
from core.tenancy import tenant_context

DEMO_PASSWORD = "mentor-demo-2026"
DEMO_TENANTS = [
    ("middelfart", "Middelfart Kommune", ["middelfart"]),
    ("ishoej", "Ishøj Kommune", ["ishoej"]),
    ("eksempel", "Eksempel Kommune", ["network_recruitment"]),
]
DEMO_ACCOUNTS = [("admin@mentorkorps.dk", None, "platform-admin")] + [
    (f"{role_da}@{slug}.dk", slug, role)
    for slug, _, _ in DEMO_TENANTS
    for role, role_da in (("coordinator", "koordinator"), ("caseworker", "sagsbehandler"), ("mentor", "mentor"))
]
DEMO_NAMES = {"coordinator": "Karen Koordinator", "caseworker": "Søren Sagsbehandler", "mentor": "Mette Mentor"}


def load_demo() -> bool:
    """Create what is missing; returns whether anything was created."""
    created = False
    for slug, name, plugins in DEMO_TENANTS:
        if get_tenant_by_slug(slug) is None:
            create_tenant(slug, name, plugins)
            created = True
    for email, slug, role in DEMO_ACCOUNTS:
        if accounts.find_user(email) is not None:
            continue
        if slug is None:
            accounts.create_user(email, DEMO_PASSWORD, name="Platform Admin", platform_admin=True)
        else:
            user = accounts.create_user(email, DEMO_PASSWORD, name=DEMO_NAMES[role])
            accounts.add_membership(user, get_tenant_by_slug(slug), role)
        created = True
    for slug, _name, _plugins in DEMO_TENANTS:
        created = _load_mentor_corps(get_tenant_by_slug(slug)) or created
    return created


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


CORPS = {
    # Middelfart: recruitment through the local press, brochures and word of mouth; info meetings;
    # a 5-evening course; monthly experience groups in 5 groups; supervision; social events.
    "middelfart": Corps(postcode="5500", place="Jobcenter Middelfart, Hindsgavl Allé 2", size=38, course_sessions=5,
                        course_hours=3, course_start=time(18, 30), course_days_apart=7, course_places=10,
                        channels=("press", "press", "brochure", "word_of_mouth", "word_of_mouth", "info_meeting", "association"),
                        standing_groups=tuple((f"Erfagruppe {n}", "experience_group") for n in range(1, 6)),
                        group_meeting_title="Erfamøde", group_meeting_every_days=30, supervision_every_days=90),
    # Ishøj: a mandatory course of 2 × 3 hours before any match, mentor meetings every ~6 weeks,
    # supervision every 3 months; mentors who are role models for young people of minority backgrounds.
    "ishoej": Corps(postcode="2635", place="Ishøj Rådhus, Ishøj Store Torv 20", size=30, course_sessions=2,
                    course_hours=3, course_start=time(10, 0), course_days_apart=7, course_places=7,
                    channels=("association", "web", "word_of_mouth", "info_meeting", "press"),
                    standing_groups=(("Mentorgruppen", "experience_group"),),
                    group_meeting_title="Mentormøde", group_meeting_every_days=42, supervision_every_days=91,
                    capacities=(1, 1, 2), social_events=("Fællesspisning", "Sommerudflugt")),
    # A youth unit: network-based recruitment (the young person's significant adult), sparring groups,
    # mentors who take more than one young person.
    "eksempel": Corps(postcode="9999", place="Ungeenheden, Rådhuspladsen 1", size=26, course_sessions=3,
                      course_hours=3, course_start=time(17, 0), course_days_apart=7, course_places=6,
                      channels=("nominated_by_young_person", "network", "word_of_mouth", "web"),
                      standing_groups=(("Sparringsgruppe A", "sparring_group"), ("Sparringsgruppe B", "sparring_group")),
                      group_meeting_title="Sparringsgruppe", group_meeting_every_days=35, supervision_every_days=90,
                      capacities=(1, 2, 2)),
}

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
        return {
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


def _load_mentor_corps(tenant) -> bool:
    """The tenant's volunteers, courses and meetings, unless it has volunteers already; and the demo
    mentor's login linked to their volunteer record."""
    from core.volunteers.models import Volunteer

    corps = CORPS.get(tenant.slug)
    if corps is None:
        return False
    with tenant_context(tenant):
        if db.session.scalar(select(Volunteer.id).limit(1)) is not None:
            return _link_mentor(tenant)
        _build_corps(tenant, corps, date.today())
        _link_mentor(tenant)
        db.session.flush()
        return True


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


def _build_corps(tenant, corps: Corps, today: date) -> None:
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


def _season(day: date) -> str:
    return f"{'forår' if day.month <= 6 else 'efterår'} {day.year}"
