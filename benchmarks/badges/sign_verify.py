"""Open Badges 3.0 signing and verification throughput (credentials per second).

Signs COUNT OpenBadgeCredentials with eddsa-rdfc-2022 (canonicalisation with
the frozen loader, SHA-256, Ed25519), then verifies them all offline (schema
skipped, JSON-LD term check, proof, dates, status list), one process.

    .venv/bin/python benchmarks/badges/sign_verify.py --count 500 [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fabrique.credentials import dataintegrity, ob3, statuslist, vcjwt
from fabrique.credentials.contexts import FrozenLoader, context_files, missing_packages
from fabrique.credentials.keys import SigningKey, controller_document, did_web
from fabrique.credentials.verify import verify

ROOT = Path(__file__).resolve().parents[2]
LIST = "https://bench.example/badges/status/1"


def credential(issuer: dict[str, object], n: int) -> dict[str, object]:
    achievement = ob3.achievement(
        "https://bench.example/badges/classes/1",
        "Première contribution",
        "A first contribution to a commons was merged.",
        "One accepted entry on the contribution ledger.",
        achievement_type="Achievement",
    )
    return ob3.open_badge_credential(
        f"https://bench.example/badges/awards/{n}",
        issuer,
        achievement,
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
        recipient_identity=("emailAddress", f"member{n}@example.org", f"salt{n}"),
        credential_status=statuslist.status_entry(LIST, n),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    assets = ROOT / "node_modules"
    if missing_packages(assets):
        raise SystemExit(f"run `npm ci` first: missing {missing_packages(assets)}")
    loader = FrozenLoader(context_files(assets))
    did = did_web("bench.example")
    key = SigningKey(SigningKey.generate_did_key().secret, f"{did}#key-1")
    issuer = ob3.profile(did, "Bench")
    docs = {
        did: controller_document(did, [("key-1", key.public)]),
        LIST: statuslist.status_list_credential(
            LIST, did, [], valid_from=datetime(2026, 1, 2, tzinfo=UTC)
        ),
    }
    unsigned = [credential(issuer, n) for n in range(args.count)]
    dataintegrity.sign(unsigned[0], key, loader)  # contexts parsed once

    timings: dict[str, tuple[float, float]] = {}

    def timed(name: str, run: Callable[[], list[Any]]) -> list[Any]:
        wall, cpu = time.perf_counter(), time.process_time()
        out = run()
        timings[name] = (time.perf_counter() - wall, time.process_time() - cpu)
        return out

    signed = timed(
        "data_integrity_sign",
        lambda: [
            dataintegrity.sign(c, key, loader, proof_set=True)[0] for c in unsigned
        ],
    )
    tokens = timed("jwt_sign", lambda: [vcjwt.encode(c, key) for c in unsigned])
    verdicts = timed(
        "data_integrity_verify",
        lambda: [verify(c, loader=loader, documents=docs) for c in signed],
    )
    assert all(v.valid for v in verdicts), verdicts[0].errors
    jwt_verdicts = timed(
        "jwt_verify", lambda: [verify(t, loader=loader, documents=docs) for t in tokens]
    )
    assert all(v.valid for v in jwt_verdicts), jwt_verdicts[0].errors

    # Per second of wall time, and per second of this process's CPU time (what
    # one free core gives when the machine is shared).
    result: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()} {platform.python_version()}",
        "load_average": os.getloadavg()[0],
        "count": args.count,
    }
    for name, (wall, cpu) in timings.items():
        result[f"{name}_per_s"] = round(args.count / wall, 1)
        result[f"{name}_per_cpu_s"] = round(args.count / max(cpu, 1e-9), 1)
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
