"""Choices of the steering app: agreements, bodies, meetings, events, problem reports and gaps
(DOMAIN §1.3, §7)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ankommen.offers.choices import FieldOfAction


class AgreementKind(models.TextChoices):
    DECLARATION_OF_INTENT = "declaration", _("Declaration of intent (Absichtserklärung)")
    COOPERATION_AGREEMENT = "cooperation", _("Cooperation agreement (Kooperationsvereinbarung)")


class PartnerRole(models.TextChoices):
    """The role in which an organisation joined an agreement."""

    COORDINATION = "coordination", _("Coordination (geschäftsführende Stelle)")
    LEAD_PARTNER = "lead", _("Lead partner")
    PARTNER = "partner", _("Partner")
    ASSOCIATED = "associated", _("Associated partner")
    FUNDER = "funder", _("Funding body")


class BodyKind(models.TextChoices):
    STEERING_GROUP = "steering", _("Steering group (Lenkungsgruppe)")
    CORE_GROUP = "core", _("Core group (Bündniskerngruppe)")
    WORKING_GROUP = "working", _("Working group")
    PROJECT_GROUP = "project", _("Project group")


class Topic(models.TextChoices):
    """The topic of a working or project group (the Münster project groups of 2018 and the GK fields)."""

    SCHOOL = "school", _("School")
    TRANSITION = "transition", _("School-to-work transition")
    EMPLOYMENT = "employment", _("Employment")
    LANGUAGE = "language", _("Language")
    ACCESS = "access", _("Access to the target group")
    HOUSING = "housing", _("Housing")
    PARTICIPATION = "participation", _("Social participation")
    OTHER = "other", _("Other topic")


class MemberFunction(models.TextChoices):
    CHAIR = "chair", _("Chair")
    DEPUTY = "deputy", _("Deputy chair")
    MEMBER = "member", _("Member")
    GUEST = "guest", _("Permanent guest")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    HELD = "held", _("held")
    CANCELLED = "cancelled", _("cancelled")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("open")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    DROPPED = "dropped", _("dropped")


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class EventKind(models.TextChoices):
    KICK_OFF = "kick_off", _("Kick-off event")
    STARTER_WORKSHOP = "starter", _("STARTER workshop")
    WORKSHOP = "workshop", _("Workshop")
    INFORMATION_DAY = "information", _("Information day")


class EventStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    HELD = "held", _("held")
    CANCELLED = "cancelled", _("cancelled")


class ReportSource(models.TextChoices):
    """Where a problem report comes from (DOMAIN §7.2 step 1)."""

    WORKSHOP = "workshop", _("Workshop")
    CASE_MANAGEMENT = "case_management", _("Case management")
    VOLUNTEER = "volunteer", _("Volunteer")
    PROFESSIONAL = "professional", _("Other professional (e.g. JMD, Berufskolleg)")
    CASE_CLOSURE = "case_closure", _("Case closure (system barrier)")


# Sources a person can choose when filing a report; case closures arrive on their own.
FILED_SOURCES = [(value, label) for value, label in ReportSource.choices if value != ReportSource.CASE_CLOSURE]


# The four fields of "Gemeinsam klappt's" (DOMAIN §7.2) are the offer catalogue's fields (``Field`` is
# ``offers.FieldOfAction``), so gaps, reports and offers are clustered alike.
Field = FieldOfAction

# A case's life domain (``cases.LifeDomain``) → the field of the problem report made from its barrier.
FIELD_OF_LIFE_DOMAIN: dict[str, str] = {
    "language": Field.EDUCATION_LANGUAGE,
    "schooling": Field.EDUCATION_LANGUAGE,
    "training_work": Field.WORK_TRAINING,
    "income": Field.WORK_TRAINING,
    "housing": Field.HOUSING,
    "residence": Field.SOCIAL_PARTICIPATION,
    "health": Field.SOCIAL_PARTICIPATION,
    "family": Field.SOCIAL_PARTICIPATION,
    "participation": Field.SOCIAL_PARTICIPATION,
    "mobility": Field.SOCIAL_PARTICIPATION,
}


class BenefitSystem(models.TextChoices):
    """The benefit system (Rechtskreis) of the affected group (DOMAIN §3.2)."""

    ASYLBLG = "asylblg", _("AsylbLG")
    SGB_II = "sgb2", _("SGB II (Jobcenter)")
    SGB_XII = "sgb12", _("SGB XII (social assistance)")
    SGB_VIII = "sgb8", _("SGB VIII (youth welfare)")
    OWN_INCOME = "own_income", _("No benefits (own income)")
    MIXED = "mixed", _("Several / changing")
    UNKNOWN = "unknown", _("not known")


class GapType(models.TextChoices):
    """How a gap is classified (DOMAIN §7.2 step 4)."""

    NO_OFFER = "no_offer", _("No offer")
    STATUS_EXCLUDES = "status_excludes", _("Offer exists, but the status excludes")
    CAPACITY = "capacity", _("Capacity")
    INFORMATION = "information", _("Information")
    ACCESS = "access", _("Access (distance, time, childcare, cost)")
    QUALITY = "quality", _("Quality or risk of measure careers")
    TRANSITION = "transition", _("Transition between legal systems")


class AccessBarrier(models.TextChoices):
    DISTANCE = "distance", _("distance")
    TIME = "time", pgettext_lazy("access barrier", "time")
    CHILDCARE = "childcare", _("childcare")
    COST = "cost", _("cost")
    LANGUAGE = "language", _("language of instruction")


class GapStatus(models.TextChoices):
    OPEN = "open", _("open")
    ANALYSED = "analysed", _("analysed")
    MEASURE_AGREED = "measure_agreed", _("measure agreed")
    IN_IMPLEMENTATION = "in_implementation", _("in implementation")
    CLOSED = "closed", pgettext_lazy("gap status", "closed")


# The workflow: forward one step, back one step (a closed gap can be reopened into implementation).
GAP_TRANSITIONS: dict[str, tuple[str, ...]] = {
    GapStatus.OPEN: (GapStatus.ANALYSED,),
    GapStatus.ANALYSED: (GapStatus.MEASURE_AGREED, GapStatus.OPEN),
    GapStatus.MEASURE_AGREED: (GapStatus.IN_IMPLEMENTATION, GapStatus.ANALYSED),
    GapStatus.IN_IMPLEMENTATION: (GapStatus.CLOSED, GapStatus.MEASURE_AGREED),
    GapStatus.CLOSED: (GapStatus.IN_IMPLEMENTATION,),
}
GAP_ORDER = [value for value, _label in GapStatus.choices]


class FundingSource(models.TextChoices):
    """Where the money for a measure comes from (DOMAIN §1.2, §6, §7.1)."""

    NOT_YET = "", _("not decided yet")
    MUNICIPAL = "municipal", _("Municipal budget")
    KIM = "kim", _("KIM (Kommunales Integrationsmanagement)")
    KOMM_AN = "komm_an", _("KOMM-AN NRW")
    DURCHSTARTEN = "durchstarten", _("Durchstarten in Ausbildung und Arbeit")
    EMPLOYMENT_AGENCY = "employment_agency", _("Employment agency / Jobcenter (SGB II/III)")
    FEDERAL_ESF = "federal_esf", _("Federal or ESF programme")
    PARTNER = "partner", _("Partners' own resources")
    NO_COST = "no_cost", _("No extra cost")
    OTHER = "other", _("Other")


# Labels used outside this app (main navigation, start page); kept here so that they live in this
# app's translation catalogue.
NAV_STEERING = _("Network steering")
NAV_GAPS = _("Gap register")
NAV_STEERING_ITEMS = _("Our network tasks")
