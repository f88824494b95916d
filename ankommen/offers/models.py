"""The offer catalogue, its sessions, enrolments with waiting lists, attendance and participant cards;
referrals to partners; seat allocation runs.

An ``Offer`` belongs to the provider organisation that runs it. Its ``Session`` rows are the dated
occurrences (single or generated from a recurrence). Seats are taken by ``Enrolment`` rows, either
for the whole offer (a course: one seat covers every session) or per session (single dates); the
row that holds the capacity (the offer or the session) is locked while seats are counted
(``services``), so concurrent requests never overbook. ``Attendance`` records who came, by list or
by scanning a ``ParticipantCard``; offers run as "counts only" (the police's open sessions) store
a number per session and never names. ``EntitlementPathState`` holds the network-wide switch per
route into German courses (DOMAIN §3.2).

A ``Referral`` sends a participant to a partner (a chamber, the employment agency) with a referral
packet: a snapshot of the fields a consent in force allows, shown to the recipient only while that
consent is in force (``referrals.py``). An ``AllocationRun`` is the preview of a seat allocation
(one ``AllocationProposal`` per candidate, with the reason), applied or discarded by the
coordinator (``allocation_job.py``).

Every table carries ``network`` (tenant key, django-scopes). Changes happen only in ``services.py``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from ankommen.offers.choices import (
    ACTIVE_STATUSES,
    AllocationStatus,
    AttendanceMethod,
    AttendanceMode,
    Availability,
    CancellationReason,
    Category,
    EnrolmentStatus,
    EnrolmentUnit,
    EntitlementPath,
    FieldOfAction,
    Gender,
    OfferStatus,
    ReferralOutcome,
    ReferralPurpose,
    ReferralStatus,
)
from ankommen.participants.choices import CEFR, Language, StatusType


def _scoped() -> ScopedManager:
    return ScopedManager(network="network")


class Offer(models.Model):
    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, related_name="offers", verbose_name=_("provider")
    )
    # Title and description in the network's main language (German); other languages in ``translations``.
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    translations = models.JSONField(default=dict, blank=True)  # {"en": {"title": "...", "description": "..."}}
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    field_of_action = models.CharField(_("field"), max_length=30, choices=FieldOfAction.choices)
    status = models.CharField(_("status"), max_length=12, choices=OfferStatus.choices, default=OfferStatus.DRAFT)
    # target group
    age_min = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    open_regardless_of_status = models.BooleanField(_("open regardless of residence status"), default=True)
    admitted_statuses = models.JSONField(_("residence statuses admitted"), default=list, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, default=Gender.ALL)
    languages = models.JSONField(_("languages of instruction"), default=list, blank=True)
    min_german_level = models.CharField(
        _("minimum German level"), max_length=10, choices=CEFR.choices, blank=True, default=""
    )
    # German courses: the routes a participant may come by (DOMAIN §3.2)
    is_german_course = models.BooleanField(_("German course"), default=False)
    entitlement_paths = models.JSONField(_("entitlement paths accepted"), default=list, blank=True)
    # location and conditions
    address = models.CharField(_("address"), max_length=250, blank=True)
    district = models.CharField(_("district"), max_length=100, blank=True)
    at_zue = models.BooleanField(_("on site at the ZUE"), default=False)
    step_free = models.BooleanField(_("step-free access"), default=False)
    accessibility_note = models.CharField(_("note on accessibility"), max_length=250, blank=True)
    childcare = models.BooleanField(_("childcare available"), default=False)
    is_free = models.BooleanField(_("free of charge"), default=True)
    cost_note = models.CharField(_("costs"), max_length=200, blank=True)
    contact = models.CharField(_("contact for enquiries"), max_length=200, blank=True)
    # enrolment and attendance
    attendance_mode = models.CharField(
        _("attendance"), max_length=10, choices=AttendanceMode.choices, default=AttendanceMode.NAMED
    )
    enrolment_unit = models.CharField(
        _("a seat is for"), max_length=10, choices=EnrolmentUnit.choices, default=EnrolmentUnit.COURSE
    )
    capacity = models.PositiveIntegerField(_("seats"), default=15)
    # Seats given by the coordinator's seat allocation: enrolment puts people on the list of those
    # interested (the waiting list), nobody moves up by themselves (ADR 0013).
    allocates_seats = models.BooleanField(
        _("seats by allocation"),
        default=False,
        help_text=_(
            "Case managers register interest (the waiting list); the coordinator's seat allocation gives the seats."
        ),
    )
    is_public = models.BooleanField(_("public calendar feed"), default=False)
    feed_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["title", "pk"]
        indexes = [
            models.Index(fields=["network", "status", "category"], name="offer_catalogue"),
            models.Index(fields=["network", "organisation"], name="offer_provider"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(age_min__isnull=True)
                | models.Q(age_max__isnull=True)
                | models.Q(age_min__lte=models.F("age_max")),
                name="offer_age_range_ordered",
            ),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="offer_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def text(self, name: str, language: str | None = None) -> str:
        """``title`` or ``description`` in ``language`` (default: the current one), else the main text."""
        language = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
        translated = (self.translations or {}).get(language, {}).get(name, "")
        return str(translated or getattr(self, name))

    @property
    def display_title(self) -> str:
        return self.text("title")

    @property
    def display_description(self) -> str:
        return self.text("description")

    @property
    def is_per_session(self) -> bool:
        return self.enrolment_unit == EnrolmentUnit.SESSION

    @property
    def counts_only(self) -> bool:
        return self.attendance_mode == AttendanceMode.COUNTS

    @property
    def takes_enrolments(self) -> bool:
        return self.status == OfferStatus.PUBLISHED

    def entitlement_path_labels(self) -> list[str]:
        labels = dict(EntitlementPath.choices)
        return [str(labels.get(code, code)) for code in self.entitlement_paths or []]

    def admitted_status_labels(self) -> list[str]:
        labels = dict(StatusType.choices)
        return [str(labels.get(code, code)) for code in self.admitted_statuses or []]

    def language_labels(self) -> list[str]:
        labels = dict(Language.choices)
        return [str(labels.get(code, code)) for code in self.languages or []]


class Session(models.Model):
    """One dated occurrence of an offer."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("room or place (if not the offer's address)"), max_length=200, blank=True)
    # Seats of this session when seats are given per session; empty: the offer's number of seats.
    capacity = models.PositiveIntegerField(_("seats"), null=True, blank=True)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    # People present counted without names: all of them in a counts-only offer, walk-ins otherwise.
    counted_attendance = models.PositiveIntegerField(_("people counted"), null=True, blank=True)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    attendance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["network", "starts_at"], name="session_start")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True) | models.Q(capacity__gte=1), name="session_capacity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offer} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def seat_limit(self) -> int:
        return self.capacity if self.capacity is not None else self.offer.capacity


class Enrolment(models.Model):
    """A participant's seat (or place on the waiting list) in an offer or, per session, in a session."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="enrolments")
    session = models.ForeignKey(Session, on_delete=models.PROTECT, null=True, blank=True, related_name="enrolments")
    participant = models.ForeignKey("participants.Participant", on_delete=models.PROTECT, related_name="enrolments")
    # The organisation that enrolled the person (the owner of the participant record).
    organisation = models.ForeignKey("network.Organisation", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=EnrolmentStatus.choices)
    path = models.CharField(_("entitlement path"), max_length=20, choices=EntitlementPath.choices, blank=True)
    # The waiting order: first come, first served; ties (same instant) by id.
    queued_at = models.DateTimeField(_("requested at"))
    enrolled_at = models.DateTimeField(_("seat since"), null=True, blank=True)
    from_waiting_list = models.BooleanField(_("moved up from the waiting list"), default=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancellation_reason = models.CharField(_("reason"), max_length=20, choices=CancellationReason.choices, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["queued_at", "pk"]
        indexes = [
            models.Index(fields=["offer", "status", "queued_at"], name="enrolment_offer_queue"),
            models.Index(fields=["session", "status", "queued_at"], name="enrolment_session_queue"),
            models.Index(fields=["network", "organisation", "status"], name="enrolment_by_organisation"),
            # whose seats are where (time clashes in the finder and the seat allocation)
            models.Index(fields=["participant"], condition=models.Q(status="enrolled"), name="enrolment_seat_holder"),
            # the waiting lists as the seat allocation reads them: every column it needs, so the
            # databases answer from the index alone (status and session included for SQLite)
            models.Index(
                fields=["offer", "participant", "queued_at", "path", "status", "session"],
                condition=models.Q(status="waiting", session__isnull=True),
                name="enrolment_waiting_cover",
            ),
        ]
        constraints = [
            # One seat or waiting place per person in an offer (per session where seats are per session).
            models.UniqueConstraint(
                fields=["offer", "participant"],
                condition=models.Q(session__isnull=True, status__in=ACTIVE_STATUSES),
                name="enrolment_one_active_per_offer",
            ),
            models.UniqueConstraint(
                fields=["session", "participant"],
                condition=models.Q(session__isnull=False, status__in=ACTIVE_STATUSES),
                name="enrolment_one_active_per_session",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offer} – {self.get_status_display()}"

    @property
    def audit_subject(self) -> str:
        return f"participant:{self.participant_id}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class Attendance(models.Model):
    """Whether an enrolled person came to a session (by list or by card)."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(_("present"), default=True)
    method = models.CharField(_("recorded by"), max_length=10, choices=AttendanceMethod.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    objects = _scoped()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "enrolment"], name="attendance_once_per_session")]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.enrolment_id}: {self.present}"


class ParticipantCard(models.Model):
    """A printable card whose QR code carries a random token and nothing else.

    The token is a random value (``services.new_card_token``), not derived from the person; it
    only lets offer staff mark the holder present in a session of their own offer the holder is
    enrolled in. A participant has at most one valid card; reissuing revokes the old one.
    """

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey("participants.Participant", on_delete=models.CASCADE, related_name="cards")
    token = models.CharField(max_length=32, unique=True, editable=False)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = _scoped()

    class Meta:
        verbose_name = _("participant card")
        verbose_name_plural = _("participant cards")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant"], condition=models.Q(revoked_at__isnull=True), name="card_one_valid_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"card {self.pk}"

    @property
    def audit_subject(self) -> str:
        return f"participant:{self.participant_id}"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    @property
    def display_token(self) -> str:
        """The token in groups of four, for typing it in by hand."""
        return "-".join(self.token[i : i + 4] for i in range(0, len(self.token), 4))


class EntitlementPathState(models.Model):
    """Whether a route into German courses is open in the network. No row: open.

    Such routes close without a change in law (e.g. the BAMF's stop of voluntary admissions for the
    2026 budget year, DOMAIN §3.2); closing stops new enrolments by that route in every German
    course of the network, existing seats stay.
    """

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    path = models.CharField(_("entitlement path"), max_length=20, choices=EntitlementPath.choices)
    is_open = models.BooleanField(_("open"), default=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = _scoped()

    class Meta:
        verbose_name = _("entitlement path")
        verbose_name_plural = _("entitlement paths")
        constraints = [models.UniqueConstraint(fields=["network", "path"], name="entitlement_path_once")]

    def __str__(self) -> str:
        return f"{self.path}: {'open' if self.is_open else 'closed'}"


class Referral(models.Model):
    """A participant referred by the case's organisation to a partner organisation, with the
    referral packet the consent allows (DOMAIN §4.5).

    ``packet`` is a snapshot taken when the referral was sent: the recipient sees what was shared
    at that moment, and only while ``consent`` is in force; a revocation or expiry makes the
    referral unreadable for the recipient at once, and the packet is erased (``packet_erased_at``).
    Codes and values only; labels are translated when shown.
    """

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("referred by")
    )
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="referrals")
    participant = models.ForeignKey("participants.Participant", on_delete=models.PROTECT, related_name="referrals")
    recipient = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, related_name="incoming_referrals", verbose_name=_("to")
    )
    offer = models.ForeignKey(
        Offer, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals", verbose_name=_("offer")
    )
    goal = models.ForeignKey(
        "cases.Goal", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("goal")
    )
    consent = models.ForeignKey("consents.Consent", on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("purpose"), max_length=30, choices=ReferralPurpose.choices)
    availability = models.CharField(_("availability"), max_length=12, choices=Availability.choices, blank=True)
    # For the referring organisation only: never part of the packet (no free text to partners).
    note = models.CharField(_("internal note"), max_length=500, blank=True)
    packet = models.JSONField(default=dict, blank=True)
    packet_categories = models.JSONField(default=list, blank=True)
    packet_erased_at = models.DateTimeField(_("packet erased at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.REQUESTED
    )
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decline_reason = models.CharField(_("reason for declining"), max_length=500, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=ReferralOutcome.choices, blank=True)
    outcome_on = models.DateField(_("outcome from (e.g. start of training)"), null=True, blank=True)
    outcome_note = models.CharField(_("note on the outcome"), max_length=500, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = _scoped()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-sent_at", "-pk"]
        indexes = [
            models.Index(fields=["network", "recipient", "status"], name="referral_inbox"),
            models.Index(fields=["network", "case"], name="referral_case"),
            models.Index(fields=["network", "consent"], name="referral_consent"),
        ]

    def __str__(self) -> str:
        return f"referral {self.pk}"

    @property
    def audit_subject(self) -> str:
        return f"participant:{self.participant_id}"

    @property
    def is_open(self) -> bool:
        return self.status in (ReferralStatus.REQUESTED, ReferralStatus.ACCEPTED)


class AllocationRun(models.Model):
    """One seat allocation over chosen offers: computed by a background job, previewed, then
    applied (every placement becomes a seat) or discarded."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("network.Organisation", on_delete=models.PROTECT, related_name="+")
    offers = models.ManyToManyField(Offer, related_name="allocation_runs", verbose_name=_("offers"))
    include_parallel = models.BooleanField(
        _("also consider the other offers of this run"),
        default=False,
        help_text=_(
            "Someone waiting for one offer may be placed in another offer of the same category in this run "
            "(parallel courses)."
        ),
    )
    job = models.ForeignKey("jobs.BackgroundJob", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(
        _("status"), max_length=12, choices=AllocationStatus.choices, default=AllocationStatus.RUNNING
    )
    candidates = models.PositiveIntegerField(_("candidates"), default=0)
    pairs = models.PositiveIntegerField(_("eligible pairs"), default=0)
    seats = models.PositiveIntegerField(_("free seats"), default=0)
    placed = models.PositiveIntegerField(_("placed"), default=0)
    total_score = models.CharField(_("total score"), max_length=40, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = _scoped()

    class Meta:
        verbose_name = _("seat allocation")
        verbose_name_plural = _("seat allocations")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"allocation {self.pk}"


class AllocationProposal(models.Model):
    """One candidate of a run: the offer proposed (none: not placed), the score and why."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(AllocationRun, on_delete=models.CASCADE, related_name="proposals")
    participant = models.ForeignKey("participants.Participant", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("network.Organisation", on_delete=models.PROTECT, related_name="+")
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    path = models.CharField(max_length=20, choices=EntitlementPath.choices, blank=True)
    score = models.DecimalField(max_digits=8, decimal_places=4, null=True, blank=True)
    fit = models.DecimalField(max_digits=8, decimal_places=4, null=True, blank=True)
    priority = models.DecimalField(max_digits=8, decimal_places=4, null=True, blank=True)
    waiting_days = models.PositiveIntegerField(default=0)
    further_priority = models.BooleanField(default=False)  # an age-limit deadline or a support need (not said which)
    preferred = models.BooleanField(default=False)  # the offer the case manager asked for
    code = models.CharField(max_length=30)  # allocation.reasons() code
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    candidate_offers = models.PositiveSmallIntegerField(default=0)
    seats_taken = models.PositiveIntegerField(null=True, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    other_offers = models.JSONField(default=list, blank=True)  # offer ids: better-scored (placed) or all (not)
    other_offers_full = models.BooleanField(default=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("allocation proposal")
        verbose_name_plural = _("allocation proposals")
        ordering = ["run", "offer", "-score", "pk"]
        indexes = [models.Index(fields=["run", "offer"], name="proposal_run_offer")]

    def __str__(self) -> str:
        return f"proposal {self.pk}"

    @property
    def audit_subject(self) -> str:
        return f"participant:{self.participant_id}"
