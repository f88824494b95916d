"""What a consent is for and which data it covers (DOMAIN §1.5 item 11, §4.2, §4.5)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    COOPERATION = "cooperation", _("Cooperation in case management with other organisations")
    CONFERENCE = "conference", _("Case conference (Schweigepflichtentbindung)")
    TRANSFER = "transfer", _("Transfer of the case to another organisation")
    REFERRAL = "referral", _("Referral to a partner (referral packet)")


class DataCategory(models.TextChoices):
    """The share package's field groups. A recipient sees exactly the categories a valid consent
    names; counselling notes and residence-law strategy are separate so they can be left out."""

    IDENTITY = "identity", _("Name, date of birth, sex, nationality")
    CONTACT = "contact", _("Contact channels and accommodation")
    LANGUAGE = "language", _("Languages and language levels")
    EDUCATION = "education", _("Schooling and vocational background")
    WORK = "work", _("Work history and work permission")
    INTERESTS = "interests", _("Interests and strengths")
    RESIDENCE = "residence", _("Residence status history")
    HOUSEHOLD = "household", _("Household members")
    ASSESSMENT = "assessment", _("Assessment per life domain")
    PLAN = "plan", _("Goals, measures, tasks and appointments")
    NOTES = "notes", _("Progress notes (counselling notes)")


class Form(models.TextChoices):
    WRITTEN = "written", _("Written (signed document)")
    ELECTRONIC = "electronic", _("Electronic")


class ConsentState(models.TextChoices):
    """Where a consent stands today (shown on every list; only ``IN_FORCE`` shares anything)."""

    IN_FORCE = "in_force", _("in force")
    NOT_YET = "not_yet", _("not yet in force")
    EXPIRED = "expired", _("expired")
    REVOKED = "revoked", _("revoked")
    CASE_CLOSED = "case_closed", _("ended with the case's closure")


# Purposes whose occasion is a case: cooperation in it, a conference about it, its transfer.
CASE_PURPOSES: frozenset[str] = frozenset({Purpose.COOPERATION, Purpose.CONFERENCE, Purpose.TRANSFER})

# What a chamber (IHK, HWK, Kreishandwerkerschaft) may ever receive: the referral packet of
# DOMAIN §4.5. Never residence history, assessment, counselling notes, household or plan.
CHAMBER_CATEGORIES: frozenset[str] = frozenset(
    {
        DataCategory.IDENTITY,
        DataCategory.CONTACT,
        DataCategory.LANGUAGE,
        DataCategory.EDUCATION,
        DataCategory.WORK,
        DataCategory.INTERESTS,
    }
)

CATEGORY_ORDER: tuple[str, ...] = tuple(DataCategory.values)


def ordered_categories(codes: object) -> list[str]:
    """Known category codes in the declared order, without repeats (unknown codes dropped)."""
    wanted = set(codes) if isinstance(codes, list | tuple | set | frozenset) else set()
    return [code for code in CATEGORY_ORDER if code in wanted]


def category_labels(codes: object) -> list[str]:
    labels = dict(DataCategory.choices)
    return [str(labels[code]) for code in ordered_categories(codes)]


SHARED_WITH_MY_ORGANISATION = _("Shared with my organisation")
