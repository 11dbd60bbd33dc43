"""Middelfart's demo corps (seeds 000/001)."""
from __future__ import annotations

from datetime import date, time

from core.demo import Corps, build_corps

# Recruitment through the local press, brochures and word of mouth; info meetings; a 5-evening
# course; monthly experience groups in 5 groups; supervision; social events.
CORPS = Corps(postcode="5500", place="Jobcenter Middelfart, Hindsgavl Allé 2", size=38, course_sessions=5,
              course_hours=3, course_start=time(18, 30), course_days_apart=7, course_places=10,
              channels=("press", "press", "brochure", "word_of_mouth", "word_of_mouth", "info_meeting", "association"),
              standing_groups=tuple((f"Erfagruppe {n}", "experience_group") for n in range(1, 6)),
              group_meeting_title="Erfamøde", group_meeting_every_days=30, supervision_every_days=90)


def load(tenant, today: date) -> None:
    build_corps(tenant, CORPS, today)
