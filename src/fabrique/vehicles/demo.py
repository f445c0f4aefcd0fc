"""Demo vehicles: the interface types, two platforms, about thirty modules
and a few vehicles, some built wrong on purpose (see ``demo_data``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from fabrique.vehicles import services
from fabrique.vehicles.demo_data import MODULES, OHL, VEHICLES
from fabrique.vehicles.models import Module

DEMO_TAG = "demo"
KIND_FR = {
    "platform": "Plateforme", "drive": "Motorisation", "battery": "Batterie",
    "charger": "Chargeur", "body": "Carrosserie", "seat": "Siège",
    "cargo": "Caisse", "lighting": "Éclairage", "brakes": "Freinage",
    "controller": "Électronique", "converter": "Convertisseur",
    "adapter": "Adaptateur",
}  # fmt: skip


def load(user: Any = None) -> int:
    """Load the demo vehicles once; return how many modules were created."""
    if user is None:
        from fabrique.catalog.demo import DEMO_USERNAME

        user = get_user_model().objects.filter(username=DEMO_USERNAME).first()
    if user is None or Module.objects.filter(demo=True).exists():
        return 0
    with transaction.atomic():
        services.seed_interface_types(user)
        for spec in MODULES:
            services.create_module(
                user=user,
                commons={
                    "title": spec["title"],
                    "summary": spec.get("summary")
                    or f"{KIND_FR[spec['kind']]} de démonstration.",
                    "description": "Contenu de démonstration : chiffres "
                    "plausibles, pas des mesures.",
                    "licence": OHL,
                    "maturity": "prototype",
                    "tags": [DEMO_TAG, "véhicule"],
                },
                kind=spec["kind"],
                mass=spec["mass"],
                cost=spec["cost"],
                functions=spec["functions"],
                ports=spec["ports"],
                parts=spec["parts"],
                load_rating=spec.get("load_rating"),
                required_functions=spec.get("required_functions", ()),
                demo=True,
            )
        slugs = dict(
            Module.objects.filter(demo=True).values_list(
                "commons__title", "commons__slug"
            )
        )
        by_key = {spec["key"]: slugs[spec["title"]] for spec in MODULES}
        for vehicle in VEHICLES:
            services.save_configuration(
                demo_draft(vehicle, by_key),
                user=user,
                title=vehicle["title"],
                summary=vehicle["summary"],
            )
    return len(MODULES)


def demo_draft(vehicle: dict[str, Any], by_key: dict[str, str]) -> services.Draft:
    return services.Draft(
        platform=by_key[vehicle["platform"]],
        modules={k: by_key[v] for k, v in vehicle["modules"].items()},
        links=[list(link) for link in vehicle["links"]],
        payload=float(vehicle["payload"]),
    )
