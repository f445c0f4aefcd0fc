"""Demo badges: a few badge classes of the instance and awards to demo members."""

from __future__ import annotations

import fcntl
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model

from fabrique.credentials.contexts import missing_packages

from . import issuing, nominations, rules
from .models import Award, BadgeClass

CLASSES = [
    {
        "slug": "premiere-contribution",
        "name": "Première contribution",
        "description": "A donné pour la première fois à un commun ou à un défi.",
        "criteria": "Une contribution confirmée sur le registre des contributions.",
        "kind": "participation",
        "rule": BadgeClass.Rule.FIRST_CONTRIBUTION,
        "colour": "#1f6f5c",
    },
    {
        "slug": "documentation",
        "name": "Documentation",
        "description": "A documenté un commun pour que d'autres puissent s'en servir.",
        "criteria": "Une contribution de documentation confirmée.",
        "kind": "skill",
        "rule": BadgeClass.Rule.FIRST_DOCUMENTATION,
        "skills": ["information.open_data"],
        "colour": "#2a5c9a",
    },
    {
        "slug": "ecoute",
        "name": "Écoute",
        "description": "Écoute les nouveaux venus et les aide à trouver leur place.",
        "criteria": "Proposé par un membre, appuyé par d'autres.",
        "kind": "behaviour",
        "nominations_open": True,
        "skills": ["system.facilitation"],
        "colour": "#a2572b",
    },
    {
        "slug": "mentorat",
        "name": "Mentorat",
        "description": "Accompagne des personnes dans leurs premières contributions.",
        "criteria": "Proposé par un membre, appuyé par d'autres.",
        "kind": "behaviour",
        "nominations_open": True,
        "colour": "#6b3fa0",
    },
]


def ensure_contexts() -> str:
    """Install the JSON-LD context packages with ``npm ci`` when missing."""
    folder = Path(settings.FABRIQUE_ASSETS_DIR)
    if not missing_packages(folder):
        return "installed"
    project = folder.parent
    npm = shutil.which("npm")
    if npm is None or not (project / "package-lock.json").is_file():
        return f"missing ({', '.join(missing_packages(folder))}): run `npm ci`"
    with open(project / ".npm-install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if missing_packages(folder):
            subprocess.run(
                [
                    npm,
                    "ci",
                    "--omit=dev",
                    "--no-audit",
                    "--no-fund",
                    "--ignore-scripts",
                ],
                cwd=project,
                capture_output=True,
                timeout=600,
                check=False,
            )
    issuing._loader_for.cache_clear()
    missing = missing_packages(folder)
    return "installed now" if not missing else f"npm ci failed: {missing}"


def load(username: str, others: list[str]) -> int:
    """Create the demo badges once; return how many awards exist after."""
    if BadgeClass.objects.exists():
        return Award.objects.count()
    issuer = issuing.instance_issuer()
    for values in CLASSES:
        BadgeClass.objects.create(issuer=issuer, **values)
    rules.evaluate()
    users = get_user_model().objects
    me = users.filter(username=username).first()
    people = list(users.filter(username__in=others))
    if me is not None and len(people) >= 2:
        listening = BadgeClass.objects.get(slug="ecoute")
        nomination = nominations.nominate(
            listening, me, people[0], "Prend le temps d'accueillir chaque nouveau venu."
        )
        for person in people[1 : 1 + settings.BADGES_NOMINATION_SECONDS]:
            nominations.second(nomination, person)
    for award in Award.objects.all():
        award.accepted = award.public = True
        award.save(update_fields=["accepted", "public"])
    return Award.objects.count()
