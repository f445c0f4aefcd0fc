from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from fabrique.notifications.services import unread_count


def unread(request: HttpRequest) -> dict[str, object]:
    """The signed-in person's unread notifications, counted only when shown."""
    user = getattr(request, "user", None)
    return {"UNREAD_NOTIFICATIONS": SimpleLazyObject(lambda: unread_count(user))}
