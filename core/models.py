"""Imports every model module so the metadata is complete (Alembic, create_all, relationships)."""
from core.tenancy import Municipality  # noqa: F401
from core.accounts.models import ApiToken, Membership, User, UserSession  # noqa: F401
from core.audit.models import AuditEvent  # noqa: F401
from core.platform.models import PluginEnablement  # noqa: F401
from core.volunteers.models import Screening, Volunteer, VolunteerStatusChange  # noqa: F401
from core.training.models import Course, CourseEnrollment, CourseSession, SessionAttendance  # noqa: F401
from core.groups.models import GroupMeeting, GroupMeetingParticipant, VolunteerGroup  # noqa: F401
from core.referrals.models import Citizen, Referral  # noqa: F401
from core.matching.models import ChoiceLink, Match, MatchCandidate, MatchTransition  # noqa: F401
from core.meetings.models import FollowUp, Meeting  # noqa: F401
