"""Screens of participant records over HTTP: search, register with the duplicate step, detail,
edit, the record's lists, households; who gets 403 or 404; audit entries; query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope

from ankommen.audit.models import AuditEntry
from ankommen.participants import services
from ankommen.participants.models import Participant
from ankommen.testing.personas import World


@pytest.fixture(autouse=True)
def _network_scope(world: World):
    with scope(network=world.network.pk):
        yield


@pytest.fixture
def records(world: World):
    """Three people of org A (one with variants, original script, identifier), one of org B."""
    actor = world.memberships["case_manager_a"]
    with scope(network=world.network.pk):
        mohammed = services.register_participant(
            actor,
            {
                "given_name": "Mohammed",
                "family_name": "Al-Hassan",
                "given_name_original": "محمد",
                "family_name_original": "الحسن",
                "original_script": "arab",
                "date_of_birth": dt.date(1999, 1, 1),
                "sex": "m",
                "nationalities": ["SY"],
            },
        )
        services.add_name_variant(actor, mohammed, {"given_name": "Mhd", "family_name": "Alhasan"})
        services.add_identifier(actor, mohammed, {"kind": "bamf", "value": "8123456-475"})
        oleksandr = services.register_participant(
            actor,
            {
                "given_name": "Oleksandr",
                "family_name": "Kovalenko",
                "given_name_original": "Олександр",
                "family_name_original": "Коваленко",
                "original_script": "cyrl",
                "date_of_birth": dt.date(2004, 5, 3),
            },
        )
        amina = services.register_participant(
            actor, {"given_name": "Amina", "family_name": "Yusufi", "date_of_birth": dt.date(2004, 9, 9)}
        )
        other = services.register_participant(
            world.memberships["case_manager_b"], {"given_name": "Muhammad", "family_name": "Alhassan"}
        )
    return {"mohammed": mohammed, "oleksandr": oleksandr, "amina": amina, "other": other}


def _found(world: World, persona: str = "case_manager_a", **params) -> set[str]:
    response = world.client_for(persona).get(reverse("participants:list"), params)
    assert response.status_code == 200
    return {row["participant"].reference for row in response.context["rows"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Mhd", {"mohammed"}),  # a stored variant
        ("محمد", {"mohammed"}),  # original script, Arabic
        ("Олександр", {"oleksandr"}),  # original script, Cyrillic
        ("kovalenko olek", {"oleksandr"}),
        ("Muhammad Alhassan", {"mohammed"}),  # another transliteration, through the name keys
        ("8123456-475", {"mohammed"}),  # identifier
        ("000003", {"amina"}),  # reference
    ],
)
def test_search_by_any_name_number_or_reference(world: World, records, query: str, expected: set[str]) -> None:
    assert _found(world, q=query) == {records[key].reference for key in expected}


def test_search_by_birth_year_and_only_own_organisation(world: World, records) -> None:
    assert _found(world, birth_year=2004) == {records["oleksandr"].reference, records["amina"].reference}
    assert records["other"].reference not in _found(world)
    assert _found(world, "case_manager_b") == {records["other"].reference}


def test_search_is_logged_without_what_was_searched(world: World, records) -> None:
    _found(world, q="Kovalenko", birth_year=2004)
    entry = AuditEntry.objects.filter(action="participant.searched").latest("seq")
    assert entry.data["filters"] == ["q", "birth_year"]
    assert entry.data["shown"] == [records["oleksandr"].pk]
    assert "Kovalenko" not in str(entry.data)


def test_list_query_count_does_not_grow_with_records(world: World, records) -> None:
    client = world.client_for("case_manager_a")
    url = reverse("participants:list")
    client.get(url)  # warm-up (session, content types)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    actor = world.memberships["case_manager_a"]
    with scope(network=world.network.pk):
        for i in range(30):
            person = services.register_participant(actor, {"given_name": "Test", "family_name": f"Person{i}"})
            services.add_residence_status(actor, person, {"status": "gestattung", "valid_from": dt.date(2024, 1, 1)})
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["rows"]) == 33
    assert len(many) == len(few) <= 16


def test_detail_shows_everything_and_logs_the_read(world: World, records, django_assert_max_num_queries) -> None:
    person = records["mohammed"]
    client = world.client_for("assistant_a")
    with django_assert_max_num_queries(25):
        response = client.get(reverse("participants:detail", args=[person.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'lang="und-Arab" dir="auto">محمد الحسن' in body
    assert "8123456-475" in body and "Mhd" in body
    assert "Edit personal data" not in body and "Persönliche Daten bearbeiten" not in body  # read only
    entry = AuditEntry.objects.filter(action="participant.viewed").latest("seq")
    assert entry.subject == person.audit_subject
    assert entry.actor == world.memberships["assistant_a"].user


@pytest.mark.parametrize("persona", ["case_manager_b", "police_liaison", "dpo", "coordinator", "outsider"])
def test_outsiders_get_404_for_a_record(world: World, records, persona: str) -> None:
    person = records["mohammed"]
    client = world.client_for(persona)
    for name in ("participants:detail", "participants:statuses", "participants:edit"):
        assert client.get(reverse(name, args=[person.pk])).status_code == 404
    assert client.post(reverse("participants:edit", args=[person.pk]), {"family_name": "X"}).status_code == 404


def test_assistant_reads_but_cannot_change(world: World, records) -> None:
    person = records["mohammed"]
    client = world.client_for("assistant_a")
    assert client.get(reverse("participants:statuses", args=[person.pk])).status_code == 200
    assert client.post(reverse("participants:edit", args=[person.pk]), {"family_name": "X"}).status_code == 403
    assert client.post(reverse("participants:add_detail", args=[person.pk, "languages"]), {}).status_code == 403
    assert client.post(reverse("participants:register"), {"family_name": "X"}).status_code == 403


def _register_data(**values):
    return {
        "given_name": "Muhammad",
        "family_name": "Alhasan",
        "date_of_birth": "1999-01-01",
        "birth_date_precision": "exact",
        "sex": "m",
        "decision": "check",
    } | values


def test_register_shows_possible_duplicates_with_reasons_before_saving(world: World, records) -> None:
    client = world.client_for("case_manager_a")
    client.post(reverse("core:set_language"), {"language": "en", "next": "/"})
    count = Participant.objects.count()
    response = client.post(reverse("participants:register"), _register_data())
    assert response.status_code == 200
    assert Participant.objects.count() == count  # nothing saved
    candidates = response.context["candidates"]
    assert [c["participant"].pk for c in candidates] == [records["mohammed"].pk]  # org B's record not shown
    texts = " ".join(r.text for r in candidates[0]["reasons"])
    assert "another transliteration of the same name" in texts
    assert "placeholder" in texts
    assert reverse("participants:detail", args=[records["mohammed"].pk]) in response.content.decode()
    assert AuditEntry.objects.filter(action="participant.candidate_shown", subject=records["mohammed"].audit_subject)

    # The user decides: a new person.
    checked = response.context["form"]["checked"].value()
    response = client.post(reverse("participants:register"), _register_data(decision="new", checked=checked))
    created = Participant.objects.latest("pk")
    assert response.status_code == 302
    assert response.url == reverse("participants:detail", args=[created.pk])
    assert created.given_name == "Muhammad"


def test_changed_data_after_the_check_is_checked_again(world: World, records) -> None:
    client = world.client_for("case_manager_a")
    response = client.post(reverse("participants:register"), _register_data())
    checked = response.context["form"]["checked"].value()
    response = client.post(
        reverse("participants:register"), _register_data(decision="new", checked=checked, given_name="Mohamad")
    )
    assert response.status_code == 200
    assert response.context["candidates"]


def test_register_without_candidates_saves_at_once(world: World, records) -> None:
    client = world.client_for("case_manager_a")
    response = client.post(
        reverse("participants:register"), _register_data(given_name="Zubair", family_name="Nooristani")
    )
    assert response.status_code == 302
    assert Participant.objects.filter(family_name="Nooristani").exists()


def test_reasons_are_translated(world: World, records) -> None:
    client = world.client_for("case_manager_a")
    client.post(reverse("core:set_language"), {"language": "de", "next": "/"})
    response = client.post(reverse("participants:register"), _register_data())
    texts = " ".join(r.text for r in response.context["candidates"][0]["reasons"])
    assert "Umschrift" in texts


def test_edit_with_stale_version_shows_error_and_keeps_data(world: World, records) -> None:
    person = records["amina"]
    client = world.client_for("case_manager_a")
    data = {"given_name": "Amina", "family_name": "Yusufi", "birth_date_precision": "exact", "sex": "f", "version": 1}
    assert (
        client.post(reverse("participants:edit", args=[person.pk]), data | {"district": "Hiltrup"}).status_code == 302
    )
    response = client.post(reverse("participants:edit", args=[person.pk]), data | {"district": "Coerde"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    person.refresh_from_db()
    assert person.district == "Hiltrup"


def test_status_history_marks_expiring_and_expired_documents(world: World, records) -> None:
    person = records["amina"]
    today = dt.date.today()
    actor = world.memberships["case_manager_a"]
    with scope(network=world.network.pk):
        services.add_residence_status(
            actor,
            person,
            {
                "status": "gestattung",
                "valid_from": today - dt.timedelta(days=400),
                "valid_to": today - dt.timedelta(days=100),
            },
        )
        services.add_residence_status(
            actor,
            person,
            {
                "status": "duldung",
                "valid_from": today - dt.timedelta(days=99),
                "valid_to": today + dt.timedelta(days=20),
            },
        )
    response = world.client_for("case_manager_a").get(reverse("participants:statuses", args=[person.pk]))
    states = [row["state"] for row in response.context["statuses"]]
    assert states == ["expiring", "ended"]
    with scope(network=world.network.pk):
        latest = person.statuses.get(status="duldung")
        services.update_detail(actor, latest, {"valid_to": today - dt.timedelta(days=1)})
    response = world.client_for("case_manager_a").get(reverse("participants:statuses", args=[person.pk]))
    assert [row["state"] for row in response.context["statuses"]] == ["expired", "ended"]
    assert AuditEntry.objects.filter(action="participant.viewed", data__page="statuses").count() == 2


def test_detail_forms_add_change_remove(world: World, records) -> None:
    person = records["amina"]
    client = world.client_for("case_manager_a")
    url = reverse("participants:add_detail", args=[person.pk, "languages"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"language": "uk", "speaking": "B1", "listening": "B2", "reading": "", "writing": ""})
    assert response.status_code == 302
    skill = person.languages.get()
    url = reverse("participants:edit_detail", args=[person.pk, "languages", skill.pk])
    client.post(url, {"language": "uk", "speaking": "B2", "listening": "B2", "reading": "A2", "writing": ""})
    skill.refresh_from_db()
    assert skill.reading == "A2"
    client.post(reverse("participants:remove_detail", args=[person.pk, "languages", skill.pk]))
    assert not person.languages.exists()
    assert client.get(reverse("participants:add_detail", args=[person.pk, "nonsense"])).status_code == 404
    # A row of another record is not reachable through this record.
    other_row = records["mohammed"].identifiers.get()
    assert (
        client.get(reverse("participants:edit_detail", args=[person.pk, "identifiers", other_row.pk])).status_code
        == 404
    )


def test_household_page_with_minors_and_member_forms(world: World, records) -> None:
    client = world.client_for("case_manager_a")
    mother = records["amina"]
    response = client.post(
        reverse("participants:create_household", args=[mother.pk]), {"name": "Familie Yusufi", "benefit_unit": "on"}
    )
    household = mother.household_memberships.get().household
    assert response.url == reverse("participants:household", args=[household.pk])
    actor = world.memberships["case_manager_a"]
    with scope(network=world.network.pk):
        child = services.register_participant(
            actor,
            {
                "given_name": "Rania",
                "family_name": "Yusufi",
                "date_of_birth": dt.date.today() - dt.timedelta(days=6 * 366),
            },
        )
    add = reverse("participants:add_member", args=[household.pk])
    response = client.post(add, {"reference": records["other"].reference, "relationship": "child", "childcare": "none"})
    assert "reference" in response.context["form"].errors  # org B's record is unknown here
    client.post(
        add,
        {
            "reference": child.reference,
            "relationship": "child",
            "childcare": "school",
            "childcare_institution": "GS Kinderhaus",
        },
    )
    response = world.client_for("assistant_a").get(reverse("participants:household", args=[household.pk]))
    assert response.status_code == 200
    assert [row["member"].participant_id for row in response.context["minors"]] == [child.pk]
    assert "GS Kinderhaus" in response.content.decode()
    reads = AuditEntry.objects.filter(action="participant.viewed", data__page="household")
    assert {e.subject for e in reads} == {mother.audit_subject, child.audit_subject}
    assert (
        world.client_for("case_manager_b").get(reverse("participants:household", args=[household.pk])).status_code
        == 404
    )


def test_api_reads_a_record_and_logs_it(world: World, records) -> None:
    person = records["mohammed"]
    url = reverse("api:participant", args=[person.pk])
    response = world.client_for("assistant_a").get(url)
    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == person.reference
    assert body["nationalities"] == ["SY"]
    assert body["name_variants"][0]["given_name"] == "Mhd"
    assert AuditEntry.objects.filter(action="participant.viewed", subject=person.audit_subject).exists()
    for persona in ("case_manager_b", "police_liaison"):
        assert world.client_for(persona).get(url).status_code == 404
