import pytest


@pytest.mark.django_db
def test_home_page_answers_in_french_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="fr"' in response.content.decode()


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy(client):
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_an_english_browser_still_gets_the_instance_language_first(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="fr"' in response.content.decode()


@pytest.mark.django_db
def test_the_language_switch_wins_over_the_instance_language(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert 'lang="en"' in response.content.decode()


@pytest.mark.django_db
def test_browser_language_is_followed_when_the_instance_allows_it(client, settings):
    settings.LANGUAGE_FROM_BROWSER = True
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="en"' in response.content.decode()
