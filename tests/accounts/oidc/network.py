"""Instance A, the network's OpenID provider, as an operator runs it:
``fabrique serve`` with its own database, data folder and signing keys."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

PASSWORD = "a-long-test-password"
CLIENT_SECRET = "instance-b-secret"

SETUP = """
from allauth.account.models import EmailAddress
from allauth.idp.oidc.models import Client
from fabrique.accounts.models import User
user = User.objects.create_user("dominique", "dominique@example.org", {password!r})
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
client = Client(id="instance-b", name="Instance B", scopes="openid\\nprofile\\nemail")
client.set_secret({secret!r})
client.set_redirect_uris({redirects!r})
client.set_post_logout_redirect_uris(["http://testserver/"])
client.save()
print(user.pk)
"""


@dataclass
class InstanceA:
    url: str
    user_pk: str
    process: subprocess.Popen[bytes]
    folder: Path


def _free_port() -> int:
    # Within the ports given to these tests (FABRIQUE_SIGNIN_PORTS), else any.
    first, _, last = os.environ.get("FABRIQUE_SIGNIN_PORTS", "0-0").partition("-")
    for port in range(int(first), int(last or first) + 1):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise RuntimeError("no free port")


def _key(path: Path) -> Path:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


@contextlib.contextmanager
def instance_a(folder: Path, redirect_uris: list[str]) -> Iterator[InstanceA]:
    """Start instance A; stop it on leaving."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    keys = [
        # The key in use before the rotation, still published …
        {"file": str(_key(folder / "old.pem")), "issued_at": "2026-01-01T00:00:00Z"},
        # … and the newer one, which signs.
        {"file": str(_key(folder / "new.pem")), "issued_at": "2026-06-01T00:00:00Z"},
    ]
    env = {
        **os.environ,
        "FABRIQUE_ENV": "development",
        "DEBUG": "0",
        "SECRET_KEY": "instance-a-" + "x" * 40,
        "FABRIQUE_DATA_DIR": str(folder / "data"),
        "DATABASE_URL": f"sqlite:///{folder / 'a.sqlite3'}",
        "SITE_URL": url,
        "ALLOWED_HOSTS": "127.0.0.1",
        "RATELIMIT_ENABLED": "0",
        "FABRIQUE_IDP_KEYS": json.dumps(keys),
        "FABRIQUE_OIDC_PROVIDERS": "",
        "REDIS_URL": "",
        "TASKS_BACKEND": "immediate",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    fabrique = [sys.executable, "-m", "fabrique"]

    def run(*args: str) -> str:
        done = subprocess.run(
            [*fabrique, *args], env=env, capture_output=True, text=True, timeout=300
        )
        if done.returncode:
            raise RuntimeError(f"fabrique {args[:2]}: {done.stderr[-2000:]}")
        return done.stdout

    run("manage", "migrate", "--verbosity", "0")
    script = SETUP.format(
        password=PASSWORD, secret=CLIENT_SECRET, redirects=redirect_uris
    )
    user_pk = run("manage", "shell", "-c", script).strip().splitlines()[-1]
    process = subprocess.Popen(
        [*fabrique, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(url + "/.well-known/openid-configuration").is_success:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("instance A did not start")
            time.sleep(0.3)
        yield InstanceA(url=url, user_pk=user_pk, process=process, folder=folder)
    finally:
        process.terminate()
        process.wait(timeout=30)
