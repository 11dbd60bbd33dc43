"""Every hook a plugin can implement.

Conventions (pytest's): one prefix ``mentorkorps_``; keyword arguments only, ``tenant`` first (the
:class:`~core.tenancy.Municipality` the call is for, filled in by the relay). Three kinds:

* *providers* (``firstresult``): the first non-``None`` answer wins. The built-in defaults plugin
  always answers, last; return ``None`` to defer to it.
* *gatherers*: every enabled plugin answers with a list; the core flattens the lists.
* *lifecycle events*: told after a state change, inside the request's transaction. Return values
  are ignored. Add rows through the session if needed, but never commit.

Order: a municipality's implementations are ``tryfirst``, reusable plugins sit in the middle, the
defaults are ``trylast``. See ``docs/hooks.md`` for the same reference with more context.
"""
from core.hooks import hookspec

# --------------------------------------------------------------------------------------------
# Target group and intake
# --------------------------------------------------------------------------------------------


@hookspec
def mentorkorps_target_group_rules(tenant):
    """Gather the rules that decide whether a young person belongs to the tenant's target group.

    :param tenant: the municipality.
    :return: a list of :class:`core.hooks.types.Rule`. Every rule of every enabled plugin runs
        at intake and every finding is shown to the coordinator; a blocking finding means the
        referral cannot be accepted as it is.

    Example::

        @hookimpl(tryfirst=True)
        def mentorkorps_target_group_rules(tenant):
            def age_18_to_30(citizen, on, **_):
                if not 18 <= citizen.age_on(on) <= 30:
                    return Finding("age", _l("The young person must be 18-30 years old."), blocking=True)
            return [Rule("age", _l("Age 18-30"), age_18_to_30)]
    """


@hookspec
def mentorkorps_intake_criteria(tenant):
    """Gather the questions the coordinator answers at intake.

    :param tenant: the municipality.
    :return: a list of :class:`core.hooks.types.IntakeCriterion`. An answer equal to the
        criterion's ``blocking_answer`` excludes the young person, with the criterion's reason.

    Example::

        @hookimpl(tryfirst=True)
        def mentorkorps_intake_criteria(tenant):
            return [IntakeCriterion("drug_abuse", _l("Is there active drug abuse?"),
                                    reason=_l("Active drug abuse excludes a volunteer mentor."))]
    """


@hookspec
def mentorkorps_referral_sources(tenant):
    """Gather the sources a referral can come from (who sent the young person).

    :param tenant: the municipality.
    :return: a list of :class:`core.hooks.types.Code`. The defaults are the codes of the import
        format (jobcenter, school, guidance, social_services, self, other); a plugin adds its own.
        A later plugin's label for an existing key is ignored.

    Example::

        @hookimpl(tryfirst=True)
        def mentorkorps_referral_sources(tenant):
            return [Code("youth_club", _l("Youth club"))]
    """


@hookspec
def mentorkorps_referral_situations(tenant):
    """Gather the situations a young person can be in when referred.

    :param tenant: the municipality.
    :return: a list of :class:`core.hooks.types.Code`. The defaults are the codes of the import
        format (in_education, cash_benefit, education_benefit, sick_leave, other).

    Example::

        @hookimpl(tryfirst=True)
        def mentorkorps_referral_situations(tenant):
            return [Code("flex_job", _l("Flex job"))]
    """


@hookspec(firstresult=True)
def mentorkorps_consent_text(tenant):
    """Provide the consent text the young person agrees to, with its version.

    :param tenant: the municipality.
    :return: a :class:`core.hooks.types.Code` whose ``key`` is the version (recorded with every
        consent) and whose ``label`` is the text shown on the referral form; ``None`` defers to the
        default.

    Example::

        @hookimpl(tryfirst=True)
        def mentorkorps_consent_text(tenant):
            return Code("kommune-2026-1", _l("I agree that the municipality ..."))
    """


# --------------------------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------------------------


@hookspec
def mentorkorps_scoring_criteria(tenant):
    """Gather the criteria that score young people against mentors, once per scoring run.

    :param tenant: the municipality.
    :return: a list of :class:`core.hooks.types.ScoringCriterion`. Each criterion's ``score(young,
        mentors)`` is called once per run with the :class:`core.matching.scoring.Features` of R young
        people and V mentors and returns an R×V numpy array of points (times ``weight``; the total is
        the sum over every criterion). ``explain(young_row, mentor_row, points)`` words one pair for
        the candidates shown (a reason, or ``None``). ``blocks(young, mentors)``, if given, returns
        an R×V bool array of pairs that may not be matched. No hook is called once per pair. The
        first criterion of a key wins, so a plugin replaces a default by using its key. The
        defaults: shared interests, shared languages other than Danish, nearby postcode, age gap,
        the young person's wish about the mentor's gender (``core/matching/criteria.py``).

    Example::

        @hookimpl
        def mentorkorps_scoring_criteria(tenant):
            def score(young, mentors):
                return 2.0 * shared_counts(young, mentors, "interests")

            def explain(young_row, mentor_row, points):
                shared = young_row.shared(mentor_row, "interests")
                return _l("Shares %(i)s", i=", ".join(shared)) if shared else None

            return [ScoringCriterion("interests", _l("Shared interests"), score, explain)]
    """


@hookspec(firstresult=True)
def mentorkorps_rank_candidates(tenant, referral, candidates):
    """Provide the order in which scored candidates are offered.

    :param tenant: the municipality.
    :param referral: the referral being matched.
    :param candidates: a list of ``(volunteer, score, parts)`` tuples.
    :return: the same tuples in the order to present, or ``None`` to defer. The default sorts by
        score, highest first, then by the volunteer's id.

    Example::

        @hookimpl(tryfirst=True)
        def mentorkorps_rank_candidates(tenant, referral, candidates):
            # Prefer volunteers with no young person yet.
            return sorted(candidates, key=lambda c: (c[0].active_match_count, -c[1]))
    """


@hookspec(firstresult=True)
def mentorkorps_candidate_count(tenant):
    """Provide how many candidate mentors are presented for one referral.

    :param tenant: the municipality.
    :return: a positive int, or ``None`` to defer. The default is 1 (the coordinator matches).

    Example::

        @hookimpl(tryfirst=True)
        def mentorkorps_candidate_count(tenant):
            return 2  # the young person chooses between two
    """


# --------------------------------------------------------------------------------------------
# Codes
# --------------------------------------------------------------------------------------------


@hookspec
def mentorkorps_recruitment_channels(tenant):
    """Gather the channels through which volunteers are recruited.

    :param tenant: the municipality.
    :return: a list of :class:`core.hooks.types.Code`. The defaults are the codes of the import
        format (press, brochure, word_of_mouth, info_meeting, association, web, network, other);
        a plugin adds its own. A later plugin's label for an existing key is ignored.

    Example::

        @hookimpl(tryfirst=True)
        def mentorkorps_recruitment_channels(tenant):
            return [Code("mentor_spouse", _l("Spouse of a mentor"))]
    """


@hookspec
def mentorkorps_end_reasons(tenant):
    """Gather the reasons a match can end with.

    :param tenant: the municipality.
    :return: a list of :class:`core.hooks.types.Code`; ``completed`` is the reason of a course that
        ran its full length, every other reason counts as a stop.

    Example::

        @hookimpl(tryfirst=True)
        def mentorkorps_end_reasons(tenant):
            return [Code("moved_municipality", _l("Moved to another municipality"))]
    """


@hookspec
def mentorkorps_outcome_codes(tenant):
    """Gather the outcomes recorded at the end of a match.

    :param tenant: the municipality.
    :return: a list of :class:`core.hooks.types.Code`; ``none`` means no outcome.

    Example::

        @hookimpl
        def mentorkorps_outcome_codes(tenant):
            return [Code("flex_job", _l("Flex job"))]
    """


# --------------------------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------------------------


@hookspec
def mentorkorps_reports(tenant):
    """Gather the reports the tenant has.

    :param tenant: the municipality.
    :return: a list of :class:`core.hooks.types.ReportDefinition`. A tenant lists only the reports
        of the core and of its enabled plugins.

    Example::

        @hookimpl
        def mentorkorps_reports(tenant):
            return [ReportDefinition("network-recruitment", _l("Network recruitment"), compute_status)]
    """


# --------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------


@hookspec
def mentorkorps_menu_items(tenant, user, role):
    """Gather the entries of the main navigation for a signed-in member.

    :param tenant: the municipality.
    :param user: the signed-in :class:`core.accounts.models.User`.
    :param role: the user's role in the tenant (coordinator, caseworker or mentor).
    :return: a list of :class:`core.hooks.types.MenuItem`; the core keeps those whose ``roles``
        contain ``role`` and sorts them by ``order``.

    Example::

        @hookimpl
        def mentorkorps_menu_items(tenant, user, role):
            return [MenuItem("nominations", _l("Nominations"), "network_recruitment.index",
                             roles=frozenset({"coordinator"}), order=40)]
    """


@hookspec
def mentorkorps_template_slot(tenant, slot, context):
    """Gather HTML fragments for a named place in a page.

    :param tenant: the municipality.
    :param slot: the name of the place, e.g. ``"front_page"`` or ``"volunteer_detail"``.
    :param context: the template's context (read it, do not change it).
    :return: a list of :class:`markupsafe.Markup` fragments (escape what you interpolate), shown in
        order; ``None`` or an empty list adds nothing.

    Example::

        @hookimpl
        def mentorkorps_template_slot(tenant, slot, context):
            if slot == "front_page":
                return [Markup("<p>{}</p>").format(_("Ask about the young person's network."))]
    """


# --------------------------------------------------------------------------------------------
# Lifecycle events (return values are ignored; never commit)
# --------------------------------------------------------------------------------------------


@hookspec
def mentorkorps_referral_created(tenant, referral):
    """Told after a referral has been created (and flushed, so it has an id).

    Example::

        @hookimpl
        def mentorkorps_referral_created(tenant, referral):
            db.session.add(NetworkQuestion(referral_id=referral.id))
    """


@hookspec
def mentorkorps_referral_decided(tenant, referral):
    """Told after the coordinator accepted or rejected a referral at intake (``referral.decision``
    is ``accept`` or ``reject``, ``referral.status`` ``accepted`` or ``rejected``).

    Example::

        @hookimpl
        def mentorkorps_referral_decided(tenant, referral):
            if referral.decision == "accept":
                db.session.add(WelcomeLetter(referral_id=referral.id))
    """


@hookspec
def mentorkorps_consent_withdrawn(tenant, referral):
    """Told after the young person's consent was withdrawn: the referral is ``withdrawn`` and its
    open matches are cancelled. A plugin removes or stops what it keeps about the young person.

    Example::

        @hookimpl
        def mentorkorps_consent_withdrawn(tenant, referral):
            NetworkQuestion.query.filter_by(referral_id=referral.id).delete()
    """


@hookspec
def mentorkorps_match_proposed(tenant, match):
    """Told after candidates have been proposed for a referral.

    Example::

        @hookimpl
        def mentorkorps_match_proposed(tenant, match):
            log.info("proposed %s candidates", len(match.candidates))
    """


@hookspec
def mentorkorps_match_started(tenant, match):
    """Told after a match has become active.

    Example::

        @hookimpl
        def mentorkorps_match_started(tenant, match):
            schedule_check_ins(match)
    """


@hookspec
def mentorkorps_match_ended(tenant, match):
    """Told after a match has ended (its end reason and outcome are set).

    Example::

        @hookimpl
        def mentorkorps_match_ended(tenant, match):
            schedule_follow_up(match, months=6)
    """


@hookspec(firstresult=True)
def mentorkorps_followup_months(tenant, match):
    """Provide when a young person's status is followed up after their match ended.

    :param match: the match that has just ended (``ended_on``, ``end_reason``, ``outcome`` set).
    :return: a list of whole months after ``ended_on`` (calendar months), or ``None`` to defer.
        The default is ``[6]``: one follow-up six months after the end.

    Example::

        @hookimpl(tryfirst=True)
        def mentorkorps_followup_months(tenant, match):
            return [3, 6, 12] if match.outcome != "gave_up" else [6]
    """


@hookspec
def mentorkorps_match_changed(tenant, match, transition):
    """Told after every transition of a match (proposed, chosen, active, ended, declined,
    cancelled), after the match's state has changed; the specific events above come beside it.

    :param match: the match, in its new state.
    :param transition: the dated ``MatchTransition`` (``from_status``, ``to_status``, ``on``, ``note``).

    Example::

        @hookimpl
        def mentorkorps_match_changed(tenant, match, transition):
            if transition.to_status == "declined":
                notify_coordinator(match)
    """


@hookspec
def mentorkorps_meeting_logged(tenant, meeting):
    """Told after a mentor has logged a meeting with their young person.

    Example::

        @hookimpl
        def mentorkorps_meeting_logged(tenant, meeting):
            if meeting.minutes > 240:
                flag_for_review(meeting)
    """


@hookspec(firstresult=True)
def mentorkorps_capacity_limit(tenant):
    """Provide the most young people one mentor may have at a time in this municipality.

    :param tenant: the municipality.
    :return: a positive int, or ``None`` to defer. The default is
        :data:`core.settings.MAX_CAPACITY` (10). A volunteer's own capacity cannot be set above it,
        and matching never gives a mentor more active or proposed matches than it.

    Example::

        @hookimpl
        def mentorkorps_capacity_limit(tenant):
            return 2  # one or two young people per mentor
    """


@hookspec(firstresult=True)
def mentorkorps_volunteer_fields(tenant):
    """Provide which profile fields the municipality's volunteer form requires.

    :param tenant: the municipality.
    :return: a tuple of field names of :class:`core.volunteers.models.Volunteer` (e.g.
        ``("gender", "birth_date", "background", "interests")``) that must be filled in when a
        volunteer is registered or their profile saved, or ``None`` to defer. The default requires
        the name only. The form marks them required and the service refuses them empty, on the web
        and through the API alike.

    Example::

        @hookimpl
        def mentorkorps_volunteer_fields(tenant):
            return ("gender", "birth_date", "interests", "work_background", "wishes", "reservations")
    """


@hookspec
def mentorkorps_meeting_rhythms(tenant):
    """Gather the group meetings the municipality holds at a steady rhythm.

    :param tenant: the municipality.
    :return: a list of :class:`core.hooks.types.MeetingRhythm` (a group-meeting kind, a title and
        the days between meetings). The groups page offers to plan the next meetings at each rhythm,
        and the coordinator's front page says when none of a kind is planned within its rhythm.
        The default is none.

    Example::

        @hookimpl
        def mentorkorps_meeting_rhythms(tenant):
            return [MeetingRhythm("supervision", _l("Supervision"), every_days=91)]
    """


# --------------------------------------------------------------------------------------------
# Volunteers: training, screening and the gates before matching
# --------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def mentorkorps_course_completed(tenant, course, sessions, attended_session_ids):
    """Provide whether a volunteer has completed a course, from their attendance.

    :param tenant: the municipality.
    :param course: the :class:`core.training.models.Course`.
    :param sessions: the course's sessions, in date order.
    :param attended_session_ids: ids of the sessions the volunteer attended.
    :return: ``True`` or ``False``, or ``None`` to defer. The default: every session attended
        (and the course has at least one session).

    Example::

        @hookimpl(tryfirst=True)
        def mentorkorps_course_completed(tenant, course, sessions, attended_session_ids):
            # Four of the five evenings are enough.
            return len(attended_session_ids) >= max(len(sessions) - 1, 1)
    """


@hookspec(firstresult=True)
def mentorkorps_course_required_for_matching(tenant, volunteer):
    """Provide whether a volunteer must have completed a course before being matched.

    :param tenant: the municipality.
    :param volunteer: the :class:`core.volunteers.models.Volunteer` being checked.
    :return: ``True`` or ``False``, or ``None`` to defer. The default is ``True``.

    Example::

        @hookimpl
        def mentorkorps_course_required_for_matching(tenant, volunteer):
            # An adult the young person nominated takes a short introduction instead.
            if volunteer.recruitment_channel == "nominated_by_young_person":
                return False
    """


@hookspec
def mentorkorps_eligibility_findings(tenant, volunteer, on):
    """Gather extra reasons why a volunteer cannot be matched on a day.

    :param tenant: the municipality.
    :param volunteer: the :class:`core.volunteers.models.Volunteer` being checked.
    :param on: the :class:`datetime.date` the check is for.
    :return: a list of :class:`core.hooks.types.Finding`; a blocking finding makes the volunteer
        ineligible and its message is shown as the reason. The core's own gates (status, course,
        screening) are checked beside these.

    Example::

        @hookimpl(tryfirst=True)
        def mentorkorps_eligibility_findings(tenant, volunteer, on):
            if volunteer.age_on(on) is not None and volunteer.age_on(on) < 21:
                return [Finding("age", _l("Mentors must be at least 21."), blocking=True)]
    """


@hookspec
def mentorkorps_volunteer_status_changed(tenant, volunteer, change):
    """Told after a volunteer's status has changed (the change is recorded and flushed).

    :param change: the :class:`core.volunteers.models.VolunteerStatusChange` with ``from_status``,
        ``to_status`` and the date ``on``.

    Example::

        @hookimpl
        def mentorkorps_volunteer_status_changed(tenant, volunteer, change):
            if change.to_status == "approved":
                invite_to_next_experience_group(volunteer)
    """
