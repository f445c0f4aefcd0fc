"""Issuing: keys, DID documents, credentials and downloads of awards.

Every document is built by the ``fabrique.credentials`` engine; this module
only supplies the instance's facts (its address, its issuers, their keys).
"""

from __future__ import annotations

import io
import json
import secrets
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from fabrique.credentials import baking, dataintegrity, ob2, ob3, statuslist, vcjwt
from fabrique.credentials.contexts import (
    FrozenLoader,
    MissingContextPackage,
    context_files,
    missing_packages,
)
from fabrique.credentials.keys import (
    SigningKey as EngineKey,
)
from fabrique.credentials.keys import (
    controller_document,
    did_web,
    public_key_from_multikey,
    public_multikey,
    secret_key_from_multikey,
    secret_multikey,
)

from .models import Award, BadgeClass, Issuer, SigningKey

STATUS_LIST = "1"


def site(path: str) -> str:
    """Absolute URL of ``path`` on this instance."""
    return f"{settings.SITE_URL}{path}"


@lru_cache(maxsize=4)
def _loader_for(assets: str) -> FrozenLoader:
    folder = Path(assets)
    missing = missing_packages(folder)
    if missing:
        raise MissingContextPackage(
            f"JSON-LD context packages missing from {folder}: {', '.join(missing)} "
            "(run `npm ci` beside package.json)"
        )
    return FrozenLoader(context_files(folder))


def loader() -> FrozenLoader:
    """The frozen JSON-LD loader over ``FABRIQUE_ASSETS_DIR``."""
    return _loader_for(str(settings.FABRIQUE_ASSETS_DIR))


def instance_issuer() -> Issuer:
    """The instance's own issuer profile (created on first use)."""
    issuer, _ = Issuer.objects.get_or_create(
        actor=None,
        slug="instance",
        defaults={"name": settings.SITE_NAME, "url": settings.SITE_URL + "/"},
    )
    return issuer


def issuer_for_actor(actor: Any) -> Issuer:
    """The issuer profile of an organisation (created on first use)."""
    issuer, _ = Issuer.objects.get_or_create(
        actor=actor,
        defaults={
            "slug": f"org-{actor.slug}"[:80],
            "name": actor.name,
            "url": site(actor.get_absolute_url()),
        },
    )
    return issuer


def did(issuer: Issuer) -> str:
    """The ``did:web`` of an issuer: the host's for the instance, a path for others."""
    host = urlsplit(settings.SITE_URL).netloc
    if issuer.is_instance:
        return did_web(host)
    return did_web(host, f"badges/issuers/{issuer.slug}")


def active_key(issuer: Issuer) -> SigningKey:
    """The issuer's current signing key; made on first use."""
    key = issuer.keys.filter(active=True).order_by("-created").first()
    if key is None:
        key = _new_key(issuer)
    return key


def _new_key(issuer: Issuer) -> SigningKey:
    secret = EngineKey.generate_did_key().secret
    n = issuer.keys.count() + 1
    return SigningKey.objects.create(
        issuer=issuer,
        fragment=f"key-{n}",
        public_multikey=public_multikey(secret.public_key()),
        secret_multikey=secret_multikey(secret),
    )


@transaction.atomic
def rotate_key(issuer: Issuer) -> SigningKey:
    """Retire the current key (kept in the DID document) and make a new one."""
    issuer.keys.filter(active=True).update(active=False, retired=timezone.now())
    return _new_key(issuer)


def engine_key(key: SigningKey) -> EngineKey:
    return EngineKey(
        secret_key_from_multikey(key.secret_multikey),
        f"{did(key.issuer)}#{key.fragment}",
    )


def did_document(issuer: Issuer) -> dict[str, Any]:
    """The issuer's DID document: every key, old ones too, so old badges verify."""
    active_key(issuer)
    controller = did(issuer)
    keys = [
        (k.fragment, public_key_from_multikey(k.public_multikey))
        for k in issuer.keys.all()
    ]
    return controller_document(controller, keys)


def profile(issuer: Issuer) -> dict[str, Any]:
    """The issuer as an OB 3.0 ``Profile``."""
    return ob3.profile(
        did(issuer),
        issuer.name,
        url=issuer.url or site("/"),
        description=issuer.description,
        email=issuer.email,
    )


def image_url(badge: BadgeClass) -> str:
    return site(reverse("badges:badge_image", args=[badge.slug]))


def achievement(badge: BadgeClass) -> dict[str, Any]:
    from fabrique.community import skills

    by_code = skills.skills_by_code()
    alignments = [
        {
            "targetName": by_code[code].label("en"),
            "targetUrl": site(reverse("badges:list") + f"?skill={code}"),
            "targetCode": code,
            "targetFramework": "Fabrique skills",
        }
        for code in badge.skills
        if code in by_code
    ]
    return ob3.achievement(
        site(badge.get_absolute_url()),
        badge.name,
        badge.description,
        badge.criteria,
        image=image_url(badge),
        achievement_type="Competency" if badge.kind == "skill" else "Achievement",
        alignments=alignments,
        tags=[badge.kind],
    )


def status_list_url() -> str:
    return site(reverse("badges:status_list", args=[STATUS_LIST]))


def _recipient_email(award: Award) -> str:
    return (
        award.recipient.email or f"{award.recipient.username}@users.invalid"
    ).lower()


def credential(award: Award) -> dict[str, Any]:
    """The unsigned OB 3.0 credential of an award."""
    evidence = []
    if award.evidence_url or award.evidence:
        evidence.append({"id": award.evidence_url, "name": award.evidence})
    return ob3.open_badge_credential(
        site(award.get_absolute_url()),
        profile(award.badge.issuer),
        achievement(award.badge),
        valid_from=award.issued,
        recipient_identity=("emailAddress", _recipient_email(award), award.salt),
        evidence=evidence,
        credential_status=statuslist.status_entry(
            status_list_url(), award.status_index
        ),
        name=award.badge.name,
    )


def signed_credential(award: Award) -> dict[str, Any]:
    """The credential with its ``eddsa-rdfc-2022`` proof."""
    key = engine_key(active_key(award.badge.issuer))
    signed, _ = dataintegrity.sign(
        credential(award), key, loader(), created=award.issued, proof_set=True
    )
    return signed


def credential_jwt(award: Award) -> str:
    """The credential as a VC-JWT (EdDSA)."""
    return vcjwt.encode(credential(award), engine_key(active_key(award.badge.issuer)))


def presentation(award: Award) -> dict[str, Any]:
    """A presentation the recipient can hand over (JSON, or as a QR code)."""
    return ob3.presentation([credential_jwt(award)])


def status_list() -> dict[str, Any]:
    """The signed Bitstring Status List of every revoked award, as of now."""
    revoked = Award.objects.filter(revoked__isnull=False).values_list(
        "status_index", flat=True
    )
    issuer = instance_issuer()
    unsigned = statuslist.status_list_credential(
        status_list_url(), did(issuer), list(revoked), valid_from=timezone.now()
    )
    signed, _ = dataintegrity.sign(unsigned, engine_key(active_key(issuer)), loader())
    return signed


# OB 2.0 hosted documents ---------------------------------------------------


def ob2_issuer(issuer: Issuer) -> dict[str, Any]:
    return ob2.issuer(
        site(reverse("badges:ob2_issuer", args=[issuer.slug])),
        issuer.name,
        issuer.url or site("/"),
        email=issuer.email,
        revocationList=site(reverse("badges:ob2_revocations")),
    )


def ob2_badge_class(badge: BadgeClass) -> dict[str, Any]:
    return ob2.badge_class(
        site(reverse("badges:ob2_badge_class", args=[badge.slug])),
        site(reverse("badges:ob2_issuer", args=[badge.issuer.slug])),
        badge.name,
        badge.description,
        badge.criteria,
        image_url(badge),
        tags=[badge.kind],
    )


def ob2_assertion(award: Award) -> dict[str, Any]:
    evidence = [{"id": award.evidence_url}] if award.evidence_url else None
    return ob2.assertion(
        site(reverse("badges:ob2_assertion", args=[award.key])),
        site(reverse("badges:ob2_badge_class", args=[award.badge.slug])),
        _recipient_email(award),
        award.salt,
        issued_on=award.issued,
        evidence=evidence,
    )


def ob2_revocations() -> dict[str, Any]:
    return {
        "@context": ob2.OB2_CONTEXT,
        "id": site(reverse("badges:ob2_revocations")),
        "type": "RevocationList",
        "revokedAssertions": [
            {
                "id": site(reverse("badges:ob2_assertion", args=[a.key])),
                "revocationReason": a.revocation_reason,
            }
            for a in Award.objects.filter(revoked__isnull=False)
        ],
    }


# Images and baking ---------------------------------------------------------


FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "DejaVuSans-Bold.ttf",
)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A font with accented capitals (DejaVu when installed, else Pillow's own)."""
    for name in FONTS:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def badge_png(badge: BadgeClass) -> bytes:
    """The badge class's image as PNG (its upload, or a drawn medal)."""
    if badge.image:
        with badge.image.open("rb") as f:
            data = f.read()
        img = Image.open(io.BytesIO(data))
        out = io.BytesIO()
        img.convert("RGBA").save(out, format="PNG")
        return out.getvalue()
    img = Image.new("RGBA", (256, 256), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.ellipse((8, 8, 248, 248), fill=badge.colour, outline="#ffffff", width=6)
    initials = "".join(w[0] for w in badge.name.split()[:2]).upper()
    draw.text((128, 128), initials, fill="#ffffff", anchor="mm", font=_font(96))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def badge_svg(badge: BadgeClass) -> bytes:
    from xml.sax.saxutils import escape

    initials = escape("".join(w[0] for w in badge.name.split()[:2]).upper())
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" '
        'viewBox="0 0 256 256">'
        f'<circle cx="128" cy="128" r="120" fill="{escape(badge.colour)}" '
        'stroke="#fff" stroke-width="6"/>'
        '<text x="128" y="160" font-size="96" text-anchor="middle" fill="#fff" '
        f'font-family="sans-serif">{initials}</text></svg>'
    ).encode()


def baked_png(award: Award) -> bytes:
    payload = json.dumps(signed_credential(award), ensure_ascii=False)
    return baking.bake_png(badge_png(award.badge), payload)


def baked_svg(award: Award) -> bytes:
    return baking.bake_svg(badge_svg(award.badge), credential_jwt(award))


# Awarding --------------------------------------------------------------------


def _free_index() -> int:
    """A random unused status index: neighbours in the list say nothing."""
    used = set(Award.objects.values_list("status_index", flat=True))
    while True:
        index = secrets.randbelow(statuslist.MIN_BITS)
        if index not in used:
            return index


def award(
    badge: BadgeClass,
    recipient: Any,
    *,
    via: str,
    by: Any = None,
    evidence_url: str = "",
    evidence: str = "",
    commons: Any = None,
    challenge: Any = None,
) -> Award | None:
    """Give ``badge`` to ``recipient`` once; ``None`` when they already have it."""
    if Award.objects.filter(badge=badge, recipient=recipient).exists():
        return None
    return Award.objects.create(
        badge=badge,
        recipient=recipient,
        via=via,
        awarded_by=by,
        evidence_url=evidence_url,
        evidence=evidence,
        commons=commons,
        challenge=challenge,
        issued=timezone.now().replace(microsecond=0) - timedelta(seconds=1),
        status_index=_free_index(),
    )


def revoke(award_obj: Award, by: Any, reason: str) -> None:
    """Revoke an award with its reason; the status list says so from now on."""
    award_obj.revoked = timezone.now()
    award_obj.revoked_by = by
    award_obj.revocation_reason = reason
    award_obj.save(update_fields=["revoked", "revoked_by", "revocation_reason"])
