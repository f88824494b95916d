"""Forms of the case screens. They parse and check input; the services decide.

Model forms are used for their fields only: nothing here calls ``save()``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ankommen.accounts.models import User
from ankommen.cases.choices import ClosureReason, GoalAttainment, LifeDomain, Phase, TimelineKind
from ankommen.cases.models import (
    Appointment,
    AssessmentEntry,
    Case,
    CaseType,
    CaseTypeTask,
    Goal,
    Measure,
    OrganisationCaseSettings,
)
from ankommen.network.forms import FieldsetsMixin
from ankommen.network.models import Membership, Organisation
from ankommen.participants.models import Household, Participant

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
BARRIER_ROWS = 3


def roles_with(permission: str) -> list[str]:
    from ankommen.network.roles import ROLE_PERMISSIONS

    return [role for role, perms in ROLE_PERMISSIONS.items() if permission in perms]


def case_staff(actor: Membership, permission: str = "cases.edit") -> QuerySet[User]:
    """Users with an active role holding ``permission`` in the actor's organisation."""
    return (
        User.objects.filter(
            memberships__network=actor.network_id,
            memberships__organisation=actor.organisation_id,
            memberships__is_active=True,
            memberships__role__in=roles_with(permission),
        )
        .distinct()
        .order_by("full_name", "email")
    )


def staff_memberships(network_id: int, organisation_ids: Any, permission: str) -> QuerySet[Membership]:
    """Active memberships holding ``permission`` in these organisations (for choosing people
    together with the organisation they would work for)."""
    return (
        Membership.objects.filter(
            network=network_id,
            organisation__in=organisation_ids,
            organisation__is_active=True,
            is_active=True,
            user__is_active=True,
            role__in=roles_with(permission),
        )
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name", "pk")
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.email)


class MembershipChoiceField(forms.ModelChoiceField):
    """A person with the organisation they work for: "Name (Organisation)"."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.user.full_name or obj.user.email} ({obj.organisation.name})"


class CaseFilterForm(forms.Form):
    phase = forms.ChoiceField(label=_("Phase"), required=False)
    lead = UserChoiceField(label=_("Lead case manager"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, actor: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        phases = [("", _("all phases")), ("open", _("all open cases")), *Phase.choices]
        self.fields["phase"].choices = phases  # type: ignore[attr-defined]
        self.fields["lead"].queryset = case_staff(actor)  # type: ignore[attr-defined]
        self.fields["lead"].empty_label = _("all case managers")  # type: ignore[attr-defined]

    def used_filters(self) -> list[str]:
        return [name for name in ("phase", "lead") if self.cleaned_data.get(name)]


class OpenCaseForm(FieldsetsMixin, forms.Form):
    """The person or household is given by its reference (shown on its record page)."""

    fieldsets = [
        (_("For whom"), ["reference"]),
        (_("Case"), ["case_type", "lead", "referral_source", "interpreter_needed", "interpreter_language"]),
    ]
    reference = forms.CharField(
        label=_("Reference of the person or household"),
        max_length=20,
        help_text=_('As shown on the record, e.g. "MS-000123" or, for a household, "MS-H000001".'),
    )
    case_type: forms.ModelChoiceField[CaseType] = forms.ModelChoiceField(
        label=_("Case type"), queryset=CaseType.objects.none()
    )
    lead = UserChoiceField(label=_("Lead case manager"), queryset=User.objects.none())
    referral_source = forms.CharField(label=_("Referral source"), max_length=200, required=False)
    interpreter_needed = forms.BooleanField(label=_("Interpreter needed"), required=False)
    interpreter_language = Case._meta.get_field("interpreter_language").formfield(required=False)

    def __init__(self, *args: Any, actor: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["case_type"].queryset = CaseType.objects.filter(network=actor.network_id, is_active=True)  # type: ignore[attr-defined]
        self.fields["lead"].queryset = case_staff(actor)  # type: ignore[attr-defined]
        self.subject: Participant | Household | None = None

    def clean_reference(self) -> str:
        from ankommen.participants.access import own_participants, visible_households

        reference = self.cleaned_data["reference"].strip().upper()
        self.subject = (
            own_participants(self.actor).filter(reference__iexact=reference).first()
            or visible_households(self.actor).filter(reference__iexact=reference).first()
        )
        if self.subject is None:
            raise forms.ValidationError(_("Your organisation has no person or household with this reference."))
        return reference


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class IntakeForm(FieldsetsMixin, forms.ModelForm):
    fieldsets = [
        (_("Access"), ["referral_source", "interpreter_needed", "interpreter_language"]),
        (
            _("Indication checklist"),
            [
                "complex_needs",
                "several_providers",
                "regular_paths_failing",
                "own_resources_insufficient",
                "consent_recorded",
            ],
        ),
    ]
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Case
        fields = [
            "referral_source",
            "interpreter_needed",
            "interpreter_language",
            "complex_needs",
            "several_providers",
            "regular_paths_failing",
            "own_resources_insufficient",
            "consent_recorded",
        ]


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = AssessmentEntry
        fields = ["needs", "resources", "risks", "deadline", "deadline_note"]
        widgets = {
            "deadline": DATE_WIDGET,
            "needs": forms.Textarea(attrs={"rows": 3}),
            "resources": forms.Textarea(attrs={"rows": 3}),
            "risks": forms.Textarea(attrs={"rows": 3}),
        }


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["text", "domain", "target_date", "status"]
        widgets = {"target_date": DATE_WIDGET}


class MeasureForm(forms.ModelForm):
    class Meta:
        model = Measure
        fields = ["text", "responsible", "organisation_name", "due_on", "status"]
        widgets = {"due_on": DATE_WIDGET}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("responsible") == "organisation" and not data.get("organisation_name"):
            self.add_error("organisation_name", _("Please name the organisation."))
        return data


class NoteForm(forms.Form):
    written_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    text = forms.CharField(label=_("Progress note"), widget=forms.Textarea(attrs={"rows": 4}))


class TaskForm(forms.Form):
    """``for_self``: a co-worker of another organisation adds tasks for themselves only."""

    title = forms.CharField(label=_("Title"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), widget=DATE_WIDGET)
    assignee = UserChoiceField(label=_("Assigned to"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, actor: Membership, for_self: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if for_self:
            del self.fields["assignee"]
        else:
            self.fields["assignee"].queryset = case_staff(actor)  # type: ignore[attr-defined]


class AppointmentForm(forms.ModelForm):
    assignee = UserChoiceField(label=_("Attended by"), queryset=User.objects.none(), required=False)

    class Meta:
        model = Appointment
        fields = ["starts_at", "kind", "place", "with_whom", "note"]
        widgets = {"starts_at": DATETIME_WIDGET}

    def __init__(self, *args: Any, actor: Membership, for_self: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if for_self:
            del self.fields["assignee"]
        else:
            self.fields["assignee"].queryset = case_staff(actor)  # type: ignore[attr-defined]


class RoleForm(forms.Form):
    """Colleagues of the owning organisation, and case managers and team leads of organisations
    that a consent for cooperation in force for this case names."""

    member = MembershipChoiceField(label=_("Who"), queryset=Membership.objects.none())
    kind = forms.ChoiceField(label=_("Role"), choices=[])

    def __init__(self, *args: Any, actor: Membership, case: Case, **kwargs: Any) -> None:
        from ankommen.cases.choices import CaseRoleKind
        from ankommen.cases.contribute import consented_organisations

        super().__init__(*args, **kwargs)
        own = staff_memberships(actor.network_id, [case.organisation_id], "cases.view")
        others = staff_memberships(
            actor.network_id, consented_organisations(case) - {case.organisation_id}, "cases.edit"
        )
        taken = [case.lead_id, *case.roles.values_list("user", flat=True)]
        self.fields["member"].queryset = (own | others).exclude(user__in=taken)  # type: ignore[attr-defined]
        self.fields["kind"].choices = CaseRoleKind.choices  # type: ignore[attr-defined]


class ReassessmentForm(VersionForm):
    due_on = forms.DateField(label=_("Re-assessment due on"), widget=DATE_WIDGET)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a rejection."),
    )


class CloseForm(VersionForm):
    reason = forms.ChoiceField(label=_("Reason for closing"), choices=[("", "—"), *ClosureReason.choices])
    goal_attainment = forms.ChoiceField(
        label=_("Goal attainment"), choices=[("", "—"), *GoalAttainment.choices], required=False
    )
    feedback = forms.CharField(
        label=_("Participant's feedback"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for index in range(BARRIER_ROWS):
            self.fields[f"barrier_{index}_field"] = forms.ChoiceField(
                label=_("Life domain"), choices=[("", "—"), *LifeDomain.choices], required=False
            )
            self.fields[f"barrier_{index}_description"] = forms.CharField(
                label=_("Barrier observed"),
                max_length=500,
                required=False,
                help_text=_("Describe the barrier, not the person: no names, dates or places."),
            )

    def barrier_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"barrier_{i}_field"], self[f"barrier_{i}_description"]) for i in range(BARRIER_ROWS)]

    def barriers(self) -> list[dict[str, str]]:
        rows = []
        for index in range(BARRIER_ROWS):
            description = self.cleaned_data.get(f"barrier_{index}_description", "").strip()
            if description:
                rows.append({"field": self.cleaned_data.get(f"barrier_{index}_field", ""), "description": description})
        return rows


class TimelineFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Show"), required=False, choices=[("", _("everything")), *TimelineKind.choices])
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=_("Until"), required=False, widget=DATE_WIDGET)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end must not be before the start."))
        return data

    def used_filters(self) -> list[str]:
        return [name for name in ("kind", "date_from", "date_to") if self.cleaned_data.get(name)]


# --- transfers -------------------------------------------------------------------------------


class TransferRequestForm(forms.Form):
    to_organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("Hand over to"),
        queryset=Organisation.objects.none(),
        help_text=_("Only organisations named by a consent to the transfer that is in force."),
    )
    reason = forms.CharField(
        label=_("Reason for the transfer"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Shown to the other organisation before it decides, with the case reference and type. Describe "
            "the need, not the person: what else it sees is decided by the consent."
        ),
    )
    proposed_lead = MembershipChoiceField(
        label=_("Proposed lead case manager (optional)"), queryset=Membership.objects.none(), required=False
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        from ankommen.cases.transfers import transfer_targets

        super().__init__(*args, **kwargs)
        targets = transfer_targets(case)
        self.fields["to_organisation"].queryset = targets  # type: ignore[attr-defined]
        self.fields["proposed_lead"].queryset = staff_memberships(  # type: ignore[attr-defined]
            case.network_id, targets.values("pk"), "cases.edit"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lead, target = data.get("proposed_lead"), data.get("to_organisation")
        if lead is not None and target is not None and lead.organisation_id != target.pk:
            self.add_error("proposed_lead", _("Please choose someone of the organisation you hand over to."))
        return data


class AcceptTransferForm(forms.Form):
    new_lead = UserChoiceField(label=_("New lead case manager"), queryset=User.objects.none())

    def __init__(self, *args: Any, actor: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_lead"].queryset = case_staff(actor)  # type: ignore[attr-defined]


class DeclineTransferForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the organisation that asked."),
    )


# --- case types and settings -----------------------------------------------------------------


class CaseTypeForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    class Meta:
        model = CaseType
        fields = [
            "name",
            "description",
            "target_group",
            "requires_plan_approval",
            "requires_closure_approval",
            "is_active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def validate_unique(self) -> None:
        """The service checks the name (the form has no network to check it against)."""


class TemplateTaskForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    class Meta:
        model = CaseTypeTask
        fields = ["title", "phase", "offset_days", "responsible"]
        help_texts = {
            "phase": _("The task is created when a case enters this phase (intake: when the case is opened)."),
            "offset_days": _("Days after the start of the phase."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phase"].choices = [c for c in Phase.choices if c[0] != Phase.CLOSED]  # type: ignore[attr-defined]


class CaseSettingsForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    class Meta:
        model = OrganisationCaseSettings
        fields = ["requires_plan_approval", "requires_closure_approval"]


class ReminderForm(forms.Form):
    enabled = forms.BooleanField(
        label=_("Send me a daily e-mail when I have overdue tasks, or tasks or appointments tomorrow"),
        required=False,
        help_text=_("The e-mail only says how many; it names no people and no cases."),
    )
