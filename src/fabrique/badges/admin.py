from typing import Any

from django.contrib import admin

from fabrique.badges import issuing
from fabrique.badges.models import (
    Award,
    BadgeClass,
    Endorsement,
    Issuer,
    Nomination,
    PinnedDocument,
    SigningKey,
)


@admin.register(Issuer)
class IssuerAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "actor")
    raw_id_fields = ("actor",)
    actions = ["rotate_keys"]

    @admin.action(description="Rotate the signing key (old keys stay listed)")
    def rotate_keys(self, request: Any, queryset: Any) -> None:
        for issuer in queryset:
            issuing.rotate_key(issuer)


@admin.register(SigningKey)
class SigningKeyAdmin(admin.ModelAdmin):
    list_display = ("issuer", "fragment", "active", "created", "retired")
    readonly_fields = ("public_multikey",)
    exclude = ("secret_multikey",)


@admin.register(BadgeClass)
class BadgeClassAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "issuer", "rule", "nominations_open")
    list_filter = ("kind", "rule")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ("badge", "recipient", "via", "issued", "accepted", "revoked")
    list_filter = ("via", "accepted")
    raw_id_fields = ("recipient", "awarded_by", "revoked_by", "commons", "challenge")


admin.site.register(Nomination)
admin.site.register(Endorsement)
admin.site.register(PinnedDocument)
