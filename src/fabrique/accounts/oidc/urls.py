from django.urls import path

from fabrique.accounts.oidc import views

# allauth includes these among its provider patterns (under /accounts/), by
# the names its own openid_connect provider uses.
urlpatterns = [
    path("oidc/<str:provider_id>/login/", views.login, name="openid_connect_login"),
    path(
        "oidc/<str:provider_id>/login/callback/",
        views.callback,
        name="openid_connect_callback",
    ),
]
