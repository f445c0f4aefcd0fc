import re

from django.conf import settings
from django.urls import include, path, re_path

from fabrique.core import media
from fabrique.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("fabrique.core.urls")),
    path("", include("fabrique.catalog.urls")),
    path("accounts/", include("fabrique.accounts.urls")),
    path("accounts/", include("fabrique.accounts.allauth_urls")),
    path("api/1/", include("fabrique.api.urls")),
    path("", include("fabrique.places.urls")),
    path("", include("fabrique.community.urls")),
    path("", include("fabrique.transport.urls")),
    path("", include("fabrique.projects.urls")),
    path("", include("fabrique.projects.ecosystem_urls")),
    path("", include("fabrique.notifications.urls")),
    path("", include("fabrique.federation.urls")),
    path("", include("fabrique.vehicles.urls")),
    path("", include("fabrique.badges.urls")),
]

if settings.IDP_ENABLED:
    # The instance as OpenID provider: /.well-known/openid-configuration,
    # /.well-known/jwks.json, /identity/o/authorize …
    urlpatterns.append(path("", include("allauth.idp.urls")))

if settings.SERVE_MEDIA:
    # Uploaded images, in production too (FABRIQUE_SERVE_MEDIA=0 when a
    # reverse proxy serves them).
    urlpatterns.append(
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.strip('/'))}/(?P<path>.+)$",
            media.media,
            name="media",
        )
    )

# A failure on full storage is a 503 that says so, not a bare 500.
handler500 = "fabrique.core.storage.server_error"
