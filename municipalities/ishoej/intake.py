"""The intake questions: the three groups the project description keeps out of the target group
(seed 002, "Målgruppen omfatter ikke"), because they need professional help first. Each is a
question the coordinator answers; "yes" excludes the young person, with the reason as the finding.

Light problems stay inside the target group (seed 002: "lettere psykiske udfordringer", "lettere
misbrug hos den unge selv"; seed 003 names hash use), so the questions ask about an *active drug
abuse*, a *severe* mental illness and a *deep* involvement in a criminal milieu.
"""
from __future__ import annotations

from core.hooks import hookimpl
from core.hooks.types import IntakeCriterion
from municipalities.ishoej import _l

CRITERIA = [
    IntakeCriterion(
        "drug_abuse", _l("Does the young person have an active drug abuse?"),
        reason=_l("The young person has an active drug abuse and needs professional help first: drug abusers are "
                  "outside #MentorIshøj's target group (a light abuse, e.g. of hash, is not).")),
    IntakeCriterion(
        "severe_mental_illness", _l("Is the young person severely mentally ill?"),
        reason=_l("The young person is severely mentally ill and needs professional help first: the severely mentally "
                  "ill are outside #MentorIshøj's target group (light mental health challenges are not).")),
    IntakeCriterion(
        "criminal_milieu", _l("Is the young person deeply involved in a criminal milieu, e.g. with gang ties?"),
        reason=_l("The young person is deeply involved in a criminal milieu and needs professional help first: they "
                  "are outside #MentorIshøj's target group.")),
]


@hookimpl(tryfirst=True)
def mentorkorps_intake_criteria(tenant):
    return CRITERIA
