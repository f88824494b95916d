"""Forms of referrals: sending one (case managers), declining and completing one (the partner).
They parse input; ``referrals.py`` decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ankommen.cases.choices import GoalStatus
from ankommen.cases.models import Case, Goal
from ankommen.consents.choices import DataCategory
from ankommen.network.models import Membership, Organisation
from ankommen.offers.choices import Availability, OfferStatus, ReferralOutcome, ReferralPurpose
from ankommen.offers.models import Offer
from ankommen.offers.referrals import PACKET_CATEGORIES, RECIPIENT_TYPES, people_of, recipients_for
from ankommen.participants.models import Participant

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReferralForm(forms.Form):
    participant: forms.ModelChoiceField[Participant] = forms.ModelChoiceField(
        label=_("Person"), queryset=Participant.objects.none()
    )
    recipient: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("Partner organisation"), queryset=Organisation.objects.none()
    )
    purpose = forms.ChoiceField(label=_("What for"), choices=[("", _("Please choose")), *ReferralPurpose.choices])
    offer: forms.ModelChoiceField[Offer] = forms.ModelChoiceField(
        label=_("Offer of the partner (optional)"), queryset=Offer.objects.none(), required=False
    )
    goal: forms.ModelChoiceField[Goal] = forms.ModelChoiceField(
        label=_("Goal of the plan it serves (optional)"),
        queryset=Goal.objects.none(),
        required=False,
        help_text=_("The outcome is written to this goal as a progress note."),
    )
    categories = forms.MultipleChoiceField(
        label=_("Referral packet: what the partner sees"),
        choices=[(code, DataCategory(code).label) for code in PACKET_CATEGORIES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Only what the person's consent for this referral allows. Residence status, health, support needs and "
            "counselling notes are never part of a referral packet."
        ),
    )
    availability = forms.ChoiceField(
        label=_("Availability (shared with work history)"), choices=Availability.choices, required=False
    )
    note = forms.CharField(
        label=_("Internal note"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For your organisation only: it is not sent to the partner."),
    )

    def __init__(self, *args: Any, actor: Membership, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = people_of(case)
        if case.participant_id is not None:
            del self.fields["participant"]
        else:
            self.fields["participant"].queryset = Participant.objects.filter(pk__in=[p.pk for p in people])  # type: ignore[attr-defined]
        self.fields["recipient"].queryset = recipients_for(actor)  # type: ignore[attr-defined]
        self.fields["offer"].queryset = (  # type: ignore[attr-defined]
            Offer.objects.filter(
                network=actor.network_id, status=OfferStatus.PUBLISHED, organisation__type__in=RECIPIENT_TYPES
            )
            .select_related("organisation")
            .order_by("organisation__name", "title")
        )
        self.fields["offer"].label_from_instance = lambda o: f"{o.display_title} – {o.organisation.name}"  # type: ignore[attr-defined]
        self.fields["goal"].queryset = case.goals.filter(status__in=[GoalStatus.OPEN, GoalStatus.PARTLY]).order_by("pk")  # type: ignore[attr-defined]

    def referral_values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class DeclineForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("Why the referral is declined"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the referring organisation."),
    )


class CompleteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", _("Please choose")), *ReferralOutcome.choices])
    outcome_on = forms.DateField(label=_("From (e.g. the start of the training)"), required=False, widget=DATE_WIDGET)
    note = forms.CharField(
        label=_("Note on the outcome"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Goes to the referring case manager and into the case as a progress note."),
    )
