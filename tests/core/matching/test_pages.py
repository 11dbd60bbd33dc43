"""The matching pages: the board (ranked candidates with reasons, propose, the batch suggestion),
the match page (choice link shown once, choose on the young person's behalf, cancel after
confirmation, end with the hooks' codes), the matches list; the mentor's answer (only their own,
only what a mentor may see of the young person); the public choice page (Danish by default,
English on request, valid → choose → thank-you, used → 410, unknown → 404); constant query counts."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from core.extensions import db
from core.matching import services as matching
from core.matching.models import Match
from core.tenancy import tenant_context
from tests.conftest import csrf_token, login, post_form
from tests.core.test_read_audit import audit_events


@pytest.fixture
def ctx(matching_tenant):
    with tenant_context(matching_tenant):
        yield matching_tenant


@pytest.fixture
def coordinator(client, matching_tenant, user_factory):
    user = user_factory(matching_tenant, "coordinator")
    login(client, user, matching_tenant)
    client.post("/lang", data={"lang": "en", "csrf_token": csrf_token(client, "/matchby/matches")})  # in English
    return user


def _ids(tenant, *objects):
    with tenant_context(tenant):
        return [o.id for o in objects]


def _proposed(tenant, referral_id, volunteer_ids, *, choose=None, accept=False):
    with tenant_context(tenant):
        from core.referrals.services import get_referral

        match = matching.propose(get_referral(referral_id), volunteer_ids)
        if choose:
            matching.choose(match, choose)
        if accept:
            matching.accept(match)
        db.session.commit()
        return match.id


def test_the_board_shows_ranked_candidates_with_reasons_and_proposes(client, coordinator, matching_tenant,
                                                                     mentor_factory, referral_factory):
    anna, bo = mentor_factory("Anna Andersen", interests=("fodbold",)), mentor_factory("Bo Berg")
    referral = referral_factory("Yasmin Ung", interests=("fodbold",))
    anna_id, bo_id, referral_id = _ids(matching_tenant, anna, bo, referral)
    page = client.get("/matchby/matching")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Yasmin Ung" in html and html.index("Anna Andersen") < html.index("Bo Berg")  # best first
    assert "fodbold" in html and 'data-testid="score-parts"' in html
    # The top N (the tenant's number, default 1) preselected, the others not.
    assert re.search(rf'value="{anna_id}"\s+id="c-{referral_id}-{anna_id}" checked', html)
    assert not re.search(rf'value="{bo_id}"\s+id="c-{referral_id}-{bo_id}" checked', html)
    response = post_form(client, "/matchby/matching", {"referral_id": referral_id, "volunteer_ids": [anna_id, bo_id]})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with tenant_context(matching_tenant):
        match = db.session.scalar(select(Match).where(Match.referral_id == referral_id))
        assert match.status == "proposed" and [c.volunteer_id for c in match.candidates] == [anna_id, bo_id]
    # No longer waiting: not on the board.
    assert "Yasmin Ung" not in client.get("/matchby/matching").get_data(as_text=True)


def test_the_board_refuses_a_full_mentor_next_to_the_referral(client, coordinator, matching_tenant, mentor_factory,
                                                              referral_factory):
    anna = mentor_factory("Anna Andersen", capacity=1)
    first, second = referral_factory("Ung En"), referral_factory("Ung To")
    anna_id, first_id, second_id = _ids(matching_tenant, anna, first, second)
    _proposed(matching_tenant, first_id, [anna_id])
    response = post_form(client, "/matchby/matching", {"referral_id": second_id, "other_volunteer_id": anna_id})
    assert response.status_code == 409
    assert "No free place with Anna Andersen" in response.get_data(as_text=True)


def test_the_batch_suggestion_offers_a_scarce_mentor_once(client, coordinator, matching_tenant, mentor_factory,
                                                          referral_factory):
    mentor_factory("Anna Andersen", capacity=1)
    referral_factory("Ung En"), referral_factory("Ung To")
    html = client.get("/matchby/matching?batch=1").get_data(as_text=True)
    assert html.count('data-testid="candidate"') == 1 and html.count("Anna Andersen") >= 1
    assert "Ung En" in html and "Ung To" in html
    assert "1 candidate fewer than wished" in html


def test_the_match_page_link_shown_once_choose_and_end(client, coordinator, matching_tenant, mentor_factory,
                                                       referral_factory):
    anna, bo = mentor_factory("Anna Andersen"), mentor_factory("Bo Berg")
    anna_id, bo_id, referral_id = _ids(matching_tenant, anna, bo, referral_factory("Yasmin Ung"))
    match_id = _proposed(matching_tenant, referral_id, [anna_id, bo_id])
    html = client.get(f"/matchby/matches/{match_id}").get_data(as_text=True)
    assert "Anna Andersen" in html and "Bo Berg" in html and 'data-testid="make-link"' in html
    made = post_form(client, f"/matchby/matches/{match_id}/link", page=f"/matchby/matches/{match_id}")
    assert made.status_code == 200
    link = re.search(r'data-testid="choice-link"', made.get_data(as_text=True))
    url = re.search(r'value="(http[^"]+/matchby/choose/[^"]+)"', made.get_data(as_text=True)).group(1)
    assert link and len(url.rsplit("/", 1)[1]) >= 43  # 256 bits, url-safe
    assert url not in client.get(f"/matchby/matches/{match_id}").get_data(as_text=True)  # shown once
    chosen = post_form(client, f"/matchby/matches/{match_id}/choose", {"volunteer_id": bo_id},
                       page=f"/matchby/matches/{match_id}")
    assert chosen.status_code == 302
    with tenant_context(matching_tenant):
        match = db.session.get(Match, match_id)
        assert (match.status, match.volunteer_id) == ("chosen", bo_id)
        matching.accept(match)
        db.session.commit()
    page = client.get(f"/matchby/matches/{match_id}").get_data(as_text=True)
    assert 'data-testid="end-form"' in page
    ended = post_form(client, f"/matchby/matches/{match_id}/end",
                      {"ended_on": date.today().isoformat(), "end_reason": "completed", "outcome": "job"},
                      page=f"/matchby/matches/{match_id}")
    assert ended.status_code == 302, ended.get_data(as_text=True)[:2000]
    page = client.get(f"/matchby/matches/{match_id}").get_data(as_text=True)
    assert 'data-testid="followups"' in page
    assert page.count("<li>", page.index('data-testid="transitions"')) >= 4


def test_cancel_asks_for_confirmation(client, coordinator, matching_tenant, mentor_factory, referral_factory):
    anna_id, referral_id = _ids(matching_tenant, mentor_factory("Anna"), referral_factory())
    match_id = _proposed(matching_tenant, referral_id, [anna_id])
    page = client.get(f"/matchby/matches/{match_id}/cancel")
    assert page.status_code == 200 and 'data-testid="cancel-form"' in page.get_data(as_text=True)
    with tenant_context(matching_tenant):
        assert db.session.get(Match, match_id).status == "proposed"  # a GET changes nothing
    done = post_form(client, f"/matchby/matches/{match_id}/cancel", {"note": "fejl"},
                     page=f"/matchby/matches/{match_id}/cancel")
    assert done.status_code == 302
    with tenant_context(matching_tenant):
        assert db.session.get(Match, match_id).status == "cancelled"


def test_a_wrong_state_on_the_match_page_is_409_not_500(client, coordinator, matching_tenant, mentor_factory,
                                                        referral_factory):
    anna_id, referral_id = _ids(matching_tenant, mentor_factory("Anna"), referral_factory())
    match_id = _proposed(matching_tenant, referral_id, [anna_id])
    response = post_form(client, f"/matchby/matches/{match_id}/end",
                         {"ended_on": date.today().isoformat(), "end_reason": "completed", "outcome": "job"},
                         page=f"/matchby/matches/{match_id}")
    assert response.status_code == 409 and 'data-testid="error"' in response.get_data(as_text=True)


# ---- the mentor ------------------------------------------------------------------------------------

def _young_person_with_contact(tenant, referral_id, share: bool):
    from core.referrals.services import get_referral

    with tenant_context(tenant):
        referral = get_referral(referral_id)
        referral.citizen.phone, referral.citizen.email = "12345678", "ung@example.dk"
        referral.citizen.needs = "HEMMELIGT BEHOV"
        referral.citizen.share_contact_with_mentor = share
        referral.reason = "HEMMELIG GRUND"
        referral.shared_goals = "Finde en uddannelse"
        db.session.commit()


@pytest.mark.parametrize("share", [True, False])
def test_the_mentor_sees_exactly_what_a_mentor_may(client, matching_tenant, user_factory, mentor_factory,
                                                   referral_factory, share):
    user = user_factory(matching_tenant, "mentor")
    anna_id, referral_id = _ids(matching_tenant, mentor_factory("Anna", user=user), referral_factory("Yasmin Ung"))
    _young_person_with_contact(matching_tenant, referral_id, share)
    match_id = _proposed(matching_tenant, referral_id, [anna_id], choose=anna_id)
    login(client, user, matching_tenant)
    html = client.get(f"/matchby/my/proposals/{match_id}").get_data(as_text=True)
    shown = set(re.findall(r'data-testid="young-([a-z_]+)"', html))
    expected = {"first_name", "age", "shared_goals"} | ({"phone", "email"} if share else set())
    assert shown == expected
    assert "Yasmin" in html and "Ung" not in html.split('data-testid="young-first_name">')[1].split("<")[0]
    for secret in ("HEMMELIGT BEHOV", "HEMMELIG GRUND", "Yasmin Ung"):
        assert secret not in html
    assert ("12345678" in html) is share


def test_the_mentor_accepts_or_declines_after_confirmation(client, matching_tenant, user_factory, mentor_factory,
                                                           referral_factory):
    user = user_factory(matching_tenant, "mentor")
    anna_id = _ids(matching_tenant, mentor_factory("Anna", user=user, capacity=2))[0]
    first_id, second_id = _ids(matching_tenant, referral_factory("Ung En"), referral_factory("Ung To"))
    first = _proposed(matching_tenant, first_id, [anna_id], choose=anna_id)
    second = _proposed(matching_tenant, second_id, [anna_id], choose=anna_id)
    login(client, user, matching_tenant)
    page = f"/matchby/my/proposals/{first}"
    assert post_form(client, f"{page}/accept", page=page).status_code == 302
    confirm = client.get(f"/matchby/my/proposals/{second}?decline=1").get_data(as_text=True)
    assert 'data-testid="decline-form"' in confirm
    assert post_form(client, f"/matchby/my/proposals/{second}/decline", {"note": "Ingen tid"},
                     page=f"/matchby/my/proposals/{second}").status_code == 302
    with tenant_context(matching_tenant):
        assert db.session.get(Match, first).status == "active"
        assert db.session.get(Match, second).status == "declined"


def test_a_mentor_cannot_see_or_answer_another_mentors_match(client, matching_tenant, user_factory, mentor_factory,
                                                             referral_factory):
    user = user_factory(matching_tenant, "mentor")
    mentor_factory("Anna", user=user)
    bo_id, referral_id = _ids(matching_tenant, mentor_factory("Bo"), referral_factory())
    match_id = _proposed(matching_tenant, referral_id, [bo_id], choose=bo_id)
    login(client, user, matching_tenant)
    assert client.get(f"/matchby/my/proposals/{match_id}").status_code == 404
    assert post_form(client, f"/matchby/my/proposals/{match_id}/accept", page="/matchby/").status_code == 404
    assert client.get("/matchby/matching").status_code == 403
    assert client.get(f"/matchby/matches/{match_id}").status_code == 403
    with tenant_context(matching_tenant):
        assert db.session.get(Match, match_id).status == "chosen"


def test_withdrawn_consent_hides_the_young_person_from_the_mentor(client, matching_tenant, user_factory,
                                                                  mentor_factory, referral_factory):
    from core.referrals import services as referrals

    user = user_factory(matching_tenant, "mentor")
    anna_id, referral_id = _ids(matching_tenant, mentor_factory("Anna", user=user), referral_factory("Yasmin Ung"))
    match_id = _proposed(matching_tenant, referral_id, [anna_id], choose=anna_id, accept=True)
    login(client, user, matching_tenant)
    assert "Yasmin" in client.get(f"/matchby/my/proposals/{match_id}").get_data(as_text=True)
    with tenant_context(matching_tenant):
        referrals.withdraw_consent(referrals.get_referral(referral_id))
        db.session.commit()
    html = client.get(f"/matchby/my/proposals/{match_id}").get_data(as_text=True)
    assert "Yasmin" not in html and 'data-testid="young-gone"' in html


# ---- the young person's choice page -----------------------------------------------------------------

@pytest.fixture
def choice_token(matching_tenant, mentor_factory, referral_factory):
    anna = mentor_factory("Anna Andersen", interests=("fodbold", "musik"), about_me="Jeg elsker at gå ture.")
    bo = mentor_factory("Bo Berg")
    anna_id, bo_id, referral_id = _ids(matching_tenant, anna, bo, referral_factory())
    match_id = _proposed(matching_tenant, referral_id, [anna_id, bo_id])
    with tenant_context(matching_tenant):
        token = matching.create_choice_link(db.session.get(Match, match_id))
        db.session.commit()
    return {"token": token, "match_id": match_id, "anna_id": anna_id, "bo_id": bo_id}


def test_the_choice_page_in_danish_then_chosen_then_used(client, matching_tenant, choice_token):
    url = f"/matchby/choose/{choice_token['token']}"
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="da"' in html
    assert re.findall(r'data-testid="choice-first_name">([^<]+)<', html) == ["Anna", "Bo"]
    assert "Andersen" not in html and "Berg" not in html
    assert "40-49" in html and "fodbold, musik" in html and "Jeg elsker at gå ture." in html
    done = post_form(client, url, {"volunteer_id": choice_token["bo_id"]})
    assert done.status_code == 200 and 'data-testid="choice-thanks"' in done.get_data(as_text=True)
    with tenant_context(matching_tenant):
        match = db.session.get(Match, choice_token["match_id"])
        assert (match.status, match.volunteer_id) == ("chosen", choice_token["bo_id"])
    used = client.get(url)
    assert used.status_code == 410 and 'data-testid="choice-invalid"' in used.get_data(as_text=True)


def test_the_choice_page_in_english(client, choice_token):
    url = f"/matchby/choose/{choice_token['token']}"
    client.post("/lang", data={"lang": "en", "csrf_token": csrf_token(client, url)})
    html = client.get(url).get_data(as_text=True)
    assert '<html lang="en"' in html and "Choose your mentor" in html


def test_an_unknown_or_expired_link_is_a_friendly_page(client, matching_tenant, choice_token):
    from datetime import timedelta

    from core.matching.models import ChoiceLink
    from core.tenancy import utcnow

    unknown = client.get("/matchby/choose/" + "x" * 43)
    assert unknown.status_code == 404 and 'data-testid="choice-invalid"' in unknown.get_data(as_text=True)
    with tenant_context(matching_tenant):
        for link in db.session.scalars(select(ChoiceLink)):
            link.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    expired = client.get(f"/matchby/choose/{choice_token['token']}")
    assert expired.status_code == 410 and 'data-testid="choice-invalid"' in expired.get_data(as_text=True)
    # Not a candidate: a message on the page, never a 500; a forged id neither.
    assert client.post(f"/matchby/choose/{choice_token['token']}", data={"volunteer_id": "1"}).status_code in (400, 410)


def test_choosing_someone_who_is_not_a_candidate_is_refused_on_the_page(client, matching_tenant, choice_token):
    url = f"/matchby/choose/{choice_token['token']}"
    response = post_form(client, url, {"volunteer_id": "999999"})
    assert response.status_code == 422 and 'data-testid="error"' in response.get_data(as_text=True)
    assert client.get(url).status_code == 200  # the link still works


# ---- query counts ---------------------------------------------------------------------------------

def _board_names(html: str) -> list[str]:
    return re.findall(r'data-testid="board-referral-\d+">\s*<h2 class="h3"><a href="[^"]+">([^<]+)</a>', html)


def test_the_board_shows_ten_young_people_a_page_the_longest_waiting_first(client, coordinator, matching_tenant,
                                                                           mentor_factory, referral_factory):
    from datetime import timedelta

    anna = mentor_factory("Anna Andersen", capacity=2)
    names = [f"Venter {n:02d}" for n in range(12)]
    referrals = [referral_factory(name, referred_on=date.today() - timedelta(days=40 - n)) for n, name in enumerate(names)]
    anna_id, *referral_ids = _ids(matching_tenant, anna, *referrals)

    first = client.get("/matchby/matching").get_data(as_text=True)
    assert _board_names(first) == names[:10]
    assert "12 young people are waiting. Showing 1–10." in re.sub(r"\s+", " ", first)
    assert 'href="/matchby/matching?page=2"' in first and "Page 1 of 2" in first
    second = client.get("/matchby/matching?page=2").get_data(as_text=True)
    assert _board_names(second) == names[10:]
    assert "Showing 11–12." in re.sub(r"\s+", " ", second)
    # the read audit says which page of the waiting list was looked at
    board_reads = [e for e in audit_events(matching_tenant, kind="read") if e.action == "citizen.list"]
    assert board_reads[-1].details == {"criteria": {"page": "2"}}
    assert _board_names(client.get("/matchby/matching?page=99").get_data(as_text=True)) == names[10:]  # the last
    for junk in ("0", "-1", "abc", "99999999999999999999999"):
        response = client.get(f"/matchby/matching?page={junk}")
        assert response.status_code == 200 and _board_names(response.get_data(as_text=True)) == names[:10]

    # A refusal on the second page is shown there, next to its young person.
    _proposed(matching_tenant, referral_ids[0], [anna_id], choose=anna_id, accept=True)
    _proposed(matching_tenant, referral_ids[1], [anna_id], choose=anna_id, accept=True)
    response = post_form(client, "/matchby/matching", {"referral_id": referral_ids[11], "other_volunteer_id": anna_id,
                                                       "page": "2"}, page="/matchby/matching?page=2")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "No free place with Anna Andersen" in html
    # Two fewer waiting: ten on the first page, none left for the second, which shows the last one.
    assert _board_names(html) == names[2:]


def test_a_refusal_is_shown_on_the_page_of_its_young_person_or_above_the_list(client, coordinator, matching_tenant,
                                                                              mentor_factory, referral_factory):
    """The list may have moved between loading the page and sending the form (another coordinator
    proposed for someone): the refusal is never lost."""
    from datetime import timedelta

    anna, bo = mentor_factory("Anna Andersen", capacity=1), mentor_factory("Bo Berg", capacity=2)
    names = [f"Venter {n:02d}" for n in range(12)]
    referrals = [referral_factory(name, referred_on=date.today() - timedelta(days=40 - n)) for n, name in enumerate(names)]
    anna_id, bo_id, *referral_ids = _ids(matching_tenant, anna, bo, *referrals)
    _proposed(matching_tenant, referral_ids[0], [anna_id], choose=anna_id, accept=True)  # Anna is full
    # Sent from page 2 for someone who is on page 1 now: page 1 is shown, with the refusal in place.
    response = post_form(client, "/matchby/matching", {"referral_id": referral_ids[5], "other_volunteer_id": anna_id,
                                                       "page": "2"}, page="/matchby/matching?page=2")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert _board_names(html) == names[1:11]
    section = html.split(f'data-testid="board-referral-{referral_ids[5]}"', 1)[1].split("</section>", 1)[0]
    assert "No free place with Anna Andersen" in section
    # For someone no longer waiting (proposed meanwhile): above the list.
    _proposed(matching_tenant, referral_ids[11], [bo_id])
    response = post_form(client, "/matchby/matching", {"referral_id": referral_ids[11], "volunteer_ids": bo_id,
                                                       "page": "2"}, page="/matchby/matching?page=2")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert html.count('data-testid="error"') == 1
    assert html.index('data-testid="error"') < html.index('data-testid="board-referral-')


def test_the_batch_suggestion_is_made_for_the_whole_list_and_shown_a_page_at_a_time(
        client, coordinator, matching_tenant, mentor_factory, referral_factory):
    from datetime import timedelta

    mentor_factory("Anna Andersen", capacity=1)
    names = [f"Venter {n:02d}" for n in range(11)]
    for n, name in enumerate(names):
        referral_factory(name, referred_on=date.today() - timedelta(days=40 - n))
    first = client.get("/matchby/matching?batch=1").get_data(as_text=True)
    second = client.get("/matchby/matching?batch=1&page=2").get_data(as_text=True)
    assert _board_names(first) == names[:10] and _board_names(second) == names[10:]
    assert 'href="/matchby/matching?batch=1&amp;page=2"' in first or 'href="/matchby/matching?page=2&amp;batch=1"' in first
    # The scarce mentor is offered once over the whole list, not once per page.
    assert first.count('data-testid="candidate"') + second.count('data-testid="candidate"') == 1


def test_the_board_and_the_matches_list_have_constant_queries(client, coordinator, matching_tenant, mentor_factory,
                                                              referral_factory, count_queries):
    def add(n, tag):
        for i in range(n):
            referral_factory(f"Venter {tag}{i}")
            mentor_id, referral_id = _ids(matching_tenant, mentor_factory(f"Mentor {tag}{i}", capacity=2),
                                          referral_factory(f"Ung {tag}{i}"))
            _proposed(matching_tenant, referral_id, [mentor_id], choose=mentor_id, accept=True)

    add(2, "a")
    counts = {}
    for url in ("/matchby/matching", "/matchby/matches", "/matchby/matching?batch=1"):
        with count_queries() as q:
            assert client.get(url).status_code == 200
        counts[url] = len(q)
    add(5, "b")
    for url, few in counts.items():
        with count_queries() as q:
            html = client.get(url).get_data(as_text=True)
        assert "Venter b4" in html or url == "/matchby/matches"
        assert len(q) == few, (url, few, len(q), q.statements[-8:])


def test_the_menus_and_the_mentors_proposals_list(client, matching_tenant, user_factory, mentor_factory,
                                                  referral_factory):
    user = user_factory(matching_tenant, "mentor")
    anna_id, referral_id = _ids(matching_tenant, mentor_factory("Anna", user=user), referral_factory("Yasmin Ung"))
    bo_id, other_id = _ids(matching_tenant, mentor_factory("Bo"), referral_factory("Karl Anden"))
    match_id = _proposed(matching_tenant, referral_id, [anna_id], choose=anna_id)
    _proposed(matching_tenant, other_id, [bo_id], choose=bo_id)
    login(client, user, matching_tenant)
    front = client.get(f"/matchby/my/proposals/{match_id}").get_data(as_text=True)  # the menu in the layout
    assert 'href="/matchby/my/proposals/"' in front and 'href="/matchby/matching"' not in front
    html = client.get("/matchby/my/proposals/").get_data(as_text=True)
    assert f'href="/matchby/my/proposals/{match_id}"' in html and "Yasmin" in html
    assert "Karl" not in html and "Yasmin Ung" not in html


def test_the_coordinators_menu_has_the_board_and_the_matches(client, coordinator):
    page = client.get("/matchby/matches").get_data(as_text=True)  # the menu is in every page's layout
    assert 'href="/matchby/matching"' in page and 'href="/matchby/matches"' in page
