"""Forms of the dashboard: the filters (GET parameters) and the planned offers of a scenario."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ankommen.cases.choices import AgeBand, StatusGroup
from ankommen.dashboard.choices import (
    DIMENSION_LABELS,
    DIMENSIONS,
    NOT_KNOWN,
    NOT_KNOWN_PARAM,
    district_label,
    language_label,
)
from ankommen.dashboard.models import NeedCube, OfferMonth, PlannedOffer, Scenario
from ankommen.dashboard.queries import Filters
from ankommen.offers.choices import Category, FieldOfAction
from ankommen.participants.choices import Language

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
DEFAULT_MONTHS = 12
MAX_MONTHS = 60


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def parse_month(value: str) -> dt.date | None:
    match = MONTH.match(value or "")
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        return None
    return dt.date(year, month, 1)


class MonthInput(forms.TextInput):
    input_type = "month"


def _all(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


def _set_choices(form: forms.BaseForm, name: str, choices: list[tuple[str, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def district_choices(network_id: int) -> list[tuple[str, str]]:
    districts = set(
        NeedCube.objects.filter(network_id=network_id, grain=1).values_list("district", flat=True).distinct()
    ) | set(OfferMonth.objects.filter(network_id=network_id).values_list("district", flat=True).distinct())
    ordered = sorted(districts, key=lambda d: (d == NOT_KNOWN, d.lower()))
    return [(NOT_KNOWN_PARAM if d == NOT_KNOWN else d, district_label(d)) for d in ordered]


class FilterForm(forms.Form):
    """The dashboard's filters. Every field is optional; empty means "all"."""

    start = forms.CharField(label=_("From (month)"), required=False, widget=MonthInput)
    end = forms.CharField(label=_("To (month)"), required=False, widget=MonthInput)
    field = forms.ChoiceField(label=DIMENSION_LABELS["field"], required=False)
    district = forms.ChoiceField(label=DIMENSION_LABELS["district"], required=False)
    age_band = forms.ChoiceField(label=DIMENSION_LABELS["age_band"], required=False)
    status_group = forms.ChoiceField(label=DIMENSION_LABELS["status_group"], required=False)
    language = forms.ChoiceField(label=DIMENSION_LABELS["language"], required=False)
    rows = forms.ChoiceField(label=_("Rows of the table"), required=False)

    def __init__(self, data: Any = None, *, network_id: int, today: dt.date | None = None, **kwargs: Any) -> None:
        if data is not None:
            data = data.copy()
            for outside, inside in (("from", "start"), ("to", "end")):
                if outside in data and inside not in data:
                    data[inside] = data[outside]
        super().__init__(data, **kwargs)
        self.today = today or timezone.localdate()
        _set_choices(self, "field", _all(_("all fields")) + list(FieldOfAction.choices))
        _set_choices(self, "district", _all(_("all districts")) + district_choices(network_id))
        _set_choices(self, "age_band", _all(_("all age groups")) + list(AgeBand.choices))
        _set_choices(self, "status_group", _all(_("all status groups")) + list(StatusGroup.choices))
        languages = [(NOT_KNOWN_PARAM, language_label(NOT_KNOWN)), *list(Language.choices)]
        _set_choices(self, "language", _all(_("all languages")) + languages)
        _set_choices(self, "rows", [(d, DIMENSION_LABELS[d]) for d in DIMENSIONS])
        for name in ("start", "end"):
            self.fields[name].widget.attrs["placeholder"] = str(_("YYYY-MM"))

    def clean_start(self) -> dt.date | None:
        return self._month("start")

    def clean_end(self) -> dt.date | None:
        return self._month("end")

    def _month(self, name: str) -> dt.date | None:
        value = self.cleaned_data.get(name) or ""
        if not value:
            return None
        month = parse_month(value)
        if month is None:
            raise forms.ValidationError(_("Give the month as year and month, e.g. 2026-03."))
        return month

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        end = data.get("end") or month_start(self.today)
        start = data.get("start") or add_months(end, -(DEFAULT_MONTHS - 1))
        if start > end:
            self.add_error("start", _("The first month must not be after the last month."))
        elif (end.year - start.year) * 12 + end.month - start.month >= MAX_MONTHS:
            self.add_error("start", _("Choose a period of at most five years."))
        data["start"], data["end"] = start, end
        return data

    def filters(self) -> Filters:
        """The chosen filters (defaults for anything missing or invalid)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else self._defaults()

        def value(name: str) -> str | None:
            raw = data.get(name) or ""
            if raw == "":
                return None
            return NOT_KNOWN if raw == NOT_KNOWN_PARAM else raw

        return Filters(
            start=data["start"],
            end=data["end"],
            field=value("field"),
            district=value("district"),
            age_band=value("age_band"),
            status_group=value("status_group"),
            language=value("language"),
            rows=data.get("rows") or "district",
        )

    def _defaults(self) -> dict[str, Any]:
        end = month_start(self.today)
        return {"start": add_months(end, -(DEFAULT_MONTHS - 1)), "end": end, "rows": "district"}


def filter_params(filters: Filters) -> dict[str, str | None]:
    """The GET parameters of these filters (for links to drill-downs, exports and other views)."""

    def token(value: str | None) -> str | None:
        if value is None:
            return None
        return NOT_KNOWN_PARAM if value == NOT_KNOWN else value

    return {
        "from": f"{filters.start:%Y-%m}",
        "to": f"{filters.end:%Y-%m}",
        "field": filters.field,
        "district": token(filters.district),
        "age_band": filters.age_band,
        "status_group": filters.status_group,
        "language": token(filters.language),
        "rows": filters.rows,
    }


# --- scenario planning ----------------------------------------------------------------------------


class ScenarioForm(forms.ModelForm):
    class Meta:
        model = Scenario
        fields = ["title", "cross_district"]


class PlannedOfferForm(forms.ModelForm):
    district = forms.CharField(label=_("District"), max_length=100, required=False)
    language = forms.ChoiceField(
        label=_("Language of instruction"),
        required=False,
        help_text=_("Empty: open to every language (e.g. a German course)."),
    )
    status_groups = forms.MultipleChoiceField(
        label=_("Residence status groups admitted"),
        required=False,
        choices=StatusGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: open regardless of residence status."),
    )

    class Meta:
        model = PlannedOffer
        fields = ["title", "category", "field", "district", "seats", "language", "age_min", "age_max", "status_groups"]

    def __init__(self, *args: Any, network_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "language", _all(_("every language")) + list(Language.choices))
        _set_choices(self, "category", list(Category.choices))
        districts = [value for value, _label in district_choices(network_id) if value != NOT_KNOWN_PARAM]
        self.fields["district"].widget.attrs["list"] = "planned-districts"
        self.districts = districts
        self.fields["seats"].widget.attrs["min"] = 1

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("age_min"), data.get("age_max")
        if low is not None and high is not None and low > high:
            self.add_error("age_max", _("The maximum age must not be below the minimum age."))
        return data
