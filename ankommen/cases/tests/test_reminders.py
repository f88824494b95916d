"""The daily reminder e-mail: counts only, once a day, opt-out, by hand with a command."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from ankommen.audit.models import AuditEntry
from ankommen.cases import reminders, services
from ankommen.cases.models import WorkReminder
from ankommen.cases.tasks import daily_work_reminders
from ankommen.testing.personas import World

pytestmark = pytest.mark.usefixtures("_locmem")


@pytest.fixture
def _locmem():  # type: ignore[no-untyped-def]
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        yield


def _work(world: World, actor, case_type, person):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    case = services.open_case(actor, case_type=case_type, participant=person)
    services.add_task(actor, case, title="Pass kopieren", due_on=today - dt.timedelta(days=2), assignee=actor.user)
    services.add_task(actor, case, title="Jobcenter anrufen", due_on=today + dt.timedelta(days=1), assignee=actor.user)
    services.add_task(actor, case, title="Später", due_on=today + dt.timedelta(days=5), assignee=actor.user)
    tomorrow = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time(10, 0)))
    services.add_appointment(actor, case, {"starts_at": tomorrow, "kind": "authority", "place": "ABH Münster"})
    return case


def test_digest_counts_only_what_is_due(world: World, actor, case_type, person) -> None:
    _work(world, actor, case_type, person)
    digest = reminders.digest_for([actor], timezone.localdate())
    # The template task "Erstgespräch" (in 7 days) does not count; the overdue and tomorrow's do.
    assert (digest.overdue, digest.due_tomorrow, digest.appointments_tomorrow) == (1, 1, 1)
    assert reminders.digest_for([world.memberships["team_lead_a"]], timezone.localdate()).empty


def test_one_e_mail_a_day_without_personal_data(world: World, actor, case_type, person) -> None:
    case = _work(world, actor, case_type, person)
    assert reminders.send_work_reminders() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [actor.user.email]
    text = message.subject + message.body
    for private in (
        "Rania",
        "Haddadin",
        person.reference,
        case.reference,
        "Pass kopieren",
        "Jobcenter",
        "ABH",
        actor.user.full_name,
    ):
        assert private not in text
    assert "/" in message.body and "1" in message.body
    # Idempotent: a second run (the command, another worker) sends nothing more today.
    assert reminders.send_work_reminders() == 0
    out = StringIO()
    call_command("send_work_reminders", stdout=out)
    assert "0 reminder" in out.getvalue() and len(mail.outbox) == 1
    assert WorkReminder.objects.get(user=actor.user).last_sent_on == timezone.localdate()
    entry = AuditEntry.objects.get(action="case.reminders_sent")
    assert entry.data["sent"] == 1
    # The next day it goes out again.
    call_command("send_work_reminders", date=(timezone.localdate() + dt.timedelta(days=1)).isoformat(), stdout=out)
    assert len(mail.outbox) == 2


def test_the_periodic_task_sends_in_the_recipients_language(world: World, actor, case_type, person) -> None:
    user = actor.user
    user.preferred_language = "de"
    user.save()
    _work(world, actor, case_type, person)
    daily_work_reminders.call_local()
    assert "Aufgaben" in mail.outbox[0].subject or "Aufgaben" in mail.outbox[0].body


def test_opt_out(world: World, actor, case_type, person) -> None:
    _work(world, actor, case_type, person)
    client = world.client_for("case_manager_a")
    page = client.get(reverse("cases:reminders")).content.decode()
    assert 'name="enabled"' in page
    response = client.post(reverse("cases:reminders"), {})
    assert response.status_code == 302
    assert not WorkReminder.objects.get(user=actor.user).enabled
    assert AuditEntry.objects.filter(action="case.reminders_changed").exists()
    assert reminders.send_work_reminders() == 0 and not mail.outbox
    client.post(reverse("cases:reminders"), {"enabled": "on"})
    assert reminders.send_work_reminders() == 1


def test_a_failed_send_is_tried_again(world: World, actor, case_type, person, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _work(world, actor, case_type, person)

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError("mail server down")

    monkeypatch.setattr(reminders, "send_mail", broken)
    assert reminders.send_work_reminders() == 0
    assert WorkReminder.objects.get(user=actor.user).last_sent_on is None
    monkeypatch.undo()
    assert reminders.send_work_reminders() == 1
