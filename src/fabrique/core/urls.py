from django.urls import path
from django.views.generic import TemplateView

from fabrique.core import views

app_name = "core"

urlpatterns = [
    path(
        "charte/",
        TemplateView.as_view(template_name="core/charter.html"),
        name="charter",
    ),
    path("apercu/", views.markdown_preview, name="markdown_preview"),
]
