from django.urls import path

from fabrique.catalog import views

app_name = "catalog"

urlpatterns = [
    path("communs/", views.commons_list, name="commons_list"),
    path("communs/<slug:slug>/", views.commons_detail, name="commons"),
    path("acteurs/<slug:slug>/", views.actor_detail, name="actor"),
    path("themes/<slug:slug>/", views.theme_detail, name="theme"),
]
