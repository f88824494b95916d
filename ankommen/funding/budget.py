"""The budget of a funding year: planned, approved, paid and proven, per module and in total, with
the warnings the overview and the decision page show. A fixed number of queries, whatever the
number of applications.

- planned: requested flat rates of applications submitted and not rejected or withdrawn;
- approved: approved flat rates of applications committed (a pending second approval reserves
  its amount already, so two first approvals cannot both count on the same headroom);
- paid: payments less repayments; per module split in proportion to the approved amounts
  (``calc.allocate``, to the cent);
- proven: proven flat rates of accepted proofs of use.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from ankommen.funding.calc import ZERO, BudgetCheck, allocate, money, percent
from ankommen.funding.choices import COMMITTED, PLANNED, ModuleCode, PaymentKind, State
from ankommen.funding.models import Application, ClaimLine, FundingYear, Module, Payment

PROVEN_STATES = frozenset({State.PROOF_ACCEPTED, State.CLOSED})


def committed_total(year_id: int, *, exclude: int | None = None) -> Decimal:
    """Approved (and reserved) money of the year; call with the year row locked to act on it."""
    applications = Application.objects.filter(year=year_id, state__in=COMMITTED)
    if exclude is not None:
        applications = applications.exclude(pk=exclude)
    return money(applications.aggregate(total=Sum("approved_total"))["total"] or ZERO)


def committed_by_module(year_id: int, *, exclude: int | None = None) -> dict[str, Decimal]:
    lines = ClaimLine.objects.filter(measure__application__year=year_id, measure__application__state__in=COMMITTED)
    if exclude is not None:
        lines = lines.exclude(measure__application=exclude)
    rows = lines.values("measure__module__code").annotate(total=Sum("approved_amount"))
    return {row["measure__module__code"]: money(row["total"] or ZERO) for row in rows}


@dataclass
class Row:
    code: str
    label: str
    budget: Decimal | None
    planned: Decimal = ZERO
    approved: Decimal = ZERO
    paid: Decimal = ZERO
    proven: Decimal = ZERO

    @property
    def used_percent(self) -> Decimal | None:
        return percent(self.approved, self.budget) if self.budget else None

    @property
    def headroom(self) -> Decimal | None:
        return money(self.budget - self.approved) if self.budget is not None else None


@dataclass
class Overview:
    year: FundingYear
    modules: list[Row]
    total: Row
    warnings: list[str] = field(default_factory=list)
    dangers: list[str] = field(default_factory=list)


def overview(year: FundingYear) -> Overview:
    modules = {m.code: m for m in Module.objects.filter(year=year)}
    rows = {
        code: Row(code, str(label), modules[code].budget if code in modules else None)
        for code, label in ModuleCode.choices
    }
    sums = (
        ClaimLine.objects.filter(measure__application__year=year)
        .values("measure__module__code", "measure__application__state")
        .annotate(requested=Sum("amount"), approved=Sum("approved_amount"), proven=Sum("proven_amount"))
    )
    for entry in sums:
        row = rows[entry["measure__module__code"]]
        state = entry["measure__application__state"]
        if state in PLANNED:
            row.planned += entry["requested"] or ZERO
        if state in COMMITTED:
            row.approved += entry["approved"] or ZERO
        if state in PROVEN_STATES:
            row.proven += entry["proven"] or ZERO
    # Payments per application, split over its modules in proportion to the approved amounts.
    net: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for entry in Payment.objects.filter(year=year).values("application", "kind").annotate(total=Sum("amount")):
        sign = 1 if entry["kind"] == PaymentKind.PAYMENT else -1
        net[entry["application"]] += sign * (entry["total"] or ZERO)
    weights: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for entry in (
        ClaimLine.objects.filter(measure__application__in=list(net))
        .values("measure__application", "measure__module__code")
        .annotate(total=Sum("approved_amount"))
        .order_by("measure__application", "measure__module__code")
    ):
        weights[entry["measure__application"]][entry["measure__module__code"]] = entry["total"] or ZERO
    for application_id, amount in net.items():
        codes = sorted(weights.get(application_id, {})) or ["A"]
        parts = allocate(amount, [weights.get(application_id, {}).get(c, ZERO) for c in codes])
        for code, part in zip(codes, parts, strict=True):
            rows[code].paid += part
    for row in rows.values():
        row.planned, row.approved, row.paid, row.proven = (
            money(row.planned),
            money(row.approved),
            money(row.paid),
            money(row.proven),
        )
    total = Row("total", _("Total"), year.budget)
    for row in rows.values():
        total.planned += row.planned
        total.approved += row.approved
        total.paid += row.paid
        total.proven += row.proven
    result = Overview(year, list(rows.values()), total)
    _warn(result)
    return result


def _warn(result: Overview) -> None:
    from ankommen.funding.services.common import euro

    year = result.year
    for row in [result.total, *result.modules]:
        if row.budget is None:
            continue
        name = _("the year") if row is result.total else row.label
        used = percent(row.approved, row.budget)
        if row.approved > row.budget:
            result.dangers.append(
                _("Approvals for %(name)s exceed the budget by %(amount)s.")
                % {"name": name, "amount": euro(row.approved - row.budget)}
            )
        elif row.budget > 0 and used >= year.warning_percent:
            result.warnings.append(
                _("%(percent)s %% of the budget of %(name)s is committed; %(amount)s are left.")
                % {"percent": used, "name": name, "amount": euro(row.budget - row.approved)}
            )
        if row.planned > row.budget:
            result.warnings.append(
                _("The amounts applied for in %(name)s exceed the budget by %(amount)s.")
                % {"name": name, "amount": euro(row.planned - row.budget)}
            )


def check_for(year: FundingYear, amount: Decimal, *, exclude: int | None = None) -> BudgetCheck:
    """What approving ``amount`` would do to the year's budget (for the decision page; the
    service repeats the check with the year row locked)."""
    return BudgetCheck(
        budget=year.budget,
        committed=committed_total(year.pk, exclude=exclude),
        amount=money(amount),
        warning_percent=year.warning_percent,
    )
