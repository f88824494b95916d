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
