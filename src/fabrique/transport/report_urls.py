"""Report, rule catalogue and on-demand validation pages."""

from django.urls import path

from fabrique.transport import reports

urlpatterns = [
    path("transport/regles/", reports.rules, name="rules"),
    path(
        "transport/versions/<int:pk>/rapport/",
        reports.version_report,
        name="report",
    ),
    path(
        "transport/versions/<int:pk>/rapport/exemples/<slug:code>/",
        reports.version_samples,
        name="report_samples",
    ),
    path(
        "transport/versions/<int:pk>/rapport/report.json",
        reports.version_report_json,
        name="report_json",
    ),
    path(
        "transport/versions/<int:pk>/rapport/report.html",
        reports.version_report_html,
        name="report_html",
    ),
    path("transport/valider/", reports.validate, name="validate"),
    path("transport/valider/<uuid:job_id>/", reports.job, name="job"),
    path(
        "transport/valider/<uuid:job_id>/exemples/<slug:code>/",
        reports.job_samples,
        name="job_samples",
    ),
    path(
        "transport/valider/<uuid:job_id>/report.json",
        reports.job_report_json,
        name="job_report_json",
    ),
    path(
        "transport/valider/<uuid:job_id>/report.html",
        reports.job_report_html,
        name="job_report_html",
    ),
]
