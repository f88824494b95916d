"""Choice lists of the participant record (DOMAIN §1.5, §3.1, §5)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "f", _("female")
    MALE = "m", _("male")
    DIVERSE = "x", _("diverse / other")
    UNKNOWN = "u", _("unknown")


class DatePrecision(models.TextChoices):
    EXACT = "exact", _("exact date")
    MONTH = "month", _("month and year only")
    YEAR = "year", _("year only")
    ESTIMATED = "estimated", _("estimated")


class Script(models.TextChoices):
    ARABIC = "arab", _("Arabic script")
    CYRILLIC = "cyrl", _("Cyrillic script")
    ETHIOPIC = "ethi", _("Ge'ez script (Tigrinya, Amharic)")
    LATIN = "latn", _("Latin script")
    OTHER = "other", _("other script")


class NameVariantKind(models.TextChoices):
    SPELLING = "spelling", _("other spelling")
    ORIGINAL_SCRIPT = "original", _("original script")
    PREVIOUS = "previous", _("previous name")
    MERGED = "merged", _("from a merged record")


class IdentifierKind(models.TextChoices):
    BAMF = "bamf", _("BAMF file number (Aktenzeichen)")
    ABH = "abh", _("Foreigners' authority reference")
    AZR = "azr", _("AZR number")
    UNHCR = "unhcr", _("UNHCR ID")
    JOBCENTER = "jobcenter", _("Jobcenter customer number")
    OTHER = "other", _("other identifier")


class Language(models.TextChoices):
    """Languages of the people the network serves (DOMAIN §5.5), ISO 639 codes."""

    ARABIC = "ar", _("Arabic")
    DARI = "prs", _("Dari")
    PERSIAN = "fa", _("Persian (Farsi)")
    PASHTO = "ps", _("Pashto")
    KURMANJI = "kmr", _("Kurdish (Kurmanji)")
    SORANI = "ckb", _("Kurdish (Sorani)")
    TURKISH = "tr", _("Turkish")
    UKRAINIAN = "uk", _("Ukrainian")
    RUSSIAN = "ru", _("Russian")
    TIGRINYA = "ti", _("Tigrinya")
    SOMALI = "so", _("Somali")
    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")
    GERMAN = "de", _("German")
    GEORGIAN = "ka", _("Georgian")
    URDU = "ur", _("Urdu")
    OTHER = "other", _("other language")


class CEFR(models.TextChoices):
    NONE = "", _("not known")
    PRE_A1 = "pre_a1", _("below A1")
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"
    NATIVE = "native", _("first language")


CEFR_ORDER = {c: i for i, c in enumerate(["", "pre_a1", "A1", "A2", "B1", "B2", "C1", "C2", "native"])}


class ContactKind(models.TextChoices):
    PHONE = "phone", _("phone")
    MESSENGER = "messenger", _("messenger")
    EMAIL = "email", _("e-mail")
    NONE = "none", _("no contact channel")


class Accommodation(models.TextChoices):
    ZUE = "zue", _("central reception facility (ZUE)")
    SHARED = "shared", _("municipal shared housing")
    FLAT = "flat", _("own flat")
    OTHER = "other", _("other")


class StatusType(models.TextChoices):
    """Residence status documents (DOMAIN §3.1). The legal basis is stored separately, to paragraph level."""

    ARRIVAL = "ankunftsnachweis", _("Proof of arrival (Ankunftsnachweis)")
    GESTATTUNG = "gestattung", _("Permission to reside (Aufenthaltsgestattung)")
    DULDUNG = "duldung", _("Duldung (§ 60a AufenthG)")
    DULDUNG_60B = "duldung_60b", _("Duldung for persons with unclear identity (§ 60b AufenthG)")
    DULDUNG_60C = "duldung_60c", _("Training Duldung (§ 60c AufenthG)")
    DULDUNG_60D = "duldung_60d", _("Employment Duldung (§ 60d AufenthG)")
    FIKTION = "fiktion", _("Fiktionsbescheinigung (§ 81 AufenthG)")
    RESIDENCE_PERMIT = "aufenthaltserlaubnis", _("Residence permit (Aufenthaltserlaubnis)")
    SETTLEMENT_PERMIT = "niederlassungserlaubnis", _("Settlement permit (Niederlassungserlaubnis)")
    EU_LONG_TERM = "daueraufenthalt_eu", _("EU long-term residence (§ 9a AufenthG)")
    EU_FREEDOM = "freizuegigkeit", _("EU freedom of movement")
    CITIZEN = "eingebuergert", _("Naturalised (German citizen)")
    NONE = "none", _("No valid document")


# Status types whose periods count as lawful, tolerated or permitted stay (DOMAIN §2.0).
COUNTING_STATUSES = frozenset(
    {
        StatusType.GESTATTUNG,
        StatusType.DULDUNG,
        StatusType.DULDUNG_60C,
        StatusType.DULDUNG_60D,
        StatusType.FIKTION,
        StatusType.RESIDENCE_PERMIT,
        StatusType.SETTLEMENT_PERMIT,
        StatusType.EU_LONG_TERM,
    }
)

# Status groups for statistics and offer eligibility (never the person's details).
STATUS_GROUPS: dict[str, str] = {
    StatusType.ARRIVAL: "asylum_procedure",
    StatusType.GESTATTUNG: "asylum_procedure",
    StatusType.DULDUNG: "tolerated",
    StatusType.DULDUNG_60B: "tolerated",
    StatusType.DULDUNG_60C: "tolerated",
    StatusType.DULDUNG_60D: "tolerated",
    StatusType.FIKTION: "pending",
    StatusType.RESIDENCE_PERMIT: "residence_permit",
    StatusType.SETTLEMENT_PERMIT: "permanent",
    StatusType.EU_LONG_TERM: "permanent",
    StatusType.EU_FREEDOM: "eu",
    StatusType.CITIZEN: "citizen",
    StatusType.NONE: "none",
}

# Common legal bases, to paragraph level (the field also accepts others in the same notation).
LEGAL_BASES = [
    "AsylG § 55",
    "AsylG § 63a",
    "AufenthG § 60a Abs. 2 S. 1",
    "AufenthG § 60a Abs. 2 S. 3",
    "AufenthG § 60b",
    "AufenthG § 60c",
    "AufenthG § 60d",
    "AufenthG § 81 Abs. 3",
    "AufenthG § 81 Abs. 4",
    "AufenthG § 16g",
    "AufenthG § 19d",
    "AufenthG § 22",
    "AufenthG § 23 Abs. 1",
    "AufenthG § 23 Abs. 4",
    "AufenthG § 23a",
    "AufenthG § 24",
    "AufenthG § 25 Abs. 1",
    "AufenthG § 25 Abs. 2 S. 1 Alt. 1",
    "AufenthG § 25 Abs. 2 S. 1 Alt. 2",
    "AufenthG § 25 Abs. 3",
    "AufenthG § 25 Abs. 4",
    "AufenthG § 25 Abs. 5",
    "AufenthG § 25a",
    "AufenthG § 25b",
    "AufenthG § 104c",
    "AufenthG § 9",
    "AufenthG § 26 Abs. 3",
    "AufenthG § 9a",
    "StAG § 10",
]


class EmploymentPermission(models.TextChoices):
    PERMITTED = "yes", _("employment permitted")
    WITH_PERMISSION = "permission", _("only with permission of the foreigners' authority")
    PROHIBITED = "no", _("employment prohibited")
    UNKNOWN = "unknown", _("unknown")


class EducationKind(models.TextChoices):
    SCHOOL = "school", _("school")
    VOCATIONAL = "vocational", _("vocational training")
    UNIVERSITY = "university", _("university")
    LANGUAGE = "language", _("language course")
    OTHER = "other", _("other")


class Recognition(models.TextChoices):
    NOT_APPLICABLE = "na", _("not applicable")
    NOT_STARTED = "not_started", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    RECOGNISED = "recognised", _("recognised")
    PARTIAL = "partial", _("partially recognised")
    REJECTED = "rejected", _("not recognised")


class Relationship(models.TextChoices):
    HEAD = "head", _("head of household")
    PARTNER = "partner", _("spouse or partner")
    CHILD = "child", _("child")
    PARENT = "parent", _("parent")
    SIBLING = "sibling", _("sibling")
    GRANDCHILD = "grandchild", _("grandchild")
    OTHER = "other", _("other relative")


class Childcare(models.TextChoices):
    NONE = "none", _("none")
    KITA = "kita", _("Kita (day care)")
    SCHOOL = "school", _("school")
    VOCATIONAL_SCHOOL = "vocational_school", _("vocational school (Berufskolleg)")


class Vulnerability(models.TextChoices):
    """Support needs as far as the support needs them: never diagnoses (DOMAIN §1.5 item 9)."""

    SINGLE_PARENT = "single_parent", _("single parent")
    UNACCOMPANIED_MINOR = "unaccompanied_minor", _("unaccompanied minor")
    DISABILITY_SUPPORT = "disability_support", _("support need due to disability or illness")
    PSYCHOSOCIAL_SUPPORT = "psychosocial_support", _("psychosocial support needed")
    PREGNANCY = "pregnancy", _("pregnancy")
    ELDERLY = "elderly", _("older person (over 65)")
    VIOLENCE_SURVIVOR = "violence_survivor", _("protection need after violence")
    LGBTIQ = "lgbtiq", _("protection need as LGBTIQ* person")
    ILLITERACY = "literacy", _("literacy support needed")
    CARE_RESPONSIBILITY = "care", _("cares for a relative")
