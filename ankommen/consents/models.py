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

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from ankommen.consents.choices import DataCategory, Form, Purpose
from ankommen.participants.choices import Language


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
    document = models.FileField(_("signed document"), upload_to="consents/%Y/", blank=True)
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

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.given_on:%d.%m.%Y})"

    @property
    def audit_subject(self) -> str:
        return f"participant:{self.participant_id}"

    def is_valid_on(self, day: dt.date) -> bool:
        return (
            self.revoked_at is None and self.given_on <= day and (self.valid_until is None or self.valid_until >= day)
        )

    @property
    def category_labels(self) -> list[str]:
        labels = dict(DataCategory.choices)
        return [str(labels.get(code, code)) for code in self.data_categories]

    def get_language_display(self) -> str:
        return str(dict(Language.choices).get(self.language, self.language))
