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

from . import forms, issuing, nominations, verification
from .models import Award, BadgeClass, BadgeKind, Endorsement, Issuer, Nomination

JSONLD = "application/ld+json"
MAX_UPLOAD = 2 * 1024 * 1024


def _json(doc: Any, content_type: str = JSONLD) -> HttpResponse:
    response = JsonResponse(doc, safe=False, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = content_type
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _may_manage(user: Any, issuer: Issuer) -> bool:
    return issuing.may_manage(user, issuer)


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
        {
            "badges": badges,
            "recent": recent,
            "kinds": BadgeKind,
            "may_define": bool(issuing.issuer_choices(request.user)),
        },
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
            "may_manage": _may_manage(request.user, badge.issuer),
            "endorsements": badge.endorsements.select_related("actor"),
            "endorsers": _admin_actors(request.user).exists(),
            "award_form": forms.AwardForm(),
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


def _endorse(request: HttpRequest, target: BadgeClass | Award) -> HttpResponse:
    """The endorsement page of a badge class or an award, for organisation admins."""
    actors = _admin_actors(request.user)
    choices = [(a.slug, a.name) for a in actors]
    if not choices:
        raise Http404
    form = forms.EndorsementForm(request.POST or None, actors=choices)
    if request.method == "POST" and form.is_valid():
        actor = actors.get(slug=form.cleaned_data["actor"])
        target_field = "award" if isinstance(target, Award) else "badge"
        Endorsement.objects.update_or_create(
            actor=actor,
            **{target_field: target},
            defaults={"comment": form.cleaned_data["comment"], "by": request.user},
        )
        messages.success(request, _("Endorsement recorded."))
        return redirect(target)
    return render(
        request,
        "badges/endorse.html",
        {"form": form, "target": target},
    )


@login_required
def endorse(request: HttpRequest, slug: str) -> HttpResponse:
    """An organisation's administrator vouches for a badge class."""
    return _endorse(request, get_object_or_404(BadgeClass, slug=slug))


@login_required
def award_endorse(request: HttpRequest, key: str) -> HttpResponse:
    """An organisation's administrator vouches for an award they can see."""
    return _endorse(request, _visible_award(request, key))


@require_GET
def endorsement(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed ``EndorsementCredential`` (public when what it endorses is)."""
    found = get_object_or_404(
        Endorsement.objects.select_related("actor", "badge", "award__badge"), pk=pk
    )
    if found.award is not None and not found.award.shown:
        raise Http404
    return _json(issuing.endorsement_credential(found), "application/vc+ld+json")


@login_required
@require_POST
def award_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Award by hand, by the issuer's managers, with links to the evidence."""
    badge = get_object_or_404(BadgeClass.objects.select_related("issuer"), slug=slug)
    if not _may_manage(request.user, badge.issuer):
        raise Http404
    form = forms.AwardForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(badge)
    recipient = _user(form.cleaned_data["username"])
    if recipient is None:
        messages.error(request, _("No member has this user name."))
        return redirect(badge)
    urls = form.cleaned_data["evidence_urls"]
    made = issuing.award(
        badge,
        recipient,
        via=Award.Via.HAND,
        by=request.user,
        evidence_url=urls[0] if urls else "",
        more_evidence_urls=urls[1:],
        evidence=form.cleaned_data["evidence"],
    )
    if made is None:
        messages.error(request, _("This member already has this badge."))
    else:
        messages.success(request, _("Badge awarded."))
    return redirect(badge)


# Defining badges ---------------------------------------------------------------


@login_required
def class_create(request: HttpRequest) -> HttpResponse:
    """Define a badge class for an issuer the user manages."""
    issuers = issuing.issuer_choices(request.user)
    if not issuers:
        raise Http404
    form = forms.BadgeClassForm(
        request.POST or None, request.FILES or None, issuers=issuers
    )
    if request.method == "POST" and form.is_valid():
        issuer = issuing.issuer_from_ref(request.user, form.cleaned_data["issuer_ref"])
        if issuer is None:
            raise Http404
        badge = form.save(commit=False)
        badge.issuer = issuer
        form.save()
        messages.success(request, _("Badge class created."))
        return redirect(badge)
    initial = request.GET.get("issuer", "")
    if initial in dict(issuers) and not form.is_bound:
        form.initial["issuer_ref"] = initial
    return render(request, "badges/class_form.html", {"form": form, "badge": None})


@login_required
def class_edit(request: HttpRequest, slug: str) -> HttpResponse:
    badge = get_object_or_404(BadgeClass.objects.select_related("issuer"), slug=slug)
    if not _may_manage(request.user, badge.issuer):
        raise Http404
    form = forms.BadgeClassForm(
        request.POST or None, request.FILES or None, instance=badge, issuers=[]
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Badge class saved."))
        return redirect(badge)
    return render(request, "badges/class_form.html", {"form": form, "badge": badge})


@require_GET
def issuer_detail(request: HttpRequest, slug: str) -> HttpResponse:
    issuer = get_object_or_404(Issuer, slug=slug)
    return render(
        request,
        "badges/issuer.html",
        {
            "issuer": issuer,
            "did": issuing.did(issuer),
            "badges": issuer.badge_classes.order_by("kind", "name"),
            "may_manage": _may_manage(request.user, issuer),
            "ref": _issuer_ref(issuer),
        },
    )


def _issuer_ref(issuer: Issuer) -> str:
    if issuer.actor_id is not None:
        return f"actor:{issuer.actor.slug}"  # type: ignore[union-attr]
    if issuer.domain_id is not None:
        return f"domain:{issuer.domain.slug}"  # type: ignore[union-attr]
    return "instance"


@login_required
def issuer_edit(request: HttpRequest, slug: str) -> HttpResponse:
    issuer = get_object_or_404(Issuer, slug=slug)
    if not _may_manage(request.user, issuer):
        raise Http404
    form = forms.IssuerForm(request.POST or None, instance=issuer)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Issuer profile saved."))
        return redirect(issuer)
    return render(request, "badges/issuer_form.html", {"form": form, "issuer": issuer})


def _visible_award(request: HttpRequest, key: str) -> Award:
    award = get_object_or_404(
        Award.objects.select_related("badge__issuer", "recipient"), key=key
    )
    viewer = request.user
    if award.shown or (
        viewer.is_authenticated
        and (viewer.pk == award.recipient_id or _may_manage(viewer, award.badge.issuer))
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
            "may_manage": _may_manage(request.user, award.badge.issuer),
            "endorsements": award.endorsements.select_related("actor"),
            "endorsers": _admin_actors(request.user).exists(),
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
    award = get_object_or_404(Award.objects.select_related("badge__issuer"), key=key)
    if not _may_manage(request.user, award.badge.issuer):
        raise Http404
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
    issuer = get_object_or_404(Issuer.objects.exclude(slug="instance"), slug=slug)
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
