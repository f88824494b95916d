"""Choices of case management (DOMAIN §1.4): phases, life domains, statuses, closure reasons."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    INTAKE = "intake", _("Intake")
    ASSESSMENT = "assessment", _("Assessment")
    PLANNING = "planning", _("Planning")
    IMPLEMENTATION = "implementation", _("Implementation")
    MONITORING = "monitoring", _("Monitoring")
    CLOSED = "closed", _("Closed")


PHASE_ORDER: list[str] = list(Phase.values)


def next_phase(phase: str) -> str | None:
    """The phase after ``phase`` short of closing (closing is its own service), or None."""
    index = PHASE_ORDER.index(phase)
    following = PHASE_ORDER[index + 1] if index + 1 < len(PHASE_ORDER) else None
    return None if following in (None, Phase.CLOSED) else following


class LifeDomain(models.TextChoices):
    RESIDENCE = "residence", _("Residence")
    LANGUAGE = "language", _("Language")
    SCHOOLING = "schooling", _("Schooling")
    TRAINING_WORK = "training_work", _("Training and work")
    INCOME = "income", _("Income and benefits")
    HOUSING = "housing", _("Housing")
    HEALTH = "health", _("Health (as far as support needs it, no diagnoses)")
    FAMILY = "family", _("Family and childcare")
    PARTICIPATION = "participation", _("Social participation")
    MOBILITY = "mobility", _("Mobility")


class GoalStatus(models.TextChoices):
    OPEN = "open", _("open")
    ACHIEVED = "achieved", _("achieved")
    PARTLY = "partly", _("partly achieved")
    NOT_ACHIEVED = "not_achieved", _("not achieved")
    DROPPED = "dropped", _("dropped")


class MeasureStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")
    DROPPED = "dropped", _("dropped")


class ResponsibleParty(models.TextChoices):
    PARTICIPANT = "participant", _("the participant")
    CASE_MANAGER = "case_manager", _("the case manager")
    ORGANISATION = "organisation", _("another organisation")


class AppointmentKind(models.TextChoices):
    COUNSELLING = "counselling", _("Counselling session")
    AUTHORITY = "authority", _("Appointment at an authority")
    REFERRAL = "referral", _("Referral to a service")
    INTERPRETER = "interpreter", _("With interpreter")
    OTHER = "other", _("Other")


class ApprovalKind(models.TextChoices):
    PLAN = "plan", _("Support plan")
    CLOSURE = "closure", _("Closure")


class Decision(models.TextChoices):
    PENDING = "pending", _("pending")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class ClosureReason(models.TextChoices):
    GOALS_REACHED = "goals_reached", _("Goals reached")
    HANDED_OVER = "handed_over", _("Handed over to a regular service")
    MOVED_AWAY = "moved_away", _("Moved away")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    NO_CONTACT = "no_contact", _("No contact any more")
    STATUS_CHANGE = "status_change", _("Change of status or departure")


class GoalAttainment(models.TextChoices):
    FULLY = "fully", _("Goals fully attained")
    MOSTLY = "mostly", _("Goals mostly attained")
    PARTLY = "partly", _("Goals partly attained")
    NOT = "not", _("Goals not attained")


class CaseRoleKind(models.TextChoices):
    CO_WORKER = "co_worker", _("Co-worker")
    DEPUTY = "deputy", _("Deputy case manager")


class AgeBand(models.TextChoices):
    """Coarse age bands for the anonymous system-barrier register."""

    UNDER_18 = "under_18", _("under 18")
    YOUNG_ADULT = "18_26", _("18 to 26")
    ADULT = "27_44", _("27 to 44")
    OLDER = "45_64", _("45 to 64")
    SENIOR = "65_plus", _("65 and older")
    UNKNOWN = "unknown", _("not known")


def age_band(age: int | None) -> str:
    if age is None:
        return AgeBand.UNKNOWN
    for limit, band in ((18, AgeBand.UNDER_18), (27, AgeBand.YOUNG_ADULT), (45, AgeBand.ADULT), (65, AgeBand.OLDER)):
        if age < limit:
            return band
    return AgeBand.SENIOR


class StatusGroup(models.TextChoices):
    """Status groups as in ``participants.choices.STATUS_GROUPS`` (no legal basis, no dates)."""

    ASYLUM_PROCEDURE = "asylum_procedure", _("asylum procedure")
    TOLERATED = "tolerated", _("tolerated (Duldung)")
    PENDING = "pending", _("application pending (Fiktion)")
    RESIDENCE_PERMIT = "residence_permit", _("residence permit")
    PERMANENT = "permanent", _("permanent residence")
    EU = "eu", _("EU freedom of movement")
    CITIZEN = "citizen", _("German citizen")
    NONE = "none", _("no status / not known")


class TimelineKind(models.TextChoices):
    PHASE = "phase", _("Phase")
    INTAKE = "intake", _("Intake")
    ASSESSMENT = "assessment", _("Assessment")
    PLAN = "plan", _("Goals and measures")
    NOTE = "note", _("Progress notes")
    TASK = "task", _("Tasks")
    APPOINTMENT = "appointment", _("Appointments")
    APPROVAL = "approval", _("Approvals")
    ROLE = "role", _("Case roles")
    TRANSFER = "transfer", _("Transfers")


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("waiting for the answer")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    WITHDRAWN = "withdrawn", _("withdrawn")
