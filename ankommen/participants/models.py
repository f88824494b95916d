"""The participant record (DOMAIN §1.5): the person every partner relies on.

A participant is owned by one organisation of a network and visible only as the
access rules (ankommen/participants/access.py) and, later, the consents of
issue [C] allow. Names as written on the German document (Latin script) are the
legal key; the original script and known spellings are kept as variants, and all
of them are indexed by transliteration-aware keys (``ParticipantNameKey``) so the
duplicate check at registration finds "Muhammad" when "Mohammed" exists.

Every table carries ``network`` (tenant key, django-scopes, future Citus column).
Changes happen only in ``services.py``; the models hold invariants and derived state.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from django_scopes import ScopedManager

from ankommen.participants.choices import (
    CEFR,
    STATUS_GROUPS,
    Accommodation,
    Childcare,
    ContactKind,
    DatePrecision,
    EducationKind,
    EmploymentPermission,
    IdentifierKind,
    Language,
    NameVariantKind,
    Recognition,
    Relationship,
    Script,
    Sex,
    StatusType,
)


def _scoped() -> ScopedManager:
    return ScopedManager(network="network")


class Participant(models.Model):
    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, related_name="participants", verbose_name=_("organisation")
    )
    reference = models.CharField(_("reference"), max_length=20, editable=False)
    # Names as on the German document (Latin script): the legal key for matching.
    given_name = models.CharField(_("given name(s)"), max_length=150, blank=True)
    family_name = models.CharField(_("family name"), max_length=150)
    # The same names in the original script, e.g. Arabic or Cyrillic.
    given_name_original = models.CharField(_("given name in original script"), max_length=150, blank=True)
    family_name_original = models.CharField(_("family name in original script"), max_length=150, blank=True)
    original_script = models.CharField(_("original script"), max_length=10, choices=Script.choices, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    birth_date_precision = models.CharField(
        _("precision of the date of birth"), max_length=10, choices=DatePrecision.choices, default=DatePrecision.EXACT
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    nationalities = CountryField(_("nationalities"), multiple=True, blank=True)
    place_of_birth = models.CharField(_("place of birth"), max_length=150, blank=True)
    entry_date = models.DateField(_("entry into Germany"), null=True, blank=True)
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    interpreter_language = models.CharField(
        _("interpreter language"), max_length=10, choices=Language.choices, blank=True
    )
    accommodation = models.CharField(_("accommodation"), max_length=10, choices=Accommodation.choices, blank=True)
    district = models.CharField(_("district"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=250, blank=True)
    interests = models.TextField(_("interests"), blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    vulnerabilities = models.JSONField(_("support needs"), default=list, blank=True)
    support_note = models.CharField(_("note on support needs (no diagnoses)"), max_length=300, blank=True)
    # A merged-away record stays (for undo and audit) but is hidden everywhere.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="absorbed_records"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "reference"], name="participant_unique_reference"),
        ]
        indexes = [
            models.Index(fields=["network", "organisation", "family_name"], name="participant_org_name"),
            models.Index(fields=["network", "date_of_birth"], name="participant_birth"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def audit_subject(self) -> str:
        return f"participant:{self.pk}"

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_name, self.family_name) if part)

    @property
    def full_name_original(self) -> str:
        return " ".join(part for part in (self.given_name_original, self.family_name_original) if part)

    def age_on(self, day: dt.date) -> int | None:
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def birth_date_display(self) -> str:
        born = self.date_of_birth
        if born is None:
            return ""
        if self.birth_date_precision == DatePrecision.YEAR:
            return f"{born:%Y}"
        if self.birth_date_precision == DatePrecision.MONTH:
            return f"{born:%m.%Y}"
        text = f"{born:%d.%m.%Y}"
        return f"~{text}" if self.birth_date_precision == DatePrecision.ESTIMATED else text


class ParticipantChild(models.Model):
    """Base for the rows that belong to one participant (moved together on a merge)."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE)

    objects = _scoped()

    class Meta:
        abstract = True


class NameVariant(ParticipantChild):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="name_variants")
    given_name = models.CharField(_("given name(s)"), max_length=150, blank=True)
    family_name = models.CharField(_("family name"), max_length=150, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=NameVariantKind.choices, default=NameVariantKind.SPELLING)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("name variant")
        verbose_name_plural = _("name variants")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class Identifier(ParticipantChild):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(_("kind"), max_length=10, choices=IdentifierKind.choices)
    value = models.CharField(_("number"), max_length=60)

    class Meta:
        verbose_name = _("identifier")
        verbose_name_plural = _("identifiers")
        ordering = ["kind", "pk"]
        indexes = [models.Index(fields=["network", "value"], name="identifier_value")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


class LanguageSkill(ParticipantChild):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    speaking = models.CharField(_("speaking"), max_length=10, choices=CEFR.choices, blank=True)
    listening = models.CharField(_("listening"), max_length=10, choices=CEFR.choices, blank=True)
    reading = models.CharField(_("reading"), max_length=10, choices=CEFR.choices, blank=True)
    writing = models.CharField(_("writing"), max_length=10, choices=CEFR.choices, blank=True)
    certificate = models.CharField(_("certificate"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("language skill")
        verbose_name_plural = _("language skills")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "language"], name="language_unique_per_participant")
        ]

    def __str__(self) -> str:
        return self.get_language_display()


class ContactChannel(ParticipantChild):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("kind"), max_length=10, choices=ContactKind.choices)
    value = models.CharField(_("number or address"), max_length=150, blank=True)
    note = models.CharField(_("note"), max_length=150, blank=True)
    preferred = models.BooleanField(_("preferred"), default=False)

    class Meta:
        verbose_name = _("contact channel")
        verbose_name_plural = _("contact channels")
        ordering = ["-preferred", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class ResidenceStatus(ParticipantChild):
    """One period of the residence status history (a time series, DOMAIN §1.5 item 4)."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="statuses")
    status = models.CharField(_("status"), max_length=30, choices=StatusType.choices)
    legal_basis = models.CharField(
        _("legal basis"),
        max_length=80,
        blank=True,
        help_text=_('To paragraph level, e.g. "AufenthG § 25 Abs. 2 S. 1 Alt. 2".'),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    employment = models.CharField(
        _("employment"), max_length=12, choices=EmploymentPermission.choices, default=EmploymentPermission.UNKNOWN
    )
    residence_obligation = models.BooleanField(_("residence obligation (Wohnsitzauflage)"), default=False)
    residence_obligation_place = models.CharField(_("obliged to live in"), max_length=100, blank=True)
    identity_clarified_on = models.DateField(_("identity clarified on"), null=True, blank=True)
    identity_steps_taken_on = models.DateField(_("all reasonable identity steps taken on"), null=True, blank=True)
    document_number = models.CharField(_("document number"), max_length=40, blank=True)
    note = models.CharField(_("note"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("residence status")
        verbose_name_plural = _("residence status history")
        ordering = ["-valid_from", "-pk"]
        indexes = [models.Index(fields=["network", "valid_to"], name="status_expiry")]

    def __str__(self) -> str:
        return self.get_status_display()

    @property
    def group(self) -> str:
        return STATUS_GROUPS.get(self.status, "none")

    def is_current(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)

    def expires_within(self, day: dt.date, days: int) -> bool:
        return self.valid_to is not None and day <= self.valid_to <= day + dt.timedelta(days=days)


class EducationRecord(ParticipantChild):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="education")
    kind = models.CharField(_("kind"), max_length=12, choices=EducationKind.choices)
    country = CountryField(_("country"), blank=True)
    institution = models.CharField(_("school or institution"), max_length=150, blank=True)
    from_year = models.PositiveSmallIntegerField(_("from (year)"), null=True, blank=True)
    to_year = models.PositiveSmallIntegerField(_("until (year)"), null=True, blank=True)
    years = models.DecimalField(_("years attended"), max_digits=4, decimal_places=1, null=True, blank=True)
    certificate = models.CharField(_("certificate"), max_length=150, blank=True)
    recognition = models.CharField(
        _("recognition in Germany"), max_length=12, choices=Recognition.choices, default=Recognition.NOT_APPLICABLE
    )

    class Meta:
        verbose_name = _("schooling or training")
        verbose_name_plural = _("schooling and training")
        ordering = ["-from_year", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class WorkRecord(ParticipantChild):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="work")
    occupation = models.CharField(_("occupation"), max_length=150)
    employer = models.CharField(_("employer"), max_length=150, blank=True)
    country = CountryField(_("country"), blank=True)
    from_date = models.DateField(_("from"), null=True, blank=True)
    to_date = models.DateField(_("until"), null=True, blank=True)
    hours_per_week = models.DecimalField(_("hours per week"), max_digits=4, decimal_places=1, null=True, blank=True)
    social_insurance = models.BooleanField(_("subject to social insurance"), default=False)

    class Meta:
        verbose_name = _("work period")
        verbose_name_plural = _("work history")
        ordering = ["-from_date", "pk"]

    def __str__(self) -> str:
        return self.occupation


class Household(models.Model):
    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("network.Organisation", on_delete=models.PROTECT, related_name="households")
    reference = models.CharField(_("reference"), max_length=20, editable=False)
    name = models.CharField(_("name"), max_length=150, help_text=_('A working name, e.g. "Family A."'))
    benefit_unit = models.BooleanField(_("forms one benefit unit (Bedarfsgemeinschaft)"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["network", "reference"], name="household_unique_reference")]

    def __str__(self) -> str:
        return self.reference

    @property
    def audit_subject(self) -> str:
        return f"household:{self.pk}"


class HouseholdMember(ParticipantChild):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="household_memberships")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    relationship = models.CharField(_("relationship"), max_length=12, choices=Relationship.choices)
    childcare = models.CharField(
        _("school or day care"), max_length=20, choices=Childcare.choices, default=Childcare.NONE
    )
    childcare_institution = models.CharField(_("school or Kita"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["household", "participant"], name="household_member_unique"),
        ]

    def __str__(self) -> str:
        return self.get_relationship_display()


class ParticipantNameKey(models.Model):
    """Transliteration-aware blocking keys of a participant's names (engine: matching.record_keys).

    Kept current by the services; the registration-time duplicate check looks up the
    keys of the new record here and scores only the few candidates found.
    """

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="name_keys")
    key = models.CharField(max_length=120)

    objects = _scoped()

    class Meta:
        # with the participant, so that the registration check reads the postings from the index
        # alone (an index-only scan instead of a heap fetch per posting)
        indexes = [models.Index(fields=["network", "key", "participant"], name="participant_name_key_posting")]
        constraints = [models.UniqueConstraint(fields=["participant", "key"], name="name_key_unique")]

    def __str__(self) -> str:
        return self.key


class NameKeyCount(models.Model):
    """How many records of a network have a blocking key (``ParticipantNameKey``), kept current
    in the same transaction as the keys (``keys.refresh_name_keys``; ``keys.recount_name_keys``
    after bulk loads). The registration-time check reads a key's size here instead of counting
    its postings, which for a common name at a million records were thousands of index entries."""

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=120)
    count = models.PositiveIntegerField(default=0)

    objects = _scoped()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["network", "key"], name="name_key_count_unique")]

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("to be reviewed")
    CONFIRMED = "confirmed", _("same person")
    REJECTED = "rejected", _("different people")
    MERGED = "merged", _("merged")


class DuplicateCandidate(models.Model):
    """A pair that may be the same person, in an organisation's review queue."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("network.Organisation", on_delete=models.PROTECT, related_name="+")
    left = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("score"))
    reasons = models.JSONField(default=list)
    status = models.CharField(_("status"), max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN)
    job = models.ForeignKey("jobs.BackgroundJob", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        ordering = ["-score"]
        constraints = [models.UniqueConstraint(fields=["left", "right"], name="duplicate_pair_unique")]
        indexes = [models.Index(fields=["network", "organisation", "status"], name="duplicate_queue")]

    def __str__(self) -> str:
        return f"{self.left} ~ {self.right}"


class Merge(models.Model):
    """A merge of two records of one organisation, with what moved, so it can be undone."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("network.Organisation", on_delete=models.PROTECT, related_name="+")
    survivor = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="merges_received")
    absorbed = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="merges_absorbed")
    moved = models.JSONField(default=dict)  # {"<app.model>": [ids]} moved from absorbed to survivor
    created_variants = models.JSONField(default=list)  # ids of NameVariant rows the merge created
    survivor_before = models.JSONField(default=dict)  # survivor fields the merge filled in
    performed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    performed_at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        ordering = ["-performed_at"]

    def __str__(self) -> str:
        return f"{self.absorbed} → {self.survivor}"


# Rows that move from the absorbed record to the survivor on a merge (and back on undo).
PARTICIPANT_CHILDREN: tuple[type[ParticipantChild], ...] = (
    NameVariant,
    Identifier,
    LanguageSkill,
    ContactChannel,
    ResidenceStatus,
    EducationRecord,
    WorkRecord,
    HouseholdMember,
)
