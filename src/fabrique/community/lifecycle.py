"""The lifecycle of a micro-challenge, as data.

proposed → open → community formed → beta in production → experimenting →
delivered, or closed (with a reason) from any state before delivery. Each
allowed transition names who may make it; every other move is refused with a
message naming the current state and the moves allowed from it.

``TRANSITIONS`` is the one table the services, the pages (which buttons to
show) and the API read.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    OPEN = "open", _("open")
    FORMED = "formed", _("community formed")
    BETA = "beta", _("beta in production")
    EXPERIMENTING = "experimenting", _("experimenting")
    DELIVERED = "delivered", _("delivered")
    CLOSED = "closed", _("closed")


class Who(models.TextChoices):
    """Who may make a transition (any of the listed may)."""

    FACILITATOR = "facilitator", _("a facilitator")
    HOLDER = "holder", _("the holder")
    ADMIN = "admin", _("an administrator")


@dataclass(frozen=True)
class Transition:
    source: State
    target: State
    who: frozenset[Who]
    label: str  # the button's wording (translatable, lazy)
    needs_reason: bool = False
    needs_commons: bool = False


_F, _H, _A = Who.FACILITATOR, Who.HOLDER, Who.ADMIN
_ALL = frozenset({_F, _H, _A})
_CLOSABLE = (State.PROPOSED, State.OPEN, State.FORMED, State.BETA, State.EXPERIMENTING)

TRANSITIONS: tuple[Transition, ...] = (
    Transition(State.PROPOSED, State.OPEN, frozenset({_F, _A}), _("Open to members")),
    Transition(State.OPEN, State.FORMED, _ALL, _("Mark the community as formed")),
    Transition(State.FORMED, State.OPEN, frozenset({_F, _A}), _("Reopen to members")),
    Transition(State.FORMED, State.BETA, _ALL, _("Put a beta in production")),
    Transition(State.BETA, State.EXPERIMENTING, _ALL, _("Start experimenting")),
    Transition(
        State.EXPERIMENTING, State.BETA, _ALL, _("Back to the beta for changes")
    ),
    Transition(
        State.EXPERIMENTING,
        State.DELIVERED,
        frozenset({_F, _A}),
        _("Deliver as a commons"),
        needs_commons=True,
    ),
    *(
        Transition(
            source,
            State.CLOSED,
            frozenset({_F, _A}),
            _("Close"),
            needs_reason=True,
        )
        for source in _CLOSABLE
    ),
)

#: Where a challenge may start, and the states that end its life.
INITIAL = State.PROPOSED
FINAL = frozenset({State.DELIVERED, State.CLOSED})
#: States in which people may join (or wait for a seat).
JOINABLE = frozenset({State.OPEN, State.FORMED, State.BETA, State.EXPERIMENTING})


#: For each state: what happens next, and who acts (shown on the challenge's
#: page so every participant knows the way on). ``%(minimum)s`` is the
#: instance's minimum to form a community.
NEXT_STEPS: dict[str, tuple[str, str]] = {
    State.PROPOSED: (
        _("A facilitator opens the challenge; then field actors and makers join."),
        _("a facilitator of the domain"),
    ),
    State.OPEN: (
        _(
            "Field actors and makers join. Once at least %(minimum)s take part, "
            "the community can be declared formed."
        ),
        _("the people who join; then the holder or a facilitator"),
    ),
    State.FORMED: (
        _("A maker posts a beta version; then the beta can be put in production."),
        _("the makers; then the holder or a facilitator"),
    ),
    State.BETA: (
        _(
            "Anyone signed in tries the beta and says how it went; makers set up "
            "an experiment in real use with field actors, then experimenting starts."
        ),
        _("everyone who tries the beta; the makers; the holder or a facilitator"),
    ),
    State.EXPERIMENTING: (
        _(
            "Field actors try the beta in real use and leave feedback; once the "
            "success criteria are met, a facilitator delivers it as a commons."
        ),
        _("the field actors; then a facilitator"),
    ),
    State.DELIVERED: (
        _("The challenge is over: what it produced lives on as a commons."),
        _("the commons' community"),
    ),
    State.CLOSED: (
        _("The challenge is closed; the reason is given on this page."),
        _("nobody: a new challenge may take the need up again"),
    ),
}


def next_step(state: str, **values: str) -> tuple[str, str]:
    """What happens next after ``state`` and who acts, as sentences."""
    what, who = NEXT_STEPS[state]
    return str(what) % values if "%(" in str(what) else str(what), str(who)


def transitions_from(state: str) -> list[Transition]:
    """The transitions allowed from ``state``, in table order."""
    return [t for t in TRANSITIONS if t.source == state]


def find(source: str, target: str) -> Transition | None:
    """The transition ``source`` → ``target``, or None if it is not allowed."""
    for transition in TRANSITIONS:
        if transition.source == source and transition.target == target:
            return transition
    return None


def label(state: str) -> str:
    """The human name of ``state`` (the code itself if unknown)."""
    try:
        return str(State(state).label)
    except ValueError:
        return state
