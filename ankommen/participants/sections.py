"""The parts of a participant record that are lists of rows (name variants, status history, ...).

One declaration per section drives the service functions, the generic add/edit/remove forms
and the headings on the detail page, so a new section needs one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ankommen.participants.models import (
    ContactChannel,
    EducationRecord,
    Identifier,
    LanguageSkill,
    NameVariant,
    ParticipantChild,
    ResidenceStatus,
    WorkRecord,
)


@dataclass(frozen=True)
class Section:
    slug: str
    model: type[ParticipantChild]
    fields: tuple[str, ...]
    title: Promise
    add_label: Promise
    refresh_keys: bool = False  # the rows feed the duplicate check (name keys)


SECTIONS: dict[str, Section] = {
    s.slug: s
    for s in (
        Section(
            "variants",
            NameVariant,
            ("given_name", "family_name", "kind", "note"),
            _("Other names and spellings"),
            _("Add a name variant"),
            refresh_keys=True,
        ),
        Section("identifiers", Identifier, ("kind", "value"), _("Identifiers"), _("Add an identifier")),
        Section(
            "languages",
            LanguageSkill,
            ("language", "speaking", "listening", "reading", "writing", "certificate"),
            _("Languages"),
            _("Add a language"),
        ),
        Section(
            "contacts", ContactChannel, ("kind", "value", "note", "preferred"), _("Contact"), _("Add a contact channel")
        ),
        Section(
            "statuses",
            ResidenceStatus,
            (
                "status",
                "legal_basis",
                "valid_from",
                "valid_to",
                "employment",
                "residence_obligation",
                "residence_obligation_place",
                "identity_clarified_on",
                "identity_steps_taken_on",
                "document_number",
                "note",
            ),
            _("Residence status history"),
            _("Add a residence status"),
        ),
        Section(
            "education",
            EducationRecord,
            ("kind", "country", "institution", "from_year", "to_year", "years", "certificate", "recognition"),
            _("Schooling and training"),
            _("Add schooling or training"),
        ),
        Section(
            "work",
            WorkRecord,
            ("occupation", "employer", "country", "from_date", "to_date", "hours_per_week", "social_insurance"),
            _("Work history"),
            _("Add a work period"),
        ),
    )
}
