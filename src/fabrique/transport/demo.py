"""Demo transport data: the bus network of Belvallon, an invented town on the Loire.

The feed in ``demo_data/belvallon/`` is written by hand for the demo: three
lines (one at night, with a trip past midnight written 24:30:00), a station
with two platforms, a weekday, a weekend and a night service with holiday
exceptions. :func:`load` publishes it as a dataset with two versions (the
second adds Saturday buses on line 2), checked at once so the dataset page
shows its report, map, calendar and departures without a worker.

The service dates are moved by whole weeks so that the feed is always
current when the demo is loaded (a weekday stays the same weekday).
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from fabrique.catalog.models import Actor
from fabrique.transport import services
from fabrique.transport.models import Dataset, Version

DEMO_FEED_DIR = Path(__file__).resolve().parent / "demo_data" / "belvallon"
DEMO_TITLE = "Réseau de bus de Belvallon"
DEMO_USERNAME = "camille"
#: The first service day written in the feed's files (a Monday).
FEED_START = date(2026, 1, 5)
DATED_FILES = ("calendar.txt", "calendar_dates.txt", "feed_info.txt")
_DATE = re.compile(r"\b(20\d{6})\b")

#: Version 2: line 2 also runs on Saturdays.
SATURDAY_TRIPS = [
    (f"L2-WE-{'A' if d == 0 else 'R'}-{n:02d}", 9 * 60 + 45 + 120 * (n - 1) + d * 20, d)
    for n in range(1, 5)
    for d in (0, 1)
]
L2_STOPS = [("GARE_B", 0), ("LYCEE", 5), ("PORT", 9), ("VARENNES", 14)]


def shift_days(today: date | None = None) -> int:
    """Whole weeks that bring the feed's start to about two months ago."""
    today = today or date.today()
    target = today - timedelta(days=60)
    return (target - FEED_START).days // 7 * 7


def _shift(text: str, days: int) -> str:
    def move(match: re.Match[str]) -> str:
        raw = match.group(1)
        try:
            day = date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
        except ValueError:
            return raw
        return (day + timedelta(days=days)).strftime("%Y%m%d")

    return _DATE.sub(move, text)


def _hms(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


def _saturday_files(files: dict[str, str]) -> dict[str, str]:
    trips = files["trips.txt"].rstrip("\n").split("\n")
    times = files["stop_times.txt"].rstrip("\n").split("\n")
    for trip_id, start, direction in SATURDAY_TRIPS:
        headsign = "Varennes" if direction == 0 else "Gare"
        trips.append(f"L2,WE,{trip_id},{headsign},{direction},")
        pattern = L2_STOPS
        if direction:
            last = L2_STOPS[-1][1]
            pattern = [(stop, last - offset) for stop, offset in reversed(L2_STOPS)]
        for sequence, (stop, offset) in enumerate(pattern, start=1):
            at = _hms(start + offset)
            times.append(f"{trip_id},{at},{at},{stop},{sequence}")
    return {
        **files,
        "trips.txt": "\n".join(trips) + "\n",
        "stop_times.txt": "\n".join(times) + "\n",
        "feed_info.txt": files["feed_info.txt"].replace(",2026.1,", ",2026.2,"),
    }


def feed_files(*, version: int = 1, today: date | None = None) -> dict[str, str]:
    """The demo feed's files (dates moved to today), as text by name."""
    days = shift_days(today)
    files = {}
    for path in sorted(DEMO_FEED_DIR.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        files[path.name] = _shift(text, days) if path.name in DATED_FILES else text
    if version >= 2:
        files = _saturday_files(files)
    return files


def feed_zip(*, version: int = 1, today: date | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in feed_files(version=version, today=today).items():
            # A fixed date keeps the archive, hence its hash, reproducible.
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 5, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text)
    return buffer.getvalue()


def load() -> Dataset | None:
    """Publish the demo dataset once and check its versions at once.

    Returns None, touching nothing, when it is already there or when the
    demo account does not exist (load the catalogue's demo first).
    """
    from fabrique.transport.tasks import process_version

    user = get_user_model().objects.filter(username=DEMO_USERNAME).first()
    if user is None or Dataset.objects.filter(commons__title=DEMO_TITLE).exists():
        return None
    publisher = (
        Actor.objects.filter(members__user=user, is_organisation=True)
        .order_by("pk")
        .first()
    )
    dataset = services.create_dataset(
        user=user,
        data={
            "title": DEMO_TITLE,
            "summary": "Horaires théoriques des bus de Belvallon, "
            "au format GTFS, mis à jour à chaque changement de service.",
            "description": (
                "Trois lignes : la **1** de la gare à l'hôpital, la **2** vers "
                "la zone d'activités des Varennes et une **ligne de nuit** le "
                "vendredi et le samedi.\n\n"
                "Données inventées pour la démonstration de Fabrique."
            ),
            "licence": "ODbL-1.0",
            "tags": ["bus", "gtfs", "horaires"],
        },
        publisher=publisher,
        coverage="Belvallon (Indre-et-Loire)",
    )
    _complete_commons(dataset, user, publisher)
    resource = services.add_resource(
        dataset, user=user, title="Horaires GTFS du réseau", format="gtfs"
    )
    for number in (1, 2):
        version = services.add_version_from_upload(
            resource,
            SimpleUploadedFile(
                f"belvallon-gtfs-v{number}.zip",
                feed_zip(version=number),
                "application/zip",
            ),
            user,
            enqueue=False,
        )
        process_version.call(version.pk)
    dataset.refresh_from_db()
    return dataset


DESCRIPTION = "\n\n".join(
    [
        "Trois lignes de bus desservent Belvallon : la **1** relie la gare à "
        "l'hôpital Sainte-Radegonde par le centre, la **2** mène à la zone "
        "d'activités des Varennes par le lycée et le port fluvial, et une "
        "**ligne de nuit** circule le vendredi et le samedi, jusqu'à 00 h 40.",
        "Le fichier GTFS est publié à chaque changement de service. La gare est "
        "un pôle d'échange à deux quais ; les jours fériés en semaine suivent le "
        "service du dimanche (`calendar_dates.txt`).",
        "Données inventées pour la démonstration de Fabrique : le réseau, les "
        "horaires et les arrêts n'existent pas, mais le fichier est un GTFS "
        "complet et valide que l'on peut télécharger et réutiliser pour des essais.",
    ]
)


def _complete_commons(dataset: Dataset, user: object, publisher: Actor | None) -> None:
    """Two more revisions and a holder organisation, as the other demo commons."""
    from fabrique.catalog import services as catalog
    from fabrique.catalog.models import CommunityMembership, Theme

    commons = dataset.commons
    themes = list(Theme.objects.filter(slug="transport-public"))
    catalog.update_commons(
        commons,
        user=user,
        base_revision=commons.revision,
        themes=themes or None,
        data={
            "description": DESCRIPTION,
            "maturity": "production",
            "documentation_url": "https://transport.belvallon.example.org/donnees/",
            "download_url": "https://transport.belvallon.example.org/gtfs.zip",
        },
        comment="Décrit les lignes et ajoute les liens",
    )
    other = user
    if publisher is not None:
        member = publisher.members.exclude(user=user).select_related("user").first()
        other = member.user if member else user
    catalog.update_commons(
        commons,
        user=other,
        base_revision=commons.revision,
        data={
            "pillar_resource": "Le fichier GTFS du réseau, ses versions et leurs "
            "rapports de validation.",
            "pillar_community": "L'exploitant, la communauté de communes et les "
            "réutilisateurs (calculateurs d'itinéraires, applications).",
            "pillar_governance": "Les demandes de correction sont discutées ici ; "
            "l'exploitant publie une nouvelle version à chaque changement de service.",
            "tags": ["bus", "gtfs", "horaires", "Belvallon"],
        },
        comment="Ajoute les trois piliers",
    )
    if publisher is not None and other != user:
        membership = catalog.request_membership(
            commons,
            user=other,
            role=CommunityMembership.Role.HOLDER,
            actor=publisher,
            message="Nous publions ces horaires.",
        )
        catalog.approve_membership(membership, by=user)


def demo_versions(dataset: Dataset) -> list[Version]:
    return list(
        Version.objects.filter(resource__dataset=dataset).order_by("resource", "number")
    )
