"""Forms of the conference screens. They parse and check input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ankommen.conferences.choices import Setting
from ankommen.conferences.models import Conference
from ankommen.conferences.services import conference_organisation_types
from ankommen.network.models import Membership, Organisation

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def invitable_organisations(actor: Membership, conference: Conference | None = None) -> QuerySet[Organisation]:
    """Active organisations of the network whose staff can take part in conferences (no police),
    other than the case owner and those already taking part."""
    organisations = Organisation.objects.filter(
        network=actor.network_id, is_active=True, type__in=sorted(conference_organisation_types())
    ).exclude(pk=actor.organisation_id)
    if conference is not None:
        organisations = organisations.exclude(pk=conference.case.organisation_id).exclude(
            pk__in=conference.participations.values("organisation")
        )
    return organisations.order_by("name")


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ScheduleForm(forms.Form):
    scheduled_at = forms.DateTimeField(label=_("Date and time"), widget=DATETIME_WIDGET)
    setting = forms.ChoiceField(label=_("Form"), choices=Setting.choices, initial=Setting.IN_PERSON)
    place = forms.CharField(
        label=_("Place or video room"),
        max_length=200,
        help_text=_("A meeting room or the link to the video room. Not the participant's address."),
    )


class ChangeConferenceForm(ScheduleForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class InviteForm(forms.Form):
    organisation = OrganisationChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())

    def __init__(self, *args: Any, actor: Membership, conference: Conference, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = invitable_organisations(actor, conference)  # type: ignore[attr-defined]


class AgendaItemForm(forms.Form):
    order = forms.IntegerField(label=_("Position"), min_value=1, max_value=99, required=False)
    title = forms.CharField(label=_("Topic"), max_length=200)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        widget=forms.Textarea(attrs={"rows": 16}),
        required=False,
        help_text=_("In an anonymised conference, speak of the person only by the pseudonym."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 4}))


class ActionItemForm(forms.Form):
    text = forms.CharField(label=_("What is to be done"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    owner = OrganisationChoiceField(label=_("Responsible organisation"), queryset=Organisation.objects.none())
    due_on = forms.DateField(label=_("Due on"), widget=DATE_WIDGET)

    def __init__(self, *args: Any, conference: Conference, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        taking_part = [
            conference.case.organisation_id,
            *conference.participations.values_list("organisation", flat=True),
        ]
        owners = Organisation.objects.filter(network=conference.network_id, pk__in=taking_part).order_by("name")
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class ActionItemFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("", _("open action items")), ("done", _("done action items")), ("all", _("all action items"))],
    )
