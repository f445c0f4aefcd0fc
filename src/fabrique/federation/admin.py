from django.contrib import admin

from fabrique.federation.models import (
    HarvestRun,
    HarvestSource,
    RemoteCommons,
    RemoteInstance,
)


@admin.register(HarvestSource)
class HarvestSourceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "url", "every_seconds", "enabled", "next_run")
    list_filter = ("kind", "enabled")
    readonly_fields = ("cursor", "instance")


@admin.register(HarvestRun)
class HarvestRunAdmin(admin.ModelAdmin):
    list_display = (
        "source", "started", "dry_run", "created", "updated", "unchanged",
        "deleted", "requests", "bytes", "duration", "stopped",
    )  # fmt: skip
    list_filter = ("source", "dry_run")


@admin.register(RemoteInstance)
class RemoteInstanceAdmin(admin.ModelAdmin):
    list_display = ("url", "name", "region", "healthy", "checked")


@admin.register(RemoteCommons)
class RemoteCommonsAdmin(admin.ModelAdmin):
    list_display = ("origin_uri", "origin_instance", "source", "last_seen")
    search_fields = ("origin_uri",)
