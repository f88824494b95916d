"""Consents (Einwilligungen, Schweigepflichtentbindungen) of participants (issue [C], DOMAIN §4).

A consent names its purpose, the recipient organisations, the data categories, the language
version shown to the participant, its form (with the signed document), and when it was given,
until when it is valid and when it was revoked. It is recorded by the organisation that owns the
case (the controller) and usually belongs to one case.

Whether a consent is in force is computed on every request from the rows below (``queries.py``):
nothing caches it, so a revocation cuts access with the next request. Rows are never deleted;
a revocation is a timestamp, kept as proof (Art. 7 (1) GDPR).
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from ankommen.consents.choices import ConsentState, Form, Purpose, category_labels
from ankommen.participants.choices import Language


def document_path(instance: Consent, filename: str) -> str:
    """Where a signed document is stored below MEDIA_ROOT: a random name (never the uploaded file
    name, which often carries the person's name) with the extension of the checked content type.
    Served only through the access-checked download view, never under MEDIA_URL."""
    suffix = PurePosixPath(filename).suffix.lower()
    return f"consents/{instance.network_id}/{timezone.now():%Y}/{uuid.uuid4().hex}{suffix}"


class Consent(models.Model):
    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        related_name="recorded_consents",
        verbose_name=_("recorded by organisation"),
    )
    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.PROTECT,
        related_name="consents",
        verbose_name=_("given by"),
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("case"),
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    purpose_note = models.CharField(
        _("occasion"),
        max_length=300,
        blank=True,
        help_text=_("What exactly the consent is for, e.g. the conference or the application it concerns."),
    )
    recipients = models.ManyToManyField(
        "network.Organisation", related_name="received_consents", verbose_name=_("recipient organisations")
    )
    data_categories = models.JSONField(_("data categories"), default=list)
    language = models.CharField(
        _("language version shown"),
        max_length=10,
        help_text=_("The language of the consent text the participant read."),
    )
    form = models.CharField(_("form"), max_length=12, choices=Form.choices, default=Form.WRITTEN)
    document = models.FileField(_("signed document"), upload_to=document_path, blank=True, max_length=200)
    document_type = models.CharField(_("document type"), max_length=30, blank=True)
    document_size = models.PositiveIntegerField(_("document size (bytes)"), null=True, blank=True)
    document_sha256 = models.CharField(_("document checksum (SHA-256)"), max_length=64, blank=True)
    given_on = models.DateField(_("given on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revocation_note = models.CharField(_("note on the revocation"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(network="network")

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-pk"]
        indexes = [
            models.Index(fields=["network", "case", "purpose"], name="consent_case_purpose"),
            models.Index(fields=["network", "participant"], name="consent_participant"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("given_on")),
                name="consent_valid_until_after_given_on",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.given_on:%d.%m.%Y})"

    @property
    def audit_subject(self) -> str:
        return f"participant:{self.participant_id}"

    def is_valid_on(self, day: dt.date) -> bool:
        return (
            self.revoked_at is None and self.given_on <= day and (self.valid_until is None or self.valid_until >= day)
        )

    def state_on(self, day: dt.date) -> str:
        """Revoked, not yet or no longer valid, ended with its case's closure, or in force.
        Reads ``case`` (select it with the consent in lists)."""
        if self.revoked_at is not None:
            return ConsentState.REVOKED
        if self.given_on > day:
            return ConsentState.NOT_YET
        if self.valid_until is not None and self.valid_until < day:
            return ConsentState.EXPIRED
        if self.case is not None and self.case.is_closed:
            return ConsentState.CASE_CLOSED
        return ConsentState.IN_FORCE

    @property
    def state(self) -> str:
        return self.state_on(timezone.localdate())

    def get_state_display(self) -> str:
        return str(ConsentState(self.state).label)

    @property
    def in_force(self) -> bool:
        return self.state == ConsentState.IN_FORCE

    @property
    def category_labels(self) -> list[str]:
        return category_labels(self.data_categories)

    @property
    def download_name(self) -> str:
        """The file name offered on download: no personal data, just the consent's number."""
        suffix = PurePosixPath(self.document.name).suffix if self.document else ""
        return f"consent-{self.pk}{suffix}"

    def get_language_display(self) -> str:
        return str(dict(Language.choices).get(self.language, self.language))
