"""The verification page's service: the engine's verdict, with this instance's facts.

Trusted documents are this instance's own (its issuers' DID documents, its
status list, its OB 2.0 hosted documents) and the pinned copies an
administrator stored; nothing is fetched while verifying.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fabrique.credentials import CredentialsError
from fabrique.credentials.verify import Verdict, verify

from . import issuing
from .models import Award, BadgeClass, Issuer, PinnedDocument


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
    return {"verdict": verdict, "award": award, "reason": reason}
