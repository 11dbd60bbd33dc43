"""Ishøj's demo corps (seeds 002/003): about ten active mentors with diverse backgrounds — role
models for young people of minority backgrounds — recruited through local associations (among them
retired teachers and the ethnic associations), the volunteer portal and the local press; the
mandatory course of two evenings; mentor meetings every six weeks and supervision every three
months; and young people referred by Jobcenter Vallensbæk, CPH West and UU guidance counsellors,
each choosing between the two mentors presented.

The corps itself is :func:`core.demo.build_corps` with Ishøj's :data:`CORPS`, every volunteer with
the whole profile form filled in (``_make_profile_form``). The young people's paths are then replayed
through the services, oldest first, with the app's clock at each date (:func:`core.demo.young_person`):
ended matches with their outcomes and follow-ups, active matches with their meetings, a proposal
waiting for the mentor, one waiting for the young person's choice, an accepted referral on the
matching board, referrals waiting for intake, and two rejected at intake (an exclusion, and a young
person living outside Ishøj). The corps has run for ten months, and a match needs the course first,
so the oldest matches started about six months ago: their six-month follow-ups fall due about now.
"""
from __future__ import annotations

import unicodedata
from datetime import date, time, timedelta

from core.clock import add_months, travel
from core.demo import DEMO_NAMES, Corps, build_corps, young_person
from core.extensions import db

PLACE = "Ung På Vej, Ishøj (mentorkorpsets lokaler)"

# (background as the volunteer states it, their language besides Danish, women's and men's first
# names, surnames): Ishøj is a diverse municipality, and the corps recruits among its ethnic
# associations (seed 002) for role models for young people of minority backgrounds (seed 003).
MINORITY_BACKGROUNDS = [
    ("Tyrkisk-dansk", "tyrkisk", ["Zeynep", "Elif", "Ayse"], ["Emre", "Mehmet", "Murat"], ["Yilmaz", "Demir", "Kaya"]),
    ("Pakistansk-dansk", "urdu", ["Amina", "Sana", "Nadia"], ["Imran", "Bilal", "Asif"], ["Khan", "Hussain", "Ahmad"]),
    ("Palæstinensisk-dansk", "arabisk", ["Fatima", "Leila", "Rania"], ["Ahmed", "Khaled", "Omar"],
     ["Hassan", "Saleh", "Abdallah"]),
    ("Somalisk-dansk", "somali", ["Hodan", "Sahra", "Amal"], ["Abdi", "Mahad", "Yusuf"], ["Farah", "Warsame", "Nur"]),
    ("Irakisk-dansk", "arabisk", ["Noor", "Zainab", "Huda"], ["Haider", "Mustafa", "Karim"], ["Jaber", "Al-Hashimi"]),
]
# The generic demo names that suggest a minority background get a background (and a name) that fit.
GENERIC_MINORITY_NAMES = frozenset({"Fatima", "Amina", "Zeynep", "Nadia", "Ahmed", "Ali", "Hassan", "Emre", "Yilmaz",
                                    "Hussein", "Khan"})
ISHOEJ_WISHES = ["Vil gerne være rollemodel for unge med anden etnisk baggrund end dansk",
                 "En ung fra CPH West, der er ved at falde fra sin uddannelse",
                 "En ung, der vil i gang med en uddannelse", "Gerne en ung med interesse for håndværk",
                 "En ung, der har brug for struktur i hverdagen", "Ingen særlige ønsker"]
ISHOEJ_RESERVATIONS = ["Ingen forbehold", "Ingen forbehold", "Kan ikke om tirsdagen",
                       "Ikke unge med et aktivt misbrug", "Kan kun mødes i weekenden"]
WORKING_AGE_JOBS = [("Butiksassistent i Ishøj Bycenter", "private", "vocational"),
                    ("Buschauffør", "private", "unskilled"),
                    ("Sygeplejerske på Hvidovre Hospital", "public", "care_teaching_social"),
                    ("IT-supporter", "private", "vocational"),
                    ("Pædagogmedhjælper i en fritidsklub", "public", "unskilled")]
RETIRED_TEACHERS = ["Pensioneret faglærer fra CPH West", "Pensioneret folkeskolelærer i Ishøj",
                    "Pensioneret lærer, 30 år i udskolingen"]


def _email(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name.lower().replace("ø", "oe").replace("æ", "ae").replace("å", "aa"))
    return ".".join("".join(c for c in part if c.isalnum()) for part in plain.split()) + "@example.com"


def _make_profile_form(today: date):
    used: set[str] = set()

    def profile_form(rng, profile: dict) -> dict:
        """The answers of Ishøj's volunteer profile form over a generic profile: gender and age are
        there; the background (stated by about one in ten as "does not wish to state it"), a name and
        languages that fit it, and wishes and reservations (answered, "none" being an answer)."""
        extra = {"wishes": profile.get("wishes") or rng.choice(ISHOEJ_WISHES),
                 "reservations": profile.get("reservations") or rng.choice(ISHOEJ_RESERVATIONS)}
        if rng.random() < 0.3:
            extra["wishes"] = ISHOEJ_WISHES[0] if rng.random() < 0.5 else rng.choice(ISHOEJ_WISHES)
        age = (today - profile["birth_date"]).days // 365
        if age < 60 and profile.get("work_background", "").startswith("Pensioneret"):
            extra["work_background"], extra["employment_sector"], extra["education"] = rng.choice(WORKING_AGE_JOBS)
        if age >= 62 and rng.random() < 0.6:
            extra["work_background"] = rng.choice(RETIRED_TEACHERS)
            extra["employment_sector"], extra["education"] = "none", "care_teaching_social"
            extra["recruitment_channel"] = "association"  # the retired teachers' associations
        generic_minority_name = bool(set(profile["name"].split()) & GENERIC_MINORITY_NAMES)
        if profile["name"] != DEMO_NAMES["mentor"] and (generic_minority_name or rng.random() < 0.4):
            background, language, women, men, surnames = rng.choice(MINORITY_BACKGROUNDS)
            for _attempt in range(20):
                name = f"{rng.choice(women if profile['gender'] == 'female' else men)} {rng.choice(surnames)}"
                if name not in used:
                    break
            used.add(name)
            extra.update(name=name, email=_email(name), background=background,
                         languages=["dansk", language] + (["engelsk"] if rng.random() < 0.5 else []))
            if rng.random() < 0.5:
                extra["recruitment_channel"] = "association"  # the ethnic associations
        else:
            used.add(profile["name"])
            extra["background"] = "Ønsker ikke at oplyse" if rng.random() < 0.1 else "Dansk"
            extra["languages"] = [lang for lang in profile.get("languages") or ["dansk"] if lang in ("dansk", "engelsk", "tysk")]
        return extra

    return profile_form


def corps(today: date) -> Corps:
    return Corps(postcode="2635", place=PLACE, size=32, course_sessions=2, course_hours=3, course_start=time(18, 0),
                 course_days_apart=7, course_places=7,
                 channels=("association", "association", "web", "web", "press", "info_meeting", "word_of_mouth"),
                 standing_groups=(("Mentorgruppen", "experience_group"),),
                 group_meeting_title="Mentormøde", group_meeting_every_days=42, supervision_every_days=91,
                 capacities=(1, 1, 2), social_events=("Fællesspisning med Ishøj-retter", "Tur til Arken med de unge"),
                 extra_profile=_make_profile_form(today))


def load(tenant, today: date) -> None:
    from core.groups import services as groups
    from core.volunteers import services as volunteers
    from core.volunteers.models import Volunteer

    people = build_corps(tenant, corps(today), today)
    rng = people.rng

    def day(offset: int) -> date:
        return today + timedelta(days=offset)

    # About ten active mentors (seed 003: "ca. 10 mentorer"), one or two young people each.
    waiting = db.session.scalars(db.select(Volunteer).where(Volunteer.status == "approved").order_by(Volunteer.id)).all()
    if len(waiting) > 1:
        volunteers.change_status(waiting[0], "active", day(-120), note="Klar til sit første match")
    mentors = db.session.scalars(db.select(Volunteer).where(Volunteer.status == "active").order_by(Volunteer.id)).all()
    mentors = mentors[:10]
    for mentor, capacity in zip(mentors, (2, 2, 2, 2, 1, 2, 1, 2, 1, 1)):
        volunteers.update_volunteer(mentor, {"capacity": capacity})
    _young_people(rng, today, mentors, day)

    # The next mentor meetings, planned at the rhythm with the groups page's planner.
    group = db.session.scalar(db.select(groups.VolunteerGroup).where(groups.VolunteerGroup.name == "Mentorgruppen"))
    status = next(s for s in groups.rhythm_statuses(today) if s.rhythm.kind == "experience_group")
    groups.plan_meetings("experience_group", {
        "count": 2, "first_on": groups.suggested_start(status), "title": "Mentormøde, Mentorgruppen",
        "starts_at": time(19, 0), "hours": 2, "place": PLACE, "group_id": group.id if group else None,
        "invite": "group" if group else "mentors"})


def _meetings(rng, start: date, end: date, every=(12, 16, 21)) -> list[date]:
    """Meetings every two to three weeks from a few days after the start, up to ``end``."""
    dates, on = [], start + timedelta(days=rng.randint(2, 6))
    while on <= end:
        dates.append(on)
        on += timedelta(days=rng.choice(every))
    return dates


def _young_people(rng, today: date, m: list, day) -> None:
    """The young people's paths, in the order they happened (a mentor's capacity is counted as it
    stands). ``m`` are the active mentors."""
    from core.matching import services as matching
    from core.referrals import services as referrals

    def path(**kwargs):
        kwargs.setdefault("postcode", "2635")
        return young_person(rng, today, **kwargs)

    def wish_for(mentor) -> dict:
        """A wish about the mentor's background that the chosen mentor meets (seed 002: the young
        person's own wishes and cultural background are taken into account)."""
        if mentor.background and "-" in mentor.background:
            origin = mentor.background.split("-")[0].lower()
            return {"mentor_wishes": f"Gerne en mentor med {origin} baggrund, som kan være en rollemodel"}
        return {"mentor_wishes": "En voksen, der kender til uddannelsessystemet"}

    # The six-month follow-ups of the oldest matches: recorded for one, due about now for another.
    recorded_by = add_months(today, -6) - timedelta(days=2)

    # Broke down after one meeting: needs beyond what a volunteer mentor should take on.
    path(referred_on=day(-206), age=24, gender="male", source="jobcenter_vallensbaek", situation="education_ready",
         candidates=[m[8], m[9]], chosen=m[9], proposed_on=day(-192), started_on=day(-191), meetings=[day(-189)],
         ended_on=recorded_by + timedelta(days=1), end_reason="needs_beyond_scope", outcome="none")
    # Stopped early: got a job.
    path(referred_on=day(-214), age=27, gender="female", source="jobcenter_vallensbaek", situation="education_ready",
         candidates=[m[1], m[2]], chosen=m[1], proposed_on=day(-191), started_on=day(-190),
         meetings=[day(-189), recorded_by - timedelta(days=2)], ended_on=recorded_by, end_reason="own_wish",
         outcome="job", followups=[(6, "job")])
    # Ran their course: into an education, an internship; one moved away.
    path(referred_on=day(-200), age=21, gender="male", source="jobcenter_vallensbaek", situation="education_ready",
         candidates=[m[3], m[4]], chosen=m[3], proposed_on=day(-176), started_on=day(-172),
         meetings=_meetings(rng, day(-172), day(-80)), ended_on=day(-75), end_reason="completed",
         outcome="benefits_to_education", extra=wish_for(m[3]))
    path(referred_on=day(-186), age=19, gender="female", source="cph_west", situation="dropout_risk",
         candidates=[m[6], m[7]], chosen=m[7], proposed_on=day(-165), started_on=day(-160),
         meetings=_meetings(rng, day(-160), day(-104)), ended_on=day(-100), end_reason="moved_away", outcome="none")
    path(referred_on=day(-190), age=23, gender="male", source="uu", situation="education_ready",
         candidates=[m[5], m[2]], chosen=m[5], proposed_on=day(-170), started_on=day(-168),
         meetings=_meetings(rng, day(-168), day(-65)), ended_on=day(-60), end_reason="completed", outcome="internship")

    # Active matches, with their meetings; each young person chose between two.
    def active(referred, proposed, started, chosen, other, **kwargs):
        first, second = (chosen, other) if rng.random() < 0.5 else (other, chosen)
        return path(referred_on=day(referred), proposed_on=day(proposed), started_on=day(started),
                    candidates=[first, second], chosen=chosen, **kwargs)

    active(-150, -140, -137, m[0], m[1], age=20, gender="female", source="jobcenter_vallensbaek",
           situation="education_ready", meetings=_meetings(rng, day(-137), day(-6)),
           extra={"mentor_gender_wish": m[0].gender, "share_contact_with_mentor": True, "phone": "20 11 22 33"})
    active(-135, -121, -118, m[2], m[3], age=22, gender="male", source="cph_west", situation="dropout_risk",
           meetings=_meetings(rng, day(-118), day(-9)), extra=wish_for(m[2]))
    active(-125, -112, -110, m[1], m[4], age=18, gender="male", source="uu", situation="dropout_risk",
           meetings=_meetings(rng, day(-110), day(-4)))
    active(-105, -90, -85, m[4], m[6], age=25, gender="female", source="jobcenter_vallensbaek",
           situation="education_ready", meetings=_meetings(rng, day(-85), day(-8)),
           extra={"mentor_gender_wish": m[4].gender})
    active(-98, -84, -80, m[7], m[8], age=19, gender="male", source="cph_west", situation="dropout_risk",
           meetings=_meetings(rng, day(-80), day(-12)), extra=wish_for(m[7]))
    active(-88, -72, -70, m[6], m[8], age=26, gender="female", source="jobcenter_vallensbaek",
           situation="education_ready", meetings=_meetings(rng, day(-70), day(-5)))
    active(-90, -70, -65, m[3], m[5], age=29, gender="male", source="jobcenter_vallensbaek",
           situation="education_ready", meetings=_meetings(rng, day(-65), day(-3)))
    active(-60, -48, -45, m[0], m[2], age=21, gender="female", source="cph_west", situation="dropout_risk",
           meetings=_meetings(rng, day(-45), day(-2)), extra=wish_for(m[0]))
    # No meeting logged for five weeks: the front page asks the coordinator to look into it.
    active(-52, -40, -38, m[8], m[9], age=24, gender="male", source="uu", situation="education_ready",
           meetings=[day(-35)])
    active(-45, -30, -26, m[9], m[5], age=20, gender="female", source="jobcenter_vallensbaek",
           situation="education_ready", meetings=_meetings(rng, day(-26), day(-3)))

    # Chosen by the young person, waiting for the mentor's answer.
    path(referred_on=day(-21), age=22, gender="male", source="uu", situation="education_ready",
         candidates=[m[5], m[2]], chosen=m[5], proposed_on=day(-5))
    # Presented two mentors; the young person has not chosen yet.
    waiting_choice = path(referred_on=day(-16), age=18, gender="female", source="cph_west", situation="dropout_risk",
                          extra={"mentor_gender_wish": "female"})
    with travel(day(-3)):
        matching.propose(waiting_choice.referral, [m[7].id, m[3].id], on=day(-3))
    # Accepted, waiting on the matching board.
    path(referred_on=day(-10), age=28, gender="male", source="jobcenter_vallensbaek", situation="education_ready")

    # Rejected at intake: an exclusion, and a young person who lives in Vallensbæk.
    path(referred_on=day(-110), age=23, gender="male", source="jobcenter_vallensbaek", situation="education_ready",
         answers={"drug_abuse": True},
         reject_reason="Aktivt stofmisbrug: den unge har brug for professionel hjælp først (visiteret til misbrugsbehandling).")
    path(referred_on=day(-70), age=20, gender="female", source="jobcenter_vallensbaek", situation="education_ready",
         postcode="2665", reject_reason="Bor i Vallensbæk Kommune; henvist til Vallensbæks egne tilbud.")

    # Waiting for intake.
    caseworker_referrals = [
        dict(days=-4, age=19, gender="female", source="cph_west", situation="dropout_risk"),
        dict(days=-2, age=25, gender="male", source="jobcenter_vallensbaek", situation="education_ready"),
        dict(days=-1, age=21, gender="male", source="uu", situation="education_ready"),
    ]
    from core.accounts import services as accounts
    from core.demo import EDUCATION_WISHES, NEEDS, SURNAMES, YOUNG_INTERESTS, YOUNG_MEN, YOUNG_WOMEN
    from core.tenancy import current_tenant

    caseworker = accounts.find_user(f"sagsbehandler@{current_tenant().slug}.dk")
    for spec in caseworker_referrals:
        referred_on = day(spec["days"])
        first = rng.choice(YOUNG_WOMEN if spec["gender"] == "female" else YOUNG_MEN)
        with travel(referred_on):
            referrals.create_referral({
                "citizen": {"name": f"{first} {rng.choice(SURNAMES)}", "gender": spec["gender"], "postcode": "2635",
                            "birth_date": referred_on - timedelta(days=spec["age"] * 365 + rng.randint(20, 340)),
                            "interests": rng.sample(YOUNG_INTERESTS, 2), "education_wishes": rng.choice(EDUCATION_WISHES),
                            "needs": rng.choice(NEEDS)},
                "source": spec["source"], "situation": spec["situation"], "reason": rng.choice(NEEDS),
                "consent_given_on": referred_on, "consent_text_version": referrals.consent_text().key,
            }, caseworker, "caseworker")
