"""The daily reminder e-mail of case managers and team leads (issue [C]).

Once a day (huey periodic task ``cases.tasks.daily_work_reminders``, or by hand with
``manage.py send_work_reminders``) every member of staff who works on cases and has not switched
the reminder off gets one e-mail if they have tasks that are overdue or due tomorrow, or
appointments tomorrow. The e-mail holds **no personal data**: only the three counts and a link to
the start page ("my work"), where the details are shown after login (and the read is logged).

Idempotent: each member's ``WorkReminder.last_sent_on`` is claimed with a conditional update
before the e-mail goes out, in the same transaction, so a second run on the same day (or two
workers at once) sends nothing more; if sending fails, the claim rolls back and the next run
tries again.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scope, scopes_disabled

from ankommen.accounts.models import User
from ankommen.audit.services import log_action
from ankommen.cases.access import visible_cases
from ankommen.cases.choices import Phase
from ankommen.cases.models import Appointment, Case, Task, WorkReminder
from ankommen.network.models import Membership, Network
from ankommen.network.roles import ROLE_PERMISSIONS

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Digest:
    overdue: int = 0
    due_tomorrow: int = 0
    appointments_tomorrow: int = 0

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.due_tomorrow or self.appointments_tomorrow)


def _editor_roles() -> list[str]:
    return [role for role, perms in ROLE_PERMISSIONS.items() if "cases.edit" in perms]


def digest_for(memberships: list[Membership], today: dt.date) -> Digest:
    """Counts for one user over their active case memberships in one network (3 queries)."""
    if not memberships:
        return Digest()
    user_id = memberships[0].user_id
    open_cases = Q()
    for membership in memberships:
        open_cases |= Q(pk__in=visible_cases(membership).exclude(phase=Phase.CLOSED).values("pk"))
    cases = Case.objects.filter(network=memberships[0].network_id).filter(open_cases)
    tomorrow = today + dt.timedelta(days=1)
    tasks = Task.objects.filter(
        network=memberships[0].network_id, assignee=user_id, done_at__isnull=True, case__in=cases.values("pk")
    )
    overdue = tasks.filter(due_on__lt=today).count()
    due_tomorrow = tasks.filter(due_on=tomorrow).count()
    start = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time.min))
    mine = cases.filter(
        Q(lead=user_id) | Q(roles__user=user_id, roles__organisation__in=[m.organisation_id for m in memberships])
    )
    appointments = (
        Appointment.objects.filter(
            network=memberships[0].network_id, starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1)
        )
        .filter(Q(case__in=mine.values("pk")) | Q(assignee=user_id, case__in=cases.values("pk")))
        .distinct()
        .count()
    )
    return Digest(overdue=overdue, due_tomorrow=due_tomorrow, appointments_tomorrow=appointments)


def _send(user: User, digest: Digest) -> None:
    context = {"digest": digest, "url": settings.SITE_URL.rstrip("/") + reverse("core:home")}
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        subject = render_to_string("cases/email/work_reminder_subject.txt", context).strip()
        body = render_to_string("cases/email/work_reminder_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def send_network_reminders(network: Network, today: dt.date) -> int:
    """Send today's reminders of one network; returns how many e-mails went out."""
    sent = 0
    with scope(network=network.pk):
        memberships = list(
            Membership.objects.filter(
                network=network.pk,
                is_active=True,
                organisation__is_active=True,
                user__is_active=True,
                role__in=_editor_roles(),
            )
            .select_related("user", "network", "organisation")
            .order_by("user_id", "pk")
        )
        by_user: dict[int, list[Membership]] = {}
        for membership in memberships:
            by_user.setdefault(membership.user_id, []).append(membership)
        for own in by_user.values():
            if _remind(network, own, today):
                sent += 1
        if sent:
            log_action(None, "case.reminders_sent", network=network, data={"day": today, "sent": sent})
    return sent


def _remind(network: Network, memberships: list[Membership], today: dt.date) -> bool:
    user = memberships[0].user
    reminder, _created = WorkReminder.objects.get_or_create(network=network, user=user)
    if not reminder.enabled or reminder.last_sent_on == today:
        return False
    digest = digest_for(memberships, today)
    if digest.empty:
        return False
    try:
        with transaction.atomic():
            claimed = (
                WorkReminder.objects.filter(pk=reminder.pk, enabled=True)
                .exclude(last_sent_on=today)
                .update(last_sent_on=today)
            )
            if not claimed:
                return False
            _send(user, digest)
    except Exception:
        logger.exception("Work reminder for user %s in network %s failed", user.pk, network.pk)
        return False
    return True


def send_work_reminders(today: dt.date | None = None) -> int:
    """Send the reminders of every network; returns the number of e-mails."""
    today = today or timezone.localdate()
    with scopes_disabled():
        networks = list(Network.objects.order_by("pk"))
    return sum(send_network_reminders(network, today) for network in networks)


# --- the member's own setting ----------------------------------------------------------------


def reminder_of(actor: Membership) -> WorkReminder:
    found = WorkReminder.objects.filter(network=actor.network_id, user=actor.user_id).first()
    return found or WorkReminder(network_id=actor.network_id, user_id=actor.user_id)


def set_work_reminders(actor: Membership, *, enabled: bool) -> WorkReminder:
    """Switch one's own daily reminder e-mail on or off."""
    if not actor.is_active or not actor.has_perm("cases.edit"):
        raise PermissionDenied
    with transaction.atomic():
        reminder, _created = WorkReminder.objects.select_for_update().get_or_create(
            network_id=actor.network_id, user_id=actor.user_id
        )
        if reminder.enabled != enabled:
            reminder.enabled = enabled
            reminder.save(update_fields=["enabled"])
            log_action(actor, "case.reminders_changed", reminder, data={"enabled": enabled})
    return reminder
