"""Case conferences: who reaches which page.

The world's conference is anonymised, on a case of org A, with org B (a social welfare office)
and the chamber taking part, and an action item for org B.

- The case owner's staff who see cases read it (case manager, team lead, assistant); its case
  manager and team lead organise it (the assistant gets 403 on every change).
- Participating organisations' members who take part in conferences read it: org B's case
  manager and the chamber's partner liaison (anonymised, so the chamber may); they get 403 on
  changes. Org B's case manager may mark org B's action item done; the chamber's liaison may not.
- Everyone else gets 404 for a conference's pages: the chamber's offer provider (no conference
  role), the police, coordinators, the DPO, the platform administrator, other networks.
- The lists ("Case conferences", "Our action items") are for roles that take part in conferences.
"""

import datetime as dt

from django.utils import timezone

from ankommen.cases.models import Case, CaseType
from ankommen.conferences.models import ActionItem, AgendaItem, Conference, ConferenceOrganisation
from ankommen.participants.models import Participant
from ankommen.testing.matrix import Expect, staff_with
from ankommen.testing.personas import World

GIVEN, FAMILY = "Gulalai", "Konferenzmatrixi"
BORN = dt.date(1991, 11, 23)


def _conference_records(world: World) -> None:
    org_a = world.organisations["org_a"]
    manager = world.memberships["case_manager_a"].user
    person = Participant.objects.create(
        network=world.network,
        organisation=org_a,
        reference="MS-934017",
        given_name=GIVEN,
        family_name=FAMILY,
        date_of_birth=BORN,
        created_by=manager,
    )
    case_type = CaseType.objects.create(network=world.network, name="Fallkonferenz-Matrix")
    today = timezone.localdate()
    case = Case.objects.create(
        network=world.network,
        organisation=org_a,
        participant=person,
        case_type=case_type,
        lead=manager,
        reference="MS-F934017",
        phase="implementation",
        opened_on=today - dt.timedelta(days=60),
        phase_started_on=today - dt.timedelta(days=10),
        consent_recorded=True,
        created_by=manager,
    )
    conference = Conference.objects.create(
        network=world.network,
        case=case,
        organisation=org_a,
        pseudonym="M-934",
        scheduled_at=timezone.now() - dt.timedelta(hours=2),
        place="Besprechungsraum 3",
        created_by=manager,
    )
    for key in ("org_b", "chamber"):
        ConferenceOrganisation.objects.create(
            network=world.network, conference=conference, organisation=world.organisations[key]
        )
    agenda_item = AgendaItem.objects.create(
        network=world.network, conference=conference, order=1, title="Stand der Ausbildungssuche"
    )
    action_item = ActionItem.objects.create(
        network=world.network,
        conference=conference,
        text="Kostenübernahme prüfen",
        owner=world.organisations["org_b"],
        due_on=today + dt.timedelta(days=7),
        created_by=manager,
    )
    world.extra.update(conference_case=case, conference=conference, agenda_item=agenda_item, action_item=action_item)
    world.extra["pii_markers"] += [GIVEN, FAMILY, f"{BORN:%d.%m.%Y}", BORN.isoformat(), "MS-934017", "MS-F934017"]


EXTRAS = [_conference_records]

TAKING_PART = staff_with("case_manager_a", "team_lead_a", "case_manager_b", "partner_liaison")
READERS = staff_with("case_manager_a", "team_lead_a", "assistant_a", "case_manager_b", "partner_liaison")
ORGANISERS = staff_with("case_manager_a", "team_lead_a")
READ_ONLY = {"assistant_a": 403, "case_manager_b": 403, "partner_liaison": 403}


def _conference(w: World) -> dict[str, int]:
    return {"conference_id": w.extra["conference"].pk}


def _read(kwargs):  # type: ignore[no-untyped-def]
    """A page of one conference: its readers get 200, everyone else 404."""
    return Expect(READERS, denied=404, outsider=404, kwargs=kwargs)


def _change(kwargs):  # type: ignore[no-untyped-def]
    """A form that changes a conference: organisers 200, readers 403, everyone else 404."""
    return Expect(ORGANISERS, denied=404, outsider=404, overrides=READ_ONLY, kwargs=kwargs)


MATRIX = {
    "conferences:list": Expect(TAKING_PART),
    "conferences:action_items": Expect(TAKING_PART),
    # Scheduling is a page of the case: the case's editors; the assistant 403; everyone else 404.
    "conferences:schedule": Expect(
        ORGANISERS,
        denied=404,
        outsider=404,
        overrides={"assistant_a": 403},
        kwargs=lambda w: {"case_id": w.extra["conference_case"].pk},
    ),
    "conferences:detail": _read(_conference),
    # GET shows what will be exported; the PDF itself is the POST (see test_views).
    "conferences:export": _read(_conference),
    "conferences:edit": _change(_conference),
    "conferences:mode": _change(_conference),
    "conferences:add_organisation": _change(_conference),
    "conferences:remove_organisation": _change(
        lambda w: {"conference_id": w.extra["conference"].pk, "organisation_id": w.organisations["chamber"].pk}
    ),
    "conferences:add_agenda_item": _change(_conference),
    "conferences:edit_agenda_item": _change(
        lambda w: {"conference_id": w.extra["conference"].pk, "item_id": w.extra["agenda_item"].pk}
    ),
    "conferences:minutes": _change(_conference),
    "conferences:add_decision": _change(_conference),
    "conferences:add_action_item": _change(_conference),
    # Org B's action item: org B's case manager and the organisers; the other readers 403.
    "conferences:complete_action_item": Expect(
        ORGANISERS | {"case_manager_b"},
        denied=404,
        outsider=404,
        overrides={"assistant_a": 403, "partner_liaison": 403},
        kwargs=lambda w: {"conference_id": w.extra["conference"].pk, "item_id": w.extra["action_item"].pk},
    ),
    "conferences:hold": _change(_conference),
    "conferences:cancel": _change(_conference),
}
