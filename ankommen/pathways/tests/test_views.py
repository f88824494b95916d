"""The pathways page and "add as plan goal" over HTTP: what is shown, the check form's answers
(never stored, never logged), consent recipients, goals in the right case, query counts."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from ankommen.audit.models import AuditEntry
from ankommen.cases.models import Case, Goal
from ankommen.consents.models import Consent
from ankommen.participants.models import ResidenceStatus
from ankommen.pathways.tests.conftest import Family
from ankommen.testing.personas import World

ANSWERS = {
    "convictions_above_threshold": "no",
    "measures_to_end_stay": "no",
    "safe_country_rejected": "no",
    "fdgo_commitment": "yes",
    "knowledge_of_legal_order": "yes",
    "livelihood_percent": "60",
    "in_school_or_training": "no",
    "minor_children_in_household": "1",
    "school_age_children_attend_school": "yes",
}


@pytest.fixture(autouse=True)
def _english(world: World) -> None:
    """The assertions read the English interface (German is the default; one test checks it)."""
    for membership in world.memberships.values():
        membership.user.preferred_language = "en"
        membership.user.save(update_fields=["preferred_language"])


def page(family: Family) -> str:
    return reverse("pathways:participant", kwargs={"participant_id": family.father.pk})


def goal_url(family: Family, pathway: str = "aufenthg_25b", criterion: str = "fdgo") -> str:
    kwargs = {"participant_id": family.father.pk, "pathway": pathway, "criterion": criterion}
    return reverse("pathways:add_goal", kwargs=kwargs)


def checks(world: World) -> list[AuditEntry]:
    with scope(network=world.network.pk):
        return list(AuditEntry.objects.filter(action="pathway.checked").order_by("pk"))


def test_the_page_shows_every_pathway_from_the_record(world: World, family: Family) -> None:
    response = world.client_for("case_manager_a").get(page(family))
    assert response.status_code == 200
    body = response.content.decode()
    for pathway_id in ("aufenthg_25a", "aufenthg_25b", "aufenthg_60c", "aufenthg_60d", "aufenthg_104c_transition"):
        assert f'<h2 id="{pathway_id}">' in body
    assert "Complete the check" in body
    assert "Facts missing" in body  # no answers yet: the criminal-record question is open
    assert "An advisory overview, not a decision" in body
    assert "no right to stay" not in body.lower()
    [entry] = checks(world)
    assert entry.subject == f"participant:{family.father.pk}"
    assert not entry.data


def test_answers_complete_the_check_and_are_neither_stored_nor_logged(world: World, family: Family) -> None:
    client = world.client_for("case_manager_a")
    with scope(network=world.network.pk):
        before = AuditEntry.objects.count()
    response = client.post(page(family), {**ANSWERS, "convictions_above_threshold": "yes"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Answered for this check (not saved): a conviction above the threshold." in body
    with scope(network=world.network.pk):
        entries = list(AuditEntry.objects.order_by("pk")[before:])
    assert [e.action for e in entries] == ["pathway.checked"]
    stored = json.dumps([e.data for e in entries]) + json.dumps([e.__dict__ for e in entries], default=str)
    assert "conviction" not in stored and "yes" not in stored


def test_with_the_answers_25b_is_met(world: World, family: Family) -> None:
    response = world.client_for("case_manager_a").post(page(family), ANSWERS)
    pathways = response.context["pathways"]
    outcome = {p.id: p.outcome for p in pathways}
    assert outcome["aufenthg_25b"] == "met"
    assert outcome["aufenthg_25a"] == "not_met"  # over 27
    assert outcome["aufenthg_104c_transition"] == "not_met"
    assert not next(p for p in pathways if p.id == "aufenthg_104c_transition").in_scope


def test_a_bad_answer_is_reported_on_the_form(world: World, family: Family) -> None:
    response = world.client_for("case_manager_a").post(page(family), {**ANSWERS, "livelihood_percent": "160"})
    assert response.status_code == 200
    assert response.context["form"].errors["livelihood_percent"]
    assert response.context["answered"] is False


def test_german_interface(world: World, family: Family) -> None:
    user = world.memberships["case_manager_a"].user
    user.preferred_language = "de"
    user.save(update_fields=["preferred_language"])
    client = world.client_for("case_manager_a")
    response = client.post(page(family), ANSWERS)
    body = response.content.decode()
    assert "Mündliche Deutschkenntnisse A2" in body  # label from the rule file
    assert "Mündliche Deutschkenntnisse auf Niveau A2 (erforderlich: A2)." in body  # engine text, translated
    assert "Bleiberechtswege" in body and "Prüfung vervollständigen" in body
    assert "Spoken German" not in body


def test_the_record_links_to_the_pathways(world: World, family: Family) -> None:
    detail = reverse("participants:detail", kwargs={"participant_id": family.father.pk})
    assert page(family) in world.client_for("case_manager_a").get(detail).content.decode()
    assert page(family) in world.client_for("assistant_a").get(detail).content.decode()


def test_goals_are_offered_only_where_the_pathway_is_within_reach(world: World, family: Family) -> None:
    body = (
        world.client_for("case_manager_a")
        .post(page(family), {**ANSWERS, "knowledge_of_legal_order": "no"})
        .content.decode()
    )
    assert goal_url(family, "aufenthg_25b", "legal_order") in body
    assert goal_url(family, "aufenthg_25a", "school") not in body  # the 27th birthday has passed
    assert goal_url(family, "aufenthg_104c_transition", "identity") not in body  # no § 104c permit


def test_the_assistant_reads_but_does_not_plan(world: World, family: Family) -> None:
    client = world.client_for("assistant_a")
    response = client.post(page(family), ANSWERS)
    assert response.status_code == 200
    assert "Add as plan goal" not in response.content.decode()
    assert client.post(goal_url(family)).status_code == 403


# --- consent recipients -----------------------------------------------------------------------


def _consent(world: World, family: Family, categories: list[str]) -> Consent:
    with scope(network=world.network.pk):
        consent = Consent.objects.create(
            network=world.network,
            organisation=family.father.organisation,
            participant=family.father,
            case=family.case,
            purpose="cooperation",
            data_categories=categories,
            language="ti",
            form="written",
            given_on=timezone.localdate() - dt.timedelta(days=1),
            recorded_by=world.memberships["case_manager_a"].user,
        )
        consent.recipients.set([world.organisations["org_b"]])
    return consent


def test_a_recipient_sees_the_pathways_only_if_the_consent_covers_the_residence_history(
    world: World, family: Family
) -> None:
    client = world.client_for("case_manager_b")
    assert client.get(page(family)).status_code == 404
    _consent(world, family, ["identity", "language"])
    assert client.get(page(family)).status_code == 404
    detail = reverse("participants:detail", kwargs={"participant_id": family.father.pk})
    assert page(family) not in client.get(detail).content.decode()
    _consent(world, family, ["residence"])
    response = client.get(page(family))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Only the data categories shared with your organisation are used" in body
    assert "Add as plan goal" not in body
    assert client.post(goal_url(family)).status_code == 403


# --- goals ------------------------------------------------------------------------------------


def test_a_missing_condition_becomes_a_goal_with_one_click(world: World, family: Family) -> None:
    client = world.client_for("case_manager_a")
    response = client.get(page(family))
    assert goal_url(family) in response.content.decode()
    response = client.post(goal_url(family))
    assert response.status_code == 302
    assert response["Location"].endswith("#aufenthg_25b")
    with scope(network=world.network.pk):
        goal = Goal.objects.get(case=family.case)
        assert goal.text.startswith("§ 25b AufenthG: ")
        assert goal.domain == "participation"
        assert goal.target_date is None  # § 25b has no deadline
        entry = AuditEntry.objects.get(action="pathway.goal_added")
        assert entry.data["pathway"] == "aufenthg_25b" and entry.data["criterion"] == "fdgo"
        assert AuditEntry.objects.filter(action="case.goal_added").count() == 1
    again = client.post(goal_url(family), follow=True)
    assert "already an open goal of case MS-F960001" in again.content.decode()
    with scope(network=world.network.pk):
        assert Goal.objects.filter(case=family.case).count() == 1


def test_the_goal_of_a_route_gets_the_permit_end_as_target_date(world: World, family: Family) -> None:
    with scope(network=world.network.pk):
        ResidenceStatus.objects.create(
            network=world.network,
            participant=family.father,
            status="aufenthaltserlaubnis",
            legal_basis="AufenthG § 104c",
            valid_from=timezone.localdate() - dt.timedelta(days=300),
            valid_to=timezone.localdate() + dt.timedelta(days=200),
        )
    client = world.client_for("case_manager_a")
    response = client.post(goal_url(family, "aufenthg_104c_transition", "aufenthg_25b.language"))
    assert response.status_code == 302
    with scope(network=world.network.pk):
        goal = Goal.objects.get(case=family.case)
    assert goal.domain == "language"
    assert goal.target_date == timezone.localdate() + dt.timedelta(days=200)


def test_with_several_open_cases_the_user_chooses(world: World, family: Family) -> None:
    with scope(network=world.network.pk):
        second = Case.objects.create(
            network=world.network,
            organisation=family.father.organisation,
            household=family.household,
            case_type=family.case_type,
            lead=world.memberships["case_manager_a"].user,
            reference="MS-F960002",
            opened_on=timezone.localdate(),
            phase_started_on=timezone.localdate(),
            created_by=world.memberships["case_manager_a"].user,
        )
    client = world.client_for("case_manager_a")
    body = client.get(goal_url(family)).content.decode()
    assert "Add to which case?" in body and "MS-F960002" in body
    response = client.post(goal_url(family), {"case": str(second.pk)})
    assert response.status_code == 302
    with scope(network=world.network.pk):
        assert list(Goal.objects.values_list("case", flat=True)) == [second.pk]
    response = client.post(goal_url(family, criterion="language"), {"case": "999999"}, follow=True)
    assert "Please choose one of the open cases." in response.content.decode()


def test_without_an_open_case_the_page_explains(world: World, family: Family) -> None:
    with scope(network=world.network.pk):
        Case.objects.filter(pk=family.case.pk).update(phase="closed")
    client = world.client_for("case_manager_a")
    body = client.get(goal_url(family)).content.decode()
    assert "no open case" in body
    assert reverse("cases:open") in body
    response = client.post(goal_url(family), follow=True)
    assert "Please choose one of the open cases." in response.content.decode()
    with scope(network=world.network.pk):
        assert not Goal.objects.exists()


@pytest.mark.parametrize(
    ("pathway", "criterion"),
    [
        ("aufenthg_25b", "residence_time"),
        ("aufenthg_25b", "nonsense"),
        ("aufenthg_99", "fdgo"),
        ("aufenthg_25b", "aufenthg_25a.school"),
    ],
)
def test_conditions_without_a_goal_are_not_found(world: World, family: Family, pathway: str, criterion: str) -> None:
    response = world.client_for("case_manager_a").post(goal_url(family, pathway, criterion))
    assert response.status_code == 404


def test_another_organisations_case_manager_gets_404(world: World, family: Family) -> None:
    assert world.client_for("case_manager_b").post(goal_url(family)).status_code == 404


# --- cost ---------------------------------------------------------------------------------------


def test_the_page_query_count_does_not_grow_with_the_history(
    world: World, family: Family, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client = world.client_for("case_manager_a")
    client.get(page(family))
    with django_assert_max_num_queries(30) as few:
        client.post(page(family), ANSWERS)
    with scope(network=world.network.pk):
        for year in range(2005, 2015):
            ResidenceStatus.objects.create(
                network=world.network,
                participant=family.father,
                status="duldung",
                valid_from=dt.date(year, 1, 1),
                valid_to=dt.date(year, 12, 31),
            )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.post(page(family), ANSWERS)
