"""Middelfart's demo corps: seed 001 replayed through the services, as the coordinator's clicks
would have made it, over the :func:`demo_period` that ends today.

What the records reproduce (CONTRACT.md section 5's counting rules, over :func:`demo_period`):

- 109 volunteers count on ``to``: the 27 mentors who came from the discontinued social research
  project, and the three recruitment rounds' 43 (local press), 29 (brochures, word of mouth, the
  local papers) and 10 (word of mouth, now also mentors' spouses) who finished the 5-evening course.
  Ages on ``to`` 6/13/13/33/42/2 in the bands 18-25 ... 66+, 69 women and 40 men, 59 in the public
  and 50 in the private sector (54/46 %), education 50/25/32/2 (46/23/29/2 %). Eight more people
  left on the way (after an information meeting, or during a course); they no longer count.
- 114 young people matched; 16 matches stopped (moved to another municipality 6, more problems than
  a volunteer should take part in 4, could not find the limit of what a mentor is for 4, own wish
  2); outcomes 48/25/13/13/5 of 114 (42/22/11/11/4 %); the other young people have a match still
  running or one that ended without an outcome.

Around them, a living corps: information meetings, four teams of the 5-evening course and the next
one planned, five experience groups meeting monthly, supervision, the big mentor network every
quarter, the mentor association's monthly dinners, summer party and trips, and young people waiting
at intake, on the matching board and for an answer.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from core.clock import add_months, travel
from core.demo import DEMO_NAMES, MEN, SURNAMES, WOMEN, Corps, _People, young_person

SLUG = "middelfart"
PERIOD_DAYS = 660  # the demo's history: from the research project's mentors joining until today
# The seed's snapshot ("Starter nyt hold i januar 2012, har 12 personer på venteliste"): the figures
# are the corps as it stood a week ago; since then twelve people have signed up for the next team and
# wait for it. They are volunteers on the waiting list, not yet part of the corps' figures.
WAITING_LIST = 12
SNAPSHOT_DAYS_AGO = 7
PLACE = "Jobcenter Middelfart, Hindsgavl Allé 2"
POSTCODES = ("5500", "5500", "5500", "5500", "5500", "5580", "5592", "5464", "5466")

CORPS = Corps(postcode="5500", place=PLACE, size=109, course_sessions=5, course_hours=3, course_start=time(18, 0),
              course_days_apart=7, course_places=24, channels=("press", "brochure", "word_of_mouth"),
              standing_groups=tuple((f"Erfagruppe {n}", "experience_group") for n in range(1, 6)),
              group_meeting_title="Erfamøde", group_meeting_every_days=30, supervision_every_days=91)


def demo_period(today: date) -> tuple[date, date]:
    """``(from, to)`` of the demo's history: the day the research project's mentors joined the corps
    (the first recruitment), and the seed's snapshot a week ago, before the twelve on the waiting list
    for the next team signed up. The test of seed 001's figures and the reports use it."""
    return today - timedelta(days=PERIOD_DAYS), today - timedelta(days=SNAPSHOT_DAYS_AGO)


# ---- who the 109 are (seed 001) ---------------------------------------------------------------------

AGE_BANDS = (((21, 25), 6), ((26, 35), 13), ((36, 45), 13), ((46, 55), 33), ((56, 65), 42), ((66, 69), 2))
GENDERS = (("female", 69), ("male", 40))
# (sector, education): public 59 / private 50; care-teaching-social 50, vocational 25, higher 32, unskilled 2.
BACKGROUNDS = ((("public", "care_teaching_social"), 44), (("private", "care_teaching_social"), 6),
               (("public", "higher"), 12), (("private", "higher"), 20), (("public", "vocational"), 3),
               (("private", "vocational"), 22), (("private", "unskilled"), 2))
COHORTS = (("research", 27), ("press", 43), ("brochure", 29), ("word_of_mouth", 10))
WORK = {
    ("public", "care_teaching_social"): ["Sygeplejerske på sygehuset", "SOSU-assistent i hjemmeplejen",
                                         "Lærer i udskolingen", "Pædagog i en børnehave", "Socialrådgiver i en nabokommune",
                                         "Sundhedsplejerske", "Pædagog på et opholdssted", "Lærer på ungdomsskolen"],
    ("private", "care_teaching_social"): ["Sygeplejerske i en privat klinik", "Lærer på en friskole",
                                          "Pædagog i en privat daginstitution", "SOSU-hjælper i et privat plejefirma"],
    ("public", "higher"): ["Bibliotekar", "Jordemoder", "Ingeniør i kommunens tekniske forvaltning", "Gymnasielærer",
                           "Fuldmægtig i regionen"],
    ("private", "higher"): ["Ingeniør", "Økonomichef", "IT-konsulent", "Arkitekt", "Revisor", "Projektleder",
                            "Advokat"],
    ("public", "vocational"): ["Kontorassistent i Borgerservice", "Buschauffør", "Teknisk servicemedarbejder"],
    ("private", "vocational"): ["Tømrer", "Elektriker", "Frisør", "Butiksleder", "Smed", "Kok", "Mekaniker",
                                "Kontorassistent", "Landmand"],
    ("private", "unskilled"): ["Lagermedarbejder", "Chauffør"],
}


def _spread(rng: random.Random, counts) -> list:
    values = [value for value, count in counts for _ in range(count)]
    rng.shuffle(values)
    return values


def _birth_date(rng: random.Random, today: date, age: int) -> date:
    """A birth date that makes the person ``age`` years old on ``today``."""
    year = today.year - age
    anniversary = date(year, today.month, min(today.day, 28 if today.month == 2 else today.day))
    return anniversary - timedelta(days=rng.randint(1, 360))


@dataclass
class Mentor:
    cohort: str
    gender: str
    age: int
    sector: str
    education: str
    volunteer: object = None
    approved_on: date | None = None
    matches: list = field(default_factory=list)  # (proposed_on, started_on or None, ended_on or None)


# ---- the corps --------------------------------------------------------------------------------------

class _Builder:
    def __init__(self, tenant, today: date):
        from core.accounts import services as accounts

        self.tenant = tenant
        self.today = today
        self.start, self.snapshot = demo_period(today)
        self.people = _People(SLUG, CORPS, today)
        self.rng = self.people.rng
        self.coordinator = accounts.find_user(f"koordinator@{SLUG}.dk")

    def day(self, offset: int) -> date:
        """A day of the history: ``offset`` days after the period began."""
        return self.start + timedelta(days=offset)

    # -- volunteers

    def plan_mentors(self) -> list[Mentor]:
        rng = self.rng
        ages = [rng.randint(low, high) for (low, high), count in AGE_BANDS for _ in range(count)]
        rng.shuffle(ages)
        genders, backgrounds, cohorts = _spread(rng, GENDERS), _spread(rng, BACKGROUNDS), _spread(rng, COHORTS)
        mentors = [Mentor(cohort, gender, age, sector, education)
                   for cohort, gender, age, (sector, education) in zip(cohorts, genders, ages, backgrounds, strict=True)]
        # The demo mentor (mentor@middelfart.dk) is a woman of the first press round.
        mette = next(m for m in mentors if m.cohort == "press" and m.gender == "female" and 46 <= m.age <= 55)
        mentors.remove(mette)
        mentors.insert(0, mette)
        return mentors

    def create(self, mentor: Mentor | None, recruited_on: date, channel: str, *, name=None, gender=None,
               email=None, capacity=1):
        from core.volunteers import services as volunteers

        rng = self.rng
        profile = self.people.profile(recruited_on, name=name, gender=gender or (mentor.gender if mentor else None))
        profile.update(recruitment_channel=channel, capacity=capacity,
                       postcode=rng.choice(POSTCODES))
        if mentor is not None:
            profile.update(birth_date=_birth_date(rng, self.snapshot, mentor.age), employment_sector=mentor.sector,
                           education=mentor.education, work_background=rng.choice(WORK[(mentor.sector, mentor.education)]))
        else:  # someone who left on the way: their profile is not part of the corps' figures
            profile.update(birth_date=_birth_date(rng, self.today, rng.randint(24, 64)))
        if email:
            profile["email"] = email
        volunteer = volunteers.create_volunteer(profile)
        if mentor is not None:
            mentor.volunteer = volunteer
        return volunteer

    def info_meeting(self, on: date, invited, came, title="Informationsmøde om frivillige sociale mentorer"):
        from core.groups import services as groups

        meeting = groups.create_meeting({
            "kind": "info_meeting", "title": title, "on": on, "starts_at": time(19, 0), "hours": 2, "place": PLACE,
            "description": "Hvad er en frivillig social mentor, hvad er den ikke, og hvordan kommer man i gang? "
                           "Mentorkoordinatoren og to erfarne mentorer fortæller."})
        groups.invite(meeting, [v.id for v in invited])
        if on <= self.today:
            groups.register_attendance(meeting, {v.id: v in came for v in invited})
        return meeting

    def course(self, team: int, first_on: date, people, *, missed=None, places=24):
        """A team of the 5-evening course; ``missed`` = {volunteer id: session indexes not attended}."""
        from core.training import services as training

        course = training.create_course({
            "title": f"Unge-mentorkursus, hold {team}",
            "description": "Fem aftener for nye frivillige sociale mentorer: den anerkendende metode, "
                           "konflikthåndtering, en let introduktion til coachbegreberne og cases fra mentorkorpset.",
            "place": PLACE, "max_participants": places})
        sessions = [training.add_session(course, first_on + timedelta(days=7 * i), CORPS.course_hours,
                                         starts_at=CORPS.course_start) for i in range(CORPS.course_sessions)]
        for volunteer in people:
            training.enroll(course, volunteer)
        missed = missed or {}
        for index, session in enumerate(sessions):
            if session.on <= self.today and people:
                training.register_attendance(session, {v.id: index not in missed.get(v.id, ()) for v in people})
        return sessions

    def approve(self, mentors: list[Mentor], screened_from: date, approved_on: date):
        from core.volunteers import services as volunteers

        for i, mentor in enumerate(mentors):
            volunteers.add_screening(mentor.volunteer, "child_certificate", screened_from + timedelta(days=i % 12))
            volunteers.change_status(mentor.volunteer, "approved", approved_on)
            mentor.approved_on = approved_on

    def build_corps(self) -> list[Mentor]:
        from core.volunteers import services as volunteers

        rng, day = self.rng, self.day
        mentors = self.plan_mentors()
        by_cohort = {name: [m for m in mentors if m.cohort == name] for name, _ in COHORTS}

        # The 27 mentors of the discontinued social research project join on the first day; they were
        # trained there (the research_project_trained setting), and most bring their certificate.
        research = by_cohort["research"]
        for mentor in research:
            self.create(mentor, day(0), "research_project")
            volunteers.change_status(mentor.volunteer, "in_training", day(0),
                                     note="Overført fra det ophørte socialforskningsprojekt")
        for i, mentor in enumerate(research):
            if i < 3:  # certificates from the project that soon expire (the front page says so)
                obtained = add_months(self.today, -24) + timedelta(days=5 + 6 * i)
            else:
                obtained = day(3 + i % 14)
            volunteers.add_screening(mentor.volunteer, "child_certificate", obtained)
            volunteers.change_status(mentor.volunteer, "approved", day(21))
            mentor.approved_on = day(21)

        # Round 1: the local press, an information meeting (42 came), teams 1 and 2 of the course.
        press = by_cohort["press"]
        mette = press[0]
        self.create(mette, day(12), "press", name=DEMO_NAMES["mentor"], gender="female",
                    email=f"mentor@{SLUG}.dk", capacity=2)
        for mentor in press[1:]:
            self.create(mentor, day(rng.randint(8, 26)), "press")
        no_reply, dropout = (self.create(None, day(rng.randint(8, 26)), "press") for _ in range(2))
        invited = [m.volunteer for m in press] + [no_reply, dropout]
        came = set(invited[:40] + [dropout, invited[41]])  # 42 came; two of the press round had a talk instead
        self.info_meeting(day(30), invited, came)
        volunteers.change_status(no_reply, "left", day(44), note="Meldte ikke tilbage efter informationsmødet")
        team_1, team_2 = [m.volunteer for m in press[:22]], [m.volunteer for m in press[22:]] + [dropout]
        self.course(1, day(45), team_1)
        self.course(2, day(52), team_2, missed={dropout.id: (2, 3, 4)})
        volunteers.change_status(dropout, "left", day(82), note="Stoppede undervejs på kurset")
        self.approve(press, day(84), day(95))

        # Round 2: brochures, word of mouth and the local papers; 32 at the information meeting; team 3.
        round_2 = by_cohort["brochure"]
        channels = ["brochure"] * 12 + ["word_of_mouth"] * 10 + ["press"] * 7
        for mentor, channel in zip(round_2, channels, strict=True):
            self.create(mentor, day(rng.randint(245, 266)), channel)
        away = [self.create(None, day(rng.randint(245, 266)), rng.choice(("brochure", "word_of_mouth")))
                for _ in range(2)]
        undecided = [self.create(None, day(rng.randint(245, 266)), rng.choice(("brochure", "press"))) for _ in range(3)]
        invited = [m.volunteer for m in round_2] + undecided + away
        self.info_meeting(day(270), invited, set(invited[:32]))
        for volunteer in undecided:
            volunteers.change_status(volunteer, "left", day(281), note="Valgte ikke at gå videre efter informationsmødet")
        for volunteer in away:
            volunteers.change_status(volunteer, "left", day(284), note="Kom ikke til informationsmødet")
        self.course(3, day(290), [m.volunteer for m in round_2], places=30)
        self.approve(round_2, day(322), day(340))

        # Round 3: word of mouth, and now also spouses of mentors; team 4.
        round_3 = by_cohort["word_of_mouth"]
        married = [m for m in mentors if m.cohort in ("research", "press") and m.volunteer is not mette.volunteer]
        for i, mentor in enumerate(round_3):
            if i < 4:  # a mentor's spouse: the partner's surname
                partner = married[rng.randrange(len(married))]
                married.remove(partner)
                surname = partner.volunteer.name.split(" ")[-1]
                first = None
                while first is None or f"{first} {surname}" in self.people.used:
                    first = rng.choice(WOMEN if mentor.gender == "female" else MEN)
                self.create(mentor, day(rng.randint(365, 384)), "mentor_spouse", name=f"{first} {surname}")
            else:
                self.create(mentor, day(rng.randint(365, 384)), "word_of_mouth")
        late = self.create(None, day(rng.randint(365, 384)), "word_of_mouth")
        invited = [m.volunteer for m in round_3] + [late]
        self.info_meeting(day(390), invited, set(invited))
        self.course(4, day(400), invited, missed={late.id: (1, 3)}, places=14)
        volunteers.change_status(late, "left", day(440), note="Nåede ikke kurset; flyttede til Aarhus")
        self.approve(round_3, day(430), day(450))

        # The next team: twelve on the waiting list since the snapshot (word of mouth, spouses), invited
        # to the information meeting; the course planned.
        waiting = [self.create(None, self.snapshot + timedelta(days=1 + i % (SNAPSHOT_DAYS_AGO - 1)),
                               "mentor_spouse" if i < 3 else "word_of_mouth") for i in range(WAITING_LIST)]
        self.info_meeting(self.today + timedelta(days=16), waiting, set(),
                          title="Informationsmøde om frivillige sociale mentorer – nyt hold")
        self.course(5, self.today + timedelta(days=37), [])
        return mentors

    # -- the corps' meetings and the association's events

    def group_meetings(self, mentors: list[Mentor]):
        from core.groups import services as groups

        rng, day, today = self.rng, self.day, self.today
        standing = [groups.create_group(name, kind) for name, kind in CORPS.standing_groups]
        joined = {"research": 100, "press": 100, "brochure": 345, "word_of_mouth": 455}  # their first erfamøde

        def members_on(offset: int) -> list[Mentor]:
            return [m for m in mentors if joined[m.cohort] <= offset]

        current = []
        for offset in range(100, PERIOD_DAYS + 31, 30):
            members = members_on(offset)
            if len(members) != len(current):
                current = members
                for index, group in enumerate(standing):
                    groups.set_group_members(group, [m.volunteer.id for m in current[index::len(standing)]])
            for index, group in enumerate(standing):
                on = day(offset + index * 2)
                meeting = groups.create_meeting({
                    "kind": "experience_group", "title": f"{CORPS.group_meeting_title}, {group.name}", "on": on,
                    "starts_at": time(17, 0), "hours": 2, "place": PLACE, "group_id": group.id,
                    "description": "Erfaringsudveksling mellem mentorerne; mentorkoordinatoren deltager."})
                groups.invite_group(meeting)
                if on <= today:
                    groups.register_attendance(meeting, {v.id: rng.random() < 0.75 for v in group.members})

        def all_mentors(offset: int) -> list[int]:
            on = day(offset)
            return [m.volunteer.id for m in mentors if m.approved_on <= on]

        def event(kind: str, offset: int, title: str, *, starts=time(17, 0), hours=2, place=PLACE, share=0.5,
                  description=None):
            meeting = groups.create_meeting({"kind": kind, "title": title, "on": day(offset), "starts_at": starts,
                                             "hours": hours, "place": place, "description": description})
            ids = all_mentors(min(offset, PERIOD_DAYS))
            groups.invite(meeting, ids)
            if day(offset) <= today:
                groups.register_attendance(meeting, {i: rng.random() < share for i in ids})

        for offset in range(110, PERIOD_DAYS + 92, 91):
            event("supervision", offset, "Supervision med ekstern psykolog", starts=time(16, 30), share=0.55,
                  description="Fælles supervision: svære situationer, grænser og egne reaktioner.")
        for offset in range(150, PERIOD_DAYS + 92, 91):
            event("social_event", offset, "Mentornetværk Middelfart: kvartalsmøde med virksomhedsmentorerne",
                  starts=time(19, 0), share=0.35)
        event("social_event", 395, "Stiftende generalforsamling i Mentorforeningen", starts=time(19, 0), share=0.4)
        for offset in range(420, PERIOD_DAYS + 31, 30):
            event("social_event", offset, "Månedlig spisning for mentorer og unge", starts=time(18, 0), hours=3,
                  share=0.3, description="Mentorforeningen inviterer mentorer og deres unge til fællesspisning.")
        for month, dday, title, place, hours in (
                (6, 20, "Sommerfest for mentorerne", PLACE, 5),
                (7, 4, "Legolandtur for mentorer og unge med børn", "Legoland, Billund", 8),
                (8, 8, "Tur i Djurs Sommerland for mentorer og unge", "Djurs Sommerland", 8),
                (5, 14, "Motion: gåtur langs Lillebælt", "Lillebæltsstien ved Hindsgavl", 2)):
            on = date(today.year, month, dday)
            if on > today - timedelta(days=7):
                on = date(today.year - 1, month, dday)
            event("social_event", (on - self.start).days, title, starts=time(10, 0) if hours == 8 else time(17, 0),
                  hours=hours, place=place, share=0.4)

    # -- the young people

    def plan_paths(self, mentors: list[Mentor]) -> list[dict]:
        """Seed 001's 114 young people: whom each was matched with, when, and how it ended."""
        rng, day = self.rng, self.day
        stopped = ([("moved_away", o) for o in ["retained_in_education"] * 4 + ["benefits_to_education", "none"]]
                   + [("needs_beyond_scope", "gave_up")] * 4
                   + [("boundary_issues", o) for o in ("gave_up", "internship", "internship", "none")]
                   + [("own_wish", "retained_in_education"), ("own_wish", "sick_leave_to_education")])
        completed = [("completed", o) for o, n in (("retained_in_education", 43), ("benefits_to_education", 24),
                                                  ("sick_leave_to_education", 12), ("internship", 11)) for _ in range(n)]
        paths = []
        for end_reason, outcome in stopped + completed:
            length = rng.randint(30, 160) if end_reason != "completed" else rng.randint(150, 320)
            start = rng.randint(30, PERIOD_DAYS - 8 - length)
            paths.append({"end_reason": end_reason, "outcome": outcome, "start": start, "length": length})
        for _ in range(8):  # still running today
            paths.append({"end_reason": None, "outcome": None, "start": rng.randint(PERIOD_DAYS - 230, PERIOD_DAYS - 20),
                          "length": None})
        # The demo mentor's: one that ended well, and the one she has now.
        mette = mentors[0]
        own = [next(p for p in paths if p["outcome"] == "retained_in_education" and p["end_reason"] == "completed"),
               next(p for p in paths if p["end_reason"] is None)]
        own[0].update(start=120, length=230)
        own[1].update(start=PERIOD_DAYS - 130)
        for p in own:
            p["mentor"] = mette

        pool = [m for m in mentors if m is not mette]
        for path in sorted(paths, key=lambda p: p["start"]):
            path.setdefault("proposed", path["start"] - rng.randint(3, 8))
            while "mentor" not in path:
                proposed = day(path["proposed"])
                free = [m for m in pool if m.approved_on < proposed
                        and all(end is not None and end < proposed for _, _, end in m.matches)]
                if free:
                    fresh = [m for m in free if not m.matches]
                    path["mentor"] = rng.choice(fresh or free)
                    break
                # No mentor free yet: the young person waits two weeks more.
                path["start"], path["proposed"] = path["start"] + 14, path["proposed"] + 14
                if path["length"] is not None and path["start"] + path["length"] > PERIOD_DAYS - 8:
                    path["length"] = max(PERIOD_DAYS - 8 - path["start"], 21)
            ended = day(path["start"] + path["length"]) if path["length"] is not None else None
            assert path["start"] < PERIOD_DAYS and (ended is None or ended < self.today), path
            path["mentor"].matches.append((day(path["proposed"]), day(path["start"]), ended))
        return sorted(paths, key=lambda p: (p["proposed"], p["start"]))

    def young_people(self, mentors: list[Mentor]):
        rng, day, today = self.rng, self.day, self.today
        situations = {"retained_in_education": ("in_education",), "benefits_to_education": ("cash_benefit",),
                      "sick_leave_to_education": ("sick_leave",),
                      "internship": ("cash_benefit", "education_benefit", "other"),
                      "gave_up": ("cash_benefit", "sick_leave"), "none": ("cash_benefit", "in_education", "other"),
                      None: ("in_education", "cash_benefit", "education_benefit", "sick_leave")}
        followup_status = {"retained_in_education": "education", "benefits_to_education": "education",
                           "sick_leave_to_education": "education", "internship": "internship", "gave_up": "benefits",
                           "none": "unknown"}
        quiet = 0
        for path in self.plan_paths(mentors):
            situation = rng.choice(situations[path["outcome"]])
            age = rng.randint(15, 21) if situation == "in_education" else rng.randint(18, 32)
            start, proposed = day(path["start"]), day(path["proposed"])
            referred = proposed - timedelta(days=rng.randint(15, 45))
            ended = day(path["start"] + path["length"]) if path["length"] is not None else None
            last = ended or today - timedelta(days=rng.randint(2, 16))
            if ended is None and quiet < 2 and path["mentor"] is not mentors[0]:
                last, quiet = today - timedelta(days=rng.randint(26, 40)), quiet + 1  # no meeting for a while
            meetings, on = [], start + timedelta(days=rng.randint(4, 10))
            while on <= last and len(meetings) < 16:
                meetings.append(on)
                on += timedelta(days=rng.randint(12, 24))
            if ended is None and meetings and meetings[-1] < last - timedelta(days=7) and last >= start:
                meetings.append(last)  # a running match has met lately, unless it is one of the quiet ones
            followups = []
            if ended is not None:
                due = add_months(ended, 6)
                if due <= today - timedelta(days=25):  # the newest ones are still due on the follow-up list
                    status = followup_status[path["outcome"]]
                    if status == "education" and rng.random() < 0.1:
                        status = "unknown"
                    followups.append((6, status))
            young_person(rng, today, referred_on=referred, age=age, gender=rng.choice(("female", "male")),
                         source="business_centre" if rng.random() < 0.15 else "jobcenter", situation=situation,
                         postcode=rng.choice(POSTCODES), candidates=[path["mentor"].volunteer],
                         proposed_on=proposed, started_on=start, meetings=meetings, ended_on=ended,
                         end_reason=path["end_reason"], outcome=path["outcome"] or "none", followups=followups)

    def waiting(self, mentors: list[Mentor]):
        """Young people at intake, waiting for a mentor, or for an answer; and three turned away."""
        from core.matching import services as matching
        from core.referrals import services as referrals

        rng, today = self.rng, self.today

        def ago(days: int) -> date:
            return today - timedelta(days=days)

        for age, source, situation, days in ((19, "jobcenter", "cash_benefit", 2), (17, "business_centre", "in_education", 4),
                                             (34, "jobcenter", "cash_benefit", 5), (22, "guidance", "education_benefit", 6)):
            with travel(ago(days)):
                first = rng.choice(("Sara", "Oliver", "Yasmin", "Mikkel", "Freja", "Omar"))
                referrals.create_referral({
                    "citizen": {"name": f"{first} {rng.choice(SURNAMES)}",
                                "birth_date": ago(days) - timedelta(days=age * 365 + rng.randint(30, 300)),
                                "gender": rng.choice(("female", "male")), "postcode": rng.choice(POSTCODES),
                                "interests": ["musik", "fodbold"][: rng.randint(1, 2)],
                                "needs": "Har svært ved at komme op om morgenen og er ensom",
                                "education_wishes": "Vil gerne i gang med en uddannelse"},
                    "source": source, "situation": situation,
                    "reason": "Har problemer udover ledighed: ensomhed og ingen struktur i hverdagen.",
                    "consent_given_on": ago(days), "consent_text_version": referrals.consent_text().key,
                }, self._caseworker(), "caseworker")
        for days in (9, 13, 17, 24):  # accepted, on the matching board
            young_person(rng, today, referred_on=ago(days), age=rng.randint(16, 29), gender=rng.choice(("female", "male")),
                         source="jobcenter", situation=rng.choice(("cash_benefit", "in_education", "sick_leave")),
                         postcode=rng.choice(POSTCODES))
        for age, answers, reason in ((33, {}, "Over aldersgrænsen på 32 år; henvist til jobcentrets øvrige tilbud."),
                                     (14, {}, "Under 15 år; UU-vejlederen følger op."),
                                     (24, {"needs_professional_help": True},
                                      "Har først brug for behandling i psykiatrien; en frivillig mentor kan ikke stå alene med det.")):
            young_person(rng, today, referred_on=ago(rng.randint(30, 90)), age=age, gender=rng.choice(("female", "male")),
                         source="jobcenter", situation="cash_benefit", postcode=rng.choice(POSTCODES),
                         answers=answers, reject_reason=reason)
        # The demo mentor chosen by a young person, waiting for her answer; and a proposal waiting for
        # the young person's answer, with a mentor who has no young person yet.
        young_person(rng, today, referred_on=ago(25), age=18, gender="female", source="jobcenter",
                     situation="in_education", postcode="5500", candidates=[mentors[0].volunteer], proposed_on=ago(3))
        mentors[0].matches.append((ago(3), None, None))
        idle = next(m for m in mentors[1:] if not m.matches)
        path = young_person(rng, today, referred_on=ago(30), age=20, gender="male", source="jobcenter",
                            situation="cash_benefit", postcode="5500")
        with travel(ago(2)):
            matching.propose(path.referral, [idle.volunteer.id], on=ago(2))
        idle.matches.append((ago(2), None, None))

    def _caseworker(self):
        from core.accounts import services as accounts

        return accounts.find_user(f"sagsbehandler@{SLUG}.dk") or self.coordinator

    # -- where the mentors stand today

    def statuses(self, mentors: list[Mentor]):
        from core.volunteers import services as volunteers

        today = self.today
        paused = 0
        for mentor in mentors:
            started = sorted(start for _, start, _ in mentor.matches if start is not None)
            if not started:
                continue  # approved, waiting for a young person
            volunteers.change_status(mentor.volunteer, "active", started[0])
            ends = [end for _, start, end in mentor.matches if start is not None]
            if paused < 4 and None not in ends and len(ends) == len(mentor.matches) and max(ends) < today - timedelta(days=60):
                volunteers.change_status(mentor.volunteer, "paused", max(ends) + timedelta(days=21),
                                         note=("Holder pause efter sit første forløb", "Travlt på arbejdet i en periode",
                                               "Orlov", "Passer et barnebarn i et halvt år")[paused])
                paused += 1


def load(tenant, today: date) -> None:
    """Middelfart's records (called by core.demo.load_demo inside the tenant's context)."""
    with travel(today):
        builder = _Builder(tenant, today)
        mentors = builder.build_corps()
        builder.group_meetings(mentors)
        builder.young_people(mentors)
        builder.waiting(mentors)
        builder.statuses(mentors)
