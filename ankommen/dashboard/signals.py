"""Keeping needs and the summary tables in step with the other apps' changes (ADR 0017).

- An enrolment saved (a seat, a waiting place, a cancellation, a promotion): after its transaction
  has committed, ``needs.sync_enrolment`` records or withdraws the interest, marks needs met and
  refreshes the offer's waiting list and seats from the waiting list. Idempotent, so a repeated or
  late call changes nothing.
- An offer or a session saved, or sessions added in bulk (the service's audit entry
  ``offer.sessions_added``: ``bulk_create`` sends no signals): the offer's seats per month are
  recomputed in the same transaction.
- A case saved with its phase: closing withdraws its open needs, reopening restores them.
- A plan goal saved as achieved or partly achieved: the day is remembered (``GoalAchievement``).
- A need deleted (with its person, on erasure): its counts leave the summary.

Receivers are connected in ``apps.DashboardConfig.ready``.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from ankommen.audit.models import AuditEntry
from ankommen.cases.choices import GoalStatus
from ankommen.cases.models import Case, Goal
from ankommen.dashboard import needs, summary
from ankommen.dashboard.models import GoalAchievement, Need
from ankommen.offers.models import Enrolment, Offer, Session

PROGRESS_STATUSES = (GoalStatus.ACHIEVED, GoalStatus.PARTLY)
OFFER_ACTIONS = frozenset({"offer.sessions_added"})


@receiver(post_save, sender=Enrolment, dispatch_uid="dashboard.enrolment_saved")
def enrolment_saved(sender: type[Enrolment], instance: Enrolment, **kwargs: Any) -> None:
    transaction.on_commit(partial(needs.sync_enrolment, instance.pk))


@receiver(post_save, sender=Offer, dispatch_uid="dashboard.offer_saved")
def offer_saved(sender: type[Offer], instance: Offer, **kwargs: Any) -> None:
    summary.refresh_offers(instance.network_id, {instance.pk})


@receiver(post_save, sender=Session, dispatch_uid="dashboard.session_saved")
def session_saved(sender: type[Session], instance: Session, **kwargs: Any) -> None:
    summary.refresh_offers(instance.network_id, {instance.offer_id})


@receiver(post_save, sender=AuditEntry, dispatch_uid="dashboard.offer_sessions_added")
def offer_sessions_added(sender: type[AuditEntry], instance: AuditEntry, created: bool, **kwargs: Any) -> None:
    if not created or instance.action not in OFFER_ACTIONS or instance.network_id is None:
        return
    offer_id = (instance.data or {}).get("offer")
    if isinstance(offer_id, int):
        summary.refresh_offers(instance.network_id, {offer_id})


@receiver(post_save, sender=Case, dispatch_uid="dashboard.case_saved")
def case_saved(sender: type[Case], instance: Case, update_fields: Any = None, **kwargs: Any) -> None:
    if update_fields is not None and "phase" not in update_fields:
        return
    needs.case_closed_or_reopened(instance)


@receiver(post_save, sender=Goal, dispatch_uid="dashboard.goal_saved")
def goal_saved(sender: type[Goal], instance: Goal, **kwargs: Any) -> None:
    if instance.status not in PROGRESS_STATUSES:
        return
    GoalAchievement.objects.get_or_create(
        network_id=instance.network_id,
        goal=instance,
        status=instance.status,
        defaults={"achieved_on": timezone.localdate()},
    )


@receiver(post_delete, sender=Need, dispatch_uid="dashboard.need_deleted")
def need_deleted(sender: type[Need], instance: Need, **kwargs: Any) -> None:
    row = (
        instance.recorded_month,
        instance.field,
        instance.district,
        instance.age_band,
        instance.status_group,
        instance.language,
        instance.prev_month,
        instance.met_within_30,
        instance.is_open,
    )
    summary.remove_need_rows(instance.network_id, [row])
