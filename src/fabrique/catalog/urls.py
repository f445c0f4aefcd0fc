from django.urls import path

from fabrique.catalog.views import actors, commons, listing, themes

app_name = "catalog"

urlpatterns = [
    path("communs/", listing.commons_list, name="commons_list"),
    path("communs/<slug:slug>/", commons.commons_detail, name="commons"),
    path("acteurs/<slug:slug>/", actors.actor_detail, name="actor"),
    path("themes/<slug:slug>/", themes.theme_detail, name="theme"),
]
