"""A real OpenID Connect provider (npm's oidc-provider) run by the tests.

``npm ci`` in this folder installs it (``.ci/run`` does); without Node.js or
the installed package the tests that need it are skipped, saying why.
"""

from __future__ import annotations

import json
import select
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import (  # noqa: F401
    browser,
    page,
    screenshot_dir,
)

HERE = Path(__file__).resolve().parent
SECRET = "test-client-secret"
START_SECONDS = 60  # a start takes about a second; generous for a loaded machine

ACCOUNTS = {
    # A person the provider vouches for.
    "alice": {
        "email": "alice@example.org",
        "email_verified": True,
        "preferred_username": "alice",
        "name": "Alice Martin",
    },
    # Someone using the address of an existing account, unverified.
    "mallory": {
        "email": "camille@example.org",
        "email_verified": False,
        "preferred_username": "mallory",
        "name": "Mallory",
    },
    # The owner of that existing account, verified by the provider.
    "camille": {
        "email": "camille@example.org",
        "email_verified": True,
        "preferred_username": "camille-p",
        "name": "Camille",
    },
}


class Provider:
    def __init__(self, issuer: str, process: subprocess.Popen[str]) -> None:
        self.issuer = issuer
        self.process = process

    def app(self, provider_id: str = "test", **extra: Any) -> dict[str, Any]:
        """The provider as FABRIQUE_OIDC_PROVIDERS would list it."""
        return {
            "id": provider_id,
            "issuer": self.issuer,
            "client_id": "fabrique",
            "client_secret": SECRET,
            "label": "Test provider",
            "acr_values": "eidas1",
            **extra,
        }


def start_provider(
    tmp_path: Path, redirect_uris: list[str], post_logout: list[str], **options: Any
) -> Provider:
    if not shutil.which("node"):
        pytest.skip("Node.js is not installed (the test provider runs on it)")
    if not (HERE / "node_modules" / "oidc-provider").exists():
        pytest.skip(f"oidc-provider is not installed: run `npm ci` in {HERE.name}/")
    config = {
        "clients": [
            {
                "client_id": "fabrique",
                "client_secret": SECRET,
                "redirect_uris": redirect_uris,
                "post_logout_redirect_uris": post_logout,
                "userinfo_signed_response_alg": "RS256",
                "token_endpoint_auth_method": "client_secret_post",
            }
        ],
        "accounts": ACCOUNTS,
        **options,
    }
    path = tmp_path / "provider.json"
    path.write_text(json.dumps(config))
    # Node has been seen, rarely, to hang before listening: a start that says
    # nothing in time is killed and tried once more, never waited on forever.
    for _attempt in range(2):
        process = subprocess.Popen(
            ["node", str(HERE / "provider.mjs"), str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], START_SECONDS)
        line = process.stdout.readline() if ready else ""
        if line:
            return Provider(json.loads(line)["issuer"], process)
        process.kill()
        process.wait()
        process.stdout.close()
    raise RuntimeError(
        f"the test OpenID provider did not start in {START_SECONDS} s, twice"
    )


@pytest.fixture
def oidc_provider_factory(tmp_path: Path) -> Iterator[Callable[..., Provider]]:
    started: list[Provider] = []

    def start(
        redirect_uris: list[str] | None = None,
        post_logout: list[str] | None = None,
        **options: Any,
    ) -> Provider:
        provider = start_provider(
            tmp_path,
            redirect_uris or ["http://testserver/accounts/oidc/test/login/callback/"],
            post_logout or ["http://testserver/"],
            **options,
        )
        started.append(provider)
        return provider

    yield start
    for provider in started:
        provider.process.terminate()
        provider.process.wait(timeout=10)
        if provider.process.stdout is not None:
            provider.process.stdout.close()


@pytest.fixture
def use_providers(settings: Any) -> Callable[..., None]:
    """Configure the site with these providers, as the setting would."""
    from fabrique.settings import extend_form_action, oidc_providers

    def configure(*items: dict[str, Any]) -> None:
        apps = oidc_providers(json.dumps(list(items)))
        settings.OIDC_PROVIDERS = apps
        settings.CONTENT_SECURITY_POLICY = extend_form_action(
            settings.CONTENT_SECURITY_POLICY,
            [app["settings"]["server_url"] for app in apps],
        )
        settings.SOCIALACCOUNT_PROVIDERS = {
            "openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": apps}
        }

    return configure
