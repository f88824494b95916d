"""The arithmetic of the funding programme, free of Django: flat rates, budget headroom, the
allocation of payments to modules and the reconciliation of approvals, payments and proofs.

Money is ``Decimal`` with two places everywhere; a float is refused (``money(0.1)`` raises), so
no binary rounding error can creep into an approval or a proof of use. Amounts are rounded half
up to the cent, as German public budgets do (kaufmännisches Runden).

Plain data in, plain data out: the services read the rows, call these functions and turn the
codes of a ``Difference`` into translated messages (``reconciliation.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: Decimal | int | str) -> Decimal:
    """``value`` as euros and cents (half up). Floats are refused: they cannot hold 0.10 exactly."""
    if isinstance(value, float | bool):
        raise TypeError("Money must be Decimal, int or str, never float")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def quantity(value: Decimal | int | str) -> Decimal:
    """A quantity of a flat rate (rooms, months, hours, pages): two places, never negative."""
    if isinstance(value, float | bool):
        raise TypeError("Quantities must be Decimal, int or str, never float")
    result = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    if result < 0:
        raise ValueError("A quantity cannot be negative")
    return result


def line_amount(qty: Decimal | int | str, rate: Decimal | int | str) -> Decimal:
    """Flat rate × quantity, rounded to the cent: 12.5 trainer hours at 100 € = 1,250.00 €."""
    return money(quantity(qty) * money(rate))


def total(amounts: Iterable[Decimal]) -> Decimal:
    return money(sum(amounts, ZERO))


# --- what the records of a measure prove --------------------------------------------------------


@dataclass(frozen=True)
class SessionFigures:
    held_on: dt.date
    participants: int
    volunteers: int
    volunteer_hours: Decimal = ZERO
    trainer_hours: Decimal = ZERO


@dataclass(frozen=True)
class MaterialFigures:
    kind: str  # print, web, translation, other (choices.MaterialKind)
    pages: int = 0


@dataclass(frozen=True)
class MeasureRecords:
    sessions: Sequence[SessionFigures] = ()
    materials: Sequence[MaterialFigures] = ()


# Unit -> how the records prove the quantity; units missing here (rooms) are proven by a document
# (occupancy plan, invoice) that the integration centre looks at, not by a count.
EVIDENCE_SOURCE = {
    "month": "months with a meeting",
    "measure": "measure held at least once",
    "measure_month": "months with a meeting",
    "session": "meetings held",
    "accompaniment": "volunteer accompaniments (volunteers per meeting, added up)",
    "product": "print and internet products",
    "translated_page": "translated pages",
    "trainer_hour": "trainer hours",
}


def evidenced_quantity(unit: str, records: MeasureRecords) -> Decimal | None:
    """How much of a flat rate the records of a measure prove; ``None`` where a document proves it."""
    sessions = records.sessions
    if unit in ("month", "measure_month"):
        return quantity(len({(s.held_on.year, s.held_on.month) for s in sessions}))
    if unit == "measure":
        return quantity(1 if sessions else 0)
    if unit == "session":
        return quantity(len(sessions))
    if unit == "accompaniment":
        return quantity(sum(s.volunteers for s in sessions))
    if unit == "trainer_hour":
        return quantity(sum((s.trainer_hours for s in sessions), ZERO))
    if unit == "product":
        return quantity(sum(1 for m in records.materials if m.kind in ("print", "web")))
    if unit == "translated_page":
        return quantity(sum(m.pages for m in records.materials if m.kind == "translation"))
    return None


# --- budget -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetCheck:
    budget: Decimal
    committed: Decimal  # already committed, without the amount asked for
    amount: Decimal  # asked for now
    warning_percent: int

    @property
    def after(self) -> Decimal:
        return money(self.committed + self.amount)

    @property
    def headroom(self) -> Decimal:
        return money(self.budget - self.committed)

    @property
    def exceeds(self) -> bool:
        return self.after > self.budget

    @property
    def excess(self) -> Decimal:
        return money(max(self.after - self.budget, ZERO))

    @property
    def percent_after(self) -> Decimal:
        return percent(self.after, self.budget)

    @property
    def warns(self) -> bool:
        """At or past the warning level (but maybe still within the budget)."""
        return self.budget > 0 and self.percent_after >= self.warning_percent


def percent(part: Decimal, whole: Decimal) -> Decimal:
    """``part`` as a percentage of ``whole`` with one place, rounded down (never overstate headroom
    by rounding 99.96 % up to 100.0 % or understate usage); 0 for an empty whole."""
    if whole <= 0:
        return Decimal("0.0")
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_DOWN)


# --- payments per module ------------------------------------------------------------------------


def allocate(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split ``amount`` over ``weights`` in proportion, to the cent, so that the parts add up to
    ``amount`` exactly (largest remainder: the cents lost by rounding down go to the parts with
    the largest remainders, ties to the earlier part). With no positive weight, everything goes
    to the first part (or nothing for no parts)."""
    amount = money(amount)
    if not weights:
        return []
    weight_total = sum((w for w in weights if w > 0), ZERO)
    if weight_total <= 0:
        return [amount] + [ZERO] * (len(weights) - 1)
    cents = int(amount / CENT)
    sign = -1 if cents < 0 else 1
    cents = abs(cents)
    exact = [Decimal(cents) * max(w, ZERO) / weight_total for w in weights]
    floors = [int(e) for e in exact]
    left = cents - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [money(Decimal(sign * f) * CENT) for f in floors]


# --- reconciliation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """A figure that does not match: ``code`` names the check, ``subject`` what it concerns (an
    application reference, a module code, ``"year"``); ``difference`` = actual − expected."""

    code: str
    subject: str
    expected: Decimal
    actual: Decimal

    @property
    def difference(self) -> Decimal:
        return money(self.actual - self.expected)


@dataclass(frozen=True)
class ProofLine:
    """One flat rate of one measure in a proof of use."""

    measure: str
    rate_code: str
    unit: str
    rate: Decimal
    approved_quantity: Decimal
    proven_quantity: Decimal
    evidenced_quantity: Decimal | None  # None: proven by a document
    has_document: bool = False

    @property
    def proven_amount(self) -> Decimal:
        return line_amount(self.proven_quantity, self.rate)

    @property
    def approved_amount(self) -> Decimal:
        return line_amount(self.approved_quantity, self.rate)


def check_proof(lines: Sequence[ProofLine]) -> list[Difference]:
    """What keeps a proof of use from being submitted: a quantity above the approved one, above
    what the records prove, or a flat rate proven by a document without one. Amounts in euros,
    quantities for the evidence checks (expected = what is allowed, actual = what is claimed)."""
    found: list[Difference] = []
    for line in lines:
        subject = f"{line.measure} · {line.rate_code}"
        if line.proven_quantity > line.approved_quantity:
            found.append(Difference("proof.above_approval", subject, line.approved_amount, line.proven_amount))
        if line.evidenced_quantity is not None and line.proven_quantity > line.evidenced_quantity:
            found.append(Difference("proof.above_records", subject, line.evidenced_quantity, line.proven_quantity))
        if line.evidenced_quantity is None and line.proven_quantity > 0 and not line.has_document:
            found.append(Difference("proof.document_missing", subject, ZERO, line.proven_quantity))
    return found


@dataclass
class ApplicationFigures:
    """What one approved application contributes to a funding year's proof of use."""

    reference: str
    approved_total: Decimal  # as stored with the decision
    approved_lines: Decimal  # the approved flat rates of its measures, added up
    paid_net: Decimal  # payments less repayments
    proof_accepted: bool
    proven_total: Decimal = ZERO  # as stored with the accepted proof
    proven_lines: Decimal = ZERO  # the proven flat rates of its measures, added up
    undecided: bool = False  # submitted but not yet decided (or waiting for the second approval)
    requested_total: Decimal = ZERO


def reconcile(applications: Sequence[ApplicationFigures], budget: Decimal) -> list[Difference]:
    """Everything that keeps the year's proof of use to the state from adding up. Empty: it does.

    Per application: it is decided, the stored totals match the flat rates of the measures (approved and proven),
    the proof of use is accepted, nothing was paid above the approval, and payments less
    repayments equal the proven amount (otherwise a final payment or a repayment is open). For
    the year: approvals and net payments stay within the budget.
    """
    found: list[Difference] = []
    for app in applications:
        ref = app.reference
        if app.undecided:
            found.append(Difference("application.undecided", ref, ZERO, app.requested_total))
            continue
        if app.approved_total != app.approved_lines:
            found.append(Difference("approved.lines", ref, app.approved_lines, app.approved_total))
        if app.paid_net > app.approved_total:
            found.append(Difference("paid.above_approval", ref, app.approved_total, app.paid_net))
        if not app.proof_accepted:
            found.append(Difference("proof.missing", ref, app.approved_total, ZERO))
            continue
        if app.proven_total != app.proven_lines:
            found.append(Difference("proven.lines", ref, app.proven_lines, app.proven_total))
        if app.proven_total > app.approved_total:
            found.append(Difference("proven.above_approval", ref, app.approved_total, app.proven_total))
        if app.paid_net != app.proven_total:
            code = "settlement.repayment_open" if app.paid_net > app.proven_total else "settlement.payment_open"
            found.append(Difference(code, ref, app.proven_total, app.paid_net))
    approved = total(a.approved_total for a in applications)
    paid = total(a.paid_net for a in applications)
    if approved > budget:
        found.append(Difference("year.approved_above_budget", "year", budget, approved))
    if paid > budget:
        found.append(Difference("year.paid_above_budget", "year", budget, paid))
    return found
