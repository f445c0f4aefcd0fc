from django.urls import path
from django.views.generic import TemplateView

app_name = "core"

urlpatterns = [
    path(
        "charte/",
        TemplateView.as_view(template_name="core/charter.html"),
        name="charter",
    ),
]
