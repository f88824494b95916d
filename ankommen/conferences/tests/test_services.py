"""Conference services: scheduling, organisations, named/anonymised with consent coverage and
lapse, refusing identifying free text, action items, held/cancelled, optimistic locking, access."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ankommen.audit.models import AuditEntry
from ankommen.cases.models import Case, TimelineEntry
from ankommen.conferences import services
from ankommen.conferences.access import completable_items, visible_conferences
from ankommen.conferences.choices import ActionStatus, Mode, Status
from ankommen.conferences.models import CasePseudonym, Conference
from ankommen.conferences.presentation import present_one
from ankommen.conferences.rules import check_conference_rule
from ankommen.conferences.services import ConferenceError
from ankommen.conferences.tests.conftest import FAMILY, GIVEN, REFUSED, VARIANT_FAMILY, conference_consent
from ankommen.network.models import Membership, Organisation
from ankommen.network.roles import OrganisationType
from ankommen.testing.factories import OrganisationFactory
from ankommen.testing.personas import STAFF_PERSONAS, World

pytestmark = pytest.mark.usefixtures("english")


def _schedule(
    actor: Membership, case: Case, *, days: int = 1, organisations: tuple[Organisation, ...] = ()
) -> Conference:
    return services.schedule_conference(
        actor,
        case,
        scheduled_at=timezone.now() + dt.timedelta(days=days),
        place="Besprechungsraum 2",
        organisations=organisations,
    )


def _messages(exc: ConferenceError) -> str:
    return " ".join(exc.messages)


# --- scheduling ------------------------------------------------------------------------------


def test_schedule_draws_a_neutral_pseudonym_kept_for_the_case(world: World, actor, case) -> None:  # type: ignore[no-untyped-def]
    first = _schedule(actor, case)
    assert re.fullmatch(r"[A-HJ-NP-Z]-[1-9]\d\d", first.pseudonym)
    assert first.pseudonym[0] not in {"Z", "W", "S"}  # no initial of the names or variants
    assert first.mode == Mode.ANONYMISED and first.status == Status.PLANNED
    assert first.organisation_id == case.organisation_id
    second = _schedule(actor, case, days=90)
    assert second.pseudonym == first.pseudonym
    assert CasePseudonym.objects.get(case=case).code == first.pseudonym
    assert case.timeline.filter(text_key="conference_scheduled").count() == 2
    entry = AuditEntry.objects.filter(action="conference.scheduled").latest("seq")
    assert entry.subject == f"participant:{case.participant_id}" and entry.data["conference"] == second.pk


def test_only_the_case_owners_organisers_schedule(world: World, actor, case) -> None:  # type: ignore[no-untyped-def]
    for persona in ("assistant_a", "case_manager_b", "partner_liaison", "coordinator"):
        with pytest.raises(PermissionDenied):
            _schedule(world.memberships[persona], case)
    assert _schedule(world.memberships["team_lead_a"], case).pk


def test_no_conference_on_a_closed_case(world: World, actor, case) -> None:  # type: ignore[no-untyped-def]
    Case.objects.filter(pk=case.pk).update(phase="closed")
    case.refresh_from_db()
    with pytest.raises(ConferenceError):
        _schedule(actor, case)


def test_place_must_not_be_the_participants_address(world: World, actor, case) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConferenceError) as refused:
        services.schedule_conference(actor, case, scheduled_at=timezone.now(), place="Hausbesuch Quellenkampweg 47")
    assert "place" in refused.value.error_dict
    assert "Quellenkampweg" not in _messages(refused.value)


# --- organisations ---------------------------------------------------------------------------


def test_who_can_be_invited(world: World, actor, case, abh) -> None:  # type: ignore[no-untyped-def]
    conference = _schedule(actor, case)
    org = world.organisations
    club = OrganisationFactory(network=world.network, name="Sportverein", type=OrganisationType.CLUB)
    for refused in (org["police"], org["org_a"], club, org["other_ki"]):
        with pytest.raises(ConferenceError):
            services.add_organisation(actor, conference, refused)
    for invited in (org["org_b"], org["chamber"], abh):
        services.add_organisation(actor, conference, invited)
    with pytest.raises(ConferenceError):
        services.add_organisation(actor, conference, abh)  # already there
    assert set(conference.participations.values_list("organisation", flat=True)) == {
        org["org_b"].pk,
        org["chamber"].pk,
        abh.pk,
    }
    services.remove_organisation(actor, conference, org["chamber"])
    assert not conference.participations.filter(organisation=org["chamber"]).exists()


def test_an_organisation_with_action_items_stays(world: World, actor, case) -> None:  # type: ignore[no-untyped-def]
    conference = _schedule(actor, case, organisations=(world.organisations["org_b"],))
    services.add_action_item(
        actor, conference, text="Kosten prüfen", owner=world.organisations["org_b"], due_on=timezone.localdate()
    )
    with pytest.raises(ConferenceError):
        services.remove_organisation(actor, conference, world.organisations["org_b"])


# --- named or anonymised ---------------------------------------------------------------------


def test_named_needs_a_consent_for_every_participating_organisation(world: World, actor, case, abh) -> None:  # type: ignore[no-untyped-def]
    org_b = world.organisations["org_b"]
    conference = _schedule(actor, case, organisations=(abh, org_b))
    with pytest.raises(ConferenceError) as refused:
        services.set_mode(actor, conference, Mode.NAMED, version=conference.version)
    assert "Ausländerbehörde" in _messages(refused.value) and "Sozialamt B" in _messages(refused.value)
    conference_consent(case, [abh])
    with pytest.raises(ConferenceError) as refused:
        services.set_mode(actor, conference, Mode.NAMED, version=conference.version)
    assert "Sozialamt B" in _messages(refused.value) and "Ausländerbehörde" not in _messages(refused.value)
    # A consent for another purpose does not count.
    conference_consent(case, [org_b], purpose="cooperation")
    with pytest.raises(ConferenceError):
        services.set_mode(actor, conference, Mode.NAMED, version=conference.version)
    conference_consent(case, [org_b])
    conference = services.set_mode(actor, conference, Mode.NAMED, version=conference.version)
    assert conference.mode == Mode.NAMED
    assert present_one(conference).named and present_one(conference).subject == f"{GIVEN} {FAMILY}"


def test_chambers_only_in_anonymised_conferences(world: World, actor, case) -> None:  # type: ignore[no-untyped-def]
    chamber = world.organisations["chamber"]
    conference = _schedule(actor, case, organisations=(chamber,))
    conference_consent(case, [chamber])
    with pytest.raises(ConferenceError) as refused:
        services.set_mode(actor, conference, Mode.NAMED, version=conference.version)
    assert "anonymised case conferences only" in _messages(refused.value)
    other = _schedule(actor, case)
    other = services.set_mode(actor, other, Mode.NAMED, version=other.version)
    with pytest.raises(ConferenceError):
        services.add_organisation(actor, other, chamber)


def test_adding_an_organisation_to_a_named_conference_needs_its_consent(world: World, actor, case, abh) -> None:  # type: ignore[no-untyped-def]
    conference = _schedule(actor, case, organisations=(abh,))
    conference_consent(case, [abh])
    conference = services.set_mode(actor, conference, Mode.NAMED, version=conference.version)
    with pytest.raises(ConferenceError):
        services.add_organisation(actor, conference, world.organisations["org_b"])
    conference_consent(case, [world.organisations["org_b"]])
    services.add_organisation(actor, conference, world.organisations["org_b"])


@pytest.mark.parametrize("lapse", ["revoked", "expired", "case_closed"])
def test_a_lapsed_consent_falls_back_to_anonymised_at_once(world: World, actor, case, abh, lapse) -> None:  # type: ignore[no-untyped-def]
    conference = _schedule(actor, case, organisations=(abh,))
    consent = conference_consent(case, [abh])
    conference = services.set_mode(actor, conference, Mode.NAMED, version=conference.version)
    conference = services.save_minutes(
        actor, conference, f"{GIVEN} {FAMILY} berichtet vom Termin.", version=conference.version
    )
    assert present_one(conference).named
    if lapse == "revoked":
        consent.revoked_at = timezone.now()
        consent.save(update_fields=["revoked_at"])
    elif lapse == "expired":
        consent.given_on = timezone.localdate() - dt.timedelta(days=30)
        consent.valid_until = timezone.localdate() - dt.timedelta(days=1)
        consent.save(update_fields=["given_on", "valid_until"])
    else:
        Case.objects.filter(pk=case.pk).update(phase="closed")
    conference = Conference.objects.select_related("case", "case__participant").get(pk=conference.pk)
    show = present_one(conference)
    assert conference.mode == Mode.NAMED and not show.named and show.fell_back and show.problems
    assert show.subject == f"Case {conference.pseudonym}"
    assert GIVEN not in show.text(conference.minutes) and "berichtet vom Termin" in show.text(conference.minutes)
    # And identifying text is refused again.
    with pytest.raises(ConferenceError):
        services.add_decision(actor, conference, f"{GIVEN} erhält Unterstützung.")


def test_back_to_anonymised_blanks_what_was_written_named(world: World, actor, case, abh) -> None:  # type: ignore[no-untyped-def]
    conference = _schedule(actor, case, organisations=(abh,))
    conference_consent(case, [abh])
    conference = services.set_mode(actor, conference, Mode.NAMED, version=conference.version)
    services.add_agenda_item(actor, conference, title=f"Situation von {GIVEN}")
    conference = services.set_mode(actor, conference, Mode.ANONYMISED, version=conference.version)
    show = present_one(conference)
    assert [show.text(item.title) for item in conference.agenda.all()] == ["Situation von […]"]


# --- identifying free text -------------------------------------------------------------------


@pytest.mark.parametrize("identifying", REFUSED)
def test_identifying_text_is_refused_in_every_field(world: World, actor, case, identifying) -> None:  # type: ignore[no-untyped-def]
    conference = _schedule(actor, case, organisations=(world.organisations["org_b"],))
    text = f"Besprochen: {identifying} und der Sprachkurs."
    attempts = [
        lambda: services.save_minutes(actor, conference, text, version=None),
        lambda: services.add_agenda_item(actor, conference, title="Stand", notes=text),
        lambda: services.add_decision(actor, conference, text),
        lambda: services.add_action_item(
            actor, conference, text=text, owner=world.organisations["org_b"], due_on=timezone.localdate()
        ),
    ]
    for attempt in attempts:
        with pytest.raises(ConferenceError) as refused:
            attempt()
        assert identifying not in _messages(refused.value)
        assert "anonymised" in _messages(refused.value)
    assert not conference.decisions.exists() and not conference.action_items.exists() and not conference.agenda.exists()


def test_the_refusal_says_what_kind_of_data_was_found(world: World, actor, case) -> None:  # type: ignore[no-untyped-def]
    conference = _schedule(actor, case)
    with pytest.raises(ConferenceError) as refused:
        services.save_minutes(actor, conference, f"Frau {VARIANT_FAMILY}, geb. 17.03.1994", version=None)
    message = _messages(refused.value)
    assert "a name" in message and "a date of birth" in message and f"Case {conference.pseudonym}" in message


def test_pseudonymous_text_is_accepted(world: World, actor, case) -> None:  # type: ignore[no-untyped-def]
    conference = _schedule(actor, case)
    text = f"Fall {conference.pseudonym}: Sprachkurs läuft, Termin bei der Ausländerbehörde am 12.05."
    conference = services.save_minutes(actor, conference, text, version=conference.version)
    assert conference.minutes == text


# --- minutes, versions, action items ---------------------------------------------------------


def test_a_stale_form_does_not_overwrite_the_minutes(world: World, actor, case) -> None:  # type: ignore[no-untyped-def]
    conference = _schedule(actor, case)
    seen = conference.version
    services.save_minutes(world.memberships["team_lead_a"], conference, "Fassung der Teamleitung", version=seen)
    with pytest.raises(ConferenceError) as refused:
        services.save_minutes(actor, conference, "Meine Fassung", version=seen)
    assert refused.value.code == "stale"
    assert Conference.objects.get(pk=conference.pk).minutes == "Fassung der Teamleitung"


def test_action_items_go_to_taking_part_organisations_and_are_done_by_them(world: World, actor, case) -> None:  # type: ignore[no-untyped-def]
    org_b, chamber = world.organisations["org_b"], world.organisations["chamber"]
    conference = _schedule(actor, case, organisations=(org_b, chamber))
    with pytest.raises(ConferenceError):
        services.add_action_item(
            actor, conference, text="Prüfen", owner=world.organisations["police"], due_on=timezone.localdate()
        )
    item = services.add_action_item(actor, conference, text="Kosten prüfen", owner=org_b, due_on=timezone.localdate())
    for persona in ("partner_liaison", "assistant_a", "police_liaison"):
        with pytest.raises(PermissionDenied):
            services.complete_action_item(world.memberships[persona], item)
    done = services.complete_action_item(world.memberships["case_manager_b"], item)
    assert done.status == ActionStatus.DONE and done.done_by == world.memberships["case_manager_b"].user
    entry = TimelineEntry.objects.get(case=case, text_key="conference_action_done")
    assert entry.text == "Action item of a case conference done (Sozialamt B)."
    with pytest.raises(ConferenceError):
        services.complete_action_item(world.memberships["case_manager_b"], item)
    # The organisers may mark any item done.
    own = services.add_action_item(
        actor, conference, text="Antrag stellen", owner=case.organisation, due_on=timezone.localdate()
    )
    assert services.complete_action_item(world.memberships["team_lead_a"], own).is_done


def test_held_and_cancelled(world: World, actor, case) -> None:  # type: ignore[no-untyped-def]
    later = _schedule(actor, case, days=3)
    with pytest.raises(ConferenceError):
        services.hold_conference(actor, later, version=later.version)
    today = _schedule(actor, case, days=0)
    held = services.hold_conference(actor, today, version=today.version)
    assert held.status == Status.HELD and held.held_at is not None
    assert case.timeline.filter(text_key="conference_held").count() == 1
    with pytest.raises(ConferenceError):
        services.cancel_conference(actor, held, version=held.version)
    cancelled = services.cancel_conference(actor, later, version=later.version)
    assert cancelled.status == Status.CANCELLED
    with pytest.raises(ConferenceError):
        services.add_decision(actor, cancelled, "Nachtrag")
    with pytest.raises(ConferenceError):
        services.set_mode(actor, cancelled, Mode.NAMED, version=cancelled.version)


def test_readers_cannot_change_a_conference(world: World, actor, case) -> None:  # type: ignore[no-untyped-def]
    conference = _schedule(actor, case, organisations=(world.organisations["org_b"],))
    for persona in ("assistant_a", "case_manager_b", "partner_liaison"):
        with pytest.raises(PermissionDenied):
            services.add_decision(world.memberships[persona], conference, "Beschluss")


# --- access ----------------------------------------------------------------------------------


def test_visible_conferences_matches_the_rule_for_every_persona(world: World, actor, case, abh) -> None:  # type: ignore[no-untyped-def]
    chamber, org_b = world.organisations["chamber"], world.organisations["org_b"]
    anonymised = _schedule(actor, case, organisations=(chamber, org_b))
    named = _schedule(actor, case, organisations=(abh,))
    conference_consent(case, [abh])
    named = services.set_mode(actor, named, Mode.NAMED, version=named.version)
    alone = _schedule(actor, case)
    personas = [*STAFF_PERSONAS, "abh_liaison"]
    expected = {
        "case_manager_a": {anonymised.pk, named.pk, alone.pk},
        "team_lead_a": {anonymised.pk, named.pk, alone.pk},
        "assistant_a": {anonymised.pk, named.pk, alone.pk},
        "case_manager_b": {anonymised.pk},
        "partner_liaison": {anonymised.pk},
        "abh_liaison": {named.pk},
    }
    for persona in personas:
        membership = world.memberships[persona]
        visible = set(visible_conferences(membership).values_list("pk", flat=True))
        by_rule = {
            c.pk
            for c in Conference.objects.select_related("case").filter(pk__in=[anonymised.pk, named.pk, alone.pk])
            if check_conference_rule("conferences.view_conference", membership, c)
        }
        assert visible == by_rule == expected.get(persona, set()), persona


def test_a_chamber_in_a_named_conference_would_not_see_it(world: World, actor, case) -> None:  # type: ignore[no-untyped-def]
    """Defence in depth: even if a chamber ended up in a named conference, it does not see it."""
    conference = _schedule(actor, case, organisations=(world.organisations["chamber"],))
    Conference.objects.filter(pk=conference.pk).update(mode=Mode.NAMED)
    conference.refresh_from_db()
    liaison = world.memberships["partner_liaison"]
    assert not visible_conferences(liaison).filter(pk=conference.pk).exists()
    assert not check_conference_rule("conferences.view_conference", liaison, conference)
    assert not present_one(Conference.objects.select_related("case").get(pk=conference.pk)).named


def test_completable_items_match_the_rule(world: World, actor, case) -> None:  # type: ignore[no-untyped-def]
    org_b, chamber = world.organisations["org_b"], world.organisations["chamber"]
    conference = _schedule(actor, case, organisations=(org_b, chamber))
    items = [
        services.add_action_item(actor, conference, text="A", owner=owner, due_on=timezone.localdate())
        for owner in (org_b, chamber, case.organisation)
    ]
    for persona in ("case_manager_a", "team_lead_a", "assistant_a", "case_manager_b", "partner_liaison"):
        membership = world.memberships[persona]
        for item in items:
            item.conference = conference
        by_rule = {i.pk for i in items if check_conference_rule("conferences.complete_action_item", membership, i)}
        assert completable_items(membership, conference, items) == by_rule, persona
