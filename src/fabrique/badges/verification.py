"""The verification page's service: the engine's verdict, with this instance's facts.

Trusted documents are this instance's own (its issuers' DID documents, its
status list, its OB 2.0 hosted documents) and the pinned copies an
administrator stored; nothing is fetched while verifying.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from fabrique.credentials import CredentialsError
from fabrique.credentials.verify import Verdict, verify

from . import issuing
from .models import Award, BadgeClass, Issuer, PinnedDocument

# The engine's reasons (English, no Django) as the page says them.
REASONS: list[tuple[re.Pattern[str], Any]] = [
    (
        re.compile(r"^revoked \(status list of (?P<d>[^)]*)\)$"),
        _("revoked (status list of %(d)s)"),
    ),
    (re.compile(r"^not revoked as of (?P<d>.*)$"), _("not revoked as of %(d)s")),
    (
        re.compile(r"^JSON-LD expands with the bundled contexts$"),
        _("JSON-LD expands with the bundled contexts"),
    ),
    (
        re.compile(r"^Data Integrity proof by (?P<k>.*)$"),
        _("Data Integrity proof by %(k)s"),
    ),
    (re.compile(r"^JWT signature by (?P<k>.*)$"), _("JWT signature by %(k)s")),
    (re.compile(r"^the recipient matches$"), _("the recipient matches")),
    (re.compile(r"^expired on (?P<d>.*)$"), _("expired on %(d)s")),
    (re.compile(r"^not valid before (?P<d>.*)$"), _("not valid before %(d)s")),
    (
        re.compile(r"^the signature by (?P<k>.*) does not match the credential$"),
        _("the signature by %(k)s does not match the credential"),
    ),
    (
        re.compile(r"^no pinned or cached document for (?P<d>\S+): cannot resolve .*$"),
        _(
            "the issuer's document %(d)s is not known here: its key cannot be checked "
            "without fetching it"
        ),
    ),
    (re.compile(r"^the credential has no proof$"), _("the credential has no proof")),
    (
        re.compile(r"^the (credential|assertion) was not issued to this recipient$"),
        _("the badge was not issued to this recipient"),
    ),
    (
        re.compile(r"^the input is neither JSON, a JWT, a PNG nor an SVG badge$"),
        _("the file is neither JSON, a JWT, a PNG nor an SVG badge"),
    ),
    (
        re.compile(r"^the (PNG|SVG) carries no badge.*$"),
        _("the image carries no badge"),
    ),
    (re.compile(r"^matches its hosted copy$"), _("matches its hosted copy")),
]


def say(message: str) -> str:
    """The engine's message in the page's language (unknown ones as they are)."""
    for pattern, text in REASONS:
        found = pattern.match(message)
        if found:
            return str(text) % found.groupdict() if found.groupdict() else str(text)
    return message


def trusted_documents() -> dict[str, dict[str, Any]]:
    """Documents the verifier may use: pinned copies, then this instance's own."""
    docs: dict[str, dict[str, Any]] = {
        p.url: p.document for p in PinnedDocument.objects.all()
    }
    for issuer in Issuer.objects.all():
        docs[issuing.did(issuer)] = issuing.did_document(issuer)
        ob2_issuer = issuing.ob2_issuer(issuer)
        docs[ob2_issuer["id"]] = ob2_issuer
    for badge in BadgeClass.objects.select_related("issuer"):
        doc = issuing.ob2_badge_class(badge)
        docs[doc["id"]] = doc
    if Award.objects.exists():
        docs[issuing.status_list_url()] = issuing.status_list()
        revocations = issuing.ob2_revocations()
        docs[revocations["id"]] = revocations
    # OB 2.0 hosted assertions: those their recipients accepted (published).
    for award in Award.objects.filter(
        accepted=True, revoked__isnull=True
    ).select_related("badge", "recipient"):
        doc = issuing.ob2_assertion(award)
        docs[doc["id"]] = doc
    return docs


def local_award(verdict: Verdict) -> Award | None:
    """The award of this instance the verdict is about, if any."""
    doc = verdict.credential or {}
    ident = str(doc.get("id", ""))
    prefix = issuing.site("/badges/awards/")
    if not ident.startswith(prefix):
        return None
    key = ident[len(prefix) :].split("/")[0].removesuffix(".json")
    return Award.objects.filter(key=key).select_related("badge").first()


def keep_external(owner: Any, data: bytes | str, *, public: bool) -> dict[str, Any]:
    """Verify a badge from elsewhere for ``owner`` and keep it when valid and theirs."""
    from django.utils import timezone

    from fabrique.credentials.verify import extract

    from .models import ExternalBadge

    result = check(data, recipient=owner.email or None)
    verdict = result["verdict"]
    if verdict.valid and verdict.credential is not None:
        _, payload = extract(data)
        text = payload if isinstance(payload, str) else json.dumps(payload)
        result["kept"] = ExternalBadge.objects.create(
            owner=owner,
            payload=text,
            version=verdict.version,
            achievement=verdict.achievement[:300],
            issuer=verdict.issuer[:500],
            issuer_name=verdict.issuer_name[:300],
            public=public,
            checked=timezone.now(),
        )
    return result


def check(
    data: bytes | str, *, now: datetime | None = None, recipient: str | None = None
) -> dict[str, Any]:
    """Verify ``data``; return the verdict and, for our own awards, the reason.

    With ``recipient`` (an e-mail address), also check the badge is theirs.
    """
    try:
        docs = trusted_documents()
        verdict = verify(
            data,
            loader=issuing.loader(),
            documents=docs,
            now=now,
            recipient=recipient or None,
        )
    except CredentialsError as exc:
        verdict = Verdict()
        verdict.fail(str(exc))
    award = local_award(verdict)
    if award is not None and award.revoked and verdict.status == "revoked":
        reason = award.revocation_reason
    else:
        reason = ""
    return {
        "verdict": verdict,
        "award": award,
        "reason": reason,
        "errors": [say(m) for m in verdict.errors],
        "checks": [say(m) for m in verdict.checks],
        "warnings": [say(m) for m in verdict.warnings],
    }
