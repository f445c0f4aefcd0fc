"""Pages of domains, needs and micro-challenges.

Every change goes through ``fabrique.community.services`` (the API uses the
same functions). A refusal of the rules is shown as a message on the page
the person came from; a refusal of rights is a 403.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fabrique.catalog.models import Commons
from fabrique.community import (
    experiments,
    invitations,
    lifecycle,
    matching,
    services,
    skills,
)
from fabrique.community.forms import (
    BetaForm,
    ChallengeForm,
    DomainForm,
    ExperimentForm,
    FeedbackForm,
    JoinForm,
    NeedForm,
    SplitDeclineForm,
    SplitRequestForm,
    SubDomainForm,
    TransitionForm,
)
from fabrique.community.models import (
    BetaVersion,
    Challenge,
    Domain,
    Experiment,
    Invitation,
    Need,
    Participation,
    SplitRequest,
)
from fabrique.core import activity
from fabrique.core.permissions import require_member


def _messages(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def domain_list(request: HttpRequest) -> HttpResponse:
    domains = Domain.objects.filter(hidden=False).annotate(
        n_members=Count("members", distinct=True),
        n_needs=Count("needs", filter=Q(needs__hidden=False), distinct=True),
    )
    return render(request, "community/domain_list.html", {"domains": domains})


@require_member
def domain_create(request: HttpRequest) -> HttpResponse:
    """Create a domain of interest; its creator facilitates it."""
    form = DomainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            domain = services.create_domain(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(domain)
    return render(request, "community/domain_form.html", {"form": form})


def domain_detail(request: HttpRequest, slug: str) -> HttpResponse:
    domain = get_object_or_404(Domain, slug=slug, hidden=False)
    needs = domain.needs.filter(hidden=False).annotate(n_challenges=Count("challenges"))
    member = (
        request.user.is_authenticated
        and domain.members.filter(user=request.user).exists()
    )
    facilitators = domain.members.filter(role="facilitator").select_related("user")
    return render(
        request,
        "community/domain_detail.html",
        {
            "domain": domain,
            "needs": needs,
            "facilitators": facilitators,
            "is_member": member,
            "n_members": domain.members.count(),
            "form": NeedForm(),
        },
    )


@require_member
@require_POST
def domain_join(request: HttpRequest, slug: str) -> HttpResponse:
    domain = get_object_or_404(Domain, slug=slug, hidden=False)
    services.join_domain(domain, user=request.user)
    messages.success(request, _("You are a member of this domain."))
    return redirect(domain)


@require_member
@require_POST
def need_create(request: HttpRequest, slug: str) -> HttpResponse:
    domain = get_object_or_404(Domain, slug=slug, hidden=False)
    form = NeedForm(request.POST)
    if form.is_valid():
        try:
            need = services.propose_need(domain, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _messages(request, error)
        else:
            messages.success(request, _("Your need is posted."))
            return redirect(need)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(domain)


def need_detail(request: HttpRequest, slug: str) -> HttpResponse:
    need = get_object_or_404(
        Need.objects.select_related("domain"), slug=slug, hidden=False
    )
    challenges = need.challenges.filter(hidden=False).annotate(
        n_active=Count("participations", filter=Q(participations__status="active"))
    )
    facilitator = services.is_facilitator(request.user, need.domain)
    carries = (
        request.user.is_authenticated
        and need.carriers.filter(user=request.user).exists()
    )
    split_requests = need.split_requests.select_related("requested_by", "answered_by")
    return render(
        request,
        "community/need_detail.html",
        {
            "open_request": services.open_split_request(need),
            "last_answer": split_requests.filter(
                status=SplitRequest.Status.DECLINED
            ).first(),
            # A need already split is not offered a split again.
            "split_form": SplitRequestForm()
            if carries and not challenges.exists()
            else None,
            "decline_form": SplitDeclineForm() if facilitator else None,
            "need": need,
            "carriers": need.carriers.select_related("user", "actor"),
            "subdomains": need.subdomains.all(),
            "challenges": challenges,
            "is_facilitator": facilitator,
            "carries": carries,
            "subdomain_form": SubDomainForm() if facilitator else None,
            "challenge_form": ChallengeForm(need=need) if facilitator else None,
            "activity": activity.for_object(need)[:10],
        },
    )


@require_member
@require_POST
def need_carry(request: HttpRequest, slug: str) -> HttpResponse:
    need = get_object_or_404(Need, slug=slug, hidden=False)
    services.carry_need(need, user=request.user)
    messages.success(request, _("You carry this need."))
    return redirect(need)


@require_member
@require_POST
def split_request(request: HttpRequest, slug: str) -> HttpResponse:
    """A carrier asks the facilitators to split the need."""
    need = get_object_or_404(Need, slug=slug, hidden=False)
    form = SplitRequestForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(need)
    try:
        services.ask_for_split(need, user=request.user, **form.cleaned_data)
    except services.CommunityError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Your request is sent: the facilitators of the domain are notified."),
        )
    return redirect(need)


@require_member
@require_POST
def split_decline(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A facilitator declines a request to split, saying why."""
    row = get_object_or_404(SplitRequest, pk=pk, need__slug=slug, need__hidden=False)
    form = SplitDeclineForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(row.need)
    try:
        services.decline_split(row, user=request.user, **form.cleaned_data)
    except services.CommunityError as error:
        messages.error(request, str(error))
    except ValidationError as error:
        _messages(request, error)
    else:
        messages.success(request, _("Your answer is sent to the carriers."))
    return redirect(row.need)


@require_member
@require_POST
def subdomain_add(request: HttpRequest, slug: str) -> HttpResponse:
    need = get_object_or_404(Need, slug=slug, hidden=False)
    form = SubDomainForm(request.POST)
    if not services.is_facilitator(request.user, need.domain):
        raise Http404
    if form.is_valid():
        services.add_subdomain(need, user=request.user, **form.cleaned_data)
    return redirect(need)


@require_member
def challenge_create(request: HttpRequest, slug: str) -> HttpResponse:
    need = get_object_or_404(Need, slug=slug, hidden=False)
    if not services.is_facilitator(request.user, need.domain):
        raise Http404
    form = ChallengeForm(request.POST or None, need=need)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "subdomain"}
        try:
            challenge = services.create_challenge(
                need,
                user=request.user,
                data=data,
                subdomain=form.cleaned_data["subdomain"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(challenge)
    return render(
        request, "community/challenge_form.html", {"need": need, "form": form}
    )


def challenge_detail(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = get_object_or_404(
        Challenge.objects.select_related("need__domain", "commons", "subdomain"),
        slug=slug,
        hidden=False,
    )
    mine = services.participation_of(request.user, challenge)
    waiting = list(services.waiting_list(challenge).select_related("user"))
    groups = services.community(challenge)
    taken = sum(len(rows) for rows in groups.values())
    exps = challenge.experiments.prefetch_related("feedback__author", "participants")
    what_next, who_acts = lifecycle.next_step(
        challenge.state, minimum=services.minimum_text()
    )
    return render(
        request,
        "community/challenge_detail.html",
        {
            "challenge": challenge,
            "groups": [
                (role, label, groups[role])
                for role, label in challenge.participations.model.Role.choices
            ],
            "taken": taken,
            "free": max(challenge.cap - taken, 0),
            "waiting": waiting,
            "mine": mine,
            "position": waiting.index(mine) + 1 if mine in waiting else None,
            "join_form": JoinForm(),
            "joinable": challenge.state in lifecycle.JOINABLE,
            "transitions": services.allowed_transitions(challenge, request.user),
            "betas": challenge.betas.select_related("commons").prefetch_related(
                "feedback__author"
            ),
            "beta_feedback_open": challenge.state in experiments.FEEDBACK_ON_BETAS,
            "what_next": what_next,
            "who_acts": who_acts,
            "missing": services.missing_to_form(challenge)
            if challenge.state == lifecycle.State.OPEN
            else [],
            "experiments": exps,
            "feedback_form": FeedbackForm(),
            "may_build": request.user.is_authenticated
            and challenge.state in experiments.BUILDING
            and experiments.may_build(request.user, challenge),
            "beta_form": BetaForm(prefix="beta"),
            "experiment_form": ExperimentForm(prefix="experiment"),
            "activity": activity.for_object(challenge)[:15],
            "matching": matching.for_challenge(challenge, limit=5)
            if request.user.is_authenticated
            and services.is_challenge_facilitator(request.user, challenge)
            else None,
        },
    )


@require_member
@require_POST
def challenge_join(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = get_object_or_404(Challenge, slug=slug, hidden=False)
    form = JoinForm(request.POST)
    role = form.cleaned_data["role"] if form.is_valid() else "field_actor"
    try:
        row = services.join_challenge(challenge, user=request.user, role=role)
    except services.CommunityError as error:
        messages.error(request, str(error))
    else:
        if row.status == "waiting":
            messages.info(
                request,
                _("The community is full: you are on the waiting list."),
            )
        else:
            messages.success(request, _("Welcome to this challenge."))
    return redirect(challenge)


@require_member
@require_POST
def challenge_leave(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = get_object_or_404(Challenge, slug=slug, hidden=False)
    mine = services.participation_of(request.user, challenge)
    if mine is None:
        messages.error(request, _("You are not taking part in this challenge."))
        return redirect(challenge)
    try:
        services.leave_challenge(mine, user=request.user)
    except services.CommunityError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("You have left this challenge."))
    return redirect(challenge)


@require_member
@require_POST
def challenge_transition(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = get_object_or_404(Challenge, slug=slug, hidden=False)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a state to move to."))
        return redirect(challenge)
    try:
        services.transition(
            challenge,
            user=request.user,
            target=form.cleaned_data["target"],
            reason=form.cleaned_data["reason"],
        )
    except services.CommunityError as error:
        messages.error(request, str(error))
    except ValidationError as error:
        _messages(request, error)
    else:
        messages.success(
            request,
            _("The challenge is now %(state)s.")
            % {"state": challenge.get_state_display()},
        )
    return redirect(challenge)


@require_member
@require_POST
def feedback_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    experiment = get_object_or_404(
        Experiment, pk=pk, challenge__slug=slug, challenge__hidden=False
    )
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            experiments.add_feedback(experiment, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _messages(request, error)
        else:
            messages.success(request, _("Thank you for your feedback."))
    return redirect(experiment.challenge)


@require_member
@require_POST
def beta_feedback_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    beta = get_object_or_404(
        BetaVersion.objects.select_related("challenge"),
        pk=pk,
        challenge__slug=slug,
        challenge__hidden=False,
    )
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(beta.challenge)
    try:
        experiments.add_beta_feedback(beta, user=request.user, **form.cleaned_data)
    except services.CommunityError as error:
        messages.error(request, str(error))
    except ValidationError as error:
        _messages(request, error)
    else:
        messages.success(request, _("Thank you for your feedback."))
    return redirect(beta.challenge)


def _form_errors(request: HttpRequest, form: Any) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


@require_member
@require_POST
def beta_add(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = get_object_or_404(Challenge, slug=slug, hidden=False)
    form = BetaForm(request.POST, prefix="beta")
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(challenge)
    data = form.cleaned_data
    commons = None
    new_commons = None
    if data["commons"]:
        commons = Commons.objects.filter(slug=data["commons"], hidden=False).first()
        if commons is None:
            messages.error(
                request,
                _("No commons with the slug “%(slug)s”.") % {"slug": data["commons"]},
            )
            return redirect(challenge)
    else:
        new_commons = {
            "title": data["new_title"],
            "summary": data["new_summary"],
            "kind": data["new_kind"] or "software",
        }
    try:
        experiments.post_beta(
            challenge,
            user=request.user,
            title=data["title"],
            description=data["description"],
            url=data["url"],
            commons=commons,
            new_commons=new_commons,
        )
    except services.CommunityError as error:
        messages.error(request, str(error))
    except ValidationError as error:
        _messages(request, error)
    else:
        messages.success(request, _("Your beta version is posted."))
    return redirect(challenge)


@require_member
@require_POST
def experiment_add(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = get_object_or_404(Challenge, slug=slug, hidden=False)
    form = ExperimentForm(request.POST, prefix="experiment")
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(challenge)
    try:
        experiments.create_experiment(
            challenge,
            user=request.user,
            data=form.cleaned_data,
            beta=challenge.betas.order_by("-created", "-id").first(),
        )
    except services.CommunityError as error:
        messages.error(request, str(error))
    except ValidationError as error:
        _messages(request, error)
    else:
        messages.success(request, _("The experiment is set up."))
    return redirect(challenge)


def challenge_matching(request: HttpRequest, slug: str) -> HttpResponse:
    """Facilitators' page: people and actors who could join, and why."""
    challenge = get_object_or_404(
        Challenge.objects.select_related("need__domain", "subdomain"),
        slug=slug,
        hidden=False,
    )
    if not (
        request.user.is_authenticated
        and services.is_challenge_facilitator(request.user, challenge)
    ):
        raise Http404
    return render(
        request,
        "community/matching.html",
        {
            "challenge": challenge,
            "matching": matching.for_challenge(challenge, limit=30),
        },
    )


class TaxonomySkillsForm(forms.Form):
    """Pick one's skills from the taxonomy (grouped by family)."""

    skills = forms.MultipleChoiceField(
        label=_("My skills"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, language: str = "fr", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skills"].choices = skills.choices(language)  # type: ignore[attr-defined]


@require_member
def for_me(request: HttpRequest) -> HttpResponse:
    """Challenges and needs suggested to the signed-in person, and why; the
    person may pick their skills from the taxonomy here."""
    from django.utils.translation import get_language

    from fabrique.accounts.forms import MAX_SKILLS

    language = get_language() or "fr"
    user: Any = request.user
    form = TaxonomySkillsForm(
        request.POST or None,
        language=language,
        initial={"skills": skills.codes_for(user.skills or [])},
    )
    if request.method == "POST" and form.is_valid():
        merged = skills.merge(user.skills or [], form.cleaned_data["skills"], language)
        if len(merged) > MAX_SKILLS:
            messages.error(
                request,
                _("At most %(max)d skills; you gave %(count)d.")
                % {"max": MAX_SKILLS, "count": len(merged)},
            )
        else:
            user.skills = merged
            user.save(update_fields=["skills"])
            messages.success(request, _("Your skills are saved."))
            return redirect("community:for_me")
    return render(
        request,
        "community/matching_person.html",
        {
            "suggested": matching.for_person(user, limit=20),
            "invitations": list(invitations.for_user(user)[:50]),
            "opted_out": invitations.opted_out(user),
            "skills_form": form,
            "families": skills.taxonomy(),
            "picked": set(form["skills"].value() or []),
            "language": language,
        },
    )


# Acting on suggestions -------------------------------------------------------


class InvitationForm(forms.Form):
    username = forms.CharField(max_length=150)
    role = forms.ChoiceField(
        label=_("Invite as"),
        choices=[
            (role, Participation.Role(role).label)
            for role in invitations.INVITABLE_ROLES
        ],
    )
    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=invitations.MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@require_member
@require_POST
def challenge_invite(request: HttpRequest, slug: str) -> HttpResponse:
    """A facilitator invites a suggested person to join the challenge."""
    from django.contrib.auth import get_user_model

    challenge = get_object_or_404(
        Challenge.objects.select_related("need__domain"), slug=slug, hidden=False
    )
    if not services.is_challenge_facilitator(request.user, challenge):
        raise Http404
    back = request.POST.get("next") or ""
    target = (
        back
        if back.startswith("/") and not back.startswith("//")
        else challenge.get_absolute_url()
    )
    form = InvitationForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(target)
    person = (
        get_user_model()
        .objects.filter(
            username=form.cleaned_data["username"], is_active=True, deleted=False
        )
        .first()
    )
    if person is None:
        messages.error(request, _("No such person."))
        return redirect(target)
    try:
        invitations.invite(
            challenge,
            by=request.user,
            user=person,
            role=form.cleaned_data["role"],
            message=form.cleaned_data["message"],
        )
    except services.CommunityError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(name)s is invited; they will answer from their page.")
            % {"name": person.public_name},
        )
    return redirect(target)


@require_member
@require_POST
def invitation_answer(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The invited person accepts or declines."""
    if action not in ("accepter", "decliner"):
        raise Http404
    invitation = get_object_or_404(
        Invitation.objects.select_related("challenge"),
        pk=pk,
        user=request.user,
        challenge__hidden=False,
    )
    try:
        participation = invitations.answer(
            invitation, user=request.user, accept=action == "accepter"
        )
    except services.CommunityError as error:
        messages.error(request, str(error))
        return redirect("community:for_me")
    if participation is None:
        messages.success(request, _("You declined the invitation."))
        return redirect("community:for_me")
    if participation.status == Participation.Status.WAITING:
        messages.success(
            request, _("The challenge is full: you are on its waiting list.")
        )
    else:
        messages.success(request, _("Welcome to the challenge!"))
    return redirect(invitation.challenge)


@require_member
@require_POST
def suggestions_opt_out(request: HttpRequest) -> HttpResponse:
    """Stop, or start again, being suggested to facilitators."""
    out = request.POST.get("out") == "1"
    invitations.set_opt_out(request.user, out=out)
    messages.success(
        request,
        _("Facilitators will no longer see you among their suggestions.")
        if out
        else _("Facilitators may see you among their suggestions again."),
    )
    return redirect("community:for_me")
