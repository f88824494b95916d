"""Case screens over HTTP: list, open, the case page, reads logged, query counts, "my work"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from ankommen.audit.models import AuditEntry
from ankommen.cases import services
from ankommen.cases.access import own_case_q, own_cases, visible_cases
from ankommen.cases.models import Case, CaseType, Task
from ankommen.cases.my_work import years_before
from ankommen.cases.rules import check_case_rule
from ankommen.network.models import Membership
from ankommen.participants.models import Household, HouseholdMember, Participant, ResidenceStatus
from ankommen.testing.personas import STAFF_PERSONAS, World


def _people(world: World, actor: Membership, count: int, start: int = 0) -> list[Participant]:
    return [
        Participant.objects.create(
            network=world.network,
            organisation=actor.organisation,
            reference=f"MS-{500000 + start + i:06d}",
            given_name="Omid",
            family_name=f"Karimi{start + i}",
            date_of_birth=dt.date(1999, 1, 1),
            created_by=actor.user,
        )
        for i in range(count)
    ]


def _cases(world: World, actor: Membership, case_type: CaseType, count: int, start: int = 0) -> list[Case]:
    cases = []
    for person in _people(world, actor, count, start):
        case = services.open_case(actor, case_type=case_type, participant=person)
        services.add_task(actor, case, title="Anruf", due_on=timezone.localdate() - dt.timedelta(days=1))
        services.add_appointment(actor, case, {"starts_at": timezone.now(), "kind": "counselling"})
        cases.append(case)
    return cases


def test_open_a_case_by_reference_and_see_it(world: World, actor, case_type, person) -> None:
    client = world.client_for("case_manager_a")
    page = client.get(reverse("cases:open") + f"?reference={person.reference}").content.decode()
    assert person.reference in page
    response = client.post(
        reverse("cases:open"),
        {"reference": person.reference.lower(), "case_type": case_type.pk, "lead": actor.user_id},
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("cases:detail", args=[case.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Haddadin" in page and "Erstgespräch mit Dolmetschung" in page
    assert 'aria-current="step"' in page
    assert AuditEntry.objects.filter(action="case.viewed", subject=f"participant:{person.pk}").exists()


def test_open_refuses_a_reference_of_another_organisation(world: World, actor, case_type, person) -> None:
    client = world.client_for("case_manager_b")
    response = client.post(reverse("cases:open"), {"reference": person.reference, "case_type": case_type.pk})
    assert response.status_code == 200
    assert "reference" in response.context["form"].errors
    assert not Case.objects.exists()


def test_household_case(world: World, actor, case_type, person) -> None:
    household = Household.objects.create(
        network=world.network, organisation=actor.organisation, reference="MS-H000009", name="Familie Haddadin"
    )
    HouseholdMember.objects.create(network=world.network, household=household, participant=person, relationship="head")
    client = world.client_for("case_manager_a")
    client.post(reverse("cases:open"), {"reference": "MS-H000009", "case_type": case_type.pk, "lead": actor.user_id})
    case = Case.objects.get()
    assert case.household == household and case.audit_subject == f"household:{household.pk}"
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Familie Haddadin" in page and "Rania Haddadin" in page


def test_walk_the_phases_over_http(world: World, actor, case_type, person) -> None:
    client = world.client_for("case_manager_a")
    case = services.open_case(actor, case_type=case_type, participant=person)
    detail = reverse("cases:detail", args=[case.pk])
    response = client.post(reverse("cases:advance", args=[case.pk]), {"version": case.version}, follow=True)
    assert "Einwilligung" in response.content.decode()  # the guard's message (German by default)
    intake = {"version": case.version, "consent_recorded": "on", "referral_source": "Schule"}
    assert client.post(reverse("cases:intake", args=[case.pk]), intake)["Location"].startswith(detail)
    case.refresh_from_db()
    client.post(reverse("cases:advance", args=[case.pk]), {"version": case.version})
    case.refresh_from_db()
    assert case.phase == "assessment"
    client.post(reverse("cases:assessment", args=[case.pk, "language"]), {"needs": "Kurs A2"})
    case.refresh_from_db()
    client.post(reverse("cases:advance", args=[case.pk]), {"version": case.version})
    client.post(
        reverse("cases:add_goal", args=[case.pk]),
        {"text": "B1 bestehen", "domain": "language", "target_date": "2027-06-30", "status": "open"},
    )
    case.refresh_from_db()
    client.post(reverse("cases:advance", args=[case.pk]), {"version": case.version})
    case.refresh_from_db()
    assert case.phase == "implementation"
    response = client.post(
        reverse("cases:close", args=[case.pk]),
        {
            "version": case.version,
            "reason": "goals_reached",
            "barrier_0_field": "language",
            "barrier_0_description": "Keine Kinderbetreuung während der Kurse",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.phase == "closed"
    timeline = client.get(reverse("cases:timeline", args=[case.pk]) + "?kind=phase").content.decode()
    assert "Case closed" in timeline or "Fall abgeschlossen" in timeline
    assert "Kurs A2" not in timeline


def test_the_assistant_reads_but_cannot_change(world: World, actor, case_type, person) -> None:
    case = services.open_case(actor, case_type=case_type, participant=person)
    client = world.client_for("assistant_a")
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Haddadin" in page
    assert reverse("cases:intake", args=[case.pk]) not in page
    assert client.post(reverse("cases:advance", args=[case.pk]), {"version": 1}).status_code == 403


def test_list_shows_own_organisation_only_filters_and_logs(world: World, actor, case_type) -> None:
    cases = _cases(world, actor, case_type, 3)
    services.update_intake(actor, cases[0], {"consent_recorded": True}, version=None)
    services.advance_phase(actor, cases[0])
    page = world.client_for("case_manager_a").get(reverse("cases:list") + "?phase=assessment").content.decode()
    assert cases[0].reference in page and cases[1].reference not in page
    entry = AuditEntry.objects.filter(action="case.listed").latest("seq")
    assert entry.data["filters"] == ["phase"] and entry.data["shown"] == [cases[0].pk]
    other = world.client_for("case_manager_b").get(reverse("cases:list")).content.decode()
    assert not any(c.reference in other for c in cases)


def test_case_list_query_count_is_bounded(world: World, actor, case_type, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    _cases(world, actor, case_type, 2)
    client = world.client_for("case_manager_a")
    client.get(reverse("cases:list"))  # warm the session
    with django_assert_max_num_queries(16) as few:
        client.get(reverse("cases:list"))
    _cases(world, actor, case_type, 8, start=10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("cases:list")).status_code == 200


def test_case_page_query_count_is_bounded(world: World, actor, case_type, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    case = _cases(world, actor, case_type, 1)[0]
    client = world.client_for("case_manager_a")
    for i in range(5):
        goal = services.add_goal(actor, case, {"text": f"Ziel {i}", "domain": "housing"})
        services.add_measure(actor, goal, {"text": "Maßnahme"})
        services.add_progress_note(actor, goal, {"text": "Notiz"})
    with django_assert_max_num_queries(30):
        assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200


def test_visible_cases_matches_the_rule_for_every_persona(world: World, actor, case_type, person) -> None:
    case = services.open_case(actor, case_type=case_type, participant=person)
    for persona in STAFF_PERSONAS:
        membership = world.memberships[persona]
        with scope(network=membership.network_id):
            listed = visible_cases(membership).filter(pk=case.pk).exists()
        assert listed == check_case_rule("cases.view_case", membership, case), persona


def test_own_case_q_matches_own_cases_for_every_persona(world: World, actor, case_type, person) -> None:
    case = services.open_case(actor, case_type=case_type, participant=person)
    task = services.add_task(actor, case, title="Unterlagen", due_on=timezone.localdate())
    for persona in STAFF_PERSONAS:
        membership = world.memberships[persona]
        with scope(network=membership.network_id):
            through_case = Task.objects.filter(own_case_q(membership), pk=task.pk).exists()
            listed = own_cases(membership).filter(pk=case.pk).exists()
        assert through_case == listed, persona


# --- "my work" ---------------------------------------------------------------------------------


def test_my_work_shows_due_tasks_appointments_documents_birthdays_and_reassessments(
    world: World, actor, case_type, person
) -> None:
    today = timezone.localdate()
    person.date_of_birth = years_before(today + dt.timedelta(days=40), 27)
    person.save()
    ResidenceStatus.objects.create(
        network=world.network,
        participant=person,
        status="duldung",
        valid_from=today - dt.timedelta(days=100),
        valid_to=today + dt.timedelta(days=20),
    )
    case = services.open_case(actor, case_type=case_type, participant=person)
    services.add_appointment(actor, case, {"starts_at": timezone.now(), "kind": "authority", "place": "ABH Münster"})
    services.schedule_reassessment(actor, case, today - dt.timedelta(days=1))
    page = world.client_for("case_manager_a").get(reverse("core:home")).content.decode()
    assert "Erstgespräch mit Dolmetschung" in page  # the template task assigned to the lead, due in 7 days
    assert "ABH Münster" in page
    assert "20 days left" in page or "20 Tage" in page
    assert f"{person.date_of_birth.replace(year=person.date_of_birth.year + 27):%d.%m.%Y}" in page
    assert case.reference in page
    entry = AuditEntry.objects.filter(action="case.work_listed").latest("seq")
    assert entry.data["cases"] == [case.pk] and entry.data["participants"] == [person.pk]
    # Not for colleagues who do not work on the case, and not for roles without cases.
    assert case.reference not in world.client_for("team_lead_a").get(reverse("core:home")).content.decode()
    assert "panel-my-work" not in world.client_for("assistant_a").get(reverse("core:home")).content.decode()
    assert "panel-my-work" not in world.client_for("coordinator").get(reverse("core:home")).content.decode()


def test_team_lead_sees_approval_requests_waiting(world: World, actor, case_type, person) -> None:
    case_type.requires_plan_approval = True
    case_type.save()
    case = services.open_case(actor, case_type=case_type, participant=person)
    services.update_intake(actor, case, {"consent_recorded": True}, version=None)
    services.advance_phase(actor, case)
    services.save_assessment(actor, case, "housing", {"needs": "x"})
    services.advance_phase(actor, case)
    approval = services.request_approval(actor, case, "plan")
    page = world.client_for("team_lead_a").get(reverse("core:home")).content.decode()
    assert reverse("cases:decide_approval", args=[case.pk, approval.pk]) in page
    response = world.client_for("team_lead_a").post(
        reverse("cases:decide_approval", args=[case.pk, approval.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    approval.refresh_from_db()
    assert approval.decision == "approved"


@pytest.mark.parametrize("persona", ["case_manager_a", "team_lead_a"])
def test_my_work_query_count_is_bounded(world: World, actor, case_type, persona, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = world.client_for(persona)
    cases = _cases(world, actor, case_type, 2)
    client.get(reverse("core:home"))
    with django_assert_max_num_queries(29) as few:
        client.get(reverse("core:home"))
    cases += _cases(world, actor, case_type, 8, start=10)
    for case in cases:
        ResidenceStatus.objects.create(
            network=world.network,
            participant=case.participant,
            status="duldung",
            valid_from=timezone.localdate(),
            valid_to=timezone.localdate() + dt.timedelta(days=10),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("core:home")).status_code == 200


def test_my_work_shows_age_limits_18_and_27_within_180_days(world: World, actor, case_type, person) -> None:
    today = timezone.localdate()
    person.date_of_birth = years_before(today + dt.timedelta(days=150), 27)
    person.save()
    minor, later = _people(world, actor, 2, start=50)
    minor.date_of_birth = years_before(today + dt.timedelta(days=30), 18)
    minor.save()
    later.date_of_birth = years_before(today + dt.timedelta(days=200), 27)  # beyond the horizon
    later.save()
    for who in (person, minor, later):
        services.open_case(actor, case_type=case_type, participant=who)
    page = world.client_for("case_manager_a").get(reverse("core:home")).content.decode()
    assert f"{today + dt.timedelta(days=150):%d.%m.%Y}" in page
    assert f"{today + dt.timedelta(days=30):%d.%m.%Y}" in page
    assert f"{today + dt.timedelta(days=200):%d.%m.%Y}" not in page
    assert "§ 25a" in page


def test_my_work_of_a_co_worker_names_no_one_of_the_shared_case(world: World, actor, case_type, person) -> None:
    from ankommen.cases.tests.conftest import give_consent

    case = services.open_case(actor, case_type=case_type, participant=person)
    give_consent(world, case, "cooperation", ["org_b"], ["plan"])
    manager_b = world.memberships["case_manager_b"]
    services.add_case_role(actor, case, manager_b.user, organisation_id=manager_b.organisation_id)
    services.add_task(manager_b, case, title="Praktikumsplatz anfragen", due_on=timezone.localdate())
    services.add_appointment(manager_b, case, {"starts_at": timezone.now(), "kind": "referral", "place": "Jobcenter"})
    page = world.client_for("case_manager_b").get(reverse("core:home")).content.decode()
    assert "Praktikumsplatz anfragen" in page and case.reference in page and "Jobcenter" in page
    assert "Haddadin" not in page and "Rania" not in page


@pytest.mark.parametrize("persona", ["case_manager_b"])
def test_my_work_of_a_co_worker_has_bounded_queries(
    world: World, actor, case_type, persona, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    from ankommen.cases.tests.conftest import give_consent

    manager_b = world.memberships["case_manager_b"]

    def share(cases: list[Case]) -> None:
        for case in cases:
            give_consent(world, case, "cooperation", ["org_b"], ["plan"])
            services.add_case_role(actor, case, manager_b.user, organisation_id=manager_b.organisation_id)
            services.add_task(manager_b, case, title="Eigene Aufgabe", due_on=timezone.localdate())

    client = world.client_for(persona)
    share(_cases(world, actor, case_type, 2))
    client.get(reverse("core:home"))
    with django_assert_max_num_queries(31) as few:
        client.get(reverse("core:home"))
    share(_cases(world, actor, case_type, 6, start=10))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("core:home")).status_code == 200


def test_timeline_filters_by_kind_and_dates(world: World, actor, case_type, person) -> None:
    case = services.open_case(actor, case_type=case_type, participant=person)
    services.add_task(actor, case, title="Heute", due_on=timezone.localdate())
    old = case.timeline.get(text_key="opened")
    old.at = timezone.now() - dt.timedelta(days=40)
    old.save()
    client = world.client_for("case_manager_a")
    url = reverse("cases:timeline", args=[case.pk])
    recent = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    page = client.get(url, {"date_from": recent}).content.decode()
    assert "Heute" in page and ("Case opened." not in page and "Fall eröffnet." not in page)
    page = client.get(url, {"date_to": recent, "kind": "phase"}).content.decode()
    assert "Heute" not in page
    entry = AuditEntry.objects.filter(action="case.viewed", data__page="timeline").latest("seq")
    assert entry.data["filters"] == ["kind", "date_to"]
    page = client.get(url, {"date_from": recent, "date_to": "2000-01-01"}).content.decode()
    assert "Heute" not in page  # an impossible range shows nothing and says why
