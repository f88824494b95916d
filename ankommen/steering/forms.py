"""Forms of the steering screens. They parse and check input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ankommen.cases.choices import AgeBand, StatusGroup
from ankommen.network.models import Membership, Organisation
from ankommen.network.roles import OrganisationType
from ankommen.offers.choices import OfferStatus
from ankommen.offers.models import Offer
from ankommen.participants.choices import Language
from ankommen.steering import scoring
from ankommen.steering.choices import (
    FILED_SOURCES,
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
    MemberFunction,
    PartnerRole,
    ReportSource,
    Topic,
)
from ankommen.steering.models import Agreement, Body, Event, ProblemReport
from ankommen.steering.services.reports import WORKSHOP_KINDS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
ANY = [("", _("any"))]


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class OrganisationsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class MembershipChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.user.full_name} – {obj.organisation.name}"


class TitledChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


def organisations_of(actor: Membership) -> QuerySet[Organisation]:
    return Organisation.objects.filter(network=actor.network_id, is_active=True).order_by("name")


def memberships_of(actor: Membership) -> QuerySet[Membership]:
    """People with an active role in the network (for members and action items)."""
    return (
        Membership.objects.filter(network=actor.network_id, is_active=True, organisation__is_active=True)
        .select_related("user", "organisation")
        .order_by("user__full_name", "organisation__name", "pk")
    )


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)


# --- agreements ------------------------------------------------------------------------------


class AgreementForm(VersionForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=AgreementKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    purpose = forms.CharField(label=_("Purpose and content"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    signed_on = forms.DateField(label=_("Signed on"), required=False, widget=DATE_WIDGET)
    renewal_on = forms.DateField(
        label=_("Renewal due on"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("The coordinators are reminded on their start page from 60 days before."),
    )
    document = forms.FileField(
        label=_("Document (signed agreement)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
        help_text=_("PDF, PNG or JPEG, at most 10 MB. A new document replaces the stored one."),
    )


class PartnerForm(forms.Form):
    organisation = OrganisationChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=PartnerRole.choices, initial=PartnerRole.PARTNER)
    joined_on = forms.DateField(label=_("Joined on"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, actor: Membership, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_of(actor).exclude(  # type: ignore[attr-defined]
            pk__in=agreement.partners.values("organisation")
        )


class SignatoryForm(forms.Form):
    organisation = OrganisationChoiceField(label=_("Signed for"), queryset=Organisation.objects.none())
    name = forms.CharField(label=_("Name"), max_length=200)
    function = forms.CharField(
        label=_("Function"), max_length=200, required=False, help_text=_("For example “Regierungspräsident”.")
    )
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE_WIDGET)

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=agreement.partners.values("organisation")
        ).order_by("name")


class PartnerMapFilterForm(forms.Form):
    agreement = TitledChoiceField(label=_("Agreement"), queryset=Agreement.objects.none(), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=ANY + list(PartnerRole.choices), required=False)
    type = forms.ChoiceField(
        label=_("Type of organisation"), choices=ANY + list(OrganisationType.choices), required=False
    )
    year = forms.IntegerField(label=_("Joined in"), required=False, min_value=1990, max_value=2100)

    def __init__(self, *args: Any, actor: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = Agreement.objects.filter(network=actor.network_id)  # type: ignore[attr-defined]
        self.fields["agreement"].empty_label = _("all agreements")  # type: ignore[attr-defined]


# --- bodies and meetings ---------------------------------------------------------------------


class BodyForm(VersionForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=BodyKind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    topic = forms.ChoiceField(
        label=_("Topic"),
        choices=[("", _("no particular topic")), *Topic.choices],
        required=False,
        help_text=_("Working and project groups work on a topic."),
    )
    remit = forms.CharField(label=_("Remit"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class MemberForm(forms.Form):
    organisation = OrganisationChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("An organisation as a member, or the organisation a person represents."),
    )
    membership = MembershipChoiceField(
        label=_("Person with an account"),
        queryset=Membership.objects.none(),
        required=False,
        help_text=_("Members with an account see the body's meetings and their action items."),
    )
    person_name = forms.CharField(label=_("Or: name of a person without an account"), max_length=200, required=False)
    function = forms.ChoiceField(label=_("Function"), choices=MemberFunction.choices, initial=MemberFunction.MEMBER)
    joined_on = forms.DateField(label=_("Member since"), widget=DATE_WIDGET, required=False)

    def __init__(self, *args: Any, actor: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_of(actor)  # type: ignore[attr-defined]
        self.fields["membership"].queryset = memberships_of(actor)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        membership: Membership | None = data.get("membership")
        organisation = data.get("organisation")
        if membership is not None:
            if organisation is not None and organisation.pk != membership.organisation_id:
                self.add_error("organisation", _("The person represents the organisation of the chosen role."))
            data["organisation"] = membership.organisation
            data["user"] = membership.user
        else:
            data["user"] = None
        return data


class MeetingForm(VersionForm):
    scheduled_at = forms.DateTimeField(label=_("Date and time"), widget=DATETIME_WIDGET)
    place = forms.CharField(label=_("Place or video room"), max_length=200)


class AgendaItemForm(forms.Form):
    order = forms.IntegerField(label=_("Position"), min_value=1, max_value=99, required=False)
    title = forms.CharField(label=_("Topic"), max_length=200)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


class MinutesForm(VersionForm):
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 16}), required=False)


class DecisionForm(forms.Form):
    text = forms.CharField(label=pgettext_lazy("steering", "Decision"), widget=forms.Textarea(attrs={"rows": 4}))


class ActionItemForm(forms.Form):
    text = forms.CharField(label=_("What is to be done"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    owner_organisation = OrganisationChoiceField(
        label=_("Responsible organisation"), queryset=Organisation.objects.none(), required=False
    )
    owner_membership = MembershipChoiceField(
        label=_("Responsible person with an account"), queryset=Membership.objects.none(), required=False
    )
    owner_name = forms.CharField(label=_("Or: responsible person without an account"), max_length=200, required=False)
    due_on = forms.DateField(label=_("Due on"), widget=DATE_WIDGET)

    def __init__(self, *args: Any, actor: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].queryset = organisations_of(actor)  # type: ignore[attr-defined]
        self.fields["owner_membership"].queryset = memberships_of(actor)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        membership: Membership | None = data.get("owner_membership")
        data["owner_user"] = membership.user if membership is not None else None
        return data


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)


class ActionItemFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("", _("open action items")), ("closed", _("done or dropped")), ("all", _("all action items"))],
    )


# --- events ----------------------------------------------------------------------------------


class EventForm(VersionForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DATETIME_WIDGET)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DATETIME_WIDGET, required=False)
    place = forms.CharField(label=_("Place"), max_length=200)
    organiser = OrganisationChoiceField(label=_("Organised by"), queryset=Organisation.objects.none())
    hosts = OrganisationsField(
        label=_("Co-hosting organisations"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    agreement = TitledChoiceField(
        label=_("Agreement"),
        queryset=Agreement.objects.none(),
        required=False,
        help_text=_("For example the agreement a new partner joins with this kick-off event."),
    )
    body = TitledChoiceField(label=_("Body"), queryset=Body.objects.none(), required=False)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, required=False)

    def __init__(self, *args: Any, actor: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organisations_of(actor)  # type: ignore[attr-defined]
        self.fields["hosts"].queryset = organisations_of(actor)  # type: ignore[attr-defined]
        self.fields["agreement"].queryset = Agreement.objects.filter(network=actor.network_id)  # type: ignore[attr-defined]
        self.fields["body"].queryset = Body.objects.filter(network=actor.network_id)  # type: ignore[attr-defined]


class EventCountsForm(VersionForm):
    registered_count = forms.IntegerField(
        label=_("Registrations counted"),
        min_value=0,
        help_text=_("Registrations of people without an account (e.g. by e-mail), as a number. No names."),
    )
    attendance_count = forms.IntegerField(label=_("Attendance"), min_value=0, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=EventStatus.choices)


# --- problem reports -------------------------------------------------------------------------


class ProblemReportForm(VersionForm):
    source = forms.ChoiceField(label=_("Where the report comes from"), choices=FILED_SOURCES)
    event = TitledChoiceField(
        label=_("From the workshop"),
        queryset=Event.objects.none(),
        required=False,
        help_text=_("For reports collected at a STARTER workshop or another event."),
    )
    field = forms.ChoiceField(label=_("Field"), choices=Field.choices)
    age_band = forms.ChoiceField(label=_("Age group"), choices=AgeBand.choices, initial=AgeBand.YOUNG_ADULT)
    status_group = forms.ChoiceField(label=_("Residence status group"), choices=StatusGroup.choices)
    benefit_system = forms.ChoiceField(
        label=_("Benefit system"), choices=BenefitSystem.choices, initial=BenefitSystem.UNKNOWN
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("any language")), *Language.choices], required=False
    )
    title = forms.CharField(label=_("Short title"), max_length=200)
    description = forms.CharField(
        label=_("Description of the problem"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Describe the barrier, not the person: no names, dates, addresses, phone numbers or references."),
    )
    case_count = forms.IntegerField(
        label=_("Number of anonymised cases"),
        min_value=0,
        initial=1,
        help_text=_("How many cases you know in which this barrier occurred."),
    )
    vignette = forms.CharField(
        label=_("Short case vignette"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=1500,
        help_text=_("A short, anonymous example (e.g. “a young woman with Duldung, 22, …”). No identifying data."),
    )
    confirm_anonymous = forms.BooleanField(label=_("I have checked: the texts identify nobody."), required=False)

    def __init__(self, *args: Any, actor: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = Event.objects.filter(  # type: ignore[attr-defined]
            network=actor.network_id, kind__in=WORKSHOP_KINDS
        ).order_by("-starts_at")


class ReportFilterForm(forms.Form):
    field = forms.ChoiceField(label=_("Field"), choices=ANY + list(Field.choices), required=False)
    source = forms.ChoiceField(label=_("Source"), choices=ANY + list(ReportSource.choices), required=False)
    status_group = forms.ChoiceField(
        label=_("Residence status group"), choices=ANY + list(StatusGroup.choices), required=False
    )
    linked = forms.ChoiceField(
        label=_("In the gap register"),
        choices=[("", _("all")), ("no", _("not yet in a gap")), ("yes", _("in a gap"))],
        required=False,
    )


# --- gaps ------------------------------------------------------------------------------------


class GapForm(VersionForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    field = forms.ChoiceField(label=_("Field"), choices=Field.choices)
    age_band = forms.ChoiceField(label=_("Age group"), choices=AgeBand.choices, initial=AgeBand.YOUNG_ADULT)
    status_group = forms.ChoiceField(label=_("Residence status group"), choices=StatusGroup.choices)
    benefit_system = forms.ChoiceField(
        label=_("Benefit system"), choices=BenefitSystem.choices, initial=BenefitSystem.UNKNOWN
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("any language")), *Language.choices], required=False
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    gap_type = forms.ChoiceField(
        label=_("Type of gap"), choices=[("", _("not classified yet")), *GapType.choices], required=False
    )
    access_barriers = forms.MultipleChoiceField(
        label=_("Access barriers"),
        choices=AccessBarrier.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only for gaps of the type “access”."),
    )
    root_cause = forms.CharField(label=_("Root cause"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    proposed_measure = forms.CharField(
        label=_("Proposed measure"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = OrganisationChoiceField(
        label=_("Responsible organisation"), queryset=Organisation.objects.none(), required=False
    )
    body = TitledChoiceField(label=_("Working group"), queryset=Body.objects.none(), required=False)
    target_on = forms.DateField(label=_("Target date"), required=False, widget=DATE_WIDGET)
    funding_source = forms.ChoiceField(label=_("Funding source"), choices=FundingSource.choices, required=False)
    funding_note = forms.CharField(label=_("Note on funding"), max_length=300, required=False)

    BASE = ("title", "field", "age_band", "status_group", "benefit_system", "language", "description")
    ANALYSIS = (
        "gap_type",
        "access_barriers",
        "root_cause",
        "proposed_measure",
        "owner",
        "body",
        "target_on",
        "funding_source",
        "funding_note",
    )

    def __init__(self, *args: Any, actor: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = organisations_of(actor)  # type: ignore[attr-defined]
        self.fields["body"].queryset = Body.objects.filter(network=actor.network_id, is_active=True)  # type: ignore[attr-defined]

    @property
    def fieldset_list(self) -> list[tuple[Any, list[Any]]]:
        return [
            (_("The gap"), [self[name] for name in self.BASE]),
            (_("Analysis and measure"), [self[name] for name in self.ANALYSIS]),
        ]


class GapReportsForm(forms.Form):
    problem_reports: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Problem reports"),
        queryset=ProblemReport.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, actor: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["problem_reports"]
        field.queryset = ProblemReport.objects.filter(network=actor.network_id).order_by("-number")  # type: ignore[attr-defined]
        field.label_from_instance = lambda r: f"{r.code} {r.title} ({r.get_field_display()})"  # type: ignore[attr-defined]


class GapOfferForm(forms.Form):
    offer = TitledChoiceField(label=_("Offer"), queryset=Offer.objects.none())
    finding = forms.CharField(
        label=_("Result of the check"),
        max_length=300,
        required=False,
        help_text=_("What the check showed, e.g. “only for Gestattete after three months”, “waiting list of 40”."),
    )

    def __init__(self, *args: Any, actor: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = (  # type: ignore[attr-defined]
            Offer.objects.filter(network=actor.network_id)
            .exclude(status=OfferStatus.DRAFT)
            .select_related("organisation")
            .order_by("title", "pk")
        )
        self.fields["offer"].label_from_instance = lambda o: f"{o.display_title} ({o.organisation.name})"  # type: ignore[attr-defined]


IMPACT_SCALE = [
    (1, _("1 – an inconvenience")),
    (2, _("2 – delays the next step")),
    (3, _("3 – blocks one step of the plan")),
    (4, _("4 – blocks the way into training or work")),
    (5, _("5 – endangers the stay or livelihood")),
]
AFFECTED_SCALE = [
    (1, _("1 – fewer than 5 people a year")),
    (2, _("2 – 5 to 19 people a year")),
    (3, _("3 – 20 to 49 people a year")),
    (4, _("4 – 50 to 99 people a year")),
    (5, _("5 – 100 or more people a year")),
]
FEASIBILITY_SCALE = [
    (1, _("1 – needs a change in law")),
    (2, _("2 – needs new money from outside the network")),
    (3, _("3 – needs new money within the network's budgets")),
    (4, _("4 – partners can do it with their means")),
    (5, _("5 – a quick win (information, coordination)")),
]


class PriorityForm(VersionForm):
    impact = forms.TypedChoiceField(label=_("Impact"), choices=IMPACT_SCALE, coerce=int)
    affected = forms.TypedChoiceField(label=_("People affected"), choices=AFFECTED_SCALE, coerce=int)
    feasibility = forms.TypedChoiceField(label=_("Feasibility"), choices=FEASIBILITY_SCALE, coerce=int)


class GapStatusForm(VersionForm):
    to_status = forms.ChoiceField(label=_("New status"), choices=GapStatus.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    evidence = forms.CharField(
        label=_("Evidence of closure"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Needed to close: what shows that the gap is closed (e.g. the new offer and its first figures)."),
    )
    review_on = forms.DateField(
        label=_("Review on"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Needed to close: when to check that the gap stays closed."),
    )

    def __init__(self, *args: Any, choices: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = choices  # type: ignore[attr-defined]


class GapFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("not closed")), ("all", _("all")), *GapStatus.choices],
        required=False,
    )
    field = forms.ChoiceField(label=_("Field"), choices=ANY + list(Field.choices), required=False)
    gap_type = forms.ChoiceField(label=_("Type of gap"), choices=ANY + list(GapType.choices), required=False)
    band = forms.ChoiceField(
        label=_("Priority"),
        choices=[
            ("", _("any")),
            (scoring.HIGH, _("high")),
            (scoring.MEDIUM, _("medium")),
            (scoring.LOW, _("low")),
            ("none", _("not prioritised yet")),
        ],
        required=False,
    )
    owner = OrganisationChoiceField(
        label=_("Responsible organisation"), queryset=Organisation.objects.none(), required=False
    )
    q = forms.CharField(label=_("Search"), max_length=100, required=False)

    def __init__(self, *args: Any, actor: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = organisations_of(actor)  # type: ignore[attr-defined]
        self.fields["owner"].empty_label = _("any")  # type: ignore[attr-defined]


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("File format"), choices=[("xlsx", _("Excel (XLSX)")), ("csv", _("CSV (semicolon separated)"))]
    )
