"""Forms of the offer screens. They parse and check input; the services decide.

Nothing here saves: model fields are used for their form fields only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ankommen.network.forms import FieldsetsMixin
from ankommen.network.models import Membership, Organisation
from ankommen.offers.access import short_name
from ankommen.offers.choices import (
    CancellationReason,
    Category,
    EnrolmentUnit,
    EntitlementPath,
    FieldOfAction,
    Recurrence,
)
from ankommen.offers.models import Enrolment, Offer, Session
from ankommen.offers.schedule import MAX_SESSIONS
from ankommen.participants.choices import Language, StatusType
from ankommen.participants.models import Participant

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

MAIN_FIELDS = [
    "title",
    "description",
    "category",
    "field_of_action",
    "status",
]
TARGET_FIELDS = [
    "age_min",
    "age_max",
    "gender",
    "open_regardless_of_status",
    "admitted_statuses",
    "languages",
    "min_german_level",
]
COURSE_FIELDS = ["is_german_course", "entitlement_paths"]
PLACE_FIELDS = [
    "address",
    "district",
    "at_zue",
    "step_free",
    "accessibility_note",
    "childcare",
    "is_free",
    "cost_note",
    "contact",
]
SEAT_FIELDS = ["capacity", "enrolment_unit", "allocates_seats", "attendance_mode", "is_public"]


def other_languages() -> list[tuple[str, Any]]:
    """The UI languages besides the main one: an offer's title and description can be given in each."""
    return [(code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


class OfferForm(FieldsetsMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args: Any, counts_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_fields = [*MAIN_FIELDS, *TARGET_FIELDS, *COURSE_FIELDS, *PLACE_FIELDS, *SEAT_FIELDS]
        list_fields = {"admitted_statuses", "languages", "entitlement_paths"}
        self.fields.update(
            forms.fields_for_model(
                Offer,
                fields=[name for name in model_fields if name not in list_fields],
                widgets={"description": forms.Textarea(attrs={"rows": 5})},
            )
        )
        self.fields["admitted_statuses"] = forms.MultipleChoiceField(
            label=_("Residence statuses admitted"),
            choices=StatusType.choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_("Only if the offer is not open regardless of status."),
        )
        self.fields["languages"] = forms.MultipleChoiceField(
            label=_("Languages of instruction"),
            choices=Language.choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["entitlement_paths"] = forms.MultipleChoiceField(
            label=_("Entitlement paths accepted"),
            choices=EntitlementPath.choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_(
                "German courses only: by which routes participants may come. A path closed for the whole network "
                "takes no new enrolments, whatever is ticked here."
            ),
        )
        translated: list[str] = []
        for code, name in other_languages():
            self.fields[f"title_{code}"] = forms.CharField(
                label=_("Title in %(language)s") % {"language": name}, max_length=200, required=False
            )
            self.fields[f"description_{code}"] = forms.CharField(
                label=_("Description in %(language)s") % {"language": name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
            translated += [f"title_{code}", f"description_{code}"]
        self.fields["capacity"].min_value = 1  # type: ignore[attr-defined]
        self.fields["capacity"].help_text = _(
            "For the whole offer, or the default of each session when seats are given per session."
        )
        self.fields["is_public"].help_text = _(
            "The dates of this offer (no names) can be subscribed to as a calendar without logging in."
        )
        self.fields["at_zue"].help_text = _("Shown in the weekly programme of the ZUE.")
        if counts_only:
            del self.fields["attendance_mode"]
        self.fieldsets = [
            (_("Offer"), [*MAIN_FIELDS[:2], *translated, *MAIN_FIELDS[2:]]),
            (_("Target group"), TARGET_FIELDS),
            (_("German course"), COURSE_FIELDS),
            (_("Place and conditions"), PLACE_FIELDS),
            (_("Seats and attendance"), SEAT_FIELDS),
        ]

    def offer_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        translations: dict[str, dict[str, str]] = {}
        for code, _name in other_languages():
            texts = {
                "title": data.pop(f"title_{code}", "").strip(),
                "description": data.pop(f"description_{code}", "").strip(),
            }
            texts = {key: value for key, value in texts.items() if value}
            if texts:
                translations[code] = texts
        data["translations"] = translations
        data.pop("version", None)
        return data

    @staticmethod
    def initial_for(offer: Offer) -> dict[str, Any]:
        initial: dict[str, Any] = forms.model_to_dict(offer)
        for code, _name in other_languages():
            texts = (offer.translations or {}).get(code, {})
            initial[f"title_{code}"] = texts.get("title", "")
            initial[f"description_{code}"] = texts.get("description", "")
        initial["version"] = offer.version
        return initial


class SessionSeriesForm(forms.Form):
    first_day = forms.DateField(label=_("Date (of the first session)"), widget=DATE_WIDGET)
    starts = forms.TimeField(label=_("Starts at"), widget=TIME_WIDGET)
    ends = forms.TimeField(label=_("Ends at"), widget=TIME_WIDGET)
    recurrence = forms.ChoiceField(label=_("Repeats"), choices=Recurrence.choices, initial=Recurrence.ONCE)
    count = forms.IntegerField(
        label=_("Number of sessions"),
        min_value=1,
        max_value=MAX_SESSIONS,
        required=False,
        help_text=_("For a series: how many sessions, or give the date of the last one."),
    )
    until = forms.DateField(label=_("Last possible date"), widget=DATE_WIDGET, required=False)
    place = forms.CharField(label=_("Room or place (if not the offer's address)"), max_length=200, required=False)
    capacity = forms.IntegerField(
        label=_("Seats per session"),
        min_value=1,
        required=False,
        help_text=_("Empty: the offer's number of seats."),
    )

    def __init__(self, *args: Any, offer: Offer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if offer.enrolment_unit != EnrolmentUnit.SESSION:
            del self.fields["capacity"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        recurring = data.get("recurrence") not in (None, Recurrence.ONCE)
        if recurring and not data.get("count") and not data.get("until"):
            self.add_error("count", _("Give the number of sessions or the date of the last one."))
        if data.get("starts") and data.get("ends") and data["ends"] <= data["starts"]:
            self.add_error("ends", _("A session must end after it starts."))
        return data


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["starts_at", "ends_at", "place", "capacity", "is_cancelled"]
        widgets = {"starts_at": DATETIME_WIDGET, "ends_at": DATETIME_WIDGET}

    def __init__(self, *args: Any, offer: Offer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if offer.enrolment_unit != EnrolmentUnit.SESSION:
            del self.fields["capacity"]
        else:
            self.fields["capacity"].help_text = _("Empty: the offer's number of seats.")
        self.fields["is_cancelled"].help_text = _(
            "Cancelled sessions stay in the calendars, marked as cancelled; nobody can enrol in them."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("A session must end after it starts."))
        return data

    def _post_clean(self) -> None:  # the service saves, with its checks: no model validation here
        pass


class EnrolForm(forms.Form):
    """The person is given by the reference shown on the record (as when opening a case)."""

    reference = forms.CharField(
        label=_("Reference of the person"),
        max_length=20,
        help_text=_('As shown on the record, e.g. "MS-000123".'),
    )
    session: forms.ModelChoiceField[Session] = forms.ModelChoiceField(
        label=_("Session"), queryset=Session.objects.none(), required=False
    )
    path = forms.ChoiceField(label=_("Entitlement path"), required=False)

    def __init__(self, *args: Any, actor: Membership, offer: Offer, closed: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.offer = offer
        self.participant: Participant | None = None
        if offer.enrolment_unit == EnrolmentUnit.SESSION:
            self.fields["session"].required = True
            self.fields["session"].queryset = offer.sessions.filter(  # type: ignore[attr-defined]
                is_cancelled=False, starts_at__gt=timezone.now()
            ).order_by("starts_at")
            self.fields["session"].label_from_instance = _session_label  # type: ignore[attr-defined]
        else:
            del self.fields["session"]
        if offer.is_german_course:
            labels = dict(EntitlementPath.choices)
            choices: list[tuple[str, Any]] = [("", _("Please choose"))]
            for code in offer.entitlement_paths or []:
                label = labels.get(code, code)
                if code in closed:
                    label = _("%(path)s – closed network-wide") % {"path": label}
                choices.append((code, label))
            self.fields["path"].choices = choices  # type: ignore[attr-defined]
            self.fields["path"].required = True
        else:
            del self.fields["path"]

    def clean_reference(self) -> str:
        from ankommen.participants.access import own_participants

        reference = self.cleaned_data["reference"].strip().upper()
        self.participant = own_participants(self.actor).filter(reference__iexact=reference).first()
        if self.participant is None:
            raise forms.ValidationError(_("Your organisation has no person with this reference."))
        return reference


def _session_label(session: Session) -> str:
    start = timezone.localtime(session.starts_at)
    end = timezone.localtime(session.ends_at)
    return f"{start:%d.%m.%Y %H:%M}–{end:%H:%M}"


class CancelForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", _("Please choose")), *CancellationReason.choices])


class AttendanceListForm(forms.Form):
    present = forms.MultipleChoiceField(
        label=_("Present"), required=False, widget=forms.CheckboxSelectMultiple, choices=[]
    )
    walk_ins = forms.IntegerField(
        label=_("People present without enrolment (number only)"), min_value=0, max_value=10000, required=False
    )

    def __init__(self, *args: Any, holders: list[Enrolment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [  # type: ignore[attr-defined]
            (str(e.pk), short_name(e.participant)) for e in holders
        ]

    def present_ids(self) -> set[int]:
        return {int(value) for value in self.cleaned_data.get("present") or []}


class CountsForm(forms.Form):
    count = forms.IntegerField(label=_("Number of people present"), min_value=0, max_value=10000)


class ScanForm(forms.Form):
    token = forms.CharField(
        label=_("Card code"),
        max_length=300,
        help_text=_('The code printed under the QR code, e.g. "K7QM-3XD9-PT4H".'),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )


class PathForm(forms.Form):
    is_open = forms.TypedChoiceField(
        label=_("State"),
        choices=[("1", _("open")), ("0", _("closed"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        help_text=_("Required when closing, e.g. the authority's announcement and its date."),
    )


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    field_of_action = forms.ChoiceField(label=_("Field"), required=False)
    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("Provider"), queryset=Organisation.objects.none(), required=False, empty_label=_("all providers")
    )
    at_zue = forms.BooleanField(label=_("On site at the ZUE only"), required=False)

    def __init__(self, *args: Any, providers: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("all categories")), *Category.choices]  # type: ignore[attr-defined]
        self.fields["field_of_action"].choices = [("", _("all fields")), *FieldOfAction.choices]  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = providers  # type: ignore[attr-defined]


class ReportForm(forms.Form):
    date_from = forms.DateField(label=pgettext_lazy("period", "From"), widget=DATE_WIDGET, required=False)
    date_to = forms.DateField(label=pgettext_lazy("period", "To"), widget=DATE_WIDGET, required=False)

    def period(self, today: dt.date) -> tuple[dt.date, dt.date]:
        """The chosen period; by default the last twelve months up to today."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        date_to = data.get("date_to") or today
        date_from = data.get("date_from") or date_to - dt.timedelta(days=364)
        if date_from > date_to:
            date_from, date_to = date_to, date_from
        return date_from, date_to


# --- offer finder ------------------------------------------------------------------------------


class FinderFilterForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), required=False, choices=[("", _("all")), *Category.choices])
    field_of_action = forms.ChoiceField(
        label=_("Field"), required=False, choices=[("", _("all")), *FieldOfAction.choices]
    )


class FinderEnrolForm(forms.Form):
    """Enrol from a row of the finder: the date (single dates) and the entitlement path (German courses)."""

    session = forms.IntegerField(required=False, widget=forms.HiddenInput)
    path = forms.ChoiceField(label=_("Entitlement path"), required=False, choices=[("", ""), *EntitlementPath.choices])
    back = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)


# --- seat allocation ---------------------------------------------------------------------------


class AllocationForm(forms.Form):
    offers: forms.ModelMultipleChoiceField[Offer] = forms.ModelMultipleChoiceField(
        label=_("Offers"),
        queryset=Offer.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Published offers with one seat for all dates. The people on their waiting lists are the candidates."
        ),
    )
    include_parallel = forms.BooleanField(
        label=_("Also consider the other offers of this run of the same category (parallel courses)"),
        required=False,
    )

    def __init__(self, *args: Any, offers: QuerySet[Offer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offers"].queryset = offers  # type: ignore[attr-defined]
        self.fields["offers"].label_from_instance = _offer_label  # type: ignore[attr-defined]


def _offer_label(offer: Offer) -> str:
    return f"{offer.display_title} – {offer.organisation.name}"
