"""What every funding service shares: the domain error, locking, version checks, audit entries."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, Sum
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from ankommen.audit.services import log_action
from ankommen.funding.calc import ZERO, money
from ankommen.funding.choices import PaymentKind
from ankommen.funding.models import Application, FundingYear, Payment
from ankommen.funding.rules import check_funding_rule
from ankommen.network.models import Membership


class FundingError(ValidationError):
    """A change that is refused. Messages are translated and shown to the user."""


STALE = _(
    "Someone else changed this application in the meantime. Your changes were not saved. "
    "Reload the page to see the current state, then make your change again."
)


def euro(amount: Decimal) -> str:
    """An amount for a message in the reader's locale: "1.250,50 €" in German."""
    return f"{number_format(money(amount), decimal_pos=2, use_l10n=True, force_grouping=True)} €"


def require(actor: Membership, rule: str, obj: Any) -> None:
    if not check_funding_rule(rule, actor, obj):
        raise PermissionDenied


def audit(actor: Membership, action: str, target: Model | None = None, **data: Any) -> None:
    """One audit entry; ``data`` holds ids, codes, amounts and changed field names, never free text."""
    log_action(actor, action, target, data=data)


def lock_year(actor: Membership, year_id: int) -> FundingYear:
    """The funding year's row, locked until the transaction ends. Every service that commits or
    pays money locks the year first and the application second: one lock order, no deadlocks,
    and no two approvals can read the same headroom."""
    year = FundingYear.objects.select_for_update().filter(pk=year_id, network=actor.network_id).first()
    if year is None:
        raise PermissionDenied
    return year


def lock_application(actor: Membership, application: Application, rule: str) -> Application:
    """The application's row, locked, re-read and re-checked against ``rule``."""
    current = (
        Application.objects.select_for_update(of=("self",))
        .select_related("year", "organisation", "call")
        .filter(pk=application.pk, network=actor.network_id)
        .first()
    )
    if current is None:
        raise PermissionDenied
    require(actor, rule, current)
    return current


def check_version(application: Application, version: int | None) -> None:
    if version is not None and version != application.version:
        raise FundingError(STALE, code="stale")


def save_application(application: Application, fields: Iterable[str]) -> None:
    application.version += 1
    application.save(update_fields=[*fields, "version", "updated_at"])


def changed_fields(obj: Model, values: Mapping[str, Any], fields: Iterable[str]) -> list[str]:
    changed = []
    for name in fields:
        if name in values and getattr(obj, name) != values[name]:
            setattr(obj, name, values[name])
            changed.append(name)
    return changed


def paid_net(application_id: int) -> Decimal:
    """Payments less repayments of one application."""
    rows = Payment.objects.filter(application=application_id).values("kind").annotate(total=Sum("amount"))
    sums = {row["kind"]: row["total"] or ZERO for row in rows}
    return money(sums.get(PaymentKind.PAYMENT, ZERO) - sums.get(PaymentKind.REPAYMENT, ZERO))


def year_paid_net(year_id: int) -> Decimal:
    rows = Payment.objects.filter(year=year_id).values("kind").annotate(total=Sum("amount"))
    sums = {row["kind"]: row["total"] or ZERO for row in rows}
    return money(sums.get(PaymentKind.PAYMENT, ZERO) - sums.get(PaymentKind.REPAYMENT, ZERO))
