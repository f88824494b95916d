"""Steering the network (issue [G], DOMAIN §1.3, §7): agreements and partners, bodies with members
and meetings, events, problem reports and the gap register.

No table here holds personal data of participants. Staff appear by their account (signatories,
members, registrations, owners of action items) or, for people outside the platform, by a name
typed in (a signatory, an external member of a working group); both are network-internal contact
data of professionals. ``ProblemReport`` is anonymous by construction (coarse groups, a count and a
checked vignette); the one made from a ``cases.SystemBarrier`` carries neither reporter nor
organisation and only the barrier's month.

Every table carries ``network`` (tenant key, django-scopes). Changes happen only in ``services/``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_scopes import ScopedManager

from ankommen.cases.choices import AgeBand, StatusGroup
from ankommen.participants.choices import Language
from ankommen.steering import scoring
from ankommen.steering.choices import (
    OPEN_ACTION_STATUSES,
    AccessBarrier,
    ActionStatus,
    AgreementKind,
    BenefitSystem,
    BodyKind,
    EventKind,
    EventStatus,
    Field,
    FundingSource,
    GapStatus,
    GapType,
    MeetingStatus,
    MemberFunction,
    PartnerRole,
    ReportSource,
    Topic,
)


def _scoped() -> ScopedManager:
    return ScopedManager(network="network")


def document_path(instance: Agreement, filename: str) -> str:
    """A random name below MEDIA_ROOT with the checked content's extension (never the uploaded
    name); served only through the access-checked download view."""
    suffix = PurePosixPath(filename).suffix.lower()
    return f"steering/{instance.network_id}/{timezone.now():%Y}/{uuid.uuid4().hex}{suffix}"


# --- agreements ------------------------------------------------------------------------------


class Agreement(models.Model):
    """A declaration of intent (Absichtserklärung, Letter of Intent) or a cooperation agreement."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=AgreementKind.choices)
    title = models.CharField(_("title"), max_length=200)
    purpose = models.TextField(_("purpose and content"), blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    renewal_on = models.DateField(
        _("renewal due on"),
        null=True,
        blank=True,
        help_text=_("The coordinators are reminded on their start page from 60 days before."),
    )
    document = models.FileField(_("document"), upload_to=document_path, blank=True, max_length=200)
    document_type = models.CharField(_("document type"), max_length=30, blank=True)
    document_size = models.PositiveIntegerField(_("document size (bytes)"), null=True, blank=True)
    document_sha256 = models.CharField(_("document checksum (SHA-256)"), max_length=64, blank=True)
    organisations = models.ManyToManyField(  # type: ignore[var-annotated]
        "network.Organisation", through="AgreementPartner", related_name="+", verbose_name=_("partners")
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on", "-pk"]
        indexes = [models.Index(fields=["network", "renewal_on"], name="agreement_renewal")]

    def __str__(self) -> str:
        return self.title

    @property
    def download_name(self) -> str:
        suffix = PurePosixPath(self.document.name).suffix if self.document else ""
        return f"agreement-{self.pk}{suffix}"

    def renewal_days(self, day: dt.date) -> int | None:
        """Days until the renewal (negative when overdue); None without a renewal date."""
        return None if self.renewal_on is None else (self.renewal_on - day).days


class AgreementPartner(models.Model):
    """An organisation's part in an agreement: its role and the day it joined (a later accession,
    like the Kreishandwerkerschaft's, has its own day)."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey("network.Organisation", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=20, choices=PartnerRole.choices, default=PartnerRole.PARTNER)
    joined_on = models.DateField(_("joined on"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("partner of an agreement")
        verbose_name_plural = _("partners of agreements")
        ordering = ["joined_on", "organisation__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "organisation"], name="agreement_partner_unique"),
        ]
        indexes = [models.Index(fields=["network", "joined_on"], name="agreement_partner_joined")]

    def __str__(self) -> str:
        return str(self.organisation_id)


class Signatory(models.Model):
    """A person who signed for a partner organisation (e.g. the Regierungspräsident)."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatories")
    organisation = models.ForeignKey("network.Organisation", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    function = models.CharField(_("function"), max_length=200, blank=True)
    signed_on = models.DateField(_("signed on"))

    objects = _scoped()

    class Meta:
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        ordering = ["signed_on", "pk"]

    def __str__(self) -> str:
        return self.name


# --- bodies, meetings, action items ----------------------------------------------------------


class Body(models.Model):
    """A steering group (Lenkungsgruppe), core group (Bündniskerngruppe), working or project group."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=BodyKind.choices)
    name = models.CharField(_("name"), max_length=200)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices, blank=True)
    remit = models.TextField(_("remit"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies and working groups")
        ordering = ["kind", "name", "pk"]
        constraints = [models.UniqueConstraint(fields=["network", "name"], name="body_unique_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_core_group(self) -> bool:
        return self.kind == BodyKind.CORE_GROUP


class BodyMember(models.Model):
    """A member: an organisation, a person with an account (``user``, usually with the organisation
    they represent) or a named person outside the platform (``person_name``)."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person_name = models.CharField(_("name of the person"), max_length=200, blank=True)
    function = models.CharField(_("function"), max_length=10, choices=MemberFunction.choices, default="member")
    joined_on = models.DateField(_("member since"))

    objects = _scoped()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["function", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | Q(user__isnull=False) | ~Q(person_name=""),
                name="body_member_is_someone",
            ),
            models.UniqueConstraint(
                fields=["body", "user"], condition=Q(user__isnull=False), name="body_member_unique_user"
            ),
            models.UniqueConstraint(
                fields=["body", "organisation"],
                condition=Q(user__isnull=True, person_name=""),
                name="body_member_unique_organisation",
            ),
        ]
        indexes = [
            models.Index(fields=["network", "user"], name="body_member_user"),
            models.Index(fields=["network", "organisation"], name="body_member_organisation"),
        ]

    def __str__(self) -> str:
        return str(self.pk)


class Meeting(models.Model):
    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="meetings")
    scheduled_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place or video room"), max_length=200)
    status = models.CharField(_("status"), max_length=12, choices=MeetingStatus.choices, default="planned")
    minutes = models.TextField(_("minutes"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-scheduled_at", "-pk"]
        indexes = [models.Index(fields=["network", "body", "scheduled_at"], name="meeting_body_date")]

    def __str__(self) -> str:
        return f"{self.body_id} {self.scheduled_at:%Y-%m-%d}"

    @property
    def is_planned(self) -> bool:
        return self.status == MeetingStatus.PLANNED

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED


class MeetingAgendaItem(models.Model):
    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField(_("position"), default=1)
    title = models.CharField(_("topic"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class MeetingDecision(models.Model):
    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(pgettext_lazy("steering", "decision"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = _scoped()

    class Meta:
        verbose_name = pgettext_lazy("steering", "decision")
        verbose_name_plural = _("decisions")
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(self.pk)


class NetworkActionItem(models.Model):
    """Something agreed in a meeting, owned by an organisation, a person with an account, or a
    named person outside the platform; shown on the owners' start page until it is done."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    text = models.CharField(_("what is to be done"), max_length=500)
    owner_organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible organisation"),
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    owner_name = models.CharField(_("responsible person outside the platform"), max_length=200, blank=True)
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices, default="open")
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_organisation__isnull=False) | Q(owner_user__isnull=False) | ~Q(owner_name=""),
                name="network_action_item_has_owner",
            ),
        ]
        indexes = [
            models.Index(fields=["network", "owner_organisation", "status"], name="action_owner_org"),
            models.Index(fields=["network", "owner_user", "status"], name="action_owner_user"),
        ]

    def __str__(self) -> str:
        return str(self.pk)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES

    def is_overdue(self, day: dt.date) -> bool:
        return self.is_open and self.due_on < day


# --- events ----------------------------------------------------------------------------------


class Event(models.Model):
    """A network event: kick-off, STARTER workshop, workshop, information day. Registrations are
    counted (people outside the platform) or named (staff with an account); attendance is a count."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200)
    organiser = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organised by")
    )
    hosts = models.ManyToManyField(  # type: ignore[var-annotated]
        "network.Organisation", blank=True, related_name="+", verbose_name=_("co-hosting organisations")
    )
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("agreement"),
        help_text=_("For example the agreement a new partner joins with this kick-off event."),
    )
    body = models.ForeignKey(
        Body, on_delete=models.SET_NULL, null=True, blank=True, related_name="events", verbose_name=_("body")
    )
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    registered_count = models.PositiveIntegerField(
        _("registrations counted"),
        default=0,
        help_text=_("Registrations of people without an account (e.g. by e-mail), as a number. No names."),
    )
    attendance_count = models.PositiveIntegerField(_("attendance"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=EventStatus.choices, default="planned")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["network", "starts_at"], name="event_date")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_planned(self) -> bool:
        return self.status == EventStatus.PLANNED


class EventRegistration(models.Model):
    """A staff member's registration for an event (name and organisation only)."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("network.Organisation", on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["registered_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="event_registration_unique")]

    def __str__(self) -> str:
        return str(self.pk)


# --- problem reports and the gap register ----------------------------------------------------


class ProblemReport(models.Model):
    """A Problemanzeige: a barrier seen in practice, for a sub-group, with anonymous evidence."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(_("number"))
    source = models.CharField(_("source"), max_length=20, choices=ReportSource.choices)
    event = models.ForeignKey(
        Event,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="problem_reports",
        verbose_name=_("from the workshop"),
    )
    field = models.CharField(_("field"), max_length=30, choices=Field.choices)
    life_domain = models.CharField(_("life domain"), max_length=20, blank=True)
    age_band = models.CharField(_("age group"), max_length=10, choices=AgeBand.choices, default=AgeBand.UNKNOWN)
    status_group = models.CharField(
        _("residence status group"), max_length=20, choices=StatusGroup.choices, default=StatusGroup.NONE
    )
    benefit_system = models.CharField(
        _("benefit system"), max_length=12, choices=BenefitSystem.choices, default=BenefitSystem.UNKNOWN
    )
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, blank=True)
    title = models.CharField(_("short title"), max_length=200)
    description = models.TextField(_("description of the problem"))
    case_count = models.PositiveIntegerField(_("number of anonymised cases"), default=0)
    vignette = models.TextField(_("short case vignette"), blank=True, max_length=1500)
    reported_on = models.DateField(_("reported on"))
    organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reporting organisation"),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Anonymous by construction on both sides: the barrier has no link to a case, and the hidden
    # reverse relation ("+") keeps SystemBarrier's own fields to the network alone.
    system_barrier = models.OneToOneField(
        "cases.SystemBarrier", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = _scoped()

    class Meta:
        verbose_name = _("problem report")
        verbose_name_plural = _("problem reports")
        ordering = ["-reported_on", "-number"]
        constraints = [models.UniqueConstraint(fields=["network", "number"], name="problem_report_unique_number")]
        indexes = [models.Index(fields=["network", "field", "reported_on"], name="problem_report_field")]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return f"P-{self.number:03d}"


class Gap(models.Model):
    """An entry of the gap register (Lückenregister, DOMAIN §7.2)."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    field = models.CharField(_("field"), max_length=30, choices=Field.choices)
    age_band = models.CharField(_("age group"), max_length=10, choices=AgeBand.choices, default=AgeBand.UNKNOWN)
    status_group = models.CharField(
        _("residence status group"), max_length=20, choices=StatusGroup.choices, default=StatusGroup.NONE
    )
    benefit_system = models.CharField(
        _("benefit system"), max_length=12, choices=BenefitSystem.choices, default=BenefitSystem.UNKNOWN
    )
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, blank=True)
    description = models.TextField(_("description"))
    gap_type = models.CharField(_("type of gap"), max_length=20, choices=GapType.choices, blank=True)
    access_barriers = models.JSONField(_("access barriers"), default=list, blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    proposed_measure = models.TextField(_("proposed measure"), blank=True)
    owner = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible organisation"),
    )
    body = models.ForeignKey(
        Body,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="gaps",
        verbose_name=_("working group"),
    )
    target_on = models.DateField(_("target date"), null=True, blank=True)
    funding_source = models.CharField(
        _("funding source"), max_length=20, choices=FundingSource.choices, blank=True, default=""
    )
    funding_note = models.CharField(_("note on funding"), max_length=300, blank=True)
    impact = models.PositiveSmallIntegerField(_("impact"), null=True, blank=True)
    affected = models.PositiveSmallIntegerField(_("people affected"), null=True, blank=True)
    feasibility = models.PositiveSmallIntegerField(_("feasibility"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), null=True, blank=True)
    prioritised_at = models.DateTimeField(_("prioritised at"), null=True, blank=True)
    prioritised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=GapStatus.choices, default=GapStatus.OPEN)
    status_changed_at = models.DateTimeField(_("status since"), null=True, blank=True)
    closure_evidence = models.TextField(_("evidence of closure"), blank=True)
    review_on = models.DateField(_("review on"), null=True, blank=True)
    problem_reports = models.ManyToManyField(  # type: ignore[var-annotated]
        ProblemReport, blank=True, related_name="gaps", verbose_name=_("problem reports")
    )
    offers_checked = models.ManyToManyField(  # type: ignore[var-annotated]
        "offers.Offer", through="GapOffer", blank=True, related_name="+", verbose_name=_("offers checked")
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("gap")
        verbose_name_plural = _("gap register")
        ordering = [models.F("priority").desc(nulls_last=True), "number"]
        constraints = [
            models.UniqueConstraint(fields=["network", "number"], name="gap_unique_number"),
            models.CheckConstraint(
                condition=Q(priority__isnull=True) | Q(priority__gte=1, priority__lte=scoring.MAX_PRIORITY),
                name="gap_priority_range",
            ),
        ]
        indexes = [models.Index(fields=["network", "status", "priority"], name="gap_status_priority")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def code(self) -> str:
        return f"L-{self.number:03d}"

    @property
    def band(self) -> str:
        return "" if self.priority is None else scoring.band_of(self.priority)

    def access_barrier_labels(self) -> list[str]:
        labels = dict(AccessBarrier.choices)
        return [str(labels.get(code, code)) for code in self.access_barriers or []]


class GapOffer(models.Model):
    """An offer checked against a gap, with what was found (e.g. "Gestattete only after 3 months")."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    gap = models.ForeignKey(Gap, on_delete=models.CASCADE, related_name="offer_checks")
    offer = models.ForeignKey("offers.Offer", on_delete=models.PROTECT, related_name="+")
    finding = models.CharField(_("finding"), max_length=300, blank=True)
    checked_at = models.DateTimeField(auto_now_add=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("offer checked")
        verbose_name_plural = _("offers checked")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["gap", "offer"], name="gap_offer_unique")]

    def __str__(self) -> str:
        return str(self.offer_id)


class GapStatusChange(models.Model):
    """The history of a gap's status (also in the audit log)."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    gap = models.ForeignKey(Gap, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=20, choices=GapStatus.choices, blank=True)
    to_status = models.CharField(pgettext_lazy("status change", "to"), max_length=20, choices=GapStatus.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(_("changed at"))

    objects = _scoped()

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"
