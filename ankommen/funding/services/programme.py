"""Setting up the programme: funding years with their modules A–D, the flat-rate catalogue and the
calls for applications. Only ``funding.manage`` (the integration centre's coordination).

A new year can take over the modules and the catalogue of an earlier year; the amounts are then
changed for the new year without touching the old one. Changing a flat rate changes the
amounts of draft applications only: submitted applications keep the rate they were submitted
with (``ClaimLine.rate``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from ankommen.funding.calc import line_amount, money
from ankommen.funding.choices import State
from ankommen.funding.models import Call, ClaimLine, FlatRate, FundingYear, Module, Programme
from ankommen.funding.services.common import (
    FundingError,
    audit,
    changed_fields,
    euro,
    lock_year,
)
from ankommen.network.models import Membership

YEAR_FIELDS = ("budget", "second_approval_above", "warning_percent", "proof_due_on", "report_due_on")
RATE_FIELDS = ("code", "title", "unit", "amount", "max_quantity", "evidence", "is_active")
CALL_FIELDS = ("title", "description", "opens_on", "deadline")


def _require_manage(actor: Membership) -> None:
    if not actor.has_perm("funding.manage"):
        raise PermissionDenied


def create_year(
    actor: Membership,
    *,
    programme_name: str,
    year: int,
    budget: Decimal,
    second_approval_above: Decimal,
    proof_due_on: dt.date,
    report_due_on: dt.date,
    warning_percent: int = 90,
    copy_from: FundingYear | None = None,
) -> FundingYear:
    """A funding year with the four modules; with ``copy_from`` also that year's module texts and
    flat rates (to be adjusted for the new year)."""
    _require_manage(actor)
    if copy_from is not None and copy_from.network_id != actor.network_id:
        raise PermissionDenied
    with transaction.atomic():
        programme, _created = Programme.objects.get_or_create(network_id=actor.network_id, name=programme_name)
        if FundingYear.objects.filter(programme=programme, year=year).exists():
            raise FundingError(_("This programme already has the year %(year)s.") % {"year": year}, code="exists")
        funding_year = FundingYear.objects.create(
            network_id=actor.network_id,
            programme=programme,
            year=year,
            budget=money(budget),
            second_approval_above=money(second_approval_above),
            warning_percent=warning_percent,
            proof_due_on=proof_due_on,
            report_due_on=report_due_on,
        )
        old_modules = {m.code: m for m in copy_from.modules.all()} if copy_from else {}
        rates = 0
        for code in ("A", "B", "C", "D"):
            old = old_modules.get(code)
            module = Module.objects.create(
                network_id=actor.network_id,
                year=funding_year,
                code=code,
                description=old.description if old else "",
                budget=old.budget if old else None,
            )
            if old is not None:
                for rate in old.rates.order_by("code"):
                    FlatRate.objects.create(
                        network_id=actor.network_id,
                        module=module,
                        code=rate.code,
                        title=rate.title,
                        unit=rate.unit,
                        amount=rate.amount,
                        max_quantity=rate.max_quantity,
                        evidence=rate.evidence,
                        is_active=rate.is_active,
                    )
                    rates += 1
        audit(
            actor,
            "funding.year_created",
            funding_year,
            year=year,
            budget=funding_year.budget,
            copied_from=copy_from.pk if copy_from else None,
            rates=rates,
        )
    return funding_year


def change_year(actor: Membership, year: FundingYear, values: Mapping[str, Any], version: int | None = None) -> None:
    _require_manage(actor)
    from ankommen.funding.budget import committed_total

    with transaction.atomic():
        current = lock_year(actor, year.pk)
        if version is not None and version != current.version:
            raise FundingError(
                _("Someone else changed this year in the meantime. Reload the page and make your change again."),
                code="stale",
            )
        values = {**values, **{k: money(values[k]) for k in ("budget", "second_approval_above") if k in values}}
        changed = changed_fields(current, values, YEAR_FIELDS)
        if "budget" in changed:
            committed = committed_total(current.pk)
            if current.budget < committed:
                raise FundingError(
                    _("The budget cannot be less than what is already committed (%(amount)s).")
                    % {"amount": euro(committed)},
                    code="below_committed",
                )
        if not changed:
            return
        current.version += 1
        current.save(update_fields=[*changed, "version"])
        audit(actor, "funding.year_changed", current, fields=changed, budget=current.budget)
        year.refresh_from_db()


def change_module(actor: Membership, module: Module, values: Mapping[str, Any]) -> None:
    _require_manage(actor)
    with transaction.atomic():
        lock_year(actor, module.year_id)
        if values.get("budget") is not None:
            values = {**values, "budget": money(values["budget"])}
        changed = changed_fields(module, values, ("description", "budget"))
        if changed:
            module.save(update_fields=changed)
            audit(actor, "funding.module_changed", module, module=module.code, fields=changed, budget=module.budget)


def _refresh_draft_lines(rate: FlatRate) -> int:
    """Draft applications follow the catalogue; submitted ones keep their frozen rate."""
    from ankommen.funding.services.applications import recompute_requested

    lines = list(
        ClaimLine.objects.filter(flat_rate=rate, measure__application__state=State.DRAFT).select_related(
            "measure__application"
        )
    )
    for line in lines:
        line.rate = rate.amount
        line.amount = line_amount(line.quantity, rate.amount)
        line.save(update_fields=["rate", "amount"])
    for application in {line.measure.application for line in lines}:
        recompute_requested(application)
    return len(lines)


def add_rate(actor: Membership, module: Module, values: Mapping[str, Any]) -> FlatRate:
    _require_manage(actor)
    with transaction.atomic():
        try:
            with transaction.atomic():
                rate = FlatRate.objects.create(
                    network_id=actor.network_id,
                    module=module,
                    **{k: values[k] for k in RATE_FIELDS if k in values},
                )
        except IntegrityError:
            raise FundingError(_("This module already has a flat rate with this code."), code="duplicate") from None
        audit(actor, "funding.rate_created", rate, module=module.code, code=rate.code, amount=rate.amount)
    return rate


def change_rate(actor: Membership, rate: FlatRate, values: Mapping[str, Any]) -> None:
    _require_manage(actor)
    with transaction.atomic():
        changed = changed_fields(rate, values, RATE_FIELDS)
        if not changed:
            return
        try:
            with transaction.atomic():
                rate.save(update_fields=changed)
        except IntegrityError:
            raise FundingError(_("This module already has a flat rate with this code."), code="duplicate") from None
        drafts = _refresh_draft_lines(rate) if "amount" in changed else 0
        audit(actor, "funding.rate_changed", rate, code=rate.code, fields=changed, amount=rate.amount, drafts=drafts)


def _check_call(year: FundingYear, values: Mapping[str, Any], modules: Iterable[Module]) -> list[Module]:
    chosen = list(modules)
    if any(m.year_id != year.pk for m in chosen):
        raise PermissionDenied
    if not chosen:
        raise FundingError(_("Choose at least one module."), code="modules")
    if values["deadline"] < values["opens_on"]:
        raise FundingError(_("The deadline cannot be before the call opens."), code="dates")
    return chosen


def add_call(actor: Membership, year: FundingYear, values: Mapping[str, Any], modules: Iterable[Module]) -> Call:
    _require_manage(actor)
    chosen = _check_call(year, values, modules)
    with transaction.atomic():
        call = Call.objects.create(network_id=actor.network_id, year=year, **{k: values[k] for k in CALL_FIELDS})
        call.modules.set(chosen)
        audit(
            actor,
            "funding.call_created",
            call,
            year=year.year,
            deadline=call.deadline,
            modules=[m.code for m in chosen],
        )
    return call


def change_call(actor: Membership, call: Call, values: Mapping[str, Any], modules: Iterable[Module]) -> None:
    _require_manage(actor)
    chosen = _check_call(call.year, values, modules)
    with transaction.atomic():
        changed = changed_fields(call, values, CALL_FIELDS)
        if changed:
            call.save(update_fields=changed)
        before = set(call.modules.values_list("pk", flat=True))
        if before != {m.pk for m in chosen}:
            call.modules.set(chosen)
            changed.append("modules")
        if changed:
            audit(actor, "funding.call_changed", call, fields=changed, deadline=call.deadline)
