"""Case conferences (Fallkonferenzen, issue [C], DOMAIN §4.2): several organisations discuss one
case, write minutes and decisions and agree action items.

A conference belongs to a case and is organised by the organisation that owns the case. It is
anonymised by default: its pages, minutes and exports show the case's pseudonym
(``CasePseudonym``, a neutral code such as "Fall K-317") and never the person's name, birth date,
address, document numbers or references. It is shown with the name only while its ``mode`` is
``named`` *and* Schweigepflichtentbindungen in force name every participating organisation
(checked on every page and export, see ``presentation.py``).

Every table carries ``network`` (tenant key, django-scopes). Changes happen only in
``services.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from ankommen.conferences.choices import ActionStatus, Mode, Setting, Status

if TYPE_CHECKING:
    from ankommen.network.models import Organisation


def _scoped() -> ScopedManager:
    return ScopedManager(network="network")


class CasePseudonym(models.Model):
    """The neutral code under which a case is discussed in conferences, e.g. "K-317".

    Drawn at random (not from a counter, which would tell the order of cases) from letters that
    are not initials of the case's people, and kept for the case's later conferences so that
    follow-up conferences speak of the same "case K-317"."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="conference_pseudonym")
    code = models.CharField(_("pseudonym"), max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("case pseudonym")
        verbose_name_plural = _("case pseudonyms")
        constraints = [models.UniqueConstraint(fields=["network", "code"], name="case_pseudonym_unique_code")]

    def __str__(self) -> str:
        return self.code


class Conference(models.Model):
    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="conferences")
    organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organised by"),
    )
    pseudonym = models.CharField(_("pseudonym"), max_length=12, editable=False)
    scheduled_at = models.DateTimeField(_("date and time"))
    setting = models.CharField(_("form"), max_length=12, choices=Setting.choices, default=Setting.IN_PERSON)
    place = models.CharField(
        _("place or video room"),
        max_length=200,
        help_text=_("A meeting room or the link to the video room. Not the participant's address."),
    )
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices, default=Mode.ANONYMISED)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    minutes = models.TextField(_("minutes"), blank=True)
    organisations: models.ManyToManyField[Organisation, ConferenceOrganisation] = models.ManyToManyField(
        "network.Organisation",
        through="ConferenceOrganisation",
        related_name="+",
        verbose_name=_("participating organisations"),
    )
    held_at = models.DateTimeField(_("held"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("case conference")
        verbose_name_plural = _("case conferences")
        ordering = ["-scheduled_at", "-pk"]
        indexes = [models.Index(fields=["network", "case", "scheduled_at"], name="conference_case_date")]

    def __str__(self) -> str:
        return self.pseudonym

    @property
    def audit_subject(self) -> str:
        return self.case.audit_subject

    @property
    def is_cancelled(self) -> bool:
        return self.status == Status.CANCELLED

    @property
    def is_planned(self) -> bool:
        return self.status == Status.PLANNED


class ConferenceChild(models.Model):
    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE)

    objects = _scoped()

    class Meta:
        abstract = True


class ConferenceOrganisation(ConferenceChild):
    """A participating organisation (other than the organiser, who always takes part)."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="participations")
    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, related_name="conference_participations"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("participating organisation")
        verbose_name_plural = _("participating organisations")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "organisation"], name="conference_organisation_unique")
        ]
        indexes = [models.Index(fields=["network", "organisation"], name="conference_org_participation")]

    def __str__(self) -> str:
        return str(self.organisation_id)


class AgendaItem(ConferenceChild):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField(_("position"), default=1)
    title = models.CharField(_("topic"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class Decision(ConferenceChild):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(self.pk)


class ActionItem(ConferenceChild):
    """Something an organisation agreed to do, by a date. Shown in the owner organisation's list
    "Our action items" and on its start page."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="action_items")
    text = models.CharField(_("what is to be done"), max_length=500)
    owner = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        related_name="conference_action_items",
        verbose_name=_("responsible organisation"),
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=8, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["status", "due_on", "pk"]
        indexes = [models.Index(fields=["network", "owner", "status", "due_on"], name="action_item_owner_due")]

    def __str__(self) -> str:
        return str(self.pk)

    @property
    def is_done(self) -> bool:
        return self.status == ActionStatus.DONE

    def is_overdue(self, day: dt.date) -> bool:
        return not self.is_done and self.due_on < day
