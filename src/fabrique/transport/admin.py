from django.contrib import admin

from fabrique.transport.models import Dataset, Resource, ValidationJob, Version


class ResourceInline(admin.TabularInline):
    model = Resource
    extra = 0
    fields = ("title", "format", "url", "fetch_every_hours", "next_fetch_at")


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ("__str__", "publisher", "coverage", "valid_until", "has_errors")
    list_filter = ("has_errors",)
    search_fields = ("commons__title", "coverage")
    raw_id_fields = ("commons", "publisher")
    inlines = [ResourceInline]


@admin.register(Version)
class VersionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "status", "errors", "warnings", "created")
    list_filter = ("status", "source")
    raw_id_fields = ("resource", "created_by")
    readonly_fields = ("sha256", "size", "summary", "diff")


@admin.register(ValidationJob)
class ValidationJobAdmin(admin.ModelAdmin):
    list_display = ("id", "status", "filename", "created", "expires_at")
    list_filter = ("status",)
