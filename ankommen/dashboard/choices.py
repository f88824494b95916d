"""Choices and fixed vocabularies of the needs-versus-offers dashboard (issue [G], ADR 0017).

The fields are the offer catalogue's (``offers.FieldOfAction``: the four fields of "Gemeinsam
klappt's", DOMAIN §7.2), the age bands and status groups those of the anonymous registers
(``cases.AgeBand``, ``cases.StatusGroup``), so needs, offers, problem reports and gaps are grouped
alike.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ankommen.cases.choices import AgeBand, LifeDomain, StatusGroup
from ankommen.offers.choices import FieldOfAction
from ankommen.participants.choices import Language


class NeedSource(models.TextChoices):
    ASSESSMENT = "assessment", _("case assessment")
    INTEREST = "interest", _("expressed interest")


class WithdrawnReason(models.TextChoices):
    NONE = "", _("not withdrawn")
    ASSESSMENT_CLEARED = "assessment_cleared", _("the need was removed from the assessment")
    INTEREST_CANCELLED = "interest_cancelled", _("the waiting-list entry was cancelled")
    CASE_CLOSED = "case_closed", _("the case was closed")


# A life domain of the case assessment (DOMAIN §1.4) → the field of the offers that can meet a need
# written there. Residence, health and mobility have no offer field: a need there is counselling or
# an authority's decision, not a seat, so it is not recorded as a need for offers (it can still reach
# the gap register as a system barrier or a problem report).
FIELD_OF_LIFE_DOMAIN: dict[str, str] = {
    LifeDomain.LANGUAGE: FieldOfAction.EDUCATION_LANGUAGE,
    LifeDomain.SCHOOLING: FieldOfAction.EDUCATION_LANGUAGE,
    LifeDomain.TRAINING_WORK: FieldOfAction.WORK_TRAINING,
    LifeDomain.INCOME: FieldOfAction.WORK_TRAINING,
    LifeDomain.PARTICIPATION: FieldOfAction.SOCIAL_PARTICIPATION,
    LifeDomain.FAMILY: FieldOfAction.SOCIAL_PARTICIPATION,
    LifeDomain.HOUSING: FieldOfAction.HOUSING,
}

# The grouping dimensions of a need (snapshotted when it is recorded). Each has a bit in a summary
# row's ``grain``: the dimensions the row keeps; the others hold ``ALL``.
DIMENSIONS: tuple[str, ...] = ("district", "age_band", "status_group", "language")
DIMENSION_BITS: dict[str, int] = {"district": 1, "age_band": 2, "status_group": 4, "language": 8}
ALL = "*"
FULL_GRAIN = 15

# ``Need.prev_month`` of a person's first need in a field: earlier than every month.
FIRST = dt.date(1, 1, 1)

# The value stored for "not stated" (district) or "not known" (language); "-" in the filter form.
NOT_KNOWN = ""
NOT_KNOWN_PARAM = "-"

# Age bands with their ages (the last band has no upper limit; "unknown" fits every offer).
AGE_RANGES: dict[str, tuple[int, int]] = {
    AgeBand.UNDER_18: (0, 17),
    AgeBand.YOUNG_ADULT: (18, 26),
    AgeBand.ADULT: (27, 44),
    AgeBand.OLDER: (45, 64),
    AgeBand.SENIOR: (65, 200),
}

# Codes of the language dimension, in bit order for an offer's language mask.
LANGUAGE_CODES: tuple[str, ...] = (NOT_KNOWN, *Language.values)
AGE_BAND_CODES: tuple[str, ...] = tuple(AgeBand.values)
STATUS_GROUP_CODES: tuple[str, ...] = tuple(StatusGroup.values)

# German at this level (or better) in speaking or listening: instruction in German fits.
GERMAN_INSTRUCTION_LEVEL = "B1"


def language_label(code: str) -> str:
    if code == NOT_KNOWN:
        return str(_("language not known"))
    return str(dict(Language.choices).get(code, code))


def district_label(value: str) -> str:
    return value if value else str(_("district not stated"))


def dimension_label(dimension: str) -> str:
    return str(DIMENSION_LABELS[dimension])


def value_label(dimension: str, value: str) -> str:
    """The label of one value of a grouping dimension (or of a field)."""
    if dimension == "district":
        return district_label(value)
    if dimension == "language":
        return language_label(value)
    if dimension == "age_band":
        return str(dict(AgeBand.choices).get(value, value))
    if dimension == "status_group":
        return str(dict(StatusGroup.choices).get(value, value))
    if dimension == "field":
        return str(dict(FieldOfAction.choices).get(value, value))
    return value


DIMENSION_LABELS = {
    "district": _("District"),
    "age_band": _("Age group"),
    "status_group": _("Residence status group"),
    "language": _("Language of instruction"),
    "field": pgettext_lazy("field of action", "Field"),
}

# Labels used outside this app (main navigation, start page), kept here so that they live in this
# app's translation catalogue.
NAV_DASHBOARD = _("Needs and offers")
NAV_MY_CAREERS = _("Several offers, no progress")
