"""The cases API: own cases in full, shared cases with the consented categories only, tasks,
completing a task through the service, reads logged, bounded queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from ankommen.audit.models import AuditEntry
from ankommen.cases import services
from ankommen.cases.models import Case, CaseType, Task
from ankommen.cases.tests.conftest import give_consent, revoke
from ankommen.participants.models import Participant
from ankommen.testing.personas import World


@pytest.fixture
def setup(world: World):  # type: ignore[no-untyped-def]
    actor = world.memberships["case_manager_a"]
    with scope(network=world.network.pk):
        kind = CaseType.objects.create(network=world.network, name="Junge Volljährige")
        person = Participant.objects.create(
            network=world.network,
            organisation=actor.organisation,
            reference="MS-000901",
            given_name="Samira",
            family_name="Nouri",
            date_of_birth=dt.date(2004, 2, 11),
            created_by=actor.user,
        )
        case = services.open_case(actor, case_type=kind, participant=person)
        services.save_assessment(actor, case, "housing", {"needs": "Wohnung gesucht"})
        goal = services.add_goal(actor, case, {"text": "Ausbildung", "domain": "training_work"})
        services.add_progress_note(actor, goal, {"text": "Bewerbung abgeschickt"})
        task = services.add_task(actor, case, title="Zeugnis holen", due_on=timezone.localdate(), assignee=actor.user)
        yield actor, case, task


def test_own_case_in_full_and_reads_logged(world: World, setup) -> None:  # type: ignore[no-untyped-def]
    _actor, case, _task = setup
    client = world.client_for("case_manager_a")
    data = client.get(reverse("api:cases")).json()
    assert data["count"] == 1
    row = data["results"][0]
    assert (row["reference"], row["own"], row["shared_categories"]) == (case.reference, True, None)
    assert row["subject"]["name"] == "Samira Nouri"
    detail = client.get(reverse("api:case", args=[case.pk])).json()
    assert detail["assessment"][0]["needs"] == "Wohnung gesucht"
    assert detail["goals"][0]["notes"][0]["text"] == "Bewerbung abgeschickt"
    assert {t["title"] for t in detail["tasks"]} >= {"Zeugnis holen"}
    with scope(network=world.network.pk):
        assert AuditEntry.objects.filter(action="case.listed", data__api=True).exists()
        assert AuditEntry.objects.filter(action="case.viewed", data__page="api", target_id=str(case.pk)).exists()


def test_shared_case_only_with_the_consented_categories(world: World, setup) -> None:  # type: ignore[no-untyped-def]
    _actor, case, _task = setup
    client_b = world.client_for("case_manager_b")
    assert client_b.get(reverse("api:case", args=[case.pk])).status_code == 404
    assert client_b.get(reverse("api:cases")).json()["count"] == 0
    with scope(network=world.network.pk):
        consent = give_consent(world, case, "cooperation", ["org_b"], ["assessment"])
    row = client_b.get(reverse("api:cases")).json()["results"][0]
    assert (row["own"], row["shared_categories"], row["subject"]["name"]) == (False, ["assessment"], None)
    detail = client_b.get(reverse("api:case", args=[case.pk])).json()
    assert detail["assessment"][0]["needs"] == "Wohnung gesucht"
    assert detail["goals"] is None and detail["tasks"] is None and detail["co_workers"] is None
    body = client_b.get(reverse("api:case", args=[case.pk])).content.decode()
    assert "Nouri" not in body and "Bewerbung" not in body and "Zeugnis" not in body
    assert client_b.get(reverse("api:case_tasks", args=[case.pk])).status_code == 403
    with scope(network=world.network.pk):
        entry = AuditEntry.objects.filter(action="case.viewed", data__page="api").latest("seq")
        assert entry.data["shared"] == ["assessment"]
        revoke(consent)
    # Revocation: gone with the next request.
    assert client_b.get(reverse("api:case", args=[case.pk])).status_code == 404
    assert client_b.get(reverse("api:cases")).json()["count"] == 0


def test_tasks_my_tasks_and_completing(world: World, setup) -> None:  # type: ignore[no-untyped-def]
    actor, case, task = setup
    client = world.client_for("case_manager_a")
    titles = [t["title"] for t in client.get(reverse("api:case_tasks", args=[case.pk])).json()]
    assert "Zeugnis holen" in titles
    mine = client.get(reverse("api:my_tasks")).json()["results"]
    assert [t["title"] for t in mine] == ["Zeugnis holen"]
    url = reverse("api:complete_task", args=[case.pk, task.pk])
    assert world.client_for("assistant_a").post(url).status_code == 403
    assert world.client_for("case_manager_b").post(url).status_code == 404
    response = client.post(url)
    assert response.status_code == 200 and response.json()["done"] is True
    again = client.post(url)
    assert again.status_code == 400 and "detail" in again.json()
    assert client.get(reverse("api:my_tasks")).json()["results"] == []
    with scope(network=world.network.pk):
        assert Task.objects.get(pk=task.pk).done_by == actor.user
        assert AuditEntry.objects.filter(action="case.task_done").count() == 1


def test_a_co_worker_completes_their_own_tasks_over_the_api(world: World, setup) -> None:  # type: ignore[no-untyped-def]
    actor, case, task = setup
    manager_b = world.memberships["case_manager_b"]
    with scope(network=world.network.pk):
        give_consent(world, case, "cooperation", ["org_b"], ["plan"])
        services.add_case_role(actor, case, manager_b.user, organisation_id=manager_b.organisation_id)
        own = services.add_task(manager_b, case, title="Praktikum", due_on=timezone.localdate())
    client_b = world.client_for("case_manager_b")
    assert [t["title"] for t in client_b.get(reverse("api:my_tasks")).json()["results"]] == ["Praktikum"]
    assert client_b.post(reverse("api:complete_task", args=[case.pk, task.pk])).status_code == 403
    assert client_b.post(reverse("api:complete_task", args=[case.pk, own.pk])).status_code == 200


def test_schema_documents_the_case_endpoints(world: World) -> None:
    response = world.client_for("case_manager_a").get(
        reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    body = response.content.decode()
    for path in (
        "/api/v1/cases/",
        "/api/v1/cases/{case_id}/",
        "/api/v1/cases/{case_id}/tasks/",
        "/api/v1/tasks/mine/",
        "/api/v1/cases/{case_id}/tasks/{task_id}/complete/",
    ):
        assert path in body
    assert "shared_categories" in body


def test_case_list_query_count_is_bounded(world: World, setup, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    actor, case, _task = setup

    def more(count: int, start: int) -> None:
        with scope(network=world.network.pk):
            for i in range(count):
                person = Participant.objects.create(
                    network=world.network,
                    organisation=world.organisations["org_b"],
                    reference=f"MS-{700000 + start + i}",
                    family_name=f"Geteilt{start + i}",
                    created_by=actor.user,
                )
                other = Case.objects.create(
                    network=world.network,
                    organisation=world.organisations["org_b"],
                    participant=person,
                    case_type=case.case_type,
                    lead=world.memberships["case_manager_b"].user,
                    reference=f"MS-F{700000 + start + i}",
                    opened_on=timezone.localdate(),
                    phase_started_on=timezone.localdate(),
                    created_by=actor.user,
                )
                give_consent(world, other, "cooperation", ["org_a"], ["identity"])

    more(2, 0)
    client = world.client_for("case_manager_a")
    client.get(reverse("api:cases"))
    with django_assert_max_num_queries(16) as few:
        client.get(reverse("api:cases"))
    more(6, 10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        data = client.get(reverse("api:cases")).json()
    assert data["count"] == 9
    names = {r["subject"]["name"] for r in data["results"] if not r["own"]}
    assert len(names) == 8 and all(n and n.startswith("Geteilt") for n in names)  # identity is shared
