"""Forms of the consent screens. They parse input; ``services.record_consent`` decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ankommen.cases.models import Case
from ankommen.consents.choices import CASE_PURPOSES, DataCategory, Form, Purpose
from ankommen.network.forms import FieldsetsMixin
from ankommen.network.models import Membership, Organisation
from ankommen.network.roles import OrganisationType
from ankommen.participants.choices import Language
from ankommen.participants.models import Participant

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def recipient_choices(actor: Membership) -> QuerySet[Organisation]:
    """The organisations a consent may name: the other active organisations of the network, never
    the police."""
    return (
        Organisation.objects.filter(network=actor.network_id, is_active=True)
        .exclude(pk=actor.organisation_id)
        .exclude(type=OrganisationType.POLICE)
        .order_by("name")
    )


class RecipientField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_type_display()})"


class HouseholdMemberField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.reference})"


class ConsentForm(FieldsetsMixin, forms.Form):
    fieldsets = [
        (_("What for"), ["purpose", "purpose_note", "given_by"]),
        (_("Shared with"), ["recipients", "data_categories"]),
        (_("Proof"), ["language", "form", "document", "given_on", "valid_until"]),
    ]
    purpose = forms.ChoiceField(label=_("Purpose"))
    purpose_note = forms.CharField(
        label=_("Occasion"),
        max_length=300,
        required=False,
        help_text=_("What exactly the consent is for, e.g. the conference or the application it concerns."),
    )
    given_by = HouseholdMemberField(
        label=_("Given by"),
        queryset=Participant.objects.none(),
        required=False,
        help_text=_("The member of the household who gave the consent."),
    )
    recipients = RecipientField(
        label=_("Recipient organisations"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Staff of these organisations see the data categories below while the consent is in force, "
            "read only. The police can never be recipients; chambers receive only the referral packet."
        ),
    )
    data_categories = forms.MultipleChoiceField(
        label=_("Data categories"),
        choices=DataCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Name only what the purpose needs. Everything else stays with your organisation."),
    )
    language = forms.ChoiceField(
        label=_("Language version shown"),
        choices=Language.choices,
        initial=Language.GERMAN,
        help_text=_("The language of the consent text the person read."),
    )
    form = forms.ChoiceField(label=_("Form"), choices=Form.choices, initial=Form.WRITTEN)
    document = forms.FileField(
        label=_("Signed document"),
        required=False,
        help_text=_("PDF, PNG or JPEG, at most 10 MB. Needed for a written consent."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )
    given_on = forms.DateField(label=_("Given on"), widget=DATE_WIDGET)
    valid_until = forms.DateField(
        label=_("Valid until"),
        widget=DATE_WIDGET,
        help_text=_("Sharing ends on this day at the latest; the person can revoke the consent at any time."),
    )

    def __init__(self, *args: Any, actor: Membership, case: Case | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("given_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        purposes = [(code, label) for code, label in Purpose.choices if case is not None or code not in CASE_PURPOSES]
        self.fields["purpose"].choices = purposes  # type: ignore[attr-defined]
        self.fields["recipients"].queryset = recipient_choices(actor)  # type: ignore[attr-defined]
        if case is not None and case.household_id is not None:
            self.fields["given_by"].queryset = (  # type: ignore[attr-defined]
                Participant.objects.filter(
                    network=actor.network_id,
                    household_memberships__household=case.household_id,
                    merged_into__isnull=True,
                )
                .distinct()
                .order_by("family_name", "given_name")
            )
            self.fields["given_by"].required = True
        else:
            del self.fields["given_by"]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        names = ("purpose", "purpose_note", "language", "form", "given_on", "valid_until", "given_by")
        return {name: data.get(name) for name in names if name in self.fields}


class RevokeForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=300,
        required=False,
        help_text=_("How the person withdrew the consent, e.g. by phone or in person. No health data."),
    )
