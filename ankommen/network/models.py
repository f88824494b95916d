"""The tenant (Network), its partner organisations and the memberships of users.

Every table that holds network data carries ``network`` so that it can later be
distributed by network (Citus, see docs/deploy.md) and so that django-scopes can
refuse queries that forget the tenant.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from ankommen.network.roles import NO_PERSONAL_DATA_ROLES, ROLE_PERMISSIONS, OrganisationType, Role, role_has_perm


class Network(models.Model):
    """One integration network (e.g. the Münster network). The tenant."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), unique=True)
    region = models.CharField(_("region"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="organisations")
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    type = models.CharField(_("type"), max_length=40, choices=OrganisationType.choices)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    joined_on = models.DateField(_("joined the network on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(network="network")

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "name"], name="organisation_unique_name_per_network"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name


class Membership(models.Model):
    """A user's role in one organisation. Services take the active membership as the actor."""

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(network="network")

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=models.Q(is_active=True),
                name="membership_unique_active_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} ({self.organisation})"

    def has_perm(self, perm: str) -> bool:
        return self.is_active and role_has_perm(self.role, perm)

    @property
    def permissions(self) -> frozenset[str]:
        return ROLE_PERMISSIONS.get(self.role, frozenset()) if self.is_active else frozenset()

    @property
    def may_see_personal_data(self) -> bool:
        return self.role not in NO_PERSONAL_DATA_ROLES


class InvitationState(models.TextChoices):
    PENDING = "pending", _("pending")
    ACCEPTED = "accepted", _("accepted")
    REVOKED = "revoked", _("withdrawn")
    EXPIRED = "expired", _("expired")


class Invitation(models.Model):
    """An invitation by e-mail to take a role in an organisation.

    Only the hash of the one-time token is stored; the token itself exists only in the
    e-mail. An invitation is single-use and expires after ``settings.INVITATION_DAYS``.
    """

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="invitations")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    language = models.CharField(
        _("language of the invitation"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("invited on"), auto_now_add=True)
    expires_at = models.DateTimeField(_("valid until"))
    accepted_at = models.DateTimeField(_("accepted on"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("withdrawn on"), null=True, blank=True)

    objects = ScopedManager(network="network")

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["network", "accepted_at", "revoked_at"], name="invitation_network_open")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} ({self.organisation})"

    def state_at(self, moment: dt.datetime) -> InvitationState:
        if self.accepted_at is not None:
            return InvitationState.ACCEPTED
        if self.revoked_at is not None:
            return InvitationState.REVOKED
        if self.expires_at <= moment:
            return InvitationState.EXPIRED
        return InvitationState.PENDING

    @property
    def state(self) -> InvitationState:
        return self.state_at(timezone.now())

    @property
    def is_open(self) -> bool:
        return self.state == InvitationState.PENDING
