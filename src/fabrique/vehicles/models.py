"""Modular open vehicles (SPEC §1 "Open hardware platforms").

A :class:`Module` is the vehicle profile of a hardware commons (its page,
community, revisions and licence stay the commons'); its :class:`Port`\\ s
name an :class:`InterfaceType`, itself documented by a knowledge commons. A
:class:`Configuration` is a vehicle: a platform and modules linked port to
port, saved as a hardware commons of its own so it can be shared and forked.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fabrique.catalog.models import Commons


class Category(models.TextChoices):
    MECHANICAL = "mechanical", _("mechanical")
    ELECTRICAL = "electrical", _("electrical")
    DATA = "data", _("data")


class ModuleKind(models.TextChoices):
    PLATFORM = "platform", _("chassis / platform")
    DRIVE = "drive", _("drive")
    BATTERY = "battery", _("battery")
    CHARGER = "charger", _("charger")
    BODY = "body", _("body")
    SEAT = "seat", _("seat")
    CARGO = "cargo", _("cargo box")
    LIGHTING = "lighting", _("lighting")
    BRAKES = "brakes", _("brakes")
    CONTROLLER = "controller", _("controller")
    CONVERTER = "converter", _("converter")
    ADAPTER = "adapter", _("adapter")


class Role(models.TextChoices):
    HOST = "host", _("host (supplies or carries)")
    GUEST = "guest", _("guest (draws or is carried)")
    PEER = "peer", _("peer (shared bus)")


class InterfaceType(models.Model):
    """A versioned interface; ``parameters`` lists ``{name, unit, rule}``."""

    key = models.SlugField(_("key"), max_length=60)
    version = models.CharField(_("version"), max_length=20, default="1.0")
    category = models.CharField(_("category"), max_length=12, choices=Category)
    title = models.CharField(_("title"), max_length=200)
    parameters = models.JSONField(_("parameters"), default=list)
    # Parts every link of this type adds to a bill of materials (connectors,
    # bolts): ``{reference, name, quantity, unit, unit_cost, unit_mass}``.
    link_parts = models.JSONField(_("parts per link"), default=list, blank=True)
    source = models.TextField(_("source"), blank=True)
    commons = models.OneToOneField(
        Commons,
        on_delete=models.PROTECT,
        related_name="interface_type",
        verbose_name=_("documentation commons"),
    )

    class Meta:
        ordering = ["category", "key", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "version"], name="vehicles_interface_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.version}"

    @property
    def ref(self) -> str:
        return f"{self.key}@{self.version}"


class Module(models.Model):
    """The vehicle profile of a hardware commons."""

    commons = models.OneToOneField(
        Commons, on_delete=models.CASCADE, related_name="vehicle_module"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ModuleKind)
    mass = models.FloatField(_("mass"), default=0)
    mass_unit = models.CharField(_("mass unit"), max_length=10, default="kg")
    cost = models.DecimalField(_("cost"), max_digits=10, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    functions = models.JSONField(_("functions"), default=list, blank=True)
    # Platforms: the mass they carry and the functions a vehicle on them needs.
    load_rating = models.FloatField(_("load rating"), null=True, blank=True)
    load_rating_unit = models.CharField(max_length=10, default="kg", blank=True)
    required_functions = models.JSONField(
        _("required functions"), default=list, blank=True
    )
    demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["kind", "commons__title"]
        indexes = [models.Index(fields=["kind"])]

    def __str__(self) -> str:
        return self.commons.title

    def get_absolute_url(self) -> str:
        return reverse("vehicles:module", args=[self.commons.slug])

    @property
    def slug(self) -> str:
        return self.commons.slug


class Part(models.Model):
    """A line of a module's own bill of materials."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="parts")
    reference = models.CharField(_("reference"), max_length=100)
    name = models.CharField(_("name"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=10, default="pcs")
    unit_cost = models.DecimalField(
        _("unit cost"), max_digits=10, decimal_places=2, default=0
    )
    unit_mass = models.FloatField(_("unit mass (kg)"), default=0)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["module", "pk"]

    def __str__(self) -> str:
        return f"{self.quantity} {self.unit} {self.name}"


class Port(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="ports")
    name = models.SlugField(_("name"), max_length=60)
    interface = models.ForeignKey(
        InterfaceType, on_delete=models.PROTECT, related_name="ports"
    )
    role = models.CharField(_("role"), max_length=6, choices=Role)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    links = models.PositiveSmallIntegerField(
        _("links"), default=1, help_text="0 for any number (a bus)"
    )

    class Meta:
        ordering = ["module", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["module", "name"], name="vehicles_port_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.module_id}.{self.name}"


class Configuration(models.Model):
    """A vehicle: ``items`` maps a key to a module slug, ``links`` lists
    ``[a, a_port, b, b_port]``; the platform is item ``platform``."""

    commons = models.OneToOneField(
        Commons, on_delete=models.CASCADE, related_name="vehicle_configuration"
    )
    items = models.JSONField(default=dict)
    links = models.JSONField(default=list)
    payload = models.FloatField(_("payload (kg)"), default=0)
    required_functions = models.JSONField(default=list, blank=True)
    forked_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forks",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="vehicle_configurations",
    )
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated"]

    def __str__(self) -> str:
        return self.commons.title

    def get_absolute_url(self) -> str:
        return reverse("vehicles:configuration", args=[self.commons.slug])

    @property
    def slug(self) -> str:
        return self.commons.slug
