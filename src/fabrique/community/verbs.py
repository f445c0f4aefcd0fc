"""How the community's activity verbs read in an activity stream."""

from typing import Any

from django.utils.translation import gettext_lazy as _

VERBS = {
    "domain_joined": _("joined the domain"),
    "domain_left": _("left the domain"),
    "domain_role": _("changed a member's role"),
    "need_carried": _("carries this need"),
    "subdomain_added": _("added a sub-domain"),
    "challenge_joined": _("joined the challenge"),
    "challenge_waiting": _("joined the waiting list"),
    "challenge_left": _("left the challenge"),
    "challenge_promoted": _("got a seat from the waiting list"),
    "challenge_transition": _("moved the challenge on"),
    "beta_posted": _("posted a beta version"),
    "experiment_created": _("set up an experiment"),
    "experiment_results": _("recorded the results of an experiment"),
    "feedback_added": _("left feedback on an experiment"),
    "beta_feedback_added": _("left feedback on a beta version"),
    "split_requested": _("asked for this need to be split"),
    "split_declined": _("declined to split this need"),
    "challenge_invited": _("invited you to join the challenge"),
}


def _transition_summary(entry: Any) -> str:
    """A challenge's move from one state to the next, in the reader's language."""
    from fabrique.community.lifecycle import label

    return f"{label(entry.data['from'])} → {label(entry.data['to'])}"


def register() -> None:
    """Add these wordings to the site's activity stream."""
    from fabrique.core import activity

    for verb, wording in VERBS.items():
        activity.VERBS.setdefault(verb, wording)
    activity.SUMMARIES.setdefault("challenge_transition", _transition_summary)
