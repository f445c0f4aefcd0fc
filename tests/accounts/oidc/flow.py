"""Driving a sign-in through the real test provider, as a browser would."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

import httpx

SITE = "http://testserver"


def start(client, provider_id: str = "test", process: str = "login") -> str:
    """Press the provider's button; return the authorisation request's URL."""
    response = client.post(f"/accounts/oidc/{provider_id}/login/", {"process": process})
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    params = query(url)
    params.update(changes)
    return urlunsplit(parts._replace(query=urlencode(params)))


def at_provider(authorize_url: str, account: str) -> str:
    """Sign in at the provider as ``account``; return where it sends back."""
    url = authorize_url
    with httpx.Client(follow_redirects=False, timeout=20) as http:
        for _ in range(12):
            if url.startswith(SITE):
                return url
            response = http.get(url)
            if response.status_code == 200 and "/interaction/" in url:
                response = http.post(
                    url.split("?")[0] + "/login", data={"login": account}
                )
            assert response.is_redirect, (url, response.status_code, response.text)
            url = urljoin(url, response.headers["location"])
    raise AssertionError("the provider never sent the browser back")


def come_back(client, callback_url: str):
    """Follow the provider's redirect back to the site."""
    return client.get(callback_url.removeprefix(SITE))


class _Forms(HTMLParser):
    """The forms of a page: action and the values of their fields."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attributes.get("action") or "", "fields": {}})
        elif tag == "input" and self.forms and attributes.get("name"):
            self.forms[-1]["fields"][attributes["name"]] = attributes.get("value") or ""


def forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def at_fabrique_provider(
    authorize_url: str, username: str, password: str
) -> tuple[str, str]:
    """Sign in on a Fabrique instance acting as provider, grant the request;
    return where it sends the browser back, and the consent page's
    Content-Security-Policy."""
    policy = ""
    url = authorize_url
    with httpx.Client(follow_redirects=False, timeout=30) as http:
        for _ in range(12):
            if url.startswith(SITE):
                return url, policy
            response = http.get(url)
            if response.status_code == 200 and "/accounts/connexion/" in url:
                form = next(
                    f for f in forms(response.text) if "password" in f["fields"]
                )
                fields = {**form["fields"], "username": username, "password": password}
                response = http.post(url, data=fields, headers={"Referer": url})
            elif response.status_code == 200 and "/identity/o/authorize" in url:
                policy = response.headers.get("content-security-policy", "")
                form = next(f for f in forms(response.text) if "request" in f["fields"])
                fields = {**form["fields"], "action": "grant"}
                response = http.post(
                    urljoin(url, form["action"]), data=fields, headers={"Referer": url}
                )
            assert response.is_redirect, (
                url,
                response.status_code,
                response.text[:3000],
            )
            url = urljoin(url, response.headers["location"])
    raise AssertionError("the provider never sent the browser back")
