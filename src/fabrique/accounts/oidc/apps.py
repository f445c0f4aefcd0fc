from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OIDCConfig(AppConfig):
    name = "fabrique.accounts.oidc"
    label = "accounts_oidc"
    verbose_name = _("OpenID Connect sign-in")
