from django.urls import path
from django.views.generic import TemplateView

from fabrique.core import moderation_views, views

app_name = "core"

urlpatterns = [
    path(
        "charte/",
        TemplateView.as_view(template_name="core/charter.html"),
        name="charter",
    ),
    path("favicon.ico", views.favicon, name="favicon"),
    path("apercu/", views.markdown_preview, name="markdown_preview"),
    path("activite/", views.activity_stream, name="activity"),
    path("fil/", views.feed, name="feed"),
    path("signaler/<str:label>/<int:pk>/", moderation_views.report, name="report"),
    path("moderation/", moderation_views.queue, name="moderation"),
    path(
        "moderation/<str:label>/<int:pk>/",
        moderation_views.act,
        name="moderation_act",
    ),
    path("moderation/journal/", moderation_views.audit_log, name="audit_log"),
]
