"""Ishøj's demo corps (seeds 002/003)."""
from __future__ import annotations

from datetime import date, time

from core.demo import Corps, build_corps

# A mandatory course of 2 × 3 hours before any match, mentor meetings every ~6 weeks, supervision
# every 3 months; mentors who are role models for young people of minority backgrounds.
CORPS = Corps(postcode="2635", place="Ishøj Rådhus, Ishøj Store Torv 20", size=30, course_sessions=2,
              course_hours=3, course_start=time(10, 0), course_days_apart=7, course_places=7,
              channels=("association", "web", "word_of_mouth", "info_meeting", "press"),
              standing_groups=(("Mentorgruppen", "experience_group"),),
              group_meeting_title="Mentormøde", group_meeting_every_days=42, supervision_every_days=91,
              capacities=(1, 1, 2), social_events=("Fællesspisning", "Sommerudflugt"))


def load(tenant, today: date) -> None:
    build_corps(tenant, CORPS, today)
