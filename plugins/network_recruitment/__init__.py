"""Network-based recruitment (seed 004): the young person names the most significant adult in their
life (other than the parents); with the young person's consent the corps asks that person to be
their mentor, and a yes leads by a short route (the certificate and a short introduction instead
of the full course) to a match with exactly that young person. A no, or an adult who cannot be
approved, sends the young person to the corps' ordinary matching. README.md lists the hooks, the
settings and their defaults, and the seed's words behind each rule.
"""
from core.hooks import PluginInfo
from core.hooks.types import DemoTenant, Setting
from core.i18n import plugin_domain

domain = plugin_domain(__file__, "network_recruitment")
_l = domain.lazy_gettext

# The models are part of the schema whenever the plugin is installed (migration 0007).
from plugins.network_recruitment import models  # noqa: E402,F401

SETTINGS = (
    Setting("ask_at_intake", _l("Ask about the significant adult already at intake"), True, kind="bool",
            help=_l("Otherwise the adult is asked about once the referral is accepted.")),
    Setting("hold_while_asking", _l("Offer no corps mentor while the young person's adult is being asked"), True,
            kind="bool", help=_l("The matching board waits for the adult's answer before it offers the corps' mentors.")),
    Setting("introduction_sessions", _l("Sessions of the short introduction"), 1, kind="int", min=1, max=5,
            help=_l("A nominated adult takes this short introduction instead of the corps' full course.")),
    Setting("screening_required", _l("A nominated adult needs a child-protection certificate (børneattest)"), True,
            kind="bool"),
    Setting("youth_case_age_limit", _l("An active case in the youth unit counts for young people under"), 18,
            kind="int", min=14, max=30),
    Setting("target_group_blocking", _l("A young person outside the target group cannot be accepted"), False,
            kind="bool", help=_l("Otherwise the coordinator sees the finding and decides.")),
    Setting("keep_after_moving", _l("A mentor who moves away keeps their young person"), True, kind="bool",
            help=_l("Otherwise the front page asks the coordinator to hand the young person over to the corps.")),
    Setting("local_postcodes", _l("The municipality's postcodes"), [], kind="list", min=0, max=60,
            help=_l("Mentors living elsewhere are not offered to new young people (a nominated adult for their own "
                    "young person excepted). Empty: no check.")),
    Setting("sparring_every_weeks", _l("Sparring groups meet every (weeks)"), 5, kind="int", min=1, max=26),
)


def _load_demo(tenant, today):
    from plugins.network_recruitment.demo import load

    load(tenant, today)


DEMO = DemoTenant("eksempel", "Eksempel Kommune", ("network_recruitment",), _load_demo)

from plugins.network_recruitment.views import bp  # noqa: E402

PLUGIN = PluginInfo(
    name="network_recruitment",
    title=_l("Network-based recruitment"),
    description=_l("Recruit the most significant adult in the young person's life as their mentor."),
    settings=SETTINGS, demo=DEMO, blueprints=(bp,))

# The hook implementations, on the module the entry point registers.
from plugins.network_recruitment.hooks import (  # noqa: E402,F401
    mentorkorps_consent_withdrawn, mentorkorps_course_required_for_matching, mentorkorps_eligibility_findings,
    mentorkorps_meeting_rhythms, mentorkorps_menu_items, mentorkorps_recruitment_channels,
    mentorkorps_referral_decided, mentorkorps_referral_situations, mentorkorps_scoring_criteria,
    mentorkorps_target_group_rules, mentorkorps_template_slot,
)
from plugins.network_recruitment.reports import mentorkorps_reports  # noqa: E402,F401

__all__ = ["PLUGIN", "SETTINGS", "domain"]
