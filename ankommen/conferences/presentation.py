"""How a conference is shown: named or anonymised, decided afresh on every page and export.

A conference is shown with the person's name only while
1. its mode is ``named``,
2. no organisation of a type that takes part in anonymised conferences only (the chambers) or
   never (the police) is among the participants (``roles.py``), and
3. consents for case conferences (Schweigepflichtentbindungen) in force for the case name every
   participating organisation other than the case owner (``consents.queries``), and the case is
   still open (a consent ends with its occasion).
Otherwise it is shown anonymised: the case's pseudonym instead of the name, and every free text
(agenda, minutes, decisions, action items, place) with the identifying data of the case's people
blanked (``anonymity.Matcher``). A consent that lapses or is revoked therefore switches the
rendering at once, also for texts written while the conference was named.

Everything is computed for a batch of conferences with a fixed number of queries (lists, the
start-page panel).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from ankommen.cases.models import Case
from ankommen.conferences.anonymity import BirthDate, IdentifyingData, Matcher
from ankommen.conferences.choices import Mode
from ankommen.conferences.models import Conference, ConferenceOrganisation
from ankommen.consents.choices import Purpose
from ankommen.consents.queries import valid_consents
from ankommen.network.models import Organisation
from ankommen.network.roles import CONFERENCE_ANONYMISED_ONLY_TYPES, CONFERENCE_EXCLUDED_TYPES
from ankommen.participants.models import (
    ContactChannel,
    HouseholdMember,
    Identifier,
    NameVariant,
    Participant,
    ResidenceStatus,
)


def pseudonym_label(code: str) -> str:
    return _("Case %(pseudonym)s") % {"pseudonym": code}


# --- identifying data of cases -----------------------------------------------------------------


def _people_by_case(cases: Sequence[Case]) -> dict[int, set[int]]:
    people: dict[int, set[int]] = defaultdict(set)
    households: dict[int, list[int]] = defaultdict(list)
    for case in cases:
        if case.participant_id is not None:
            people[case.pk].add(case.participant_id)
        elif case.household_id is not None:
            households[case.household_id].append(case.pk)
    if households:
        members = HouseholdMember.objects.filter(household__in=list(households)).values_list(
            "household_id", "participant_id"
        )
        for household_id, participant_id in members:
            for case_id in households[household_id]:
                people[case_id].add(participant_id)
    return people


def identifying_data(cases: Iterable[Case]) -> dict[int, IdentifyingData]:
    """What identifies the people of each case (by case id), in six queries for any number of
    cases. The cases' ``household`` should be loaded (``select_related``)."""
    cases = list({case.pk: case for case in cases}.values())
    people = _people_by_case(cases)
    ids = sorted(set().union(*people.values())) if people else []
    per_person: dict[int, IdentifyingData] = defaultdict(IdentifyingData)
    if ids:
        for row in Participant.objects.filter(pk__in=ids).values(
            "pk",
            "reference",
            "given_name",
            "family_name",
            "given_name_original",
            "family_name_original",
            "date_of_birth",
            "birth_date_precision",
            "address",
        ):
            data = per_person[row["pk"]]
            data.names += [
                row["given_name"],
                row["family_name"],
                row["given_name_original"],
                row["family_name_original"],
            ]
            if row["date_of_birth"] is not None:
                data.birth_dates.append(BirthDate(row["date_of_birth"], row["birth_date_precision"]))
            data.addresses.append(row["address"])
            data.codes.append(row["reference"])
        for pid, given, family in NameVariant.objects.filter(participant__in=ids).values_list(
            "participant_id", "given_name", "family_name"
        ):
            per_person[pid].names += [given, family]
        for pid, value in Identifier.objects.filter(participant__in=ids).values_list("participant_id", "value"):
            per_person[pid].codes.append(value)
        for pid, value in ContactChannel.objects.filter(participant__in=ids).values_list("participant_id", "value"):
            per_person[pid].codes.append(value)
        for pid, number in (
            ResidenceStatus.objects.filter(participant__in=ids)
            .exclude(document_number="")
            .values_list("participant_id", "document_number")
        ):
            per_person[pid].codes.append(number)
    result: dict[int, IdentifyingData] = {}
    for case in cases:
        data = IdentifyingData(codes=[case.reference])
        if case.household_id is not None and case.household is not None:
            data.names.append(case.household.name)
            data.codes.append(case.household.reference)
        for pid in sorted(people.get(case.pk, ())):
            person = per_person.get(pid)
            if person is not None:
                data.names += person.names
                data.birth_dates += person.birth_dates
                data.addresses += person.addresses
                data.codes += person.codes
        result[case.pk] = data
    return result


def matcher_for(case: Case) -> Matcher:
    return Matcher(identifying_data([case])[case.pk])


# --- named or anonymised -----------------------------------------------------------------------


def participating_organisations(conferences: Sequence[Conference]) -> dict[int, list[Organisation]]:
    """The participating organisations of each conference (one query)."""
    result: dict[int, list[Organisation]] = {c.pk: [] for c in conferences}
    rows = (
        ConferenceOrganisation.objects.filter(conference__in=[c.pk for c in conferences])
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    )
    for row in rows:
        result[row.conference_id].append(row.organisation)
    return result


def consent_problems(conference: Conference, organisations: Sequence[Organisation]) -> list[str]:
    """Why the conference cannot be shown with the name (empty: it can). One query."""
    return _named_problems([conference], {conference.pk: list(organisations)}).get(conference.pk, [])


def _named_problems(
    conferences: Sequence[Conference], organisations: dict[int, list[Organisation]]
) -> dict[int, list[str]]:
    problems: dict[int, list[str]] = {}
    if not conferences:
        return problems
    covered: dict[int, set[int]] = defaultdict(set)
    consents = valid_consents(network_id=conferences[0].network_id, purpose=Purpose.CONFERENCE).filter(
        case__in={c.case_id for c in conferences}
    )
    for case_id, organisation_id in consents.values_list("case_id", "recipients"):
        if organisation_id is not None:
            covered[case_id].add(organisation_id)
    for conference in conferences:
        found: list[str] = []
        if conference.case.is_closed:
            # Like every consent's sharing, a Schweigepflichtentbindung ends with its occasion (DOMAIN §4.2).
            found.append(_("The case is closed: consents given for it no longer apply."))
        others = [o for o in organisations.get(conference.pk, []) if o.pk != conference.case.organisation_id]
        for organisation in others:
            if organisation.type in CONFERENCE_EXCLUDED_TYPES | CONFERENCE_ANONYMISED_ONLY_TYPES:
                found.append(
                    _("%(organisation)s takes part in anonymised case conferences only.")
                    % {"organisation": organisation}
                )
            elif organisation.pk not in covered[conference.case_id]:
                found.append(
                    _("No consent for case conferences in force names %(organisation)s.")
                    % {"organisation": organisation}
                )
        problems[conference.pk] = found
    return problems


@dataclass
class Presentation:
    """A conference as a reader sees it now."""

    conference: Conference
    named: bool
    organisations: list[Organisation]
    matcher: Matcher | None = None
    problems: list[str] = field(default_factory=list)  # why a named conference is shown anonymised

    @property
    def pseudonym(self) -> str:
        return pseudonym_label(self.conference.pseudonym)

    @property
    def subject(self) -> str:
        """How the conference speaks of the person: the name (named) or the pseudonym."""
        if not self.named:
            return self.pseudonym
        case = self.conference.case
        if case.participant_id is not None and case.participant is not None:
            return case.participant.full_name
        if case.household is not None:
            return case.household.name
        return self.pseudonym

    @property
    def fell_back(self) -> bool:
        """Named by mode, but shown anonymised (the consent does not, or no longer, cover it)."""
        return self.conference.mode == Mode.NAMED and not self.named

    def text(self, value: str) -> str:
        if self.named or self.matcher is None:
            return value
        return self.matcher.redact(value)


def present(conferences: Iterable[Conference]) -> dict[int, Presentation]:
    """How each conference is shown now, by conference id. The conferences should come with
    ``select_related("case__participant", "case__household")``. About nine queries in all."""
    items = list(conferences)
    if not items:
        return {}
    organisations = participating_organisations(items)
    named_candidates = [c for c in items if c.mode == Mode.NAMED]
    problems = _named_problems(named_candidates, organisations)
    anonymised = [c for c in items if c.mode != Mode.NAMED or problems.get(c.pk)]
    data = identifying_data(c.case for c in anonymised) if anonymised else {}
    matchers = {case_id: Matcher(d) for case_id, d in data.items()}
    result = {}
    for conference in items:
        is_named = conference.mode == Mode.NAMED and not problems.get(conference.pk)
        result[conference.pk] = Presentation(
            conference=conference,
            named=is_named,
            organisations=organisations[conference.pk],
            matcher=None if is_named else matchers.get(conference.case_id),
            problems=problems.get(conference.pk, []),
        )
    return result


def present_one(conference: Conference) -> Presentation:
    return present([conference])[conference.pk]


# --- the record: what the conference page and the PDF show -------------------------------------


@dataclass
class Row:
    """One agenda item, decision or action item as shown (texts already blanked if anonymised)."""

    obj: Any
    title: str = ""
    text: str = ""
    overdue: bool = False


def record(show: Presentation, today: dt.date) -> dict[str, Any]:
    """Agenda, minutes, decisions and action items as shown to the reader (three queries)."""
    conference = show.conference
    agenda = [Row(item, show.text(item.title), show.text(item.notes)) for item in conference.agenda.all()]
    decisions = [Row(decision, text=show.text(decision.text)) for decision in conference.decisions.all()]
    actions = [
        Row(item, text=show.text(item.text), overdue=item.is_overdue(today))
        for item in conference.action_items.select_related("owner")
    ]
    return {
        "show": show,
        "place": show.text(conference.place),
        "minutes": show.text(conference.minutes),
        "agenda": agenda,
        "decisions": decisions,
        "action_items": actions,
    }
