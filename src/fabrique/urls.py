from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path

from fabrique.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("fabrique.core.urls")),
    path("", include("fabrique.catalog.urls")),
    path("accounts/", include("fabrique.accounts.urls")),
    path("api/1/", include("fabrique.api.urls")),
    path("", include("fabrique.places.urls")),
    path("", include("fabrique.community.urls")),
    path("", include("fabrique.transport.urls")),
    path("", include("fabrique.projects.urls")),
    path("", include("fabrique.projects.ecosystem_urls")),
    path("", include("fabrique.notifications.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# A failure on full storage is a 503 that says so, not a bare 500.
handler500 = "fabrique.core.storage.server_error"
