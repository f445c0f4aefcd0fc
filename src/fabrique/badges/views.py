"""Badge pages: classes, awards and their downloads, hosted documents, verification."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import issuing, nominations, verification
from .models import Award, BadgeClass, BadgeKind, Endorsement, Issuer, Nomination

JSONLD = "application/ld+json"
MAX_UPLOAD = 2 * 1024 * 1024


def _json(doc: Any, content_type: str = JSONLD) -> HttpResponse:
    response = JsonResponse(doc, safe=False, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = content_type
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _may_manage(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_staff)


@require_GET
def badge_list(request: HttpRequest) -> HttpResponse:
    badges = BadgeClass.objects.select_related("issuer").order_by("kind", "name")
    skill = request.GET.get("skill", "")
    if skill:
        badges = [b for b in badges if skill in b.skills]  # type: ignore[assignment]
    recent = (
        Award.objects.filter(accepted=True, public=True, revoked__isnull=True)
        .select_related("badge", "recipient")
        .order_by("-issued")[:20]
    )
    return render(
        request,
        "badges/list.html",
        {"badges": badges, "recent": recent, "kinds": BadgeKind},
    )


@require_GET
def badge_class(request: HttpRequest, slug: str) -> HttpResponse:
    badge = get_object_or_404(BadgeClass.objects.select_related("issuer"), slug=slug)
    shown = badge.awards.filter(accepted=True, public=True, revoked__isnull=True)
    open_nominations = badge.nominations.filter(award__isnull=True).select_related(
        "nominee", "nominated_by"
    )
    return render(
        request,
        "badges/class.html",
        {
            "badge": badge,
            "awards": shown.select_related("recipient"),
            "nominations": open_nominations,
            "needed": _seconds_needed(),
            "may_manage": _may_manage(request.user),
            "endorsements": badge.endorsements.select_related("actor"),
            "endorsers": _admin_actors(request.user),
        },
    )


def _seconds_needed() -> int:
    from django.conf import settings

    return int(settings.BADGES_NOMINATION_SECONDS)


def _user(username: str) -> Any:
    return get_user_model().objects.filter(username=username.strip()).first()


@login_required
@require_POST
def nominate(request: HttpRequest, slug: str) -> HttpResponse:
    badge = get_object_or_404(BadgeClass, slug=slug)
    nominee = _user(request.POST.get("username", ""))
    reason = request.POST.get("reason", "").strip()[:500]
    if nominee is None or not reason:
        messages.error(request, _("Name a member and say why."))
        return redirect(badge)
    try:
        nominations.nominate(badge, nominee, request.user, reason)
    except nominations.NominationRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Nomination recorded: other members may second it.")
        )
    return redirect(badge)


@login_required
@require_POST
def second(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = get_object_or_404(Nomination, pk=pk)
    try:
        award = nominations.second(nomination, request.user)
    except nominations.NominationRefused as exc:
        messages.error(request, str(exc))
    else:
        if award is not None:
            messages.success(request, _("Seconded: the badge is awarded."))
        else:
            messages.success(request, _("Seconded."))
    return redirect(nomination.badge)


def _admin_actors(user: Any) -> Any:
    from fabrique.catalog.models import Actor, ActorMember

    if not user.is_authenticated:
        return Actor.objects.none()
    return Actor.objects.filter(
        members__user=user, members__role=ActorMember.Role.ADMIN, hidden=False
    )


@login_required
@require_POST
def endorse(request: HttpRequest, slug: str) -> HttpResponse:
    """An organisation's administrator vouches for a badge class."""
    badge = get_object_or_404(BadgeClass, slug=slug)
    actor = _admin_actors(request.user).filter(slug=request.POST.get("actor")).first()
    comment = request.POST.get("comment", "").strip()[:500]
    if actor is None or not comment:
        raise Http404
    Endorsement.objects.update_or_create(
        actor=actor, badge=badge, defaults={"comment": comment, "by": request.user}
    )
    messages.success(request, _("Endorsement recorded."))
    return redirect(badge)


@login_required
@require_POST
def award_create(request: HttpRequest, slug: str) -> HttpResponse:
    badge = get_object_or_404(BadgeClass, slug=slug)
    if not _may_manage(request.user):
        raise Http404
    recipient = _user(request.POST.get("username", ""))
    if recipient is None:
        messages.error(request, _("No member has this user name."))
        return redirect(badge)
    made = issuing.award(
        badge,
        recipient,
        via=Award.Via.HAND,
        by=request.user,
        evidence_url=request.POST.get("evidence_url", "")[:200],
        evidence=request.POST.get("evidence", "")[:300],
    )
    if made is None:
        messages.error(request, _("This member already has this badge."))
    else:
        messages.success(request, _("Badge awarded."))
    return redirect(badge)


def _visible_award(request: HttpRequest, key: str) -> Award:
    award = get_object_or_404(
        Award.objects.select_related("badge__issuer", "recipient"), key=key
    )
    viewer = request.user
    if award.shown or (
        viewer.is_authenticated and (viewer.pk == award.recipient_id or viewer.is_staff)
    ):
        return award
    raise Http404


@require_GET
def award_detail(request: HttpRequest, key: str) -> HttpResponse:
    award = _visible_award(request, key)
    return render(
        request,
        "badges/award.html",
        {
            "award": award,
            "mine": request.user.is_authenticated
            and request.user.pk == award.recipient_id,
            "may_manage": _may_manage(request.user),
        },
    )


@login_required
@require_POST
def award_visibility(request: HttpRequest, key: str) -> HttpResponse:
    award = get_object_or_404(Award, key=key, recipient=request.user)
    action = request.POST.get("action")
    if action == "accept":
        award.accepted, award.public = True, True
    elif action == "hide":
        award.public = False
    elif action == "show":
        award.accepted, award.public = True, True
    award.save(update_fields=["accepted", "public"])
    return redirect(award)


@login_required
@require_POST
def award_revoke(request: HttpRequest, key: str) -> HttpResponse:
    if not _may_manage(request.user):
        raise Http404
    award = get_object_or_404(Award, key=key)
    reason = request.POST.get("reason", "").strip()[:300]
    if not reason:
        messages.error(request, _("Say why the badge is revoked."))
    elif award.revoked is None:
        issuing.revoke(award, request.user, reason)
        messages.success(request, _("Badge revoked; the status list says so."))
    return redirect(award)


DOWNLOADS = {
    "png": ("image/png", "badge.png"),
    "svg": ("image/svg+xml", "badge.svg"),
    "json": ("application/vc+ld+json", "credential.json"),
    "jwt": ("application/vc+jwt", "credential.jwt"),
    "presentation": ("application/vp+ld+json", "presentation.json"),
    "qr": ("image/svg+xml", "presentation-qr.svg"),
}


@require_GET
def award_download(request: HttpRequest, key: str, form: str) -> HttpResponse:
    award = _visible_award(request, key)
    if form not in DOWNLOADS:
        raise Http404
    content_type, name = DOWNLOADS[form]
    body: bytes | str
    if form == "png":
        body = issuing.baked_png(award)
    elif form == "svg":
        body = issuing.baked_svg(award)
    elif form == "json":
        body = json.dumps(
            issuing.signed_credential(award), ensure_ascii=False, indent=2
        )
    elif form == "jwt":
        body = issuing.credential_jwt(award)
    elif form == "presentation":
        body = json.dumps(issuing.presentation(award), ensure_ascii=False, indent=2)
    else:
        import io

        import segno

        out = io.BytesIO()
        # The QR code carries the credential's address: the JWT is too long.
        segno.make(issuing.site(award.get_absolute_url()), error="m").save(
            out, kind="svg", scale=4
        )
        body = out.getvalue()
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{award.badge.slug}-{name}"'
    )
    return response


# Hosted documents ------------------------------------------------------------


@require_GET
def well_known_did(request: HttpRequest) -> HttpResponse:
    return _json(
        issuing.did_document(issuing.instance_issuer()), "application/did+json"
    )


@require_GET
def issuer_did(request: HttpRequest, slug: str) -> HttpResponse:
    issuer = get_object_or_404(Issuer, slug=slug, actor__isnull=False)
    return _json(issuing.did_document(issuer), "application/did+json")


@require_GET
def status_list(request: HttpRequest, number: str) -> HttpResponse:
    if number != issuing.STATUS_LIST:
        raise Http404
    response = _json(issuing.status_list(), "application/vc+ld+json")
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def ob2_issuer(request: HttpRequest, slug: str) -> HttpResponse:
    return _json(issuing.ob2_issuer(get_object_or_404(Issuer, slug=slug)))


@require_GET
def ob2_badge_class(request: HttpRequest, slug: str) -> HttpResponse:
    return _json(issuing.ob2_badge_class(get_object_or_404(BadgeClass, slug=slug)))


@require_GET
def ob2_assertion(request: HttpRequest, key: str) -> HttpResponse:
    award = get_object_or_404(Award, key=key, accepted=True)
    if award.revoked:
        return _gone(award)
    return _json(issuing.ob2_assertion(award))


def _gone(award: Award) -> HttpResponse:
    response = _json({"revoked": True, "revocationReason": award.revocation_reason})
    response.status_code = 410
    return response


@require_GET
def ob2_revocations(request: HttpRequest) -> HttpResponse:
    return _json(issuing.ob2_revocations())


@require_GET
def badge_image(request: HttpRequest, slug: str) -> HttpResponse:
    badge = get_object_or_404(BadgeClass, slug=slug)
    return HttpResponse(issuing.badge_png(badge), content_type="image/png")


@login_required
@require_POST
def import_external(request: HttpRequest) -> HttpResponse:
    """Keep a badge from another instance or issuer on one's profile."""
    from django.urls import reverse

    upload = request.FILES.get("file")
    if upload is None or not upload.size or upload.size > MAX_UPLOAD:
        messages.error(request, _("Upload a badge file or paste one."))
        return redirect(reverse("accounts:profile"))
    result = verification.keep_external(
        request.user, upload.read(), public=request.POST.get("public") == "on"
    )
    if "kept" in result:
        messages.success(request, _("Badge verified and added to your profile."))
    else:
        reasons = "; ".join(result["errors"]) or _("it is not valid")
        messages.error(
            request,
            _("This badge was not added: %(reasons)s") % {"reasons": reasons},
        )
    return redirect(reverse("accounts:profile"))


# Verification -----------------------------------------------------------------


@never_cache
def verify_page(request: HttpRequest) -> HttpResponse:
    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        text = request.POST.get("text", "").strip()
        data: bytes | str | None = None
        if upload is not None and upload.size and upload.size <= MAX_UPLOAD:
            data = upload.read()
        elif text:
            data = text[:MAX_UPLOAD]
        if data is None:
            messages.error(request, _("Upload a badge file or paste one."))
        else:
            recipient = request.POST.get("recipient", "").strip()[:254]
            result = verification.check(data, recipient=recipient)
    return render(request, "badges/verify.html", {"result": result})
