"""The demo municipality of network-based recruitment (seed 004): a youth unit's corps, replayed
through the services as the coordinator's clicks would have made it, with dates relative to today.

What seed 004's status reports, and the demo reproduces:

- "21 aktive frivillige mentorer": 15 mentors of the corps' ordinary route and 6 adults whom their
  young person named (the short route: børneattest and one introduction instead of the course),
  every one with a young person. "Flere af de frivillige mentorer har ønsket at arbejde med mere end
  én borger": three corps mentors have two young people.
- "En er flyttet til det nordjyske, men fortsætter med kontakten til borgeren": one corps mentor
  now lives in Aalborg (9000); the municipality's postcodes are set to its own, so the mentor is no
  longer offered to new young people, and keeps their young person (``keep_after_moving``).
- "tilknyttet 32 borgere": 32 young people, referred by the youth unit's advisers: 24 with a
  mentor now (6 of them the adult they named), 3 whose match ended, the rest on the way — one whose
  adult is on the short route, one waiting for their adult's answer, one whose adult is still to be
  asked, one back on the matching board after their adult could not be approved, one waiting at
  intake (outside the primary target group: the finding is shown). One young person's adult said
  no and one named no one: both got a mentor from the corps.
- The target group: cash-benefit or education-benefit recipients, and under-18s with an active case
  in the youth unit.
- "mindre sparringsgrupper": the corps' two sparring groups and one of the network mentors meet
  every five weeks; a joint meeting with a talk by a professional, and supervision.
- "løbende nye mentorer, der henvender sig, fordi de hører om indsatsen fra nuværende aktive
  frivillige": the newest applicants came by word of mouth.
"""
from __future__ import annotations

import random
from datetime import date, time, timedelta

from sqlalchemy import select

from core.clock import travel
from core.demo import MEN, SURNAMES, WOMEN, Corps, _email, build_corps, young_person
from core.extensions import db

SLUG = "eksempel"
POSTCODE = "9999"
PLACE = "Ungeenheden, Rådhuspladsen 1"

# The corps' ordinary route; the adults the young people name come on top (channel
# nominated_by_young_person, never drawn here: such a volunteer is only for their own young person).
CORPS = Corps(postcode=POSTCODE, place=PLACE, size=44, course_sessions=3, course_hours=3, course_start=time(17, 0),
              course_days_apart=7, course_places=8, channels=("word_of_mouth", "word_of_mouth", "network", "web"),
              standing_groups=(("Sparringsgruppe A", "sparring_group"), ("Sparringsgruppe B", "sparring_group")),
              group_meeting_title="Sparringsgruppe", group_meeting_every_days=35, supervision_every_days=90,
              capacities=(1, 2, 2))

RELATIONS = ("moster", "farbror", "fodboldtræner", "tidligere klasselærer", "nabo", "storesøster",
             "spejderleder", "morfar", "kæreste's mor", "chef i fritidsjobbet")
REASONS = {
    "cash_benefit": ["Modtager kontanthjælp og har brug for støtte til at komme i gang med en uddannelse",
                     "Har været på kontanthjælp i et år; ønsker hjælp til struktur og til at søge ind på en uddannelse"],
    "education_benefit": ["Modtager uddannelseshjælp og er faldet fra EUD; skal fastholdes i bevægelsen mod uddannelse",
                          "Uddannelsesparat, men mangler en voksen, der kan bakke op i hverdagen"],
    "youth_unit_case": ["Aktiv sag i Ungeenheden; frafaldstruet i 10. klasse og har brug for en voksen ved sin side",
                        "Aktiv sag i Ungeenheden; har svært ved at komme i skole og mangler netværk"],
}


def _days(today: date, n: int) -> date:
    return today + timedelta(days=n)


def _meeting_days(rng: random.Random, start: date, end: date) -> list[date]:
    """A meeting every two to three weeks from the start until ``end`` (mostly a few days before)."""
    days, day = [], start + timedelta(days=rng.randint(3, 8))
    while day <= end:
        days.append(day)
        day += timedelta(days=rng.randint(12, 22))
    return days


def _log_meetings(rng, match, days) -> None:
    from core.meetings import services as meetings

    for held_on in days:
        with travel(held_on):
            meetings.log_meeting(match, {"held_on": held_on, "minutes": rng.choice((60, 90, 90, 120)),
                                         "place": rng.choice(("cafe", "walk", "cooking", "online", "other"))})


def _corps_match(rng, today, referral, mentor, on: date, *, meetings_until: date | None = None):
    """A mentor of the corps proposed, chosen and accepted on ``on``, with meetings since."""
    from core.matching import services as matching

    with travel(on):
        match = matching.propose(referral, [mentor.id], on=on)
        matching.choose(match, mentor.id, on=on)
        matching.accept(match, on=on)
    _log_meetings(rng, match, _meeting_days(rng, on, meetings_until or _days(today, -2)))
    return match


class _Adults:
    """The significant adults the young people name: names and contact details."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def adult(self, relation: str, consent_on: date) -> dict:
        rng = self.rng
        female = relation in ("moster", "storesøster", "kæreste's mor") or (
            relation not in ("farbror", "morfar") and rng.random() < 0.5)
        name = None
        while name is None or name in self.used:
            name = f"{rng.choice(WOMEN if female else MEN)} {rng.choice(SURNAMES)}"
        self.used.add(name)
        return {"adult_name": name, "relation": relation, "phone": f"{rng.randint(20, 61)} {rng.randint(10, 99)} "
                f"{rng.randint(10, 99)} {rng.randint(10, 99)}", "email": _email(name).replace("@example.com", "@mail.dk"),
                "consent_to_contact_on": consent_on}


def _nominate(adults, referral, relation: str, recorded_on: date):
    from plugins.network_recruitment import services

    with travel(recorded_on):
        return services.record_nomination(referral, adults.adult(relation, recorded_on))


def _short_route(rng, today, nomination, *, asked_on, answered_on, screening_on=None, introductions=(),
                 approved_on=None, birth_year=None, postcode=POSTCODE):
    """The adult asked, their yes, and the short route as far as the dates given go."""
    from plugins.network_recruitment import services

    with travel(asked_on):
        services.record_asked(nomination, asked_on)
    with travel(answered_on):
        extra = {"postcode": postcode}
        if birth_year:
            extra["birth_date"] = date(birth_year, rng.randint(1, 12), rng.randint(1, 28))
        services.record_answer(nomination, "yes", answered_on, extra)
    if screening_on:
        with travel(screening_on):
            services.add_screening(nomination, screening_on)
    for held_on in introductions:
        with travel(held_on):
            services.record_introduction(nomination, held_on)
    if approved_on is None:
        return None
    with travel(approved_on):
        match = services.approve_and_match(nomination, approved_on)
    _log_meetings(rng, match, _meeting_days(rng, approved_on, _days(today, -2)))
    return match


def load(tenant, today: date) -> None:
    from core.groups import services as groups
    from core.platform.services import update_plugin_settings
    from core.referrals import services as referrals
    from core.volunteers import services as volunteers
    from core.volunteers.models import Volunteer
    from plugins.network_recruitment import services

    update_plugin_settings(tenant, "network_recruitment", {"local_postcodes": [POSTCODE]})
    people = build_corps(tenant, CORPS, today)
    rng = people.rng
    adults = _Adults(random.Random(f"mentorkorps-demo-{SLUG}-adults"))
    corps = list(db.session.scalars(select(Volunteer).where(Volunteer.status == "active").order_by(Volunteer.id)))
    # Three mentors wished to work with more than one young person (the demo mentor among them).
    for index, mentor in enumerate(corps):
        wanted = 2 if index < 3 else 1
        if mentor.capacity != wanted:
            volunteers.update_volunteer(mentor, {"capacity": wanted})

    def young(referred_on, *, age, situation=None, gender=None, **path):
        situation = situation or ("youth_unit_case" if age < 18 else rng.choice(("cash_benefit", "cash_benefit",
                                                                                 "education_benefit")))
        return young_person(rng, today, referred_on=referred_on, age=age, gender=gender or rng.choice(("female", "male")),
                            source="social_services" if situation == "youth_unit_case" else "jobcenter",
                            situation=situation, postcode=POSTCODE, reason=rng.choice(REASONS[situation]), **path)

    # -- The young people who named their significant adult, and what came of it. ----------------------
    network_mentors = []
    for n, (referred, relation, birth_year) in enumerate(((-150, "moster", 1979), (-138, "fodboldtræner", 1985),
                                                          (-121, "farbror", 1972), (-104, "tidligere klasselærer", 1968),
                                                          (-82, "nabo", 1961), (-63, "storesøster", 1997))):
        path = young(_days(today, referred), age=rng.choice((16, 17, 19, 21, 23, 25)) if n != 1 else 17)
        start = path.referral.decided_on
        nomination = _nominate(adults, path.referral, relation, start + timedelta(days=1))
        match = _short_route(
            rng, today, nomination, asked_on=start + timedelta(days=3), answered_on=start + timedelta(days=8),
            screening_on=start + timedelta(days=15), introductions=[start + timedelta(days=17)],
            approved_on=start + timedelta(days=21), birth_year=birth_year,
            postcode="8000" if relation == "farbror" else POSTCODE)  # the uncle lives in Aarhus: fine for his own
        network_mentors.append(match.volunteer)

    # On the way: the short route under way, an answer awaited, an adult still to be asked.
    path = young(_days(today, -30), age=20)
    on_route = _nominate(adults, path.referral, "spejderleder", path.referral.decided_on + timedelta(days=1))
    _short_route(rng, today, on_route, asked_on=_days(today, -18), answered_on=_days(today, -12),
                 screening_on=_days(today, -4), birth_year=1983)
    path = young(_days(today, -20), age=17)
    awaiting = _nominate(adults, path.referral, "morfar", path.referral.decided_on + timedelta(days=1))
    with travel(_days(today, -6)):
        services.record_asked(awaiting, _days(today, -6))
    path = young(_days(today, -9), age=22)
    _nominate(adults, path.referral, "chef i fritidsjobbet", path.referral.decided_on)

    # -- The corps' matches, in date order per mentor (three mentors take two young people). ----------------
    free = {m.id: m.capacity for m in corps}

    def next_mentor():
        for mentor in corps:
            if free[mentor.id] > 0:
                free[mentor.id] -= 1
                return mentor
        raise RuntimeError("the demo corps has no free mentor")

    # Three matches that ended; each mentor took a new young person after the end (below).
    for mentor, referred, ended_on, reason, outcome in ((corps[11], -128, -70, "own_wish", "none"),
                                                        (corps[12], -140, -40, "completed", "benefits_to_education"),
                                                        (corps[14], -120, -20, "completed", "retained_in_education")):
        started = _days(today, referred + 12)
        young(_days(today, referred), age=rng.randint(18, 26), candidates=[mentor], proposed_on=started,
              started_on=started, meetings=_meeting_days(rng, started, _days(today, ended_on - 3)),
              ended_on=_days(today, ended_on), end_reason=reason, outcome=outcome)

    # A "no" and a young person who named no one: the corps found their mentors.
    path = young(_days(today, -100), age=24)
    declined = _nominate(adults, path.referral, "kæreste's mor", path.referral.decided_on + timedelta(days=1))
    with travel(path.referral.decided_on + timedelta(days=4)):
        services.record_asked(declined, path.referral.decided_on + timedelta(days=4))
    with travel(path.referral.decided_on + timedelta(days=9)):
        services.record_answer(declined, "no", path.referral.decided_on + timedelta(days=9),
                               note="Vil gerne støtte, men har ikke overskud til at være mentor")
    _corps_match(rng, today, path.referral, next_mentor(), path.referral.decided_on + timedelta(days=16))
    path = young(_days(today, -90), age=26)
    with travel(path.referral.decided_on + timedelta(days=1)):
        services.record_none_named(path.referral)
    _corps_match(rng, today, path.referral, next_mentor(), path.referral.decided_on + timedelta(days=8))

    # The other corps matches, referred over the last five months.
    moved = None
    for index, referred in enumerate(range(-135, -10, 8)):
        mentor = next_mentor()
        started = min(_days(today, referred + rng.randint(8, 14)), _days(today, -1))
        young(_days(today, referred), age=rng.choice((16, 17, 18, 19, 20, 21, 22, 24, 27)), candidates=[mentor],
              proposed_on=started, started_on=started, meetings=_meeting_days(rng, started, _days(today, -2)))
        if index == 5:
            moved = mentor

    # "En er flyttet til det nordjyske, men fortsætter med kontakten til borgeren."
    with travel(_days(today, -45)):
        volunteers.update_volunteer(moved, {"postcode": "9000", "phone": "98 12 34 56"})

    # Not approved: back on the matching board, waiting for a mentor of the corps.
    path = young(_days(today, -60), age=19)
    refused = _nominate(adults, path.referral, "kammerat fra klubben", path.referral.decided_on + timedelta(days=1))
    _short_route(rng, today, refused, asked_on=path.referral.decided_on + timedelta(days=3),
                 answered_on=path.referral.decided_on + timedelta(days=6), birth_year=2001)
    with travel(_days(today, -15)):
        services.refuse(refused, _days(today, -15), "Børneattesten kunne ikke godkendes")

    # Waiting at intake: in education, so outside the primary target group (the finding says so).
    caseworker_referral = {
        "citizen": {"name": "Noah Frederiksen", "birth_date": _days(today, -365 * 19 - 100), "gender": "male",
                    "postcode": POSTCODE, "interests": ["fodbold", "IT og computerspil"],
                    "education_wishes": "Går på HF, men overvejer at stoppe",
                    "needs": "Frafaldstruet; mangler en voksen at tale med om skolen"},
        "source": "school", "situation": "in_education",
        "reason": "Frafaldstruet på HF; ingen ydelse og ingen sag i Ungeenheden, men skolen beder om en mentor",
        "consent_given_on": _days(today, -2), "consent_text_version": referrals.consent_text().key,
        "referred_on": _days(today, -2),
    }
    from core.accounts import services as accounts

    with travel(_days(today, -2)):
        referrals.create_referral(caseworker_referral, accounts.find_user(f"sagsbehandler@{SLUG}.dk"), "caseworker")

    # -- Sparring groups for the network mentors, a joint meeting with a talk. -------------------------------
    group = groups.create_group("Sparringsgruppe C (netværksmentorer)", "sparring_group")
    groups.set_group_members(group, [v.id for v in network_mentors])
    for weeks_back in (10, 5):
        meeting = groups.create_meeting({"kind": "sparring_group", "title": "Sparringsgruppe, netværksmentorer",
                                         "on": _days(today, -7 * weeks_back + 3), "starts_at": time(17, 0), "hours": 2,
                                         "place": PLACE, "group_id": group.id,
                                         "description": "Sagssparring: succeser og udfordringer med den unge."})
        groups.invite_group(meeting)
        groups.register_attendance(meeting, {v.id: rng.random() < 0.8 for v in network_mentors})
    upcoming = groups.create_meeting({"kind": "sparring_group", "title": "Sparringsgruppe, netværksmentorer",
                                      "on": _days(today, 11), "starts_at": time(17, 0), "hours": 2, "place": PLACE,
                                      "group_id": group.id})
    groups.invite_group(upcoming)
    everyone = [v.id for v in corps + network_mentors]
    joint = groups.create_meeting({"kind": "experience_group", "title": "Fællesmøde: oplæg om unge og uddannelse",
                                   "on": _days(today, -26), "starts_at": time(19, 0), "hours": 2, "place": PLACE,
                                   "description": "Oplæg ved en UU-vejleder og sagssparring i mindre grupper."})
    groups.invite(joint, everyone)
    groups.register_attendance(joint, {v: rng.random() < 0.6 for v in everyone})
