from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "fabrique.community"
    label = "community"
    verbose_name = _("Challenges and communities")

    def ready(self) -> None:
        from fabrique.community import rules, search, verbs  # noqa: F401

        rules.register()
        verbs.register()

        from fabrique.catalog import feeds

        feeds.TAKES_PART_IN.append(_challenges_joined)


def _challenges_joined(user: object) -> tuple[type, list[int]]:
    """The challenges ``user`` takes part in or waits for: their feed follows them."""
    from fabrique.community.models import Challenge, Participation
    from fabrique.community.services import LIVE

    joined = Participation.objects.filter(user=user, status__in=LIVE)
    return Challenge, list(joined.values_list("challenge_id", flat=True))
