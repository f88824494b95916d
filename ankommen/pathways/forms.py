"""The check form: facts the record does not hold, asked for one check and never saved.

The criminal-record question (DOMAIN §2.7) and the exclusions of § 60c are asked here; so are
facts the participant record has no field for (the commitment to the fdGO, the share of the
livelihood secured by own income, a training place). Fields the record can answer are filled in
from it and can be corrected for the check. Every answer may stay "not known".
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ankommen.pathways.engine import Facts
from ankommen.pathways.engine.input import Training

UNKNOWN, YES, NO = "", "yes", "no"
TRI_STATE = [(UNKNOWN, _("not known / not asked")), (NO, _("no")), (YES, _("yes"))]


class TriState(forms.ChoiceField):
    """Yes / no / not known, as radio buttons (rendered in a fieldset with a legend)."""

    widget = forms.RadioSelect

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=TRI_STATE, required=False, initial=UNKNOWN, **kwargs)

    @staticmethod
    def value_of(answer: str | None) -> bool | None:
        return {YES: True, NO: False}.get(answer or "")

    @staticmethod
    def answer_of(value: bool | None) -> str:
        return UNKNOWN if value is None else (YES if value else NO)


# (field name, fieldset) – the fieldsets of the form, in order
SESSION_QUESTIONS = ("convictions_above_threshold", "measures_to_end_stay", "safe_country_rejected")
FURTHER_FACTS = (
    "fdgo_commitment",
    "knowledge_of_legal_order",
    "livelihood_percent",
    "in_school_or_training",
    "school_years_in_germany",
    "german_school_or_vocational_qualification",
    "training_qualified",
    "training_start",
    "minor_children_in_household",
    "school_age_children_attend_school",
)


class CheckForm(forms.Form):
    convictions_above_threshold = TriState(
        label=_(
            "Has the person been convicted of intentional offences with more than 50 daily rates in total "
            "(more than 90 for offences that only foreigners can commit)?"
        ),
        help_text=_("Asked for this check only: the answer is neither saved nor written to the audit log."),
    )
    measures_to_end_stay = TriState(
        label=_(
            "Have concrete measures to end the stay been initiated (fitness-to-travel examination, "
            "assisted return applied for, transport booked, Dublin procedure)?"
        ),
        help_text=_("Asked for this check only, not saved."),
    )
    safe_country_rejected = TriState(
        label=_(
            "Is the person a national of a safe country of origin whose asylum application made after "
            "31.08.2015 was rejected or withdrawn?"
        ),
        help_text=_("Asked for this check only, not saved."),
    )
    fdgo_commitment = TriState(label=_("Commitment to the free democratic basic order signed?"))
    knowledge_of_legal_order = TriState(
        label=_("Basic knowledge of the legal and social order proven (e.g. 'Leben in Deutschland' test)?")
    )
    livelihood_percent = forms.IntegerField(
        label=_("Share of the livelihood secured by own income (per cent)"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("Of the need of the benefit unit (Bedarfsgemeinschaft); leave empty if not known."),
    )
    in_school_or_training = TriState(label=_("Currently in school, vocational training or university?"))
    school_years_in_germany = forms.DecimalField(
        label=_("Years of school in Germany"), min_value=0, max_value=30, decimal_places=1, required=False
    )
    german_school_or_vocational_qualification = TriState(label=_("German school or vocational qualification obtained?"))
    training_qualified = TriState(
        label=_("Qualified vocational training (at least two years, state-recognised) agreed or under way?")
    )
    training_start = forms.DateField(
        label=_("Start of the training"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    minor_children_in_household = forms.IntegerField(
        label=_("Minor children in the household"), min_value=0, max_value=20, required=False
    )
    school_age_children_attend_school = TriState(label=_("Do the school-age children attend school?"))

    def fieldsets(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [
            (_("Questions for this check (not saved)"), [self[name] for name in SESSION_QUESTIONS]),
            (
                _("Further facts (filled in from the record where it holds them; not saved)"),
                [self[n] for n in FURTHER_FACTS],
            ),
        ]

    @classmethod
    def initial_from(cls, facts: Facts) -> dict[str, Any]:
        """Start values from the record's facts (the questions start as "not known")."""
        training = facts.training or Training()
        years = facts.school_years_in_germany
        return {
            "knowledge_of_legal_order": TriState.answer_of(facts.knowledge_of_legal_order),
            "fdgo_commitment": TriState.answer_of(facts.fdgo_commitment),
            "in_school_or_training": TriState.answer_of(facts.in_school_or_training),
            "school_years_in_germany": Decimal(str(years)) if years is not None else None,
            "german_school_or_vocational_qualification": TriState.answer_of(
                facts.german_school_or_vocational_qualification
            ),
            "training_qualified": TriState.answer_of(training.qualified),
            "training_start": training.start,
            "minor_children_in_household": facts.minor_children_in_household,
            "school_age_children_attend_school": TriState.answer_of(facts.school_age_children_attend_school),
            "livelihood_percent": round(facts.livelihood_share_secured * 100)
            if facts.livelihood_share_secured is not None
            else None,
        }

    def facts(self, record: Facts) -> Facts:
        """The record's facts with this form's answers (valid form only)."""
        data = self.cleaned_data
        percent = data.get("livelihood_percent")
        years = data.get("school_years_in_germany")
        qualified = TriState.value_of(data.get("training_qualified"))
        start = data.get("training_start")
        answers: dict[str, Any] = {
            name: TriState.value_of(data.get(name))
            for name in (
                *SESSION_QUESTIONS,
                "fdgo_commitment",
                "knowledge_of_legal_order",
                "in_school_or_training",
                "german_school_or_vocational_qualification",
                "school_age_children_attend_school",
            )
        }
        answers["livelihood_share_secured"] = percent / 100 if percent is not None else None
        answers["school_years_in_germany"] = float(years) if years is not None else None
        answers["minor_children_in_household"] = data.get("minor_children_in_household")
        answers["training"] = Training(qualified=qualified, start=start) if (qualified is not None or start) else None
        return dataclasses.replace(record, **answers)
