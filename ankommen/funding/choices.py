"""Choices of the funding programme (KOMM-AN NRW Programmteil II, DOMAIN §6)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ModuleCode(models.TextChoices):
    """The four modules (Bausteine) of the programme's volunteer part."""

    A = "A", _("A – Arrival meeting points (rooms, equipment, running costs)")
    B = "B", _("B – Getting together, orientation and accompaniment")
    C = "C", _("C – Information and recruiting volunteers")
    D = "D", _("D – Training and supporting volunteers")


class Unit(models.TextChoices):
    """What one flat rate (Pauschale) is paid for. The unit also says which records of the
    measure prove the quantity (``calc.EVIDENCE_SOURCE``)."""

    ROOM = "room", _("per room (one-off)")
    MONTH = "month", _("per month of operation")
    MEASURE = "measure", _("per measure")
    MEASURE_MONTH = "measure_month", _("per measure and month")
    SESSION = "session", _("per meeting held")
    ACCOMPANIMENT = "accompaniment", _("per volunteer accompaniment")
    PRODUCT = "product", _("per print or internet product")
    TRANSLATED_PAGE = "translated_page", _("per translated page")
    TRAINER_HOUR = "trainer_hour", _("per trainer hour")


class Frequency(models.TextChoices):
    ONCE = "once", _("once")
    WEEKLY = "weekly", _("weekly")
    FORTNIGHTLY = "fortnightly", _("every two weeks")
    MONTHLY = "monthly", _("monthly")
    IRREGULAR = "irregular", _("irregular, as needed")


class State(models.TextChoices):
    """The life of an application, from the draft to the settled proof of use."""

    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted, completeness check")
    INFO_REQUESTED = "info_requested", _("more information requested")
    IN_REVIEW = "in_review", _("complete, in review")
    SECOND_APPROVAL = "second_approval", _("waiting for the second approval")
    APPROVED = "approved", _("approved, contract sent")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")
    RUNNING = "running", _("contract signed, measures under way")
    PROOF_SUBMITTED = "proof_submitted", _("proof of use submitted")
    PROOF_ACCEPTED = "proof_accepted", _("proof of use accepted, settlement open")
    CLOSED = "closed", pgettext_lazy("funding application", "closed")


# The applicant may change measures and attachments in these states.
APPLICANT_EDITABLE = frozenset({State.DRAFT, State.INFO_REQUESTED})
# Money is committed to the budget in these states (a pending second approval reserves it).
COMMITTED = frozenset(
    {State.SECOND_APPROVAL, State.APPROVED, State.RUNNING, State.PROOF_SUBMITTED, State.PROOF_ACCEPTED, State.CLOSED}
)
# Approved for good: payments may be recorded (once the contract is signed: RUNNING and later).
PAYABLE = frozenset({State.RUNNING, State.PROOF_SUBMITTED, State.PROOF_ACCEPTED})
# Requested and still in play: the "planned" column of the budget overview.
PLANNED = frozenset({State.SUBMITTED, State.INFO_REQUESTED, State.IN_REVIEW}) | COMMITTED
# The reviewer's inbox: something to do for the integration centre.
REVIEW_TODO = frozenset(
    {
        State.SUBMITTED,
        State.IN_REVIEW,
        State.SECOND_APPROVAL,
        State.APPROVED,
        State.PROOF_SUBMITTED,
        State.PROOF_ACCEPTED,
    }
)
# Measures are carried out and documented in these states.
EXECUTION = frozenset({State.RUNNING})
FINAL = frozenset({State.REJECTED, State.WITHDRAWN, State.CLOSED})


class Verification(models.TextChoices):
    """Organisation verification of first-time applicants (statutes, representative)."""

    NEW = "new", _("not yet submitted")
    SUBMITTED = "submitted", _("submitted, being checked")
    VERIFIED = "verified", _("verified")
    REJECTED = "rejected", _("not verified")


class LegalForm(models.TextChoices):
    REGISTERED_CLUB = "ev", _("registered club (e.V.)")
    INITIATIVE = "initiative", _("initiative without legal form")
    NON_PROFIT_COMPANY = "ggmbh", _("non-profit company (gGmbH)")
    RELIGIOUS = "religious", _("church or mosque community")
    MUNICIPALITY = "municipality", _("municipality")
    OTHER = "other", _("other legal form")


class AttachmentKind(models.TextChoices):
    STATUTES = "statutes", _("Statutes")
    REPRESENTATION = "representation", _("Proof of representation (e.g. register extract)")
    ANNEX = "annex", _("Annex to the application (e.g. occupancy plan, cost plan)")
    EVIDENCE = "evidence", _("Evidence that the measure took place")
    MATERIAL = "material", _("Copy of produced material")
    SIGNATURE_LIST = "signature_list", _("Signature list")


# Which kinds belong to the organisation's verification and which to an application.
PROFILE_KINDS = frozenset({AttachmentKind.STATUTES, AttachmentKind.REPRESENTATION})
APPLICATION_KINDS = frozenset({AttachmentKind.ANNEX})
EXECUTION_KINDS = frozenset({AttachmentKind.EVIDENCE, AttachmentKind.MATERIAL, AttachmentKind.SIGNATURE_LIST})


class MaterialKind(models.TextChoices):
    PRINT = "print", _("print product (flyer, brochure, newspaper)")
    WEB = "web", _("internet product (website, video, social media)")
    TRANSLATION = "translation", _("translation")
    OTHER = "other", _("other material")


class LineDecision(models.TextChoices):
    PENDING = "pending", _("not yet decided")
    APPROVED = "approved", pgettext_lazy("funding decision", "approved")
    REDUCED = "reduced", _("partly approved")
    REJECTED = "rejected", _("not approved")


class PaymentKind(models.TextChoices):
    PAYMENT = "payment", _("payment to the organisation")
    REPAYMENT = "repayment", _("repayment by the organisation")


class DocumentKind(models.TextChoices):
    CONTRACT = "contract", _("Forwarding contract (Weiterleitungsvertrag)")


# Labels of the main navigation entries (ankommen/core/navigation.py), translated in this app's catalogue.
NAV_FUNDING = _("Funding")
NAV_FUNDING_INBOX = _("Funding applications")
NAV_FUNDING_PROGRAMME = _("Funding programme")
