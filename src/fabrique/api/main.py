"""The JSON API under /api/1/ (django-ninja).

Routers live next to what they serve (``fabrique.catalog.api``) or here for
the shared community objects; this module assembles them, installs the one
error envelope and serves the OpenAPI schema with a docs page whose assets
come from the installed ``ninja`` package (no CDN).
"""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger

from fabrique.api import activity, community, discussions
from fabrique.api.errors import error_response, install_handlers
from fabrique.catalog import api as catalog_api
from fabrique.catalog import imports_api
from fabrique.catalog.services import CatalogError, MembershipError
from fabrique.community import api as community_api
from fabrique.core.discussions import DiscussionError
from fabrique.core.search import SearchError
from fabrique.notifications import api as notifications_api
from fabrique.places import api as places_api
from fabrique.projects import api as projects_api
from fabrique.projects import ecosystem_api
from fabrique.transport import api as transport_api
from fabrique.transport import realtime_api, validation_api
from fabrique.vehicles import api as vehicles_api


class Docs(Swagger):
    """Swagger UI inside the site's chrome: a way back, words in the visitor's
    language (Swagger UI itself speaks only English)."""

    template = "api/docs.html"


api = NinjaAPI(
    title="Fabrique API",
    version="1",
    description=(
        "Open API of the Fabrique mobility commons platform.\n\n"
        "Reads are public. Writes need a personal API token "
        "(`Authorization: Bearer fab_…`, created on your profile page) or, "
        "for the site's own pages, a signed-in session with its CSRF token. "
        "Lists answer `{data, page, page_size, total, next_page, "
        "previous_page}`; every error answers "
        '`{"error": {"code", "message", "details"}}`. '
        "Edits carry the `base_revision` they start from: a stale one gets a "
        "409 with the current revision number."
    ),
    urls_namespace="api",
    docs=Docs(settings={"persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_handlers(api)


@api.exception_handler(MembershipError)
def on_membership_error(request: HttpRequest, exc: MembershipError) -> HttpResponse:
    return error_response(409, str(exc), code="membership_state")


@api.exception_handler(CatalogError)
def on_catalog_error(request: HttpRequest, exc: CatalogError) -> HttpResponse:
    return error_response(422, str(exc))


@api.exception_handler(SearchError)
def on_search_error(request: HttpRequest, exc: SearchError) -> HttpResponse:
    return error_response(
        422,
        "Some fields are invalid.",
        details=[{"field": exc.field, "message": str(exc), "type": "value_error"}],
    )


@api.exception_handler(DiscussionError)
def on_discussion_error(request: HttpRequest, exc: DiscussionError) -> HttpResponse:
    return error_response(422, str(exc))


api.add_router("", catalog_api.router)
api.add_router("", imports_api.router)
api.add_router("", community.router)
api.add_router("", discussions.router)
api.add_router("", activity.router)
api.add_router("", community_api.router)
api.add_router("", projects_api.router)
api.add_router("", ecosystem_api.router)
api.add_router("", notifications_api.router)
api.add_router("/geocoder/", places_api.router)
api.add_router("/transport/validations/", validation_api.router)
api.add_router("/transport/", transport_api.router)
api.add_router("/transport/", realtime_api.router)
api.add_router("", vehicles_api.router)
