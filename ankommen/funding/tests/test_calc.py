"""The pure arithmetic: flat rates, rounding, allocation, budget checks, reconciliation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ankommen.funding.calc import (
    ApplicationFigures,
    BudgetCheck,
    MaterialFigures,
    MeasureRecords,
    ProofLine,
    SessionFigures,
    allocate,
    check_proof,
    evidenced_quantity,
    line_amount,
    money,
    percent,
    quantity,
    reconcile,
)

D = Decimal


def test_money_refuses_floats_and_rounds_half_up_to_the_cent() -> None:
    with pytest.raises(TypeError):
        money(0.1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        quantity(1.5)  # type: ignore[arg-type]
    assert money("0.005") == D("0.01")
    assert money("2.675") == D("2.68")  # a float would give 2.67
    assert money(D("1234.5")) == D("1234.50")
    assert str(money(3)) == "3.00"


def test_flat_rate_amounts() -> None:
    assert line_amount(10, "250.00") == D("2500.00")  # B: 250 € per measure and month, 10 months
    assert line_amount("12.5", "100") == D("1250.00")  # D: 12.5 trainer hours at 100 €
    assert line_amount(3, "33.33") == D("99.99")
    assert line_amount("0.333", "35") == D("11.55")  # quantity rounded to 0.33 first
    assert line_amount(7, "35.00") + line_amount(2, "1000.00") == D("2245.00")
    with pytest.raises(ValueError):
        quantity(-1)


def test_evidenced_quantity_per_unit() -> None:
    sessions = [
        SessionFigures(dt.date(2026, 1, 8), participants=12, volunteers=3, trainer_hours=D("2.5")),
        SessionFigures(dt.date(2026, 1, 15), participants=9, volunteers=2, trainer_hours=D("2")),
        SessionFigures(dt.date(2026, 3, 5), participants=14, volunteers=4),
    ]
    materials = [MaterialFigures("print"), MaterialFigures("web"), MaterialFigures("translation", pages=7)]
    records = MeasureRecords(sessions, materials)
    assert evidenced_quantity("measure_month", records) == D("2.00")  # January and March
    assert evidenced_quantity("month", records) == D("2.00")
    assert evidenced_quantity("session", records) == D("3.00")
    assert evidenced_quantity("accompaniment", records) == D("9.00")
    assert evidenced_quantity("trainer_hour", records) == D("4.50")
    assert evidenced_quantity("product", records) == D("2.00")
    assert evidenced_quantity("translated_page", records) == D("7.00")
    assert evidenced_quantity("measure", records) == D("1.00")
    assert evidenced_quantity("measure", MeasureRecords()) == D("0.00")
    assert evidenced_quantity("room", records) is None  # proven by a document


def test_allocation_adds_up_to_the_cent() -> None:
    assert allocate(D("100.00"), [D(1), D(1), D(1)]) == [D("33.34"), D("33.33"), D("33.33")]
    assert allocate(D("1000.00"), [D("2500"), D("700"), D("0")]) == [D("781.25"), D("218.75"), D("0.00")]
    parts = allocate(D("999.99"), [D("3"), D("7"), D("11"), D("13")])
    assert sum(parts) == D("999.99")
    assert allocate(D("-10.00"), [D(1), D(2)]) == [D("-3.33"), D("-6.67")]
    assert allocate(D("5.00"), [D(0)]) == [D("5.00")]
    assert allocate(D("5.00"), []) == []


def test_budget_check() -> None:
    check = BudgetCheck(budget=D("10000.00"), committed=D("8500.00"), amount=D("1000.00"), warning_percent=90)
    assert not check.exceeds and check.warns and check.percent_after == D("95.0") and check.headroom == D("1500.00")
    over = BudgetCheck(budget=D("10000.00"), committed=D("9500.00"), amount=D("500.01"), warning_percent=90)
    assert over.exceeds and over.excess == D("0.01")
    exact = BudgetCheck(budget=D("10000.00"), committed=D("9500.00"), amount=D("500.00"), warning_percent=90)
    assert not exact.exceeds
    assert percent(D("9999.99"), D("10000")) == D("99.9")  # never rounded up to 100
    assert percent(D("1"), D("0")) == D("0.0")


def _line(**kwargs):  # type: ignore[no-untyped-def]
    values = {
        "measure": "Sprachcafé",
        "rate_code": "B1",
        "unit": "measure_month",
        "rate": D("250.00"),
        "approved_quantity": D("10"),
        "proven_quantity": D("8"),
        "evidenced_quantity": D("9"),
    }
    return ProofLine(**{**values, **kwargs})


def test_proof_check_names_each_difference() -> None:
    assert check_proof([_line()]) == []
    [above] = check_proof([_line(proven_quantity=D("11"), evidenced_quantity=D("12"))])
    assert above.code == "proof.above_approval" and above.difference == D("250.00")
    [records] = check_proof([_line(proven_quantity=D("9.5"))])
    assert records.code == "proof.above_records" and records.difference == D("0.50")
    [document] = check_proof([_line(unit="room", rate_code="A1", evidenced_quantity=None, proven_quantity=D("1"))])
    assert document.code == "proof.document_missing"
    assert check_proof([_line(unit="room", evidenced_quantity=None, proven_quantity=D("1"), has_document=True)]) == []


def _figures(**kwargs):  # type: ignore[no-untyped-def]
    values = {
        "reference": "FA-2026-0001",
        "approved_total": D("2500.00"),
        "approved_lines": D("2500.00"),
        "paid_net": D("2000.00"),
        "proof_accepted": True,
        "proven_total": D("2000.00"),
        "proven_lines": D("2000.00"),
    }
    return ApplicationFigures(**{**values, **kwargs})


def test_reconciliation_of_a_year() -> None:
    assert reconcile([_figures()], D("10000.00")) == []
    [repay] = reconcile([_figures(paid_net=D("2500.00"))], D("10000.00"))
    assert (repay.code, repay.difference) == ("settlement.repayment_open", D("500.00"))
    [pay] = reconcile([_figures(paid_net=D("1500.00"))], D("10000.00"))
    assert (pay.code, pay.difference) == ("settlement.payment_open", D("-500.00"))
    [missing] = reconcile([_figures(proof_accepted=False)], D("10000.00"))
    assert missing.code == "proof.missing"
    [lines] = reconcile([_figures(approved_lines=D("2499.99"))], D("10000.00"))
    assert (lines.code, lines.difference) == ("approved.lines", D("0.01"))
    [undecided] = reconcile([_figures(undecided=True, requested_total=D("900.00"))], D("10000.00"))
    assert (undecided.code, undecided.actual) == ("application.undecided", D("900.00"))
    codes = {d.code for d in reconcile([_figures(), _figures(reference="FA-2026-0002")], D("4000.00"))}
    assert codes == {"year.approved_above_budget"}
