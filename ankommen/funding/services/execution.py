"""Carrying out the measures: meetings held (dates and counts: participants, volunteers, volunteer
and trainer hours; never names) and material produced. Evidence files go through
``applications.add_attachment``. Only the applicant's organisation, only while the contract runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ankommen.funding.calc import ZERO, quantity
from ankommen.funding.choices import EXECUTION
from ankommen.funding.models import Application, Material, Measure, Session
from ankommen.funding.services.common import FundingError, audit, lock_application
from ankommen.network.models import Membership

WORK = "funding.work_on_application"
SESSION_FIELDS = ("held_on", "participants", "volunteers", "volunteer_hours", "trainer_hours")
MATERIAL_FIELDS = ("kind", "title", "pages")


def _running(actor: Membership, application: Application) -> Application:
    current = lock_application(actor, application, WORK)
    if current.state not in EXECUTION:
        raise FundingError(
            _("Meetings and material are recorded from the signed contract until the proof of use is submitted."),
            code="state",
        )
    return current


def _check_session(measure: Measure, values: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    held_on = values["held_on"]
    if not measure.starts_on <= held_on <= measure.ends_on:
        errors.setdefault("held_on", []).append(
            _("The meeting must fall within the measure (%(start)s–%(end)s).")
            % {"start": measure.starts_on.strftime("%d.%m.%Y"), "end": measure.ends_on.strftime("%d.%m.%Y")}
        )
    if held_on > timezone.localdate():
        errors.setdefault("held_on", []).append(_("Only meetings that have taken place can be recorded."))
    if measure.not_carried_out:
        errors.setdefault("__all__", []).append(_("The measure is marked as not carried out."))
    if errors:
        raise FundingError(errors)
    return {
        **{k: values[k] for k in SESSION_FIELDS if k in values},
        "volunteer_hours": quantity(values.get("volunteer_hours") or ZERO),
        "trainer_hours": quantity(values.get("trainer_hours") or ZERO),
    }


def record_session(actor: Membership, measure: Measure, values: Mapping[str, Any]) -> Session:
    with transaction.atomic():
        _running(actor, measure.application)
        clean = _check_session(measure, values)
        session = Session.objects.create(
            network_id=actor.network_id, measure=measure, recorded_by_id=actor.user_id, **clean
        )
        audit(
            actor,
            "funding.session_recorded",
            session,
            measure=measure.pk,
            participants=session.participants,
            volunteers=session.volunteers,
        )
    return session


def change_session(actor: Membership, session: Session, values: Mapping[str, Any]) -> None:
    with transaction.atomic():
        _running(actor, session.measure.application)
        clean = _check_session(session.measure, values)
        changed = [k for k, v in clean.items() if getattr(session, k) != v]
        for name in changed:
            setattr(session, name, clean[name])
        if changed:
            session.save(update_fields=changed)
            audit(actor, "funding.session_changed", session, measure=session.measure_id, fields=changed)


def remove_session(actor: Membership, session: Session) -> None:
    with transaction.atomic():
        _running(actor, session.measure.application)
        files = [(a.file.storage, a.file.name) for a in session.attachments.all()]
        session_id, measure_id = session.pk, session.measure_id
        session.delete()
        for storage, name in files:
            transaction.on_commit(partial(storage.delete, name))
        audit(actor, "funding.session_removed", session.measure, session=session_id, measure=measure_id)


def add_material(actor: Membership, measure: Measure, values: Mapping[str, Any]) -> Material:
    with transaction.atomic():
        _running(actor, measure.application)
        material = Material.objects.create(
            network_id=actor.network_id,
            measure=measure,
            recorded_by_id=actor.user_id,
            **{k: values[k] for k in MATERIAL_FIELDS if k in values},
        )
        audit(actor, "funding.material_recorded", material, measure=measure.pk, kind=material.kind)
    return material


def remove_material(actor: Membership, material: Material) -> None:
    with transaction.atomic():
        _running(actor, material.measure.application)
        material_id = material.pk
        material.delete()
        audit(actor, "funding.material_removed", material.measure, material=material_id)
