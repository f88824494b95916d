"""Case management (issue [C], DOMAIN §1.4–§1.5): a case for a person or a household, owned by
one organisation, through the phases intake → assessment → planning → implementation →
monitoring → closed.

Every table carries ``network`` (tenant key, django-scopes). Changes happen only in
``services.py``; the models hold invariants and derived state. ``SystemBarrier`` has no link
to a case or a person: the register of system barriers is anonymous by construction.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from ankommen.cases.choices import (
    AgeBand,
    AppointmentKind,
    ApprovalKind,
    CaseRoleKind,
    ClosureReason,
    Decision,
    GoalAttainment,
    GoalStatus,
    LifeDomain,
    MeasureStatus,
    Phase,
    ResponsibleParty,
    StatusGroup,
    TimelineKind,
    TransferStatus,
)
from ankommen.participants.choices import Language


def _scoped() -> ScopedManager:
    return ScopedManager(network="network")


class CaseType(models.Model):
    """A kind of case with its template task timeline, e.g. "young adult 18–27 – training"."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    target_group = models.CharField(_("target group"), max_length=250, blank=True)
    requires_plan_approval = models.BooleanField(_("support plans need a team lead's approval"), default=False)
    requires_closure_approval = models.BooleanField(_("closures need a team lead's approval"), default=False)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive case types cannot be chosen for new cases.")
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = _scoped()

    class Meta:
        verbose_name = _("case type")
        verbose_name_plural = _("case types")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["network", "name"], name="case_type_unique_name")]

    def __str__(self) -> str:
        return self.name


class CaseTypeTask(models.Model):
    """A template task: created when a case of this type enters ``phase`` (intake: when it opens),
    due ``offset_days`` after that day."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    case_type = models.ForeignKey(CaseType, on_delete=models.CASCADE, related_name="template_tasks")
    title = models.CharField(_("title"), max_length=200)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, default=Phase.INTAKE)
    offset_days = models.PositiveSmallIntegerField(_("due after (days)"), default=0)
    responsible = models.CharField(
        _("responsible"), max_length=20, choices=ResponsibleParty.choices, default=ResponsibleParty.CASE_MANAGER
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = _scoped()

    class Meta:
        verbose_name = _("template task")
        verbose_name_plural = _("template tasks")
        ordering = ["case_type", "phase", "offset_days", "pk"]

    def __str__(self) -> str:
        return self.title


class Case(models.Model):
    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, related_name="cases", verbose_name=_("organisation")
    )
    # Exactly one of participant and household (constraint below).
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    household = models.ForeignKey(
        "participants.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    case_type = models.ForeignKey(CaseType, on_delete=models.PROTECT, related_name="cases", verbose_name=_("case type"))
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("lead case manager")
    )
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, default=Phase.INTAKE)
    reference = models.CharField(_("reference"), max_length=20, editable=False)
    opened_on = models.DateField(_("opened on"))
    phase_started_on = models.DateField(_("current phase since"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    reassessment_due_on = models.DateField(_("re-assessment due on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    # Intake (phase 1)
    referral_source = models.CharField(_("referral source"), max_length=200, blank=True)
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    interpreter_language = models.CharField(
        _("interpreter language"), max_length=10, choices=Language.choices, blank=True
    )
    complex_needs = models.BooleanField(_("complex needs"), default=False)
    several_providers = models.BooleanField(_("several providers involved"), default=False)
    regular_paths_failing = models.BooleanField(_("regular paths are not working"), default=False)
    own_resources_insufficient = models.BooleanField(_("own resources are insufficient"), default=False)
    consent_recorded = models.BooleanField(_("consent to case management recorded"), default=False)
    # Closure (phase 6)
    closure_reason = models.CharField(_("reason for closing"), max_length=20, choices=ClosureReason.choices, blank=True)
    goal_attainment = models.CharField(_("goal attainment"), max_length=10, choices=GoalAttainment.choices, blank=True)
    participant_feedback = models.TextField(_("participant's feedback"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["network", "reference"], name="case_unique_reference"),
            models.CheckConstraint(
                condition=(Q(participant__isnull=False, household__isnull=True))
                | (Q(participant__isnull=True, household__isnull=False)),
                name="case_person_or_household",
            ),
        ]
        indexes = [models.Index(fields=["network", "organisation", "phase"], name="case_org_phase")]

    def __str__(self) -> str:
        return self.reference

    @property
    def audit_subject(self) -> str:
        if self.participant_id is not None:
            return f"participant:{self.participant_id}"
        return f"household:{self.household_id}"

    @property
    def is_closed(self) -> bool:
        return self.phase == Phase.CLOSED

    @property
    def indication_checklist(self) -> list[tuple[str, bool]]:
        return [
            (str(getattr(self._meta.get_field(name), "verbose_name", name)), getattr(self, name))
            for name in INDICATION_FIELDS
        ]


INDICATION_FIELDS: tuple[str, ...] = (
    "complex_needs",
    "several_providers",
    "regular_paths_failing",
    "own_resources_insufficient",
    "consent_recorded",
)


class CaseChild(models.Model):
    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE)

    objects = _scoped()

    class Meta:
        abstract = True


class CaseRole(CaseChild):
    """A further member of staff working on the case: a colleague of the owning organisation, or
    a case manager of another organisation while a consent for cooperation names it.

    ``organisation`` is the organisation the person works for in this case. A role of another
    organisation is in force only while such a consent is (``contribute.role_rows``): when it
    lapses the row stays, shown as inactive, and grants nothing.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("network.Organisation", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("role"), max_length=12, choices=CaseRoleKind.choices, default=CaseRoleKind.CO_WORKER)
    added_on = models.DateField(_("since"))

    class Meta:
        verbose_name = _("case role")
        verbose_name_plural = _("case roles")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="case_role_unique_user")]

    def __str__(self) -> str:
        return self.get_kind_display()


class AssessmentEntry(CaseChild):
    """Needs, resources, risks and a deadline in one life domain (phase 2)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessment")
    domain = models.CharField(_("life domain"), max_length=20, choices=LifeDomain.choices)
    needs = models.TextField(_("needs"), blank=True)
    resources = models.TextField(_("resources and strengths"), blank=True)
    risks = models.TextField(_("risks"), blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    deadline_note = models.CharField(_("what the deadline is about"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("assessment entry")
        verbose_name_plural = _("assessment")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["case", "domain"], name="assessment_unique_domain")]

    def __str__(self) -> str:
        return self.get_domain_display()


class Goal(CaseChild):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="goals")
    text = models.CharField(_("goal"), max_length=300, help_text=_("Specific and checkable."))
    domain = models.CharField(_("life domain"), max_length=20, choices=LifeDomain.choices)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=15, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text


class Measure(models.Model):
    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="measures")
    text = models.CharField(_("measure"), max_length=300)
    responsible = models.CharField(
        _("responsible"), max_length=20, choices=ResponsibleParty.choices, default=ResponsibleParty.CASE_MANAGER
    )
    organisation_name = models.CharField(_("name of the organisation"), max_length=200, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.OPEN)

    objects = _scoped()

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text


class ProgressNote(models.Model):
    """A monitoring note on one goal (phase 5)."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="notes")
    written_on = models.DateField(_("date"))
    text = models.TextField(_("note"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = _scoped()

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["-written_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.written_on:%d.%m.%Y}"


class Task(CaseChild):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due on"))
    responsible = models.CharField(
        _("responsible"), max_length=20, choices=ResponsibleParty.choices, default=ResponsibleParty.CASE_MANAGER
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    template = models.ForeignKey(CaseTypeTask, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["done_at", "due_on", "pk"]
        indexes = [models.Index(fields=["network", "assignee", "due_on"], name="task_assignee_due")]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, day: dt.date) -> bool:
        return self.done_at is None and self.due_on < day


class Appointment(CaseChild):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="appointments")
    starts_at = models.DateTimeField(_("when"))
    place = models.CharField(_("where"), max_length=200, blank=True)
    with_whom = models.CharField(_("with whom"), max_length=200, blank=True)
    kind = models.CharField(
        _("kind"), max_length=15, choices=AppointmentKind.choices, default=AppointmentKind.COUNSELLING
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("attended by"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at", "pk"]
        # "My work" lists this week's appointments: the week's rows of the network, then the cases.
        indexes = [models.Index(fields=["network", "starts_at"], name="appointment_time")]

    def __str__(self) -> str:
        return self.get_kind_display()


class Approval(CaseChild):
    """A request for a team lead's approval of the plan or the closure (if the case type asks for it).

    ``superseded`` approvals no longer count (a closure approval after the case was reopened)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="approvals")
    kind = models.CharField(_("what"), max_length=10, choices=ApprovalKind.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    superseded = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class SystemBarrier(models.Model):
    """An anonymous observation of a barrier in the support system (for the gap register, [G]).

    No link to a case, person or organisation, and only coarse groups: it must stay anonymous
    even when read together with the cases. Kept without time limit (DOMAIN §4.6)."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    field = models.CharField(_("life domain"), max_length=20, choices=LifeDomain.choices)
    age_band = models.CharField(_("age group"), max_length=10, choices=AgeBand.choices, default=AgeBand.UNKNOWN)
    status_group = models.CharField(
        _("status group"), max_length=20, choices=StatusGroup.choices, default=StatusGroup.NONE
    )
    description = models.CharField(
        _("description"),
        max_length=500,
        help_text=_("Describe the barrier, not the person: no names, dates or places."),
    )
    created_on = models.DateField(_("recorded on"))

    objects = _scoped()

    class Meta:
        verbose_name = _("system barrier")
        verbose_name_plural = _("system barriers")
        ordering = ["-created_on", "-pk"]

    def __str__(self) -> str:
        return self.get_field_display()


class TimelineEntry(CaseChild):
    """One line of the case's history, written by the services. The text is a key into
    ``timeline.TEXTS`` plus parameters (codes and ids, translated when shown)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField(_("when"))
    kind = models.CharField(_("kind"), max_length=15, choices=TimelineKind.choices)
    text_key = models.CharField(max_length=60)
    params = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        from ankommen.cases.timeline import render_text

        return render_text(self.text_key, self.params)


class CaseTransfer(CaseChild):
    """A request to hand a case over to another organisation (request → accepted / declined /
    withdrawn). Allowed only while a consent for the transfer names the target organisation
    (``consent``: the one in force when it was requested; checked again on acceptance)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transfers")
    from_organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    consent = models.ForeignKey("consents.Consent", on_delete=models.PROTECT, null=True, related_name="+")
    reason = models.TextField(_("reason for the transfer"))
    proposed_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed lead case manager"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    new_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("new lead case manager"),
    )

    class Meta:
        verbose_name = _("case transfer")
        verbose_name_plural = _("case transfers")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(status="pending"), name="case_transfer_one_pending"),
        ]
        indexes = [models.Index(fields=["network", "to_organisation", "status"], name="transfer_incoming")]

    def __str__(self) -> str:
        return self.get_status_display()

    @property
    def is_pending(self) -> bool:
        return self.status == TransferStatus.PENDING


class OrganisationCaseSettings(models.Model):
    """How one organisation works on cases: whether its support plans and closures need a team
    lead's approval, in addition to what the case type asks for (ADR 0009)."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    organisation = models.OneToOneField("network.Organisation", on_delete=models.CASCADE, related_name="case_settings")
    requires_plan_approval = models.BooleanField(
        _("support plans need a team lead's approval"),
        default=False,
        help_text=_("For every case of your organisation, whatever its case type asks for."),
    )
    requires_closure_approval = models.BooleanField(
        _("closures need a team lead's approval"),
        default=False,
        help_text=_("For every case of your organisation, whatever its case type asks for."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("case settings of an organisation")
        verbose_name_plural = _("case settings of organisations")

    def __str__(self) -> str:
        return str(self.organisation_id)


class WorkReminder(models.Model):
    """A member of staff's daily reminder e-mail (counts only, no personal data): whether they
    want it, and the day it was last sent (so a second run on the same day sends nothing)."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    enabled = models.BooleanField(_("send me the daily reminder e-mail"), default=True)
    last_sent_on = models.DateField(_("last sent on"), null=True, blank=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("work reminder")
        verbose_name_plural = _("work reminders")
        constraints = [models.UniqueConstraint(fields=["network", "user"], name="work_reminder_unique_user")]

    def __str__(self) -> str:
        return str(self.user_id)
