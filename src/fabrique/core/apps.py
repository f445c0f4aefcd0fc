from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "fabrique.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Register the indexable types: their saves and deletes update search.
        # Reads go on when the disk is full (fabrique.core.storage).
        from django.db.backends.signals import connection_created

        from fabrique.core import presave
        from fabrique.core.search import catalogue  # noqa: F401
        from fabrique.core.storage import keep_wal_files

        # First of all pre_save receivers (this application is the first).
        presave.connect()

        connection_created.connect(keep_wal_files, dispatch_uid="keep-wal-files")
