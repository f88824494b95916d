"""Forms of the participant screens. They parse and check input; the services decide."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django import forms
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ankommen.network.forms import FieldsetsMixin
from ankommen.participants.choices import Childcare, Relationship, Vulnerability
from ankommen.participants.matching import PersonRecord, record_keys
from ankommen.participants.models import (
    Identifier,
    NameVariant,
    Participant,
    ParticipantChild,
    ParticipantNameKey,
)
from ankommen.participants.sections import Section
from ankommen.participants.services import PARTICIPANT_FIELDS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ORIGINAL_SCRIPT_ATTRS = {"dir": "auto", "autocomplete": "off", "spellcheck": "false"}


def _date_widgets(model: type[Any], names: list[str] | tuple[str, ...]) -> dict[str, forms.Widget]:
    from django.db import models

    return {
        name: DATE_WIDGET
        for name in names
        if isinstance(model._meta.get_field(name), models.DateField)
        and not isinstance(model._meta.get_field(name), models.DateTimeField)
    }


class ParticipantForm(FieldsetsMixin, forms.Form):
    """The record itself (edit page); the register page shows the identifying part of it."""

    fieldsets = [
        (_("Names as written on the German document"), ["given_name", "family_name"]),
        (_("Names in the original script"), ["given_name_original", "family_name_original", "original_script"]),
        (
            _("Birth and origin"),
            ["date_of_birth", "birth_date_precision", "sex", "place_of_birth", "nationalities", "entry_date"],
        ),
        (_("Interpreting"), ["interpreter_needed", "interpreter_language"]),
        (_("Accommodation"), ["accommodation", "district", "address"]),
        (_("Interests and strengths"), ["interests", "strengths"]),
        (_("Support needs"), ["vulnerabilities", "support_note"]),
    ]
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, with_version: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = [name for _legend, names in self.fieldsets for name in names if name != "vulnerabilities"]
        widgets: dict[str, type[forms.Widget] | forms.Widget] = {
            "given_name_original": forms.TextInput(attrs=ORIGINAL_SCRIPT_ATTRS),
            "family_name_original": forms.TextInput(attrs=ORIGINAL_SCRIPT_ATTRS),
            "interests": forms.Textarea(attrs={"rows": 3}),
            "strengths": forms.Textarea(attrs={"rows": 3}),
            **_date_widgets(Participant, names),
        }
        self.fields.update(forms.fields_for_model(Participant, fields=names, widgets=widgets))
        if "vulnerabilities" in [n for _legend, ns in self.fieldsets for n in ns]:
            self.fields["vulnerabilities"] = forms.MultipleChoiceField(
                label=_("Support needs"),
                choices=Vulnerability.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=_("Only what the support needs. Never record diagnoses."),
            )
        self.fields["family_name"].help_text = _("If the person has only one name, enter it here.")
        self.fields["date_of_birth"].help_text = _(
            "If only the year is known, enter 1 January of that year and choose “year only” below."
        )
        if "nationalities" in self.fields:
            self.fields["nationalities"].help_text = _("Several can be chosen (Ctrl or Cmd key).")
        if not with_version:
            del self.fields["version"]
        self.order_fields([n for _legend, ns in self.fieldsets for n in ns])

    def record_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PARTICIPANT_FIELDS if name in self.cleaned_data}

    @classmethod
    def initial_for(cls, participant: Participant) -> dict[str, Any]:
        initial = {name: getattr(participant, name) for name in PARTICIPANT_FIELDS}
        initial["nationalities"] = [str(c.code) for c in participant.nationalities]
        return initial | {"version": participant.version}


class RegisterForm(ParticipantForm):
    """Step 1 of registering: who the person is. The rest is added on the record afterwards."""

    fieldsets = [
        ParticipantForm.fieldsets[0],
        ParticipantForm.fieldsets[1],
        ParticipantForm.fieldsets[2],
        (_("Accommodation"), ["accommodation", "district"]),
    ]
    # Set when the duplicate check has been shown for exactly these data.
    checked = forms.CharField(widget=forms.HiddenInput, required=False)

    def person_record(self) -> PersonRecord:
        from ankommen.participants.keys import birth_date_of

        values = self.record_values()
        probe = Participant(
            given_name=values.get("given_name", ""),
            family_name=values.get("family_name", ""),
            date_of_birth=values.get("date_of_birth"),
            birth_date_precision=values.get("birth_date_precision") or "exact",
            sex=values.get("sex") or "u",
            place_of_birth=values.get("place_of_birth", ""),
        )
        return PersonRecord(
            id="new",
            given_name=probe.given_name,
            family_name=probe.family_name,
            date_of_birth=birth_date_of(probe),
            sex=probe.sex if probe.sex != "u" else "",
            nationality=",".join(values.get("nationalities") or []),
            place_of_birth=probe.place_of_birth,
        )

    def fingerprint(self) -> str:
        """A short digest of the identifying data, to know whether the check was shown for them."""
        values = {k: self.cleaned_data.get(k) for k in ("given_name", "family_name", "date_of_birth", "sex")}
        raw = json.dumps(values, cls=DjangoJSONEncoder, sort_keys=True)
        return hashlib.sha256(raw.encode()).hexdigest()[:16]


def section_form_class(section: Section) -> type[forms.Form]:
    """A plain form with the section's model fields (the service checks and saves)."""
    widgets: dict[str, type[forms.Widget] | forms.Widget] = dict(_date_widgets(section.model, section.fields))
    if "legal_basis" in section.fields:
        widgets["legal_basis"] = forms.TextInput(attrs={"list": "legal-bases", "autocomplete": "off"})
    if "note" in section.fields:
        widgets["note"] = forms.TextInput()
    fields = forms.fields_for_model(section.model, fields=list(section.fields), widgets=widgets)
    return type(f"{section.model.__name__}Form", (forms.Form,), dict(fields))


def section_initial(section: Section, row: ParticipantChild) -> dict[str, Any]:
    return {name: getattr(row, name) for name in section.fields}


class HouseholdForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the household"),
        max_length=150,
        help_text=_("A working name, e.g. “Family A.”."),
    )
    benefit_unit = forms.BooleanField(
        label=_("forms one benefit unit (Bedarfsgemeinschaft)"), required=False, initial=True
    )


class MemberForm(forms.Form):
    relationship = forms.ChoiceField(label=_("Relationship"), choices=[("", _("Please choose")), *Relationship.choices])
    childcare = forms.ChoiceField(label=_("School or day care"), choices=Childcare.choices)
    childcare_institution = forms.CharField(label=_("Name of the school or Kita"), max_length=150, required=False)

    def member_values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class AddMemberForm(MemberForm):
    reference = forms.CharField(
        label=_("Reference of the person"),
        max_length=20,
        help_text=_("As shown on the person's record, e.g. MS-000123."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    field_order = ["reference", "relationship", "childcare", "childcare_institution"]

    def member_values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "reference"}


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, reference or number"),
        max_length=100,
        required=False,
        help_text=_("Any spelling or variant, in Latin or the original script; a reference or an ID number."),
        widget=forms.TextInput(attrs={"type": "search", "dir": "auto"}),
    )
    birth_year = forms.IntegerField(label=_("Year of birth"), required=False, min_value=1900)

    def clean_birth_year(self) -> int | None:
        year: int | None = self.cleaned_data.get("birth_year")
        if year is not None and year > timezone.localdate().year:
            raise forms.ValidationError(_("The year cannot be in the future."))
        return year

    def used_filters(self) -> list[str]:
        """Which filters were used, for the audit entry (never what was searched for)."""
        data = self.cleaned_data
        return [name for name in ("q", "birth_year") if data.get(name) not in (None, "")]

    def filter(self, participants: QuerySet[Participant], network_id: int) -> QuerySet[Participant]:
        data = self.cleaned_data
        text = " ".join((data.get("q") or "").split())
        if text:
            participants = participants.filter(_text_condition(text, network_id, participants))
        year = data.get("birth_year")
        if year is not None:
            participants = participants.filter(
                date_of_birth__gte=dt.date(year, 1, 1), date_of_birth__lte=dt.date(year, 12, 31)
            )
        return participants


def _text_condition(text: str, network_id: int, scope: QuerySet[Participant]) -> Q:
    """A reference, an identifier number, or names: every word must match some name or variant
    (Latin or original script); two or more words also find transliteration variants through
    the duplicate-check keys (Muhammad Alhasan finds Mohammed Al-Hassan).

    Each word's name match is a subquery of ids – the record's own names within ``scope`` (the
    records searched), united with the records having a matching variant – so that PostgreSQL can
    answer the substring matches from the trigram indexes (migration 0002) instead of testing
    every record of the organisation."""
    condition = Q(reference__icontains=text)
    if any(ch.isdigit() for ch in text):
        compact = text.replace(" ", "")
        for number in {compact, text}:
            condition |= Q(Exists(Identifier.objects.filter(participant=OuterRef("pk"), value__icontains=number)))
        return condition
    words = text.split()
    names = Q()
    for word in words:
        own = scope.filter(
            Q(given_name__icontains=word)
            | Q(family_name__icontains=word)
            | Q(given_name_original__icontains=word)
            | Q(family_name_original__icontains=word)
        ).order_by()
        variants = NameVariant.objects.filter(network=network_id).filter(
            Q(given_name__icontains=word) | Q(family_name__icontains=word)
        )
        names &= Q(pk__in=own.values("pk").union(variants.order_by().values("participant_id")))
    condition |= names
    if len(words) >= 2:
        probe = PersonRecord(id="search", given_name=words[0], family_name=" ".join(words[1:]))
        keys = {key for key in record_keys(probe) if key.startswith("nn:") and "|" not in key}
        if keys:
            condition |= Q(
                pk__in=ParticipantNameKey.objects.filter(network=network_id, key__in=keys).values("participant_id")
            )
    return condition
