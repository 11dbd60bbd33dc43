"""The demo municipality of network-based recruitment (seed 004): a youth unit's corps."""
from __future__ import annotations

from datetime import date, time

from core.demo import Corps, build_corps

# Network-based recruitment (the young person's significant adult), sparring groups, mentors who
# take more than one young person.
CORPS = Corps(postcode="9999", place="Ungeenheden, Rådhuspladsen 1", size=26, course_sessions=3,
              course_hours=3, course_start=time(17, 0), course_days_apart=7, course_places=6,
              channels=("nominated_by_young_person", "network", "word_of_mouth", "web"),
              standing_groups=(("Sparringsgruppe A", "sparring_group"), ("Sparringsgruppe B", "sparring_group")),
              group_meeting_title="Sparringsgruppe", group_meeting_every_days=35, supervision_every_days=90,
              capacities=(1, 2, 2))


def load(tenant, today: date) -> None:
    build_corps(tenant, CORPS, today)
