"""The data-protection officer's screens: search, export, integrity check, records of processing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django_scopes import scope, scopes_disabled

from ankommen.accounts.sudo import SUDO_SESSION_KEY
from ankommen.audit.forms import action_choices
from ankommen.audit.guards import guards_lifted
from ankommen.audit.models import AuditEntry
from ankommen.audit.processing import PROCESSING_ACTIVITIES, missing_fields
from ankommen.audit.services import log_action
from ankommen.jobs.models import BackgroundJob, JobStatus
from ankommen.testing.personas import World


@contextmanager
def _at(when: dt.datetime) -> Iterator[None]:
    """Write entries as if it were ``when`` (the chain stays valid)."""
    with mock.patch.object(AuditEntry._meta.get_field("created_at"), "_get_default", lambda: when):
        yield


def _rows(page: str) -> int:
    return page.count('<time datetime="')


def _searches(world: World) -> list[AuditEntry]:
    with scopes_disabled():
        return list(AuditEntry.objects.filter(network=world.network, action="audit.log_searched").order_by("seq"))


def _sudo(client: Client) -> Client:
    session = client.session
    session[SUDO_SESSION_KEY] = time.time() + 600
    session.save()
    return client


@pytest.fixture
def dpo(world: World) -> Client:
    return world.client_for("dpo")


# --- the search screen ------------------------------------------------------------------------


def test_dpo_sees_entries_of_own_network_only(world: World, dpo: Client) -> None:
    case_manager = world.memberships["case_manager_a"]
    log_action(case_manager, "account.language_changed", case_manager.user, subject="participant:42")
    log_action(world.memberships["outsider"], "account.language_changed", subject="participant:4711")
    page = dpo.get(reverse("audit:log")).content.decode()
    assert "case_manager_a@example.org" in page
    assert "participant:42" in page
    assert "participant:4711" not in page
    assert "outsider@example.org" not in page


def test_masked_values_stay_masked_on_the_screen(world: World, dpo: Client) -> None:
    log_action(world.memberships["case_manager_a"], "account.language_changed", data={"family_name": "Haddad"})
    page = dpo.get(reverse("audit:log")).content.decode()
    assert "Haddad" not in page
    assert "•••" in page


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (lambda w: {"subject": "participant:42"}, {"a1"}),
        (lambda w: {"subject": " participant:42 "}, {"a1"}),
        (lambda w: {"actor": w.memberships["case_manager_b"].user.pk}, {"b1"}),
        (lambda w: {"actor_label": "CASE_MANAGER_A@"}, {"a1", "a2"}),
        (lambda w: {"organisation": w.organisations["org_b"].pk}, {"b1"}),
        (lambda w: {"action": "account.logged_in"}, {"a2"}),
        (lambda w: {"action": "account.*"}, {"a1", "a2", "b1"}),
        (lambda w: {"action": "job.*"}, set()),
        (lambda w: {"subject": "participant:42", "organisation": w.organisations["org_b"].pk}, set()),
    ],
)
def test_filters(world: World, dpo: Client, params, expected: set[str]) -> None:  # type: ignore[no-untyped-def]
    a, b = world.memberships["case_manager_a"], world.memberships["case_manager_b"]
    log_action(a, "account.language_changed", subject="participant:42", data={"marker": "a1"})
    log_action(a, "account.logged_in", a.user, data={"marker": "a2"})
    log_action(b, "account.language_changed", subject="participant:43", data={"marker": "b1"})
    page = dpo.get(reverse("audit:log"), params(world)).content.decode()
    found = {marker for marker in ("a1", "a2", "b1") if f"<dd>{marker}</dd>" in page}
    assert found == expected


def test_time_range_is_whole_days_in_berlin(world: World, dpo: Client) -> None:
    actor = world.memberships["case_manager_a"]
    # 28 March 2026, 23:30 UTC is already 29 March (00:30 CET) in Münster; 29 March 22:30 UTC is 30 March.
    for marker, when in [
        ("before", dt.datetime(2026, 3, 28, 22, 59, tzinfo=dt.UTC)),
        ("first", dt.datetime(2026, 3, 28, 23, 30, tzinfo=dt.UTC)),
        ("last", dt.datetime(2026, 3, 29, 21, 59, tzinfo=dt.UTC)),
        ("after", dt.datetime(2026, 3, 29, 22, 30, tzinfo=dt.UTC)),
    ]:
        with _at(when):
            log_action(actor, "account.language_changed", data={"marker": marker})
    page = dpo.get(reverse("audit:log"), {"date_from": "2026-03-29", "date_to": "2026-03-29"}).content.decode()
    assert {m for m in ("before", "first", "last", "after") if f"<dd>{m}</dd>" in page} == {"first", "last"}
    assert "2026-03-29 00:30:00" in page  # shown in Berlin time


def test_invalid_search_shows_errors_and_is_not_run(world: World, dpo: Client) -> None:
    response = dpo.get(reverse("audit:log"), {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert response.status_code == 200
    assert "Das Enddatum liegt vor dem Anfangsdatum." in response.content.decode()
    assert _searches(world) == []


def test_users_and_organisations_of_other_networks_cannot_be_chosen(world: World, dpo: Client) -> None:
    page = dpo.get(reverse("audit:log")).content.decode()
    assert "Integrationszentrum" in page
    assert "KI Steinfurt" not in page
    assert "outsider@example.org" not in page
    searches = len(_searches(world))
    response = dpo.get(reverse("audit:log"), {"actor": world.memberships["outsider"].user.pk})
    assert "Bitte eine gültige Auswahl treffen." in response.content.decode()
    assert len(_searches(world)) == searches


def test_action_select_lists_every_registered_code_grouped_by_namespace() -> None:
    from ankommen.audit.actions import ACTIONS

    groups = dict(action_choices()[1:])
    codes = {code for options in groups.values() for code, _ in options if not code.endswith(".*")}
    assert codes == set(ACTIONS)
    assert "account.*" in dict(groups["account"])


def test_search_is_audited_with_its_filters(world: World, dpo: Client) -> None:
    organisation = world.organisations["org_a"]
    dpo.get(
        reverse("audit:log"), {"subject": "participant:42", "organisation": organisation.pk, "date_from": "2026-01-01"}
    )
    search = _searches(world)[-1]
    dpo_membership = world.memberships["dpo"]
    assert (search.actor_id, search.organisation_id) == (dpo_membership.user_id, dpo_membership.organisation_id)
    assert search.data == {
        "filters": {"subject": "participant:42", "organisation": organisation.pk, "date_from": "2026-01-01"},
        "page": 1,
        "results": 0,
    }


def test_pages_of_fifty_newest_first(world: World, dpo: Client) -> None:
    actor = world.memberships["case_manager_a"]
    for i in range(120):
        log_action(actor, "account.language_changed", data={"i": i})
    only = {"action": "account.language_changed"}  # the personas' logins are in the log too
    first = dpo.get(reverse("audit:log"), only).content.decode()
    assert _rows(first) == 50
    assert "Seite 1 von 3" in first
    assert "<dd>119</dd>" in first
    third = dpo.get(reverse("audit:log"), {**only, "page": 3}).content.decode()
    assert _rows(third) == 20
    assert "<dd>0</dd>" in third


def test_query_count_does_not_grow_with_entries(world: World, dpo: Client, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    actors = [world.memberships[p] for p in ("case_manager_a", "case_manager_b", "coordinator", "team_lead_a")]
    for i in range(3):
        log_action(actors[i], "account.language_changed", actors[i].user)
    with CaptureQueriesContext(connection) as few:
        dpo.get(reverse("audit:log"))
    for i in range(80):
        log_action(actors[i % 4], "account.language_changed", actors[i % 4].user, subject=f"participant:{i}")
    with django_assert_max_num_queries(20), CaptureQueriesContext(connection) as many:
        assert _rows(dpo.get(reverse("audit:log")).content.decode()) == 50
    assert len(many) == len(few)


# --- export --------------------------------------------------------------------------------------


def test_export_needs_fresh_reauthentication(world: World, dpo: Client) -> None:
    response = dpo.get(reverse("audit:export"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    with scopes_disabled():
        assert not AuditEntry.objects.filter(action="audit.log_exported").exists()


def test_export_of_the_current_search(world: World, dpo: Client) -> None:
    a, b = world.memberships["case_manager_a"], world.memberships["case_manager_b"]
    log_action(a, "account.language_changed", subject="participant:42", data={"language": "=cmd|' /C calc'!A0"})
    log_action(b, "account.language_changed", subject="participant:43")
    log_action(world.memberships["outsider"], "account.language_changed", subject="participant:42")
    response = _sudo(dpo).get(reverse("audit:export"), {"subject": "participant:42", "page": 2})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-ms-')
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["time", "seq", "actor"]
    assert len(rows) == 2
    assert rows[1][2] == "case_manager_a@example.org"
    assert rows[1][3] == "Wohlfahrt A"
    assert rows[1][8] == "participant:42"
    assert rows[1][10] == '{"language": "=cmd|\' /C calc\'!A0"}'  # JSON text, not a formula
    with scopes_disabled():
        exported = AuditEntry.objects.get(action="audit.log_exported")
    assert exported.data == {"filters": {"subject": "participant:42"}, "rows": 1}


def test_export_holds_what_matched_when_it_was_logged(world: World, dpo: Client) -> None:
    for _ in range(3):
        log_action(world.memberships["case_manager_a"], "account.language_changed")
    only = {"action": "account.language_changed"}  # the personas' logins are in the log too
    body = b"".join(_sudo(dpo).get(reverse("audit:export"), only).streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))[1:]
    assert [row[4] for row in rows] == ["account.language_changed"] * 3  # not the export's own entry
    with scopes_disabled():
        assert AuditEntry.objects.get(action="audit.log_exported").data["rows"] == 3


def test_export_cells_cannot_start_a_formula() -> None:
    from ankommen.audit.views import _cell

    assert _cell("=SUM(A1)") == "'=SUM(A1)"
    assert _cell("-1") == "'-1"
    assert _cell("participant:1") == "participant:1"
    assert _cell(None) == ""


# --- integrity check as a background job ---------------------------------------------------------


def _start_check(world: World, client: Client, django_capture_on_commit_callbacks) -> BackgroundJob:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("audit:verify"))
    assert response.status_code == 302
    with scope(network=world.network.pk):
        job = BackgroundJob.objects.get(kind="audit.verify", created_by=world.memberships["dpo"].user)
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    return job


def test_integrity_check_runs_as_a_job_and_is_audited(
    world: World, dpo: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        log_action(world.memberships["case_manager_a"], "account.language_changed")
    with scopes_disabled():
        before = AuditEntry.objects.filter(chain=world.network.pk).count()  # incl. the personas' logins
    job = _start_check(world, dpo, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.SUCCEEDED
    assert job.result["ok"] is True
    assert job.result["entries"] == before + 1  # and the job's start
    page = dpo.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Intakt" in page
    assert f"{before + 1} Einträge geprüft" in page
    assert job.result["head_hash"] in page
    with scopes_disabled():
        verified = AuditEntry.objects.get(action="audit.chain_verified")
    assert verified.actor_id == world.memberships["dpo"].user_id
    assert verified.data["ok"] is True


def test_integrity_check_names_the_first_broken_entry(
    world: World, dpo: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    entries = [log_action(world.memberships["case_manager_a"], "account.language_changed") for _ in range(3)]
    with guards_lifted(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET subject = 'participant:9' WHERE id = %s", [entries[1].pk])
    job = _start_check(world, dpo, django_capture_on_commit_callbacks)
    assert job.result["ok"] is False
    assert job.result["problem"]["entry_id"] == entries[1].pk
    page = dpo.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Verändert" in page
    assert f"Eintrags-ID {entries[1].pk}" in page
    assert "Der Inhalt dieses Eintrags wurde verändert." in page
    with scopes_disabled():
        assert AuditEntry.objects.get(action="audit.chain_verified").data["ok"] is False


def test_integrity_check_only_by_post(world: World, dpo: Client) -> None:
    assert dpo.get(reverse("audit:verify")).status_code == 405


def test_start_button_shown_to_the_dpo(world: World, dpo: Client) -> None:
    page = dpo.get(reverse("audit:log")).content.decode()
    assert f'action="{reverse("audit:verify")}"' in page


# --- records of processing -------------------------------------------------------------------


def test_every_processing_activity_states_every_field() -> None:
    assert len(PROCESSING_ACTIVITIES) >= 10
    assert {a.key for a in PROCESSING_ACTIVITIES} >= {
        "accounts", "audit", "participants", "cases", "conferences", "offers", "referrals", "pathways", "gaps", "grants"
    }  # fmt: skip
    assert len({a.key for a in PROCESSING_ACTIVITIES}) == len(PROCESSING_ACTIVITIES)
    for activity in PROCESSING_ACTIVITIES:
        assert missing_fields(activity) == [], activity.key


def test_right_to_stay_checks_store_no_criminal_record_answers() -> None:
    pathways = next(a for a in PROCESSING_ACTIVITIES if a.key == "pathways")
    with translation.override("en"):
        assert "not stored" in str(pathways.legal_basis)


def test_processing_records_page_in_german_and_english(world: World, dpo: Client) -> None:
    page = dpo.get(reverse("audit:processing")).content.decode()
    assert "Verzeichnis von Verarbeitungstätigkeiten" in page
    assert "Teilnehmendendaten" in page
    assert page.count('class="panel processing-activity"') == len(PROCESSING_ACTIVITIES) + 1
    dpo.post(reverse("core:set_language"), {"language": "en", "next": "/"})
    english = dpo.get(reverse("audit:processing")).content.decode()
    assert "Records of processing activities" in english
    assert "Participant records" in english
