"""Service functions of participant records: registration, edits, the record's lists, households."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import PermissionDenied
from django_scopes import scope

from ankommen.audit.models import AuditEntry
from ankommen.participants import services
from ankommen.participants.models import ContactChannel, HouseholdMember, Participant, ParticipantNameKey
from ankommen.participants.services import ParticipantError
from ankommen.testing.personas import World


@pytest.fixture
def actor(world: World):
    with scope(network=world.network.pk):
        yield world.memberships["case_manager_a"]


def _register(actor, **values):
    return services.register_participant(
        actor, {"given_name": "Mohammed", "family_name": "Al-Hassan", "date_of_birth": dt.date(1999, 4, 2)} | values
    )


def _keys(participant: Participant) -> set[str]:
    return set(ParticipantNameKey.objects.filter(participant=participant).values_list("key", flat=True))


def test_register_gives_references_per_network_and_keys(world: World, actor) -> None:
    first = _register(actor)
    second = _register(actor, given_name="Yusuf")
    assert (first.reference, second.reference) == ("MS-000001", "MS-000002")
    assert first.organisation == actor.organisation
    assert first.created_by == actor.user
    assert any(key.startswith("nn:") for key in _keys(first))
    entry = AuditEntry.objects.get(action="participant.registered", target_id=str(first.pk))
    assert entry.subject == f"participant:{first.pk}"
    assert "Mohammed" not in str(entry.data) and "1999" not in str(entry.data)
    assert "given_name" in entry.data["fields"]


def test_reference_continues_after_records_created_before_the_counter(world: World, actor) -> None:
    from ankommen.core.models import ReferenceCounter

    _register(actor)
    # Records may exist without the counter (an import, the demo): the counter starts after them.
    ReferenceCounter.objects.all().delete()
    second = _register(actor, given_name="Yusuf")
    assert second.reference == "MS-000002"
    third = _register(actor, given_name="Jusuf")
    assert third.reference == "MS-000003"


def test_read_only_and_other_roles_cannot_register(world: World, actor) -> None:
    for persona in ("assistant_a", "police_liaison", "coordinator"):
        with pytest.raises(PermissionDenied):
            _register(world.memberships[persona])


def test_register_validates(world: World, actor) -> None:
    with pytest.raises(ParticipantError) as exc:
        _register(actor, family_name="  ")
    assert "family_name" in exc.value.message_dict
    with pytest.raises(ParticipantError):
        _register(actor, date_of_birth=dt.date.today() + dt.timedelta(days=1))
    with pytest.raises(ParticipantError):
        _register(actor, vulnerabilities=["diagnosis_x"])


def test_year_only_birth_date_is_stored_as_first_of_january(world: World, actor) -> None:
    person = _register(actor, date_of_birth=dt.date(2001, 7, 9), birth_date_precision="year")
    assert person.date_of_birth == dt.date(2001, 1, 1)
    assert person.birth_date_display == "2001"


def test_update_refreshes_keys_and_logs_field_names_only(world: World, actor) -> None:
    person = _register(actor)
    before = _keys(person)
    updated = services.update_participant(
        actor, person, {"given_name": "Hussein", "district": "Kinderhaus"}, version=person.version
    )
    assert updated.version == 2
    assert _keys(updated) != before
    entry = AuditEntry.objects.get(action="participant.updated")
    assert sorted(entry.data["fields"]) == ["district", "given_name"]
    assert "Hussein" not in str(entry.data) and "Kinderhaus" not in str(entry.data)


def test_stale_version_is_refused_and_nothing_overwritten(world: World, actor) -> None:
    person = _register(actor)
    services.update_participant(actor, person, {"district": "Hiltrup"}, version=1)
    with pytest.raises(ParticipantError) as exc:
        services.update_participant(actor, person, {"district": "Coerde"}, version=1)
    assert exc.value.code == "stale"
    person.refresh_from_db()
    assert person.district == "Hiltrup"
    assert AuditEntry.objects.filter(action="participant.updated").count() == 1


def test_unchanged_save_writes_nothing(world: World, actor) -> None:
    person = _register(actor, nationalities=["SY"])
    services.update_participant(actor, person, {"nationalities": ["SY"], "given_name": "Mohammed"}, version=1)
    person.refresh_from_db()
    assert person.version == 1
    assert not AuditEntry.objects.filter(action="participant.updated").exists()


def test_other_organisation_cannot_change_a_record(world: World, actor) -> None:
    person = _register(actor)
    with pytest.raises(PermissionDenied):
        services.update_participant(world.memberships["case_manager_b"], person, {"district": "X"}, version=1)
    with pytest.raises(PermissionDenied):
        services.add_detail(world.memberships["assistant_a"], person, "identifiers", {"kind": "bamf", "value": "1"})


def test_name_variant_feeds_the_keys_and_removal_takes_them_away(world: World, actor) -> None:
    person = _register(actor)
    before = _keys(person)
    variant = services.add_name_variant(actor, person, {"given_name": "Oleksandr", "family_name": "Kovalenko"})
    with_variant = _keys(person)
    assert with_variant > before
    services.update_detail(actor, variant, {"given_name": "Aleksandr", "family_name": "Kowalenko"})
    services.remove_detail(actor, variant)
    assert _keys(person) == before
    codes = list(AuditEntry.objects.filter(subject=person.audit_subject).values_list("action", flat=True))
    assert codes.count("participant.detail_added") == 1
    assert "participant.detail_changed" in codes and "participant.detail_removed" in codes


def test_status_period_must_not_end_before_it_starts(world: World, actor) -> None:
    person = _register(actor)
    with pytest.raises(ParticipantError) as exc:
        services.add_residence_status(
            actor, person, {"status": "duldung", "valid_from": dt.date(2024, 5, 1), "valid_to": dt.date(2024, 4, 1)}
        )
    assert "valid_to" in exc.value.message_dict
    # overlapping periods are allowed
    for start in (dt.date(2024, 1, 1), dt.date(2024, 3, 1)):
        services.add_residence_status(
            actor,
            person,
            {"status": "duldung", "legal_basis": "AufenthG § 60a Abs. 2 S. 1", "valid_from": start},
        )
    assert person.statuses.count() == 2


def test_legal_basis_must_name_the_paragraph(world: World, actor) -> None:
    person = _register(actor)
    with pytest.raises(ParticipantError) as exc:
        services.add_residence_status(
            actor,
            person,
            {"status": "aufenthaltserlaubnis", "legal_basis": "Flüchtling", "valid_from": dt.date(2024, 1, 1)},
        )
    assert "legal_basis" in exc.value.message_dict
    row = services.add_residence_status(
        actor,
        person,
        {
            "status": "aufenthaltserlaubnis",
            "legal_basis": "AufenthG § 25 Abs. 2 S. 1 Alt. 2",
            "valid_from": dt.date(2024, 1, 1),
        },
    )
    assert row.legal_basis == "AufenthG § 25 Abs. 2 S. 1 Alt. 2"


def test_one_entry_per_language_and_one_preferred_contact(world: World, actor) -> None:
    person = _register(actor)
    services.add_language_skill(actor, person, {"language": "ar", "speaking": "native"})
    with pytest.raises(ParticipantError):
        services.add_language_skill(actor, person, {"language": "ar", "speaking": "B1"})
    services.add_contact_channel(actor, person, {"kind": "phone", "value": "0251 1234", "preferred": True})
    services.add_contact_channel(actor, person, {"kind": "messenger", "value": "0176 555", "preferred": True})
    assert list(ContactChannel.objects.filter(participant=person, preferred=True).values_list("kind", flat=True)) == [
        "messenger"
    ]
    with pytest.raises(ParticipantError):
        services.add_contact_channel(actor, person, {"kind": "email", "value": ""})


def test_education_and_work_periods_are_checked(world: World, actor) -> None:
    person = _register(actor)
    with pytest.raises(ParticipantError):
        services.add_education_record(actor, person, {"kind": "school", "from_year": 2010, "to_year": 2005})
    with pytest.raises(ParticipantError):
        services.add_work_record(
            actor, person, {"occupation": "Koch", "from_date": dt.date(2020, 1, 1), "to_date": dt.date(2019, 1, 1)}
        )
    services.add_education_record(actor, person, {"kind": "school", "from_year": 2005, "to_year": 2013})
    services.add_work_record(actor, person, {"occupation": "Koch", "hours_per_week": 38, "social_insurance": True})
    assert person.education.count() == 1 and person.work.count() == 1


def test_households_only_within_the_organisation(world: World, actor) -> None:
    mother = _register(actor, given_name="Amina", sex="f")
    child = _register(actor, given_name="Rania", date_of_birth=dt.date(2018, 2, 3))
    household = services.create_household(actor, "Familie Al-Hassan", first_member=mother)
    assert household.reference == "MS-H000001"
    member = services.add_household_member(
        actor,
        household,
        child,
        {"relationship": "child", "childcare": "school", "childcare_institution": "GS Kinderhaus"},
    )
    with pytest.raises(ParticipantError):
        services.add_household_member(actor, household, child, {"relationship": "child"})
    services.update_household_member(actor, member, {"childcare": "kita"})
    member.refresh_from_db()
    assert member.childcare == "kita"

    other_actor = world.memberships["case_manager_b"]
    stranger = services.register_participant(other_actor, {"family_name": "Kovalenko"})
    with pytest.raises(PermissionDenied):
        services.add_household_member(actor, household, stranger, {"relationship": "other"})
    with pytest.raises(PermissionDenied):
        services.add_household_member(other_actor, household, stranger, {"relationship": "other"})

    services.remove_household_member(actor, member)
    assert not HouseholdMember.objects.filter(pk=member.pk).exists()
    codes = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "household.created",
        "household.member_added",
        "household.member_changed",
        "household.member_removed",
    } <= codes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_distinct_references(transactional_db: None, world: World) -> None:
    # transactional_db: the world must be committed so the worker threads' connections see it.
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite's test database is one in-memory connection)")
    actor = world.memberships["case_manager_a"]

    def register(i: int) -> str:
        from django.db import connection

        try:
            with scope(network=world.network.pk):
                return services.register_participant(actor, {"family_name": f"Parallel{i}"}).reference
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        references = list(pool.map(register, range(8)))
    assert len(set(references)) == 8
