"""Differences found by ``calc.check_proof`` and ``calc.reconcile``, as rows the pages and the
documents show: what does not match, where, what was expected, what was found, the difference."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ankommen.funding.calc import Difference

# code -> (text, whether the figures are euros (else quantities, or none))
TEXTS: dict[str, tuple[Promise, str]] = {
    "proof.above_approval": (_("More is claimed than was approved"), "money"),
    "proof.above_records": (_("More is claimed than the recorded meetings and materials prove (units)"), "quantity"),
    "proof.document_missing": (_("This flat rate is proven by a document, and none was uploaded (units)"), "quantity"),
    "proof.signature_list_missing": (_("The contract requires a signature list, and none was uploaded"), "none"),
    "application.undecided": (_("The application has not been decided yet"), "money"),
    "approved.lines": (_("The approved total differs from the approved flat rates of the measures"), "money"),
    "paid.above_approval": (_("More was paid than approved"), "money"),
    "proof.missing": (_("The proof of use has not been accepted yet"), "money"),
    "proven.lines": (_("The proven total differs from the proven flat rates of the measures"), "money"),
    "proven.above_approval": (_("More is proven than was approved"), "money"),
    "settlement.repayment_open": (_("More was paid than proven: a repayment is open"), "money"),
    "settlement.payment_open": (_("Less was paid than proven: a final payment is open"), "money"),
    "year.approved_above_budget": (_("The approvals exceed the budget"), "money"),
    "year.paid_above_budget": (_("The payments exceed the budget"), "money"),
}


@dataclass(frozen=True)
class Row:
    text: str
    subject: str
    kind: str
    expected: Decimal
    actual: Decimal
    difference: Decimal


def rows(differences: list[Difference]) -> list[Row]:
    result = []
    for d in differences:
        text, kind = TEXTS.get(d.code, (d.code, "money"))
        subject = str(_("the year")) if d.subject == "year" else d.subject
        result.append(Row(str(text), subject, kind, d.expected, d.actual, d.difference))
    return result
