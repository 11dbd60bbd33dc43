"""One test per hookspec, each calling the hook through the per-tenant relay (``hooks_for``) with a
test plugin: providers (``firstresult``) — the plugin's answer wins over the default and ``None``
defers to it; gatherers — every enabled plugin's list is gathered beside the defaults'; lifecycle
events — called with the arguments, for the tenants that enabled the plugin only.

``test_hooks_meta.py`` fails when a hookspec is missing here (or anywhere in the tests).
"""
from datetime import date
from types import SimpleNamespace

import pytest
from markupsafe import Markup

from core.defaults import (CONSENT_TEXT, END_REASONS, OUTCOME_CODES, RECRUITMENT_CHANNELS, REFERRAL_SITUATIONS,
                           REFERRAL_SOURCES)
from core.hooks import hooks_for
from core.hooks.types import Code, Finding, IntakeCriterion, MenuItem, ReportDefinition, Rule, ScoringCriterion
from core.platform.services import set_plugin_enabled
from tests.conftest import login
from tests.core.helpers import make_plugin

PLUGIN = "hook_test"


@pytest.fixture
def tenants(db, tenant_factory):
    """``with_plugin`` and ``also_with_plugin`` enable the test plugin; ``without`` does not."""
    return SimpleNamespace(with_plugin=tenant_factory("testby", "Testby"),
                           also_with_plugin=tenant_factory("andenby", "Andenby"),
                           without=tenant_factory("tredjeby", "Tredjeby"))


@pytest.fixture
def install(pm, db, tenants):
    """Register a test plugin with the given implementations and enable it for two of the tenants."""

    def install(name=PLUGIN, kind="plugin", tenants_=None, **impls):
        module = make_plugin(name, kind, **impls)
        pm.register_plugin(module)
        for tenant in tenants_ or (tenants.with_plugin, tenants.also_with_plugin):
            set_plugin_enabled(tenant, name, True)
        db.session.commit()
        return module

    return install


def flat(lists):
    return [item for items in lists for item in (items or [])]


def only_for(slug, answer):
    """An implementation result that answers for one tenant and defers (``None``) for the others."""
    return lambda tenant: answer if tenant.slug == slug else None


# ---- target group and intake ------------------------------------------------------------------

def test_mentorkorps_target_group_rules_are_gathered(install, tenants):
    def under_30(citizen, on, **_):
        if citizen.age > 30:
            return Finding("age", "Must be 18-30", blocking=True)

    rule = Rule("age", "Age 18-30", under_30)
    install(mentorkorps_target_group_rules=lambda tenant: [rule])
    rules = flat(hooks_for(tenants.with_plugin).mentorkorps_target_group_rules())
    assert rules == [rule]
    findings = [r.check(citizen=SimpleNamespace(age=34), on=date(2026, 1, 1)) for r in rules]
    assert findings == [Finding("age", "Must be 18-30", blocking=True)]
    assert flat(hooks_for(tenants.without).mentorkorps_target_group_rules()) == []


def test_mentorkorps_intake_criteria_are_gathered(install, tenants):
    criterion = IntakeCriterion("drug_abuse", "Is there active drug abuse?", reason="Excludes a volunteer mentor")
    install(mentorkorps_intake_criteria=lambda tenant: [criterion])
    assert flat(hooks_for(tenants.with_plugin).mentorkorps_intake_criteria()) == [criterion]
    assert flat(hooks_for(tenants.without).mentorkorps_intake_criteria()) == []


@pytest.mark.parametrize("hook, defaults", [
    ("mentorkorps_referral_sources", REFERRAL_SOURCES),
    ("mentorkorps_referral_situations", REFERRAL_SITUATIONS),
])
def test_referral_code_hooks_gather_the_import_codes_and_the_plugins_codes(install, tenants, hook, defaults):
    extra = Code("youth_club", "Youth club")
    install(**{hook: lambda tenant: [extra]})
    gathered = flat(getattr(hooks_for(tenants.with_plugin), hook)())
    assert extra in gathered and all(code in gathered for code in defaults)
    assert flat(getattr(hooks_for(tenants.without), hook)()) == list(defaults)
    expected = {"mentorkorps_referral_sources": ["jobcenter", "school", "guidance", "social_services", "self", "other"],
                "mentorkorps_referral_situations": ["in_education", "cash_benefit", "education_benefit", "sick_leave",
                                                    "other"]}[hook]
    assert [code.key for code in defaults] == expected  # CONTRACT.md section 3


def test_mentorkorps_consent_text_plugin_answer_wins_and_none_defers(install, tenants):
    install(mentorkorps_consent_text=only_for("testby", Code("testby-2", "I agree to Testby's terms")))
    assert hooks_for(tenants.with_plugin).mentorkorps_consent_text() == Code("testby-2", "I agree to Testby's terms")
    assert hooks_for(tenants.also_with_plugin).mentorkorps_consent_text() == CONSENT_TEXT
    assert hooks_for(tenants.without).mentorkorps_consent_text().key == "core-1"


# ---- matching -------------------------------------------------------------------------------

def test_mentorkorps_scoring_criteria_are_gathered_once_beside_the_defaults(install, tenants):
    import numpy as np

    from core.matching.scoring import Features, score, shared_counts

    calls = []

    def music_counts_double(young, mentors):
        calls.append((len(young), len(mentors)))
        return 2.0 * shared_counts(young, mentors, "interests")

    def explain(young_row, mentor_row, points):
        return f"shares {', '.join(young_row.shared(mentor_row, 'interests'))}"

    mine = ScoringCriterion("interests", "Shared interests", music_counts_double, explain)
    install(mentorkorps_scoring_criteria=lambda tenant: [mine] if tenant.slug == "testby" else None)
    with_plugin = flat(hooks_for(tenants.with_plugin).mentorkorps_scoring_criteria())
    assert with_plugin[0] is mine
    default_keys = ["interests", "languages", "nearby", "age_gap", "gender_wish"]
    assert [c.key for c in with_plugin[1:]] == default_keys
    assert [c.key for c in flat(hooks_for(tenants.also_with_plugin).mentorkorps_scoring_criteria())] == default_keys
    assert [c.key for c in flat(hooks_for(tenants.without).mentorkorps_scoring_criteria())] == default_keys

    young = Features([1, 2], interests=[["football", "music"], ["chess"]])
    mentors = Features([7, 8, 9], interests=[["Music"], ["chess", "music"], []])
    scoring = score(young, mentors, with_plugin)  # the plugin's "interests" replaces the default's
    assert calls == [(2, 3)]  # once for the whole matrix, not once per pair
    assert np.array_equal(scoring.parts["interests"], [[2, 2, 0], [0, 2, 0]])
    assert scoring.explain(0, 0)[0] == {"key": "interests", "label": "Shared interests", "points": 2.0,
                                        "reason": "shares music"}


def test_mentorkorps_rank_candidates_plugin_order_wins_and_none_defers(install, tenants):
    first, second, third = (SimpleNamespace(id=i, active_match_count=c) for i, c in ((1, 2), (2, 0), (3, 1)))
    candidates = [(first, 10, []), (second, 4, []), (third, 10, [])]

    def fewest_matches_first(tenant, referral, candidates):
        if tenant.slug == "testby":
            return sorted(candidates, key=lambda c: c[0].active_match_count)

    install(mentorkorps_rank_candidates=fewest_matches_first)
    ranked = hooks_for(tenants.with_plugin).mentorkorps_rank_candidates(referral=None, candidates=candidates)
    assert [c[0].id for c in ranked] == [2, 3, 1]
    default_order = [1, 3, 2]  # score, highest first, then the volunteer's id
    deferred = hooks_for(tenants.also_with_plugin).mentorkorps_rank_candidates(referral=None, candidates=candidates)
    assert [c[0].id for c in deferred] == default_order
    plain = hooks_for(tenants.without).mentorkorps_rank_candidates(referral=None, candidates=candidates)
    assert [c[0].id for c in plain] == default_order


def test_mentorkorps_candidate_count_plugin_answer_wins_and_none_defers(install, tenants):
    install(mentorkorps_candidate_count=only_for("testby", 2))
    assert hooks_for(tenants.with_plugin).mentorkorps_candidate_count() == 2
    assert hooks_for(tenants.also_with_plugin).mentorkorps_candidate_count() == 1  # None defers
    assert hooks_for(tenants.without).mentorkorps_candidate_count() == 1


def test_a_municipality_answer_wins_over_a_reusable_plugins(install, tenants):
    install(mentorkorps_candidate_count=lambda tenant: 2)
    install("testby", kind="municipality", tenants_=[tenants.with_plugin],
            mentorkorps_candidate_count=(lambda tenant: 3, {"tryfirst": True}))
    assert hooks_for(tenants.with_plugin).mentorkorps_candidate_count() == 3
    assert hooks_for(tenants.also_with_plugin).mentorkorps_candidate_count() == 2


# ---- codes ----------------------------------------------------------------------------------

@pytest.mark.parametrize("hook, defaults", [
    ("mentorkorps_recruitment_channels", RECRUITMENT_CHANNELS),
    ("mentorkorps_end_reasons", END_REASONS),
    ("mentorkorps_outcome_codes", OUTCOME_CODES),
])
def test_code_hooks_gather_the_defaults_and_the_plugins_codes(install, tenants, hook, defaults):
    extra = Code("test_code", "A code of the test plugin")
    install(**{hook: lambda tenant: [extra]})
    gathered = flat(getattr(hooks_for(tenants.with_plugin), hook)())
    assert extra in gathered and all(code in gathered for code in defaults)
    assert flat(getattr(hooks_for(tenants.without), hook)()) == list(defaults)


def test_mentorkorps_recruitment_channels_defaults_are_the_import_codes(tenants):
    keys = [c.key for c in flat(hooks_for(tenants.without).mentorkorps_recruitment_channels())]
    assert keys == ["press", "brochure", "word_of_mouth", "info_meeting", "association", "web", "network", "other"]


def test_mentorkorps_end_reasons_defaults_include_completed_and_the_import_codes(tenants):
    keys = {c.key for c in flat(hooks_for(tenants.without).mentorkorps_end_reasons())}
    assert keys == {"completed", "moved_away", "needs_beyond_scope", "boundary_issues", "own_wish", "mentor_stopped",
                    "other"}


def test_mentorkorps_outcome_codes_defaults_are_the_import_codes(tenants):
    keys = {c.key for c in flat(hooks_for(tenants.without).mentorkorps_outcome_codes())}
    assert keys == {"retained_in_education", "benefits_to_education", "sick_leave_to_education", "internship", "job",
                    "gave_up", "none"}


# ---- reports --------------------------------------------------------------------------------

def test_mentorkorps_reports_are_gathered_from_enabled_plugins_only(install, tenants):
    from core.reports.builtin import REPORTS

    report = ReportDefinition("test-report", "Test report", compute=lambda tenant, start, end: [])
    install(mentorkorps_reports=lambda tenant: [report])
    # The plugin's report beside the core's (the defaults answer last).
    assert flat(hooks_for(tenants.with_plugin).mentorkorps_reports()) == [report, *REPORTS]
    assert flat(hooks_for(tenants.without).mentorkorps_reports()) == list(REPORTS)
    assert [r.key for r in REPORTS] == ["recruitment-funnel", "activity", "followups"]


# ---- pages ----------------------------------------------------------------------------------

def test_mentorkorps_menu_items_are_gathered_with_user_and_role(install, tenants):
    seen = []

    def items(tenant, user, role):
        seen.append((tenant.slug, user, role))
        return [MenuItem("test_entry", "Test entry", "web.front", roles=frozenset({"coordinator"}), order=5)]

    install(mentorkorps_menu_items=items)
    user = SimpleNamespace(id=1)
    gathered = flat(hooks_for(tenants.with_plugin).mentorkorps_menu_items(user=user, role="mentor"))
    assert seen == [("testby", user, "mentor")]
    assert [i.key for i in gathered][0] == "test_entry"
    assert "front" in [i.key for i in gathered]  # the defaults' entries are gathered beside it


def test_mentorkorps_menu_items_are_shown_to_the_roles_they_name(app, install, tenants, user_factory):
    install(mentorkorps_menu_items=lambda tenant, user, role: [
        MenuItem("test_entry", "Entry for coordinators", "web.front", roles=frozenset({"coordinator"}), order=5)])
    tenant = tenants.with_plugin
    coordinator = login(app.test_client(), user_factory(tenant, "coordinator"), tenant)
    mentor = login(app.test_client(), user_factory(tenant, "mentor"), tenant)
    assert "Entry for coordinators" in coordinator.get(f"/{tenant.slug}/").get_data(as_text=True)
    assert "Entry for coordinators" not in mentor.get(f"/{tenant.slug}/").get_data(as_text=True)


def test_mentorkorps_template_slot_fragments_are_gathered_for_the_named_slot(install, tenants):
    def fragments(tenant, slot, context):
        if slot == "front_page":
            return [Markup("<p>{}</p>").format(context["role"])]

    install(mentorkorps_template_slot=fragments)
    relay = hooks_for(tenants.with_plugin)
    assert flat(relay.mentorkorps_template_slot(slot="front_page", context={"role": "<mentor>"})) == [
        Markup("<p>&lt;mentor&gt;</p>")]
    assert flat(relay.mentorkorps_template_slot(slot="volunteer_detail", context={})) == []
    assert flat(hooks_for(tenants.without).mentorkorps_template_slot(slot="front_page", context={"role": "x"})) == []


# ---- lifecycle events -----------------------------------------------------------------------

def test_mentorkorps_referral_created(install, tenants):
    calls = []
    install(mentorkorps_referral_created=lambda tenant, referral: calls.append((tenant, referral)))
    referral = SimpleNamespace(id=1)
    result = hooks_for(tenants.with_plugin).mentorkorps_referral_created(referral=referral)
    hooks_for(tenants.without).mentorkorps_referral_created(referral=referral)
    assert calls == [(tenants.with_plugin, referral)]
    assert result == []  # nothing to return: an event's answers are not used


def _lifecycle_event_is_told_to_enabled_plugins_only(install, tenants, hook):
    calls = []
    install(**{hook: lambda tenant, referral: calls.append((tenant, referral))})
    referral = SimpleNamespace(id=1)
    result = getattr(hooks_for(tenants.with_plugin), hook)(referral=referral)
    getattr(hooks_for(tenants.without), hook)(referral=referral)
    assert calls == [(tenants.with_plugin, referral)]
    assert result == []


def test_mentorkorps_referral_decided(install, tenants):
    _lifecycle_event_is_told_to_enabled_plugins_only(install, tenants, "mentorkorps_referral_decided")


def test_mentorkorps_consent_withdrawn(install, tenants):
    _lifecycle_event_is_told_to_enabled_plugins_only(install, tenants, "mentorkorps_consent_withdrawn")


def test_mentorkorps_match_proposed(install, tenants):
    calls = []
    install(mentorkorps_match_proposed=lambda tenant, match: calls.append((tenant, match)))
    match = SimpleNamespace(id=1, candidates=[1, 2])
    hooks_for(tenants.with_plugin).mentorkorps_match_proposed(match=match)
    hooks_for(tenants.without).mentorkorps_match_proposed(match=match)
    assert calls == [(tenants.with_plugin, match)]


def test_mentorkorps_match_started(install, tenants):
    calls = []
    install(mentorkorps_match_started=lambda tenant, match: calls.append((tenant, match)))
    match = SimpleNamespace(id=2)
    hooks_for(tenants.also_with_plugin).mentorkorps_match_started(match=match)
    hooks_for(tenants.without).mentorkorps_match_started(match=match)
    assert calls == [(tenants.also_with_plugin, match)]


def test_mentorkorps_match_ended(install, tenants):
    calls = []
    install(mentorkorps_match_ended=lambda tenant, match: calls.append((tenant, match)))
    match = SimpleNamespace(id=3, end_reason="completed")
    hooks_for(tenants.with_plugin).mentorkorps_match_ended(match=match)
    hooks_for(tenants.without).mentorkorps_match_ended(match=match)
    assert calls == [(tenants.with_plugin, match)]


def test_mentorkorps_followup_months_plugin_answer_wins_and_none_defers(install, tenants):
    match = SimpleNamespace(id=6, outcome="job")
    install(mentorkorps_followup_months=lambda tenant, match: [3, 12] if tenant.slug == "testby" else None)
    assert hooks_for(tenants.with_plugin).mentorkorps_followup_months(match=match) == [3, 12]
    assert hooks_for(tenants.also_with_plugin).mentorkorps_followup_months(match=match) == [6]  # None defers
    assert hooks_for(tenants.without).mentorkorps_followup_months(match=match) == [6]


def test_mentorkorps_match_changed(install, tenants):
    calls = []
    install(mentorkorps_match_changed=lambda tenant, match, transition: calls.append((tenant, match, transition)))
    match = SimpleNamespace(id=5, status="declined")
    transition = SimpleNamespace(from_status="chosen", to_status="declined")
    hooks_for(tenants.with_plugin).mentorkorps_match_changed(match=match, transition=transition)
    hooks_for(tenants.without).mentorkorps_match_changed(match=match, transition=transition)
    assert calls == [(tenants.with_plugin, match, transition)]


def test_mentorkorps_meeting_logged(install, tenants):
    calls = []
    install(mentorkorps_meeting_logged=lambda tenant, meeting: calls.append((tenant, meeting)))
    meeting = SimpleNamespace(id=4, minutes=90)
    hooks_for(tenants.with_plugin).mentorkorps_meeting_logged(meeting=meeting)
    hooks_for(tenants.without).mentorkorps_meeting_logged(meeting=meeting)
    assert calls == [(tenants.with_plugin, meeting)]


# ---- volunteers: training, screening and the gates before matching ----------------------------

def test_mentorkorps_course_completed_plugin_answer_wins_and_none_defers(install, tenants):
    sessions = [SimpleNamespace(id=i) for i in (1, 2, 3, 4, 5)]

    def four_of_five(tenant, course, sessions, attended_session_ids):
        if tenant.slug == "testby":
            return len(attended_session_ids) >= len(sessions) - 1

    install(mentorkorps_course_completed=four_of_five)
    kwargs = {"course": SimpleNamespace(id=1), "sessions": sessions, "attended_session_ids": {1, 2, 3, 4}}
    assert hooks_for(tenants.with_plugin).mentorkorps_course_completed(**kwargs) is True
    assert hooks_for(tenants.also_with_plugin).mentorkorps_course_completed(**kwargs) is False  # default: all
    assert hooks_for(tenants.without).mentorkorps_course_completed(**{**kwargs, "attended_session_ids": {1, 2, 3, 4, 5}}) is True
    assert hooks_for(tenants.without).mentorkorps_course_completed(**{**kwargs, "sessions": [],
                                                                      "attended_session_ids": set()}) is False


def test_mentorkorps_course_required_for_matching_false_is_an_answer(install, tenants):
    def nominated_need_no_course(tenant, volunteer):
        if volunteer.recruitment_channel == "nominated_by_young_person":
            return False

    install(mentorkorps_course_required_for_matching=nominated_need_no_course)
    nominated = SimpleNamespace(recruitment_channel="nominated_by_young_person")
    recruited = SimpleNamespace(recruitment_channel="press")
    relay = hooks_for(tenants.with_plugin)
    assert relay.mentorkorps_course_required_for_matching(volunteer=nominated) is False
    assert relay.mentorkorps_course_required_for_matching(volunteer=recruited) is True  # None defers
    assert hooks_for(tenants.without).mentorkorps_course_required_for_matching(volunteer=nominated) is True


def test_mentorkorps_eligibility_findings_are_gathered(install, tenants):
    def at_least_21(tenant, volunteer, on):
        if volunteer.age < 21:
            return [Finding("age", "Mentors must be at least 21.", blocking=True)]
        return []

    install(mentorkorps_eligibility_findings=at_least_21)
    young = SimpleNamespace(age=19)
    on = date(2026, 3, 1)
    assert flat(hooks_for(tenants.with_plugin).mentorkorps_eligibility_findings(volunteer=young, on=on)) == [
        Finding("age", "Mentors must be at least 21.", blocking=True)]
    assert flat(hooks_for(tenants.with_plugin).mentorkorps_eligibility_findings(
        volunteer=SimpleNamespace(age=40), on=on)) == []
    assert flat(hooks_for(tenants.without).mentorkorps_eligibility_findings(volunteer=young, on=on)) == []


def test_mentorkorps_volunteer_status_changed(install, tenants):
    calls = []
    install(mentorkorps_volunteer_status_changed=lambda tenant, volunteer, change: calls.append(
        (tenant.slug, volunteer, change.to_status)))
    volunteer = SimpleNamespace(id=5)
    change = SimpleNamespace(from_status="in_training", to_status="approved", on=date(2026, 2, 1))
    hooks_for(tenants.with_plugin).mentorkorps_volunteer_status_changed(volunteer=volunteer, change=change)
    hooks_for(tenants.without).mentorkorps_volunteer_status_changed(volunteer=volunteer, change=change)
    assert calls == [("testby", volunteer, "approved")]


# ---- the relay ------------------------------------------------------------------------------

def test_the_relay_fills_in_the_tenant(install, tenants):
    install(mentorkorps_candidate_count=lambda tenant: len(tenant.slug))
    assert hooks_for(tenants.with_plugin).mentorkorps_candidate_count() == len("testby")
    assert hooks_for(tenants.also_with_plugin).mentorkorps_candidate_count() == len("andenby")


def test_an_implementation_with_a_misspelt_argument_is_refused_at_registration(pm):
    import pluggy

    with pytest.raises(pluggy.PluginValidationError):
        pm.register_plugin(make_plugin("misspelt", mentorkorps_candidate_count=lambda tenant, volunter: 1))


def test_a_misspelt_hook_name_fails_start_up():
    import pluggy

    from core.hooks.manager import build_plugin_manager

    with pytest.raises(pluggy.PluginValidationError) as error:
        build_plugin_manager([make_plugin("typo", mentorkorps_candidates_count=lambda tenant: 1)])
    assert "mentorkorps_candidates_count" in str(error.value)
