"""mobilityDCAT-AP: the concepts of its controlled vocabularies that Fabrique uses.

The vocabularies themselves (SKOS files published by NAPCORE) are read from the
standards directory when validating (see ``fabrique.standards.shacl``); this
module only names the concept URIs that an export points to, chosen from the
kind of data a transport resource holds.
"""

from __future__ import annotations

from rdflib import Namespace

# The namespace of the 1.1.0 shapes and of the 1.0.0 vocabulary (in https).
MOBILITYDCATAP = Namespace("https://w3id.org/mobilitydcat-ap#")
BASE = "https://w3id.org/mobilitydcat-ap/"

# The controlled vocabularies an export uses: property -> vocabulary folder.
VOCABULARIES: dict[str, str] = {
    "mobilityTheme": "mobility-theme",
    "mobilityDataStandard": "mobility-data-standard",
    "transportMode": "transport-mode",
    "networkCoverage": "network-coverage",
    "communicationMethod": "communication-method",
    "georeferencingMethod": "georeferencing-method",
    "grammar": "grammar",
    "applicationLayerProtocol": "application-layer-protocol",
    "intendedInformationService": "intended-information-service",
    "rights": "conditions-for-access-and-usage",
}

# Fabrique resource format -> mobility data standard concept.
DATA_STANDARD: dict[str, str] = {
    "gtfs": "gtfs",
    "gtfs-rt": "gtfs-rt",
    "gbfs": "gbfs",
    "netex": "netex",
    "other": "other",
}

# Fabrique resource format -> mobility themes of the data it carries.
THEMES: dict[str, tuple[str, ...]] = {
    "gtfs": ("timetables-static",),
    "netex": ("timetables-static",),
    "gtfs-rt": ("real-time-estimated-departure-and-arrival-times",),
    "gbfs": ("bike-sharing-availability", "bike-sharing-locations-and-stations"),
}
DEFAULT_THEME = "public-transport-scheduled-transport"

# Fabrique resource format -> the network the data describes.
NETWORK: dict[str, str] = {
    "gtfs": "other-public-transport-network",
    "netex": "other-public-transport-network",
    "gtfs-rt": "other-public-transport-network",
}

# Fabrique resource format -> grammar and communication method.
GRAMMAR: dict[str, str] = {
    "gtfs-rt": "protocol-buffers",
    "gbfs": "json-schema",
    "netex": "xsd",
}
COMMUNICATION: dict[str, str] = {
    "gtfs": "pull",
    "netex": "pull",
    "gtfs-rt": "pull",
    "gbfs": "pull",
}

# Access conditions: with an open licence the data is free of charge under it.
RIGHTS_LICENSED = "licence-provided-free-of-charge"
RIGHTS_FREE = "free-of-charge"


def concept(vocabulary: str, name: str) -> str:
    """The URI of concept ``name`` in controlled vocabulary ``vocabulary``."""
    return f"{BASE}{vocabulary}/{name}"


def themes_for(formats: list[str]) -> list[str]:
    """The mobility theme URIs of a dataset holding ``formats``."""
    names: list[str] = []
    for fmt in formats:
        for name in THEMES.get(fmt, ()):
            if name not in names:
                names.append(name)
    if not names:
        names.append(DEFAULT_THEME)
    return [concept("mobility-theme", name) for name in names]
