"""Forms of the funding screens. They parse and check input; the services decide.

Money and quantities are ``Decimal`` fields in the user's locale ("1.250,50" in German) with two
places; nothing is ever parsed as float.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ankommen.funding.choices import (
    EXECUTION_KINDS,
    PROFILE_KINDS,
    AttachmentKind,
    Frequency,
    LegalForm,
    MaterialKind,
    PaymentKind,
    Unit,
)
from ankommen.funding.files import ACCEPTED_EXTENSIONS, MAX_BYTES
from ankommen.funding.models import ClaimLine, FlatRate, FundingYear, Measure, Module, Session
from ankommen.funding.services.common import euro
from ankommen.funding.templatetags.funding import qty
from ankommen.network.forms import FieldsetsMixin

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXTAREA = forms.Textarea(attrs={"rows": 4})
ACCEPT = ACCEPTED_EXTENSIONS.replace(" ", "")


def money_field(label: Any, *, required: bool = True, help_text: Any = "", min_value: int = 0) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        help_text=help_text,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal(min_value),
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


def quantity_field(label: Any, *, required: bool = False, help_text: Any = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        help_text=help_text,
        max_digits=9,
        decimal_places=2,
        min_value=Decimal(0),
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 6}),
    )


def plain(value: Decimal | None) -> Decimal | None:
    """A quantity as the form shows it: 6.00 → 6, 12.50 → 12.5 (never "1E+1")."""
    if value is None:
        return None
    if value == value.to_integral():
        return value.quantize(Decimal(1))
    return value.quantize(Decimal("0.1")) if value * 10 == (value * 10).to_integral() else value


class VersionMixin(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


# --- programme set-up ---------------------------------------------------------------------------------------


class YearForm(FieldsetsMixin, forms.Form):
    fieldsets = [
        (_("Funding year"), ["programme_name", "year", "copy_from"]),
        (_("Budget and approvals"), ["budget", "second_approval_above", "warning_percent"]),
        (_("Deadlines"), ["proof_due_on", "report_due_on"]),
    ]
    programme_name = forms.CharField(label=_("Programme"), max_length=200, initial="KOMM-AN NRW – Programmteil II")
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    copy_from: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Take over modules and flat rates from"),
        queryset=FundingYear.objects.none(),
        required=False,
        empty_label=_("nothing (start with an empty catalogue)"),
    )
    budget = money_field(_("Budget (€)"))
    second_approval_above = money_field(
        _("Second approval above (€)"),
        help_text=_("Approvals of more than this amount need the approval of a second, different person."),
    )
    warning_percent = forms.IntegerField(label=_("Warn from (% of the budget)"), min_value=1, max_value=100, initial=90)
    proof_due_on = forms.DateField(label=_("Proofs of use due on"), widget=DATE_WIDGET)
    report_due_on = forms.DateField(label=_("Proof of use to the state due on"), widget=DATE_WIDGET)

    def __init__(self, *args: Any, years: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if years is not None:
            self.fields["copy_from"].queryset = years  # type: ignore[attr-defined]


class YearChangeForm(FieldsetsMixin, VersionMixin):
    fieldsets = [
        (_("Budget and approvals"), ["budget", "second_approval_above", "warning_percent"]),
        (_("Deadlines"), ["proof_due_on", "report_due_on"]),
    ]
    budget = money_field(_("Budget (€)"))
    second_approval_above = money_field(
        _("Second approval above (€)"),
        help_text=_("Approvals of more than this amount need the approval of a second, different person."),
    )
    warning_percent = forms.IntegerField(label=_("Warn from (% of the budget)"), min_value=1, max_value=100)
    proof_due_on = forms.DateField(label=_("Proofs of use due on"), widget=DATE_WIDGET)
    report_due_on = forms.DateField(label=_("Proof of use to the state due on"), widget=DATE_WIDGET)


class ModuleForm(forms.Form):
    description = forms.CharField(label=_("Description"), widget=TEXTAREA, required=False)
    budget = money_field(
        _("Budget of the module (€)"),
        required=False,
        help_text=_("Optional: a limit of its own for this module. Empty: only the year's budget applies."),
    )


class RateForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=10, help_text=_("Short code, e.g. A1 or B2."))
    title = forms.CharField(label=_("Title"), max_length=200)
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    amount = money_field(_("Amount per unit (€)"), min_value=0)
    max_quantity = quantity_field(_("At most (units per measure)"), help_text=_("Empty: no limit."))
    evidence = forms.CharField(
        label=_("Proven by"),
        max_length=300,
        required=False,
        help_text=_("What the organisation shows as proof, e.g. occupancy plan."),
    )
    is_active = forms.BooleanField(label=_("Can be applied for"), required=False, initial=True)

    def clean_amount(self) -> Decimal:
        amount: Decimal = self.cleaned_data["amount"]
        if amount <= 0:
            raise forms.ValidationError(_("The amount must be more than 0 €."))
        return amount


class CallForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=TEXTAREA, required=False)
    opens_on = forms.DateField(label=_("Open from"), widget=DATE_WIDGET)
    deadline = forms.DateField(
        label=_("Deadline"), widget=DATE_WIDGET, help_text=_("Applications can be submitted until the end of this day.")
    )
    modules: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Modules"), queryset=Module.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, year: FundingYear, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["modules"].queryset = Module.objects.filter(year=year).order_by("code")  # type: ignore[attr-defined]
        self.fields["modules"].label_from_instance = lambda m: m.get_code_display()  # type: ignore[attr-defined]


# --- the applicant ----------------------------------------------------------------------------------------------


class ProfileForm(FieldsetsMixin, forms.Form):
    fieldsets = [
        (_("Organisation"), ["legal_form", "is_migrant_organisation", "register_entry"]),
        (_("Legal representative"), ["representative_name", "representative_function"]),
        (_("Bank account for the payments"), ["account_holder", "iban"]),
    ]
    legal_form = forms.ChoiceField(label=_("Legal form"), choices=LegalForm.choices)
    is_migrant_organisation = forms.BooleanField(label=_("We are a migrant organisation (MSO)"), required=False)
    register_entry = forms.CharField(
        label=_("Register entry"), max_length=100, required=False, help_text=_("E.g. VR 1234, Amtsgericht Münster.")
    )
    representative_name = forms.CharField(label=_("Legal representative"), max_length=200)
    representative_function = forms.CharField(
        label=_("Function of the representative"), max_length=100, help_text=_("E.g. chair of the board.")
    )
    account_holder = forms.CharField(label=_("Account holder"), max_length=200)
    iban = forms.CharField(label=_("IBAN"), max_length=42)

    def clean_iban(self) -> str:
        iban = "".join(self.cleaned_data["iban"].split()).upper()
        if not _iban_valid(iban):
            raise forms.ValidationError(_("This is not a valid IBAN."))
        return iban


def _iban_valid(iban: str) -> bool:
    """ISO 13616 check digits (mod 97)."""
    if not 15 <= len(iban) <= 34 or not iban[:2].isalpha() or not iban[2:4].isdigit() or not iban.isalnum():
        return False
    digits = "".join(str(int(c, 36)) for c in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"))
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("What the document is, e.g. occupancy plan spring. No names of participants."),
    )
    file = forms.FileField(label=_("File"), widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
    measure: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Measure"), queryset=Measure.objects.none(), required=False
    )
    session: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Meeting"), queryset=Session.objects.none(), required=False
    )

    def __init__(
        self, *args: Any, kinds: Iterable[str], measures: Any = None, sessions: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF, image or office document, at most %(size)s MB.") % {
            "size": MAX_BYTES // (1024 * 1024)
        }
        kinds = list(kinds)
        self.fields["kind"].choices = [(k, AttachmentKind(k).label) for k in kinds]  # type: ignore[attr-defined]
        if measures is None:
            del self.fields["measure"]
        else:
            self.fields["measure"].queryset = measures  # type: ignore[attr-defined]
            self.fields["measure"].required = bool(set(kinds) & EXECUTION_KINDS)
        if sessions is None:
            del self.fields["session"]
        else:
            self.fields["session"].queryset = sessions  # type: ignore[attr-defined]
            self.fields["session"].label_from_instance = lambda s: f"{s.held_on:%d.%m.%Y}"  # type: ignore[attr-defined]


PROFILE_UPLOAD_KINDS = sorted(PROFILE_KINDS)


class ApplicationForm(VersionMixin):
    title = forms.CharField(label=_("Title of the project"), max_length=200)
    summary = forms.CharField(label=_("What the project is about"), widget=TEXTAREA)
    target_group = forms.CharField(
        label=_("Target group"),
        max_length=300,
        required=False,
        help_text=_("E.g. newly arrived families in Hiltrup; volunteers of the language café."),
    )


class MeasureForm(forms.Form):
    """A measure and, per flat rate of the call's modules, the quantity claimed."""

    module: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Module"), queryset=Module.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=TEXTAREA, required=False)
    starts_on = forms.DateField(label=_("From"), widget=DATE_WIDGET)
    ends_on = forms.DateField(label=_("Until"), widget=DATE_WIDGET)
    frequency = forms.ChoiceField(label=_("Frequency"), choices=Frequency.choices)
    place = forms.CharField(
        label=_("Place"), max_length=200, help_text=_("E.g. the arrival meeting point and its address.")
    )
    expected_participants = forms.IntegerField(label=_("Expected participants per meeting"), min_value=0, initial=0)
    expected_volunteers = forms.IntegerField(label=_("Volunteers involved"), min_value=0, initial=0)

    def __init__(
        self, *args: Any, modules: Any, rates: list[FlatRate], measure: Measure | None = None, **kwargs: Any
    ) -> None:
        if measure is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{name: getattr(measure, name) for name in ("title", "description", "starts_on", "ends_on")},
                **{name: getattr(measure, name) for name in ("frequency", "place")},
                "expected_participants": measure.expected_participants,
                "expected_volunteers": measure.expected_volunteers,
                "module": measure.module_id,
                **{f"rate_{line.flat_rate_id}": plain(line.quantity) for line in measure.lines.all()},
            }
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = modules  # type: ignore[attr-defined]
        self.fields["module"].label_from_instance = lambda m: m.get_code_display()  # type: ignore[attr-defined]
        self.rates = rates
        for rate in rates:
            self.fields[f"rate_{rate.pk}"] = quantity_field(
                f"{rate.code} {rate.title}",
                help_text=f"{euro(rate.amount)} {rate.get_unit_display()}",
            )

    def rate_groups(self) -> list[tuple[Any, list[Any]]]:
        groups: dict[int, tuple[Any, list[Any]]] = {}
        for rate in self.rates:
            groups.setdefault(rate.module_id, (rate.module.get_code_display(), []))[1].append(self[f"rate_{rate.pk}"])
        return list(groups.values())

    def quantities(self) -> dict[FlatRate, Decimal | None]:
        module = self.cleaned_data["module"]
        return {
            rate: self.cleaned_data.get(f"rate_{rate.pk}")
            for rate in self.rates
            if rate.module_id == module.pk or self.cleaned_data.get(f"rate_{rate.pk}")
        }

    def values(self) -> dict[str, Any]:
        names = ("module", "title", "description", "starts_on", "ends_on", "frequency", "place")
        return {
            **{n: self.cleaned_data[n] for n in names},
            "expected_participants": self.cleaned_data["expected_participants"],
            "expected_volunteers": self.cleaned_data["expected_volunteers"],
        }


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), widget=TEXTAREA)


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(label=_("Yes, withdraw the application"))


# --- the integration centre -------------------------------------------------------------------------------------


class InfoRequestForm(VersionMixin):
    question = forms.CharField(label=_("Question to the applicant"), widget=TEXTAREA)
    due_on = forms.DateField(label=_("Answer by"), widget=DATE_WIDGET)


class VerificationForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("verify", _("Verify the organisation")), ("reject", _("Do not verify"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason"), widget=TEXTAREA, required=False)


class DecisionForm(VersionMixin):
    """Approve (quantity per flat rate: less than requested is a partial approval) or reject."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve (in full or in part)")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reasons"),
        widget=TEXTAREA,
        required=False,
        help_text=_("Required for a rejection and for a partial approval."),
    )

    def __init__(self, *args: Any, lines: list[ClaimLine], measures: list[Measure], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = lines
        self.measures = measures
        for line in lines:
            self.fields[f"line_{line.pk}"] = quantity_field(
                _("Approved quantity: %(code)s") % {"code": line.flat_rate.code},
                help_text=_("requested: %(quantity)s") % {"quantity": qty(line.quantity)},
            )
            self.initial.setdefault(
                f"line_{line.pk}",
                plain(line.approved_quantity if line.approved_quantity is not None else line.quantity),
            )
        for measure in measures:
            self.fields[f"signature_{measure.pk}"] = forms.BooleanField(
                label=_("Require a signature list for “%(title)s”") % {"title": measure.title}, required=False
            )
            self.initial.setdefault(f"signature_{measure.pk}", measure.signature_list_required)

    def line_field(self, line: ClaimLine) -> Any:
        return self[f"line_{line.pk}"]

    def signature_field(self, measure: Measure) -> Any:
        return self[f"signature_{measure.pk}"]

    def quantities(self) -> dict[int, Decimal]:
        return {line.pk: self.cleaned_data.get(f"line_{line.pk}") or Decimal("0.00") for line in self.lines}

    def signature_lists(self) -> set[int]:
        return {m.pk for m in self.measures if self.cleaned_data.get(f"signature_{m.pk}")}


class SecondApprovalForm(VersionMixin):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("confirm", _("Approve as well")), ("refuse", _("Do not approve: back to review"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reasons"), widget=TEXTAREA, required=False, help_text=_("Required when you do not approve.")
    )


class ContractSignedForm(VersionMixin):
    signed_on = forms.DateField(label=_("Signed contract received on"), widget=DATE_WIDGET)


class PaymentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PaymentKind.choices)
    amount = money_field(_("Amount (€)"))
    booked_on = forms.DateField(label=_("Booked on"), widget=DATE_WIDGET)
    booking_reference = forms.CharField(label=_("Booking reference"), max_length=60, required=False)


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE_WIDGET)
    participants = forms.IntegerField(
        label=_("Participants"), min_value=0, help_text=_("A count. Names are never entered here.")
    )
    volunteers = forms.IntegerField(label=_("Volunteers"), min_value=0, initial=0)
    volunteer_hours = quantity_field(_("Volunteer hours"))
    trainer_hours = quantity_field(_("Trainer hours"), help_text=_("Module D: hours of paid trainers."))


class MaterialForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MaterialKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    pages = forms.IntegerField(
        label=_("Pages"), min_value=0, initial=0, help_text=_("For translations: translated pages.")
    )


class ProofForm(VersionMixin):
    narrative = forms.CharField(
        label=_("Narrative report"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text=_("What took place, who was reached, what worked and what did not. No names of participants."),
    )

    def __init__(self, *args: Any, figures: list[Any], measures: list[Measure], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.figures = figures
        self.measures = measures
        for item in figures:
            line = item.line
            self.fields[f"proven_{line.pk}"] = quantity_field(
                _("Delivered: %(code)s") % {"code": line.flat_rate.code},
                help_text=_("approved: %(quantity)s") % {"quantity": qty(line.approved_quantity)},
            )
            self.initial.setdefault(f"proven_{line.pk}", plain(item.proof.proven_quantity))
        for measure in measures:
            self.fields[f"not_carried_out_{measure.pk}"] = forms.BooleanField(
                label=_("“%(title)s” did not take place") % {"title": measure.title}, required=False
            )
            self.initial.setdefault(f"not_carried_out_{measure.pk}", measure.not_carried_out)

    def proven_field(self, line: ClaimLine) -> Any:
        return self[f"proven_{line.pk}"]

    def not_carried_out_field(self, measure: Measure) -> Any:
        return self[f"not_carried_out_{measure.pk}"]

    def quantities(self) -> dict[int, Decimal]:
        return {
            item.line.pk: self.cleaned_data.get(f"proven_{item.line.pk}") or Decimal("0.00") for item in self.figures
        }

    def not_carried_out(self) -> set[int]:
        return {m.pk for m in self.measures if self.cleaned_data.get(f"not_carried_out_{m.pk}")}


class ProofCheckForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept the proof of use")), ("return", _("Return it for correction"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("What needs correcting"), widget=TEXTAREA, required=False, help_text=_("Required when you return it.")
    )


class ReportForm(forms.Form):
    narrative = forms.CharField(
        label=_("Narrative report of the year"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("What the funded measures achieved in the year, in all modules. No names of participants."),
    )
