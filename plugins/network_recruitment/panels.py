"""The plugin's fragments in the core's pages (``mentorkorps_template_slot``) and on its own pages:
the referral page's panel "The young person's significant adult", the matching board's note on a
young person whose adult is being asked, and the coordinator's front-page line. Rendered with the
plugin's own translation domain (``_`` and ``ngettext`` in the templates are the domain's)."""
from __future__ import annotations

from flask import g, render_template
from markupsafe import Markup

from core.i18n import translated

from plugins.network_recruitment import domain, forms, services


def render(template: str, **context) -> Markup:
    return Markup(render_template(template, _=domain.gettext, ngettext=domain.ngettext,
                                  stage_labels=translated(services.STAGE_LABELS), **context))


def page_context() -> dict:
    """What a full page of the plugin passes to its template: the domain's gettext as ``t`` (each
    block of the page sets ``_`` to it, leaving the layout's own strings to the core)."""
    return {"t": domain.gettext, "tn": domain.ngettext, "stage_labels": translated(services.STAGE_LABELS)}


def _step_forms(nomination, submitted: dict | None) -> dict:
    """The forms of the next step(s) of an open nomination: blank ones, or the one just submitted
    (with its errors)."""
    submitted = submitted or {}
    stage = nomination.stage if nomination is not None else None
    names = {"to_ask": ("asked",), "awaiting_answer": ("answer",),
             "short_route": ("screening", "introduction", "approve", "refuse")}.get(stage, ())
    return {name: submitted.get(name) or forms.blank(name) for name in names}


def panel_context(referral, submitted: dict | None = None) -> dict:
    nominations = services.nominations_of(referral.id)
    current = next((n for n in nominations if n.is_open), None)
    earlier = [n for n in nominations if n is not current]
    return {
        "referral": referral, "current": current, "earlier": earlier,
        "may_nominate": current is None and services.may_nominate(referral),
        "nominate_form": (submitted or {}).get("nominate") or forms.blank("nominate"),
        "steps": _step_forms(current, submitted),
        "route": services.short_route(current) if current is not None and current.stage == "short_route" else None,
        "introduction_sessions": services.setting("introduction_sessions"),
        "ask_at_intake": services.setting("ask_at_intake"),
    }


def referral_panel(referral, submitted: dict | None = None) -> Markup:
    return render("network_recruitment/_panel.html", **panel_context(referral, submitted))


def board_note(referral) -> Markup:
    """A line under a waiting young person on the matching board while their adult is being asked.
    The open nominations are read once per request for every row of the board."""
    memo = g.get("_network_open_nominations")
    if memo is None:
        memo = g._network_open_nominations = services.open_nominations_by_referral()
    nomination = memo.get(referral.id)
    if nomination is None or nomination.adult_name is None:
        return Markup("")
    return render("network_recruitment/_board_note.html", nomination=nomination,
                  hold=services.setting("hold_while_asking"))


def front_page() -> Markup:
    """The coordinator's front page: the nominations that need a step, and (when mentors who move
    away hand their young people over) the active matches whose mentor lives outside."""
    counts = services.stage_counts()
    moved = []
    postcodes = services.setting("local_postcodes")
    if postcodes and not services.setting("keep_after_moving"):
        moved = services.matches_with_mentor_outside(postcodes)
    if not any(counts.values()) and not moved:
        return Markup("")
    return render("network_recruitment/_front.html", counts=counts, moved=moved)
