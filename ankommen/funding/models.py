"""The funding programme for volunteer initiatives (issue [K], DOMAIN §6 KOMM-AN NRW Programmteil II).

The integration centre (a public authority of the network) passes state funds on to clubs,
migrant organisations and volunteer initiatives under a forwarding contract
(Weiterleitungsvertrag) and proves their use to the state (Verwendungsnachweis).

- ``Programme`` → ``FundingYear`` (budget, the amount above which two people approve, deadlines)
  → ``Module`` A–D → ``FlatRate`` (the catalogue of Pauschalen, amounts per year) and ``Call``.
- ``OrganisationProfile``: the verification of a first-time applicant (statutes, representative).
- ``Application`` → ``Measure`` → ``ClaimLine`` (a flat rate × quantity; requested, approved and
  proven quantities, with the rate frozen when the application is submitted).
- ``InfoRequest``: questions of the integration centre and the applicant's answers.
- ``Payment``: payments and repayments, booked against the year's budget.
- ``Session`` and ``Material``: what was carried out (counts only, never names).
- ``Attachment``: uploaded documents; ``SIGNATURE_LIST`` is the only place with participants'
  names (only for measures whose contract requires one, deletable once the proof is accepted).
- ``Proof``: the recipient's proof of use; ``YearReport``: the integration centre's proof of use
  to the state. ``Document``: generated PDFs kept with a checksum (the contract).

Finance records stay apart from case content (DOMAIN §4.6): nothing here links to a participant
or a case. Every table carries ``network`` (tenant key, django-scopes). Money is ``Decimal`` with
two places; changes happen only in ``services``.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from ankommen.funding.choices import (
    AttachmentKind,
    DocumentKind,
    Frequency,
    LegalForm,
    LineDecision,
    MaterialKind,
    ModuleCode,
    PaymentKind,
    State,
    Unit,
    Verification,
)

ZERO = Decimal("0.00")


def _scoped() -> ScopedManager:
    return ScopedManager(network="network")


def _network() -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")


def upload_path(instance: Attachment | Document, filename: str) -> str:
    """A random name below MEDIA_ROOT with the extension of the checked content (never the uploaded
    file name, which may carry a person's name). Served only through access-checked views."""
    suffix = getattr(instance, "extension", "") or ".bin"
    return f"funding/{instance.network_id}/{timezone.now():%Y}/{uuid.uuid4().hex}{suffix}"


class Programme(models.Model):
    network = _network()
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("funding programme")
        verbose_name_plural = _("funding programmes")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["network", "name"], name="funding_programme_unique_name")]

    def __str__(self) -> str:
        return self.name


class FundingYear(models.Model):
    """One year of a programme: the budget the state granted and the rules of the year.

    The row is locked (``select_for_update``) by every approval and payment, so concurrent
    approvals can never together exceed the budget."""

    network = _network()
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"))
    budget = models.DecimalField(_("budget (€)"), max_digits=12, decimal_places=2)
    second_approval_above = models.DecimalField(
        _("second approval above (€)"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Approvals of more than this amount need the approval of a second, different person."),
    )
    warning_percent = models.PositiveSmallIntegerField(
        _("warn from (% of the budget)"),
        default=90,
        help_text=_("The budget overview and the decision page warn once this share of the budget is committed."),
    )
    proof_due_on = models.DateField(
        _("proofs of use due on"), help_text=_("By this day the organisations submit their proofs of use.")
    )
    report_due_on = models.DateField(
        _("proof of use to the state due on"),
        help_text=_("By this day the integration centre submits the year's proof of use to the state."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = _scoped()

    class Meta:
        verbose_name = _("funding year")
        verbose_name_plural = _("funding years")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="funding_year_unique_per_programme"),
            models.CheckConstraint(condition=Q(budget__gte=0), name="funding_year_budget_not_negative"),
            models.CheckConstraint(
                condition=Q(second_approval_above__gte=0), name="funding_year_threshold_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.year}"


class Module(models.Model):
    network = _network()
    year = models.ForeignKey(FundingYear, on_delete=models.CASCADE, related_name="modules")
    code = models.CharField(_("module"), max_length=1, choices=ModuleCode.choices)
    description = models.TextField(_("description"), blank=True)
    budget = models.DecimalField(
        _("budget of the module (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Optional: a limit of its own for this module. Empty: only the year's budget applies."),
    )

    objects = _scoped()

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["year", "code"]
        constraints = [models.UniqueConstraint(fields=["year", "code"], name="funding_module_unique_per_year")]

    def __str__(self) -> str:
        return str(self.get_code_display())


class FlatRate(models.Model):
    """One flat rate (Pauschale) of the catalogue, e.g. "B2: 35 € per volunteer accompaniment"."""

    network = _network()
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="rates", verbose_name=_("module"))
    code = models.CharField(_("code"), max_length=10, help_text=_("Short code, e.g. A1 or B2."))
    title = models.CharField(_("title"), max_length=200)
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    amount = models.DecimalField(_("amount per unit (€)"), max_digits=12, decimal_places=2)
    max_quantity = models.DecimalField(
        _("at most (units per measure)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: no limit."),
    )
    evidence = models.CharField(
        _("proven by"),
        max_length=300,
        blank=True,
        help_text=_("What the organisation shows as proof, e.g. occupancy plan."),
    )
    is_active = models.BooleanField(_("can be applied for"), default=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("flat rate")
        verbose_name_plural = _("flat rates")
        ordering = ["module__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["module", "code"], name="funding_rate_unique_code"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="funding_rate_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Call(models.Model):
    """A call for applications (Förderaufruf) of a year, open from ``opens_on`` to ``deadline``."""

    network = _network()
    year = models.ForeignKey(FundingYear, on_delete=models.CASCADE, related_name="calls")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    opens_on = models.DateField(_("open from"))
    deadline = models.DateField(_("deadline"), help_text=_("Applications can be submitted until the end of this day."))
    modules = models.ManyToManyField(Module, related_name="calls", verbose_name=_("modules"))

    objects = _scoped()

    class Meta:
        verbose_name = _("call for applications")
        verbose_name_plural = _("calls for applications")
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(deadline__gte=models.F("opens_on")), name="funding_call_dates_in_order")
        ]

    def __str__(self) -> str:
        return self.title

    def is_open_on(self, day: object) -> bool:
        return self.opens_on <= day <= self.deadline  # type: ignore[operator]


class OrganisationProfile(models.Model):
    """What the integration centre checks once before a first-time applicant receives funds."""

    network = _network()
    organisation = models.OneToOneField(
        "network.Organisation", on_delete=models.PROTECT, related_name="funding_profile", verbose_name=_("organisation")
    )
    state = models.CharField(_("verification"), max_length=12, choices=Verification.choices, default=Verification.NEW)
    legal_form = models.CharField(_("legal form"), max_length=20, choices=LegalForm.choices)
    is_migrant_organisation = models.BooleanField(_("migrant organisation (MSO)"), default=False)
    register_entry = models.CharField(
        _("register entry"), max_length=100, blank=True, help_text=_("E.g. VR 1234, Amtsgericht Münster.")
    )
    representative_name = models.CharField(_("legal representative"), max_length=200)
    representative_function = models.CharField(_("function of the representative"), max_length=100)
    account_holder = models.CharField(_("account holder"), max_length=200)
    iban = models.CharField(_("IBAN"), max_length=34)
    submitted_at = models.DateTimeField(_("submitted on"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked on"), null=True, blank=True)
    check_reason = models.TextField(_("reason"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = _scoped()

    class Meta:
        verbose_name = _("organisation verification")
        verbose_name_plural = _("organisation verifications")

    def __str__(self) -> str:
        return str(self.organisation)

    @property
    def is_verified(self) -> bool:
        return self.state == Verification.VERIFIED


class Application(models.Model):
    network = _network()
    year = models.ForeignKey(FundingYear, on_delete=models.PROTECT, related_name="applications")
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications", verbose_name=_("call"))
    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, related_name="funding_applications"
    )
    reference = models.CharField(_("reference"), max_length=20, editable=False)
    title = models.CharField(_("title of the project"), max_length=200)
    summary = models.TextField(_("what the project is about"))
    target_group = models.CharField(_("target group"), max_length=300, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    requested_total = models.DecimalField(_("requested (€)"), max_digits=12, decimal_places=2, default=ZERO)
    approved_total = models.DecimalField(_("approved (€)"), max_digits=12, decimal_places=2, default=ZERO)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted on"), null=True, blank=True)
    complete_at = models.DateTimeField(_("found complete on"), null=True, blank=True)
    # The decision; above the year's threshold in two steps by two different people.
    decision_reason = models.TextField(_("reasons for the decision"), blank=True)
    first_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    first_approved_at = models.DateTimeField(null=True, blank=True)
    second_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    second_approved_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    second_approval_note = models.TextField(_("why the second approval was refused"), blank=True)
    contract_signed_on = models.DateField(_("signed contract received on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["network", "reference"], name="funding_application_unique_reference"),
            models.CheckConstraint(condition=Q(approved_total__gte=0), name="funding_application_approved_positive"),
            models.CheckConstraint(
                condition=Q(second_approver__isnull=True) | ~Q(second_approver=models.F("first_approver")),
                name="funding_application_two_different_approvers",
            ),
        ]
        indexes = [models.Index(fields=["network", "year", "state"], name="funding_app_year_state")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class Measure(models.Model):
    """A planned measure of an application: what, when, how often, where, for how many."""

    network = _network()
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="measures")
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="measures", verbose_name=_("module"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    frequency = models.CharField(_("frequency"), max_length=12, choices=Frequency.choices, default=Frequency.WEEKLY)
    place = models.CharField(_("place"), max_length=200, help_text=_("E.g. the arrival meeting point and its address."))
    expected_participants = models.PositiveIntegerField(_("expected participants per meeting"), default=0)
    expected_volunteers = models.PositiveIntegerField(_("volunteers involved"), default=0)
    signature_list_required = models.BooleanField(
        _("signature list required"),
        default=False,
        help_text=_("Only where the integration centre explicitly requires participants to sign."),
    )
    decision = models.CharField(
        _("decision"), max_length=10, choices=LineDecision.choices, default=LineDecision.PENDING
    )
    not_carried_out = models.BooleanField(_("not carried out"), default=False)

    objects = _scoped()

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["module__code", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="funding_measure_dates")
        ]

    def __str__(self) -> str:
        return self.title


class ClaimLine(models.Model):
    """A flat rate claimed for a measure. The rate is copied from the catalogue while the
    application is edited and frozen when it is submitted: later changes of the catalogue do not
    change a submitted or approved application."""

    network = _network()
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="lines")
    flat_rate = models.ForeignKey(FlatRate, on_delete=models.PROTECT, related_name="+", verbose_name=_("flat rate"))
    quantity = models.DecimalField(_("quantity"), max_digits=9, decimal_places=2)
    rate = models.DecimalField(_("rate (€)"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("requested (€)"), max_digits=12, decimal_places=2)
    approved_quantity = models.DecimalField(
        _("approved quantity"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    approved_amount = models.DecimalField(_("approved (€)"), max_digits=12, decimal_places=2, null=True, blank=True)
    proven_quantity = models.DecimalField(_("proven quantity"), max_digits=9, decimal_places=2, null=True, blank=True)
    proven_amount = models.DecimalField(_("proven (€)"), max_digits=12, decimal_places=2, null=True, blank=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("flat rate claimed")
        verbose_name_plural = _("flat rates claimed")
        ordering = ["flat_rate__code", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "flat_rate"], name="funding_line_one_per_rate"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="funding_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(approved_quantity__isnull=True) | Q(approved_quantity__lte=models.F("quantity")),
                name="funding_line_approved_within_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.flat_rate.code} × {self.quantity}"


class InfoRequest(models.Model):
    """A question of the integration centre to the applicant; the application waits for the answer."""

    network = _network()
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="info_requests")
    question = models.TextField(_("question"))
    due_on = models.DateField(_("answer by"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField()
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("request for information")
        verbose_name_plural = _("requests for information")
        ordering = ["asked_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=Q(answered_at__isnull=True), name="funding_one_open_request"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.asked_at:%d.%m.%Y}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None


class Payment(models.Model):
    """A payment to the organisation or a repayment by it, booked against the year's budget."""

    network = _network()
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="payments")
    year = models.ForeignKey(FundingYear, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(_("kind"), max_length=10, choices=PaymentKind.choices, default=PaymentKind.PAYMENT)
    amount = models.DecimalField(_("amount (€)"), max_digits=12, decimal_places=2)
    booked_on = models.DateField(_("booked on"))
    booking_reference = models.CharField(_("booking reference"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["booked_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="funding_payment_amount_positive")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} ({self.booked_on:%d.%m.%Y})"

    @property
    def signed_amount(self) -> Decimal:
        return self.amount if self.kind == PaymentKind.PAYMENT else -self.amount


class Session(models.Model):
    """One meeting held in a measure: counts only, never names."""

    network = _network()
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("held on"))
    participants = models.PositiveIntegerField(_("participants"))
    volunteers = models.PositiveIntegerField(_("volunteers"), default=0)
    volunteer_hours = models.DecimalField(_("volunteer hours"), max_digits=9, decimal_places=2, default=ZERO)
    trainer_hours = models.DecimalField(_("trainer hours"), max_digits=9, decimal_places=2, default=ZERO)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = _scoped()

    class Meta:
        verbose_name = _("meeting held")
        verbose_name_plural = _("meetings held")
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.held_on:%d.%m.%Y}"


class Material(models.Model):
    """Material produced in a measure (flyer, website, translation)."""

    network = _network()
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField(_("kind"), max_length=12, choices=MaterialKind.choices)
    title = models.CharField(_("title"), max_length=200)
    pages = models.PositiveIntegerField(_("pages"), default=0, help_text=_("For translations: translated pages."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = _scoped()

    class Meta:
        verbose_name = _("material produced")
        verbose_name_plural = _("materials produced")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class Attachment(models.Model):
    """An uploaded document, checked by content (PDF, images, office documents) and size."""

    network = _network()
    organisation = models.ForeignKey("network.Organisation", on_delete=models.PROTECT, related_name="+")
    profile = models.ForeignKey(
        OrganisationProfile, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=20, choices=AttachmentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(upload_to=upload_path, max_length=200)
    content_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(profile__isnull=False) | Q(application__isnull=False), name="funding_attachment_has_owner"
            ),
            models.CheckConstraint(
                condition=~Q(kind=AttachmentKind.SIGNATURE_LIST) | Q(measure__isnull=False),
                name="funding_signature_list_has_measure",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def download_name(self) -> str:
        return f"{self.kind}-{self.pk}{self.extension}"


class Proof(models.Model):
    """The recipient's proof of use: the narrative report; the figures are on the claim lines."""

    network = _network()
    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="proof")
    narrative = models.TextField(_("narrative report"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proven_total = models.DecimalField(_("proven (€)"), max_digits=12, decimal_places=2, default=ZERO)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(_("what needs correcting"), blank=True)
    signature_lists_deleted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = _scoped()

    class Meta:
        verbose_name = _("proof of use")
        verbose_name_plural = _("proofs of use")

    def __str__(self) -> str:
        return f"{self.application_id}"


class YearReport(models.Model):
    """The integration centre's proof of use of a funding year to the state."""

    network = _network()
    year = models.OneToOneField(FundingYear, on_delete=models.PROTECT, related_name="report")
    narrative = models.TextField(_("narrative report"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    totals = models.JSONField(default=dict, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = _scoped()

    class Meta:
        verbose_name = _("proof of use to the state")
        verbose_name_plural = _("proofs of use to the state")

    def __str__(self) -> str:
        return f"{self.year_id}"


class Document(models.Model):
    """A generated document kept as issued (the forwarding contract), with its checksum."""

    network = _network()
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    file = models.FileField(upload_to=upload_path, max_length=200)
    extension = models.CharField(max_length=10, default=".pdf")
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    generated_at = models.DateTimeField(auto_now_add=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("generated document")
        verbose_name_plural = _("generated documents")
        ordering = ["-generated_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.application_id}"
