from django.urls import path

from fabrique.notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/tout-lu/", views.mark_all_read, name="mark_all_read"),
    path("notifications/reglages/", views.preferences, name="preferences"),
    path("notifications/<int:pk>/lu/", views.mark_read, name="mark_read"),
]
