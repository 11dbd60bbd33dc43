from tests.conftest import api_token, login


def test_front_page_redirects_to_login_then_shows_the_coordinator_front_page(client, tenant, user_factory):
    response = client.get("/middelfart/")
    assert response.status_code == 302 and "/middelfart/login" in response.location
    user = user_factory(tenant, "coordinator")
    login(client, user, tenant)
    page = client.get("/middelfart/").get_data(as_text=True)
    assert "Middelfart Kommune" in page


def test_api_token(client, tenant, user_factory):
    user = user_factory(tenant, "mentor")
    headers = api_token(client, user)
    assert headers["Authorization"].startswith("Bearer ")
