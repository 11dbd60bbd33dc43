"""The volunteer lifecycle and the gates that matching will use, at the service level."""
from datetime import date, timedelta

import pytest

from core.errors import Conflict, ServiceError
from core.extensions import db
from core.groups import services as groups
from core.hooks.types import Finding
from core.platform.services import set_plugin_enabled
from core.settings import update_tenant_settings
from core.training import services as training
from core.volunteers import services as volunteers
from core.volunteers.models import Volunteer, VolunteerStatusChange
from tests.core.mentor_side.conftest import plugin_module

ADULT = date(1980, 5, 17)


def new_volunteer(**extra):
    data = {"name": "Anna Andersen", "birth_date": ADULT, "recruitment_channel": "press",
            "recruited_on": date.today() - timedelta(days=90), **extra}
    return volunteers.create_volunteer(data)


def train(volunteer, days_ago):
    course = training.create_course({"title": "Mentorkursus"})
    sessions = [training.add_session(course, days_ago(d), 3) for d in (60, 53, 46)]
    training.enroll(course, volunteer)
    for session in sessions:
        training.register_attendance(session, {volunteer.id: True})
    return course, sessions


def enable(tenant, plugin):
    """Enable a plugin; the next hook call sees it."""
    set_plugin_enabled(tenant, plugin, True)
    db.session.commit()


def codes(result):
    return sorted(f.code for f in result.findings if f.blocking)


def test_first_contact_to_active_mentor_passes_every_gate(in_tenant, days_ago):
    volunteer = new_volunteer()
    assert volunteer.status == "applicant" and volunteer.capacity == 1  # the tenant's default
    assert codes(volunteers.eligibility(volunteer)) == ["course", "screening_missing", "status"]

    info = groups.create_meeting({"kind": "info_meeting", "title": "Infomøde", "on": days_ago(80)})
    groups.register_attendance(info, {volunteer.id: True})
    assert volunteer.status == "info_meeting"

    course, sessions = train(volunteer, days_ago)
    assert volunteer.status == "in_training"
    assert course.enrollments[0].completed_on == sessions[-1].on

    volunteers.add_screening(volunteer, "child_certificate", days_ago(40))
    assert codes(volunteers.eligibility(volunteer)) == ["status"]
    volunteers.change_status(volunteer, "approved", on=days_ago(30))
    assert volunteers.eligibility(volunteer).eligible
    volunteers.change_status(volunteer, "active", on=days_ago(20), note="Første unge")

    history = [(c.from_status, c.to_status, c.on) for c in volunteer.status_changes]
    assert history == [
        (None, "applicant", days_ago(90)),
        ("applicant", "info_meeting", days_ago(80)),
        ("info_meeting", "in_training", days_ago(60)),
        ("in_training", "approved", days_ago(30)),
        ("approved", "active", days_ago(20)),
    ]
    assert volunteer.status_since == days_ago(20)


def test_missing_one_session_means_the_course_is_not_completed(in_tenant, days_ago):
    volunteer = new_volunteer()
    course = training.create_course({"title": "Mentorkursus"})
    first, second = training.add_session(course, days_ago(20), 3), training.add_session(course, days_ago(10), 3)
    training.enroll(course, volunteer)
    training.register_attendance(first, {volunteer.id: True})
    training.register_attendance(second, {volunteer.id: False})
    assert course.enrollments[0].completed_on is None
    assert "course" in codes(volunteers.eligibility(volunteer))


def test_transitions_are_validated_and_dated(in_tenant, days_ago):
    volunteer = new_volunteer()
    with pytest.raises(Conflict):
        volunteers.change_status(volunteer, "active")  # applicant cannot jump to active
    with pytest.raises(ServiceError) as error:
        volunteers.change_status(volunteer, "in_training", on=days_ago(200))  # before first contact
    assert "on" in error.value.errors
    with pytest.raises(ServiceError) as error:
        volunteers.change_status(volunteer, "in_training", on=date.today() + timedelta(days=1))
    assert "on" in error.value.errors
    with pytest.raises(ServiceError):
        volunteers.change_status(volunteer, "retired")
    volunteers.change_status(volunteer, "left", on=days_ago(1))
    assert volunteer.left_on == days_ago(1)
    with pytest.raises(Conflict):
        volunteers.change_status(volunteer, "applicant")  # left is final
    assert len(volunteer.status_changes) == 2


@pytest.mark.parametrize("field, value", [
    ("birth_date", date.today().replace(year=date.today().year - 17)),
    ("birth_date", date.today() + timedelta(days=1)),
    ("capacity", -1),
    ("capacity", 11),
    ("gender", "unknown"),
    ("employment_sector", "both"),
    ("education", "phd"),
    ("recruitment_channel", "carrier_pigeon"),
    ("recruited_on", date.today() + timedelta(days=3)),
    ("email", "not-an-address"),
])
def test_invalid_profile_is_refused_with_the_field_and_nothing_is_saved(in_tenant, field, value):
    with pytest.raises(ServiceError) as error:
        new_volunteer(**{field: value})
    assert list(error.value.errors) == [field]
    db.session.rollback()
    assert db.session.query(Volunteer).count() == 0
    assert db.session.query(VolunteerStatusChange).count() == 0


def test_every_error_of_a_form_is_reported_at_once(in_tenant):
    with pytest.raises(ServiceError) as error:
        volunteers.create_volunteer({"name": "", "capacity": 50, "gender": "x"})
    assert set(error.value.errors) == {"name", "capacity", "gender"}


def test_screening_setting_and_expiry(in_tenant, days_ago):
    volunteer = new_volunteer()
    volunteers.add_screening(volunteer, "child_certificate", date.today().replace(year=date.today().year - 3))
    assert "screening_expired" in codes(volunteers.eligibility(volunteer))
    update_tenant_settings(in_tenant, {"screening_valid_months": 48})
    assert not {"screening_expired", "screening_missing"} & set(codes(volunteers.eligibility(volunteer)))
    update_tenant_settings(in_tenant, {"screening_required": False, "screening_valid_months": 1})
    assert not {"screening_expired", "screening_missing"} & set(codes(volunteers.eligibility(volunteer)))
    with pytest.raises(ServiceError):
        update_tenant_settings(in_tenant, {"default_capacity": 0})
    with pytest.raises(ServiceError):
        volunteers.add_screening(volunteer, "child_certificate", date.today() + timedelta(days=1))


class TestPluginSuppliedRules:
    """A plugin changes the gates for its tenant only; the default requires the course."""

    @pytest.fixture
    def extra_plugins(self):
        return (
            plugin_module("short_route", mentorkorps_course_required_for_matching=lambda tenant, volunteer: (
                False if volunteer.recruitment_channel == "network" else None)),
            plugin_module("minimum_age", mentorkorps_eligibility_findings=lambda tenant, volunteer, on: (
                [Finding("age", "Mentors must be at least 25.", blocking=True)] if volunteer.age_on(on) < 25 else [])),
            plugin_module("lenient_course", mentorkorps_course_completed=lambda tenant, course, sessions, attended_session_ids: (
                len(attended_session_ids) >= len(sessions) - 1 if sessions else None)),
        )

    def test_course_requirement_comes_from_a_plugin(self, in_tenant, days_ago):
        nominated = new_volunteer(recruitment_channel="network")
        ordinary = new_volunteer(recruitment_channel="press")
        for volunteer in (nominated, ordinary):
            volunteers.add_screening(volunteer, "child_certificate", days_ago(5))
            volunteer.status = "approved"
        assert codes(volunteers.eligibility(nominated)) == ["course"]  # not enabled yet: the default
        enable(in_tenant, "short_route")
        assert volunteers.eligibility(nominated).eligible
        assert codes(volunteers.eligibility(ordinary)) == ["course"]

    def test_plugin_findings_block_with_their_reason(self, in_tenant):
        young = new_volunteer(birth_date=date.today().replace(year=date.today().year - 22))
        enable(in_tenant, "minimum_age")
        result = volunteers.eligibility(young)
        assert "age" in codes(result)
        assert "Mentors must be at least 25." in [str(r) for r in result.reasons]

    def test_completion_rule_comes_from_a_plugin(self, in_tenant, days_ago):
        volunteer = new_volunteer()
        course = training.create_course({"title": "Fem aftener"})
        sessions = [training.add_session(course, days_ago(d), 3) for d in (50, 40, 30, 20, 10)]
        training.enroll(course, volunteer)
        for session in sessions[:4]:
            training.register_attendance(session, {volunteer.id: True})
        assert course.enrollments[0].completed_on is None  # the default: all five evenings
        enable(in_tenant, "lenient_course")
        training.register_attendance(sessions[3], {volunteer.id: True})  # recomputed by the plugin's rule
        assert course.enrollments[0].completed_on == sessions[3].on


def test_eligibility_of_many_uses_a_fixed_number_of_queries(in_tenant, count_queries, days_ago):
    few = [new_volunteer(name=f"V{i}") for i in range(3)]
    many = few + [new_volunteer(name=f"W{i}") for i in range(60)]
    for volunteer in many[::2]:
        volunteers.add_screening(volunteer, "child_certificate", days_ago(3))
    db.session.flush()
    with count_queries() as small:
        volunteers.eligibility_many(few)
    with count_queries() as large:
        result = volunteers.eligibility_many(many)
    assert len(small) == len(large) <= 3
    assert len(result) == len(many)


def test_waiting_list_and_full_course(in_tenant, days_ago):
    first, second, third = (new_volunteer(name=n) for n in ("Ane", "Bo", "Carl"))
    course = training.create_course({"title": "Forårskursus", "max_participants": 1})
    assert [v.name for v in volunteers.waiting_list()] == ["Ane", "Bo", "Carl"]
    place = training.enroll(course, first)
    queued = training.enroll(course, second)
    assert (place.state, queued.state) == ("enrolled", "waiting")
    assert [v.name for v in volunteers.waiting_list()] == ["Bo", "Carl"]
    assert training.withdraw(place) is queued and queued.state == "enrolled"
    with pytest.raises(Conflict):
        training.enroll(course, second)
