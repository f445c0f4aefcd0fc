"""The production server under wrk, shared by the HTTP benchmarks.

``serve`` runs ``fabrique serve`` (gunicorn, production settings plus the
bare view of ``load_urls.py``) in its own process group; ``wrk_run`` cycles
wrk through a list of paths with ``report.lua`` and returns requests/s and
p50/p95/p99 in milliseconds.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SETTINGS = "load_settings"
WRK = shutil.which("wrk") or "/usr/bin/wrk"


@contextlib.contextmanager
def serve(env: Mapping[str, str], port: int, workers: int) -> Iterator[Path]:
    """Run ``fabrique serve`` in production mode with ``env``; stop it on exit.

    ``env`` must hold ``FABRIQUE_DATA_DIR``, where the server's log goes.
    """
    log = Path(env["FABRIQUE_DATA_DIR"]) / "server.log"
    python_path = [str(HERE), *filter(None, [os.environ.get("PYTHONPATH")])]
    full = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DEBUG": "0",
        **env,
        "PYTHONPATH": os.pathsep.join(python_path),
        "FABRIQUE_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "LOG_LEVEL": "ERROR",
    }
    fabrique = Path(sys.executable).with_name("fabrique")
    command = [
        str(fabrique), "serve", "--no-migrate", "--workers", str(workers),
        "--bind", f"127.0.0.1:{port}",
    ]  # fmt: skip
    with log.open("w") as out:
        process = subprocess.Popen(
            command, env=full, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
            start_new_session=True,
        )  # fmt: skip
    try:
        yield log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def status(url: str) -> int:
    """The HTTP status of ``url``, 0 when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def wait_ready(url: str, log: Path) -> None:
    for _ in range(240):
        if status(url) == 200:
            return
        time.sleep(0.5)
    raise SystemExit(f"the server did not start:\n{log.read_text()[-3000:]}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wrk_run(
    base: str, paths: list[str], *, connections: int, warmup: int, duration: int
) -> dict:
    """wrk cycling through ``paths`` after ``warmup`` seconds unmeasured.

    Latencies are None when no request completed in the duration.
    """
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("\n".join(paths) + "\n")
    command = [
        WRK, "--threads", "1", "--connections", str(connections),
        "--timeout", "30s", "--script", str(HERE / "report.lua"),
    ]  # fmt: skip
    try:
        if warmup:
            warm = [*command, "--duration", f"{warmup}s", base, "--", listing.name]
            subprocess.run(warm, check=True, capture_output=True)
        measured = [*command, "--duration", f"{duration}s", base]
        done = subprocess.run(
            [*measured, "--", listing.name], check=True, capture_output=True, text=True
        )
    finally:
        os.unlink(listing.name)
    match = re.search(r"^RESULT (\{.*\})$", done.stdout, re.MULTILINE)
    if not match:
        raise SystemExit(f"wrk gave no result for {paths[0]}…:\n{done.stdout}")
    raw = json.loads(match.group(1))
    done_any = raw["requests"] > 0
    return {
        "paths": len(paths),
        "requests": raw["requests"],
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000 if done_any else None,
        "p95_ms": raw["p95_us"] / 1000 if done_any else None,
        "p99_ms": raw["p99_us"] / 1000 if done_any else None,
        "errors": sum(raw[k] for k in raw if k.endswith("_errors") or k == "timeouts"),
        "kb_per_response": raw["bytes"] / max(raw["requests"], 1) / 1024,
    }
