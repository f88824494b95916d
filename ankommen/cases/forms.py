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
from ankommen.cases.models import Appointment, AssessmentEntry, Case, CaseType, Goal, Measure
from ankommen.network.forms import FieldsetsMixin
from ankommen.network.models import Membership
from ankommen.participants.models import Household, Participant

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
BARRIER_ROWS = 3


def case_staff(actor: Membership, permission: str = "cases.edit") -> QuerySet[User]:
    """Users with an active role holding ``permission`` in the actor's organisation."""
    from ankommen.network.roles import ROLE_PERMISSIONS

    roles = [role for role, perms in ROLE_PERMISSIONS.items() if permission in perms]
    return (
        User.objects.filter(
            memberships__network=actor.network_id,
            memberships__organisation=actor.organisation_id,
            memberships__is_active=True,
            memberships__role__in=roles,
        )
        .distinct()
        .order_by("full_name", "email")
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.email)


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
    title = forms.CharField(label=_("Title"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), widget=DATE_WIDGET)
    assignee = UserChoiceField(label=_("Assigned to"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, actor: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = case_staff(actor)  # type: ignore[attr-defined]


class AppointmentForm(forms.ModelForm):
    class Meta:
        model = Appointment
        fields = ["starts_at", "kind", "place", "with_whom", "note"]
        widgets = {"starts_at": DATETIME_WIDGET}


class RoleForm(forms.Form):
    user = UserChoiceField(label=_("Colleague"), queryset=User.objects.none())

    def __init__(self, *args: Any, actor: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = case_staff(actor, "cases.view")  # type: ignore[attr-defined]


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
