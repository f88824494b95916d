"""Choice lists of the offer catalogue (issue [O], DOMAIN §3.2, §5)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    LANGUAGE = "language", _("Language support")
    DAILY_STRUCTURE = "daily_structure", _("Daily structure")
    VOCATIONAL_ORIENTATION = "vocational_orientation", _("Vocational orientation")
    WORKSHOP = "workshop", _("Hands-on workshop")
    QUALIFICATION = "qualification", _("Qualification")
    PLACEMENT = "placement", _("Placement into training or work")
    SPORT = "sport", _("Sport")
    CULTURE = "culture", _("Culture")
    COUNSELLING = "counselling", _("Counselling")
    LEGAL_INFORMATION = "legal_information", _("Legal information")
    HEALTH = "health", _("Health")
    HOUSING = "housing", _("Housing")
    MEETING_POINT = "meeting_point", _("Meeting point")


class FieldOfAction(models.TextChoices):
    EDUCATION_LANGUAGE = "education_language", _("Education and language")
    WORK_TRAINING = "work_training", _("Work and training")
    SOCIAL_PARTICIPATION = "social_participation", _("Social participation")
    HOUSING = "housing", _("Housing")


class OfferStatus(models.TextChoices):
    DRAFT = "draft", _("draft (only your organisation sees it)")
    PUBLISHED = "published", _("published")
    ENDED = "ended", _("ended (no new enrolments)")


class EntitlementPath(models.TextChoices):
    """How a person reaches a German course (DOMAIN §3.2): the routes an administrative stop can close."""

    ENTITLEMENT = "entitlement", _("Entitlement (Anspruch, § 44 Abs. 1 AufenthG)")
    OBLIGATION = "obligation", _("Obligation (Verpflichtung, § 44a AufenthG)")
    ADMISSION = "admission", _("Admission by the BAMF (Zulassung, § 44 Abs. 4 AufenthG)")
    SELF_PAYER = "self_payer", _("Self-payer (Selbstzahler)")


class Gender(models.TextChoices):
    ALL = "all", _("open to everyone")
    WOMEN = "women", _("women only")
    MEN = "men", _("men only")


class AttendanceMode(models.TextChoices):
    NAMED = "named", _("by name (attendance list or participant card)")
    COUNTS = "counts", _("counts only (no names, e.g. open information sessions)")


class EnrolmentUnit(models.TextChoices):
    COURSE = "course", _("the whole offer (one seat for all sessions, e.g. a course)")
    SESSION = "session", _("each session on its own (e.g. single dates of a workshop)")


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("has a seat")
    WAITING = "waiting", _("on the waiting list")
    CANCELLED = "cancelled", _("cancelled")


ACTIVE_STATUSES = (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITING)


class CancellationReason(models.TextChoices):
    PARTICIPANT = "participant", _("the participant withdrew")
    CASE_MANAGER = "case_manager", _("decided by the case manager")
    PROVIDER = "provider", _("decided by the offer provider")
    MOVED = "moved", _("moved away or transferred")
    OTHER = "other", _("other reason")
    MERGED = "merged", _("two records of the same person were merged")
    ALLOCATED = "allocated", _("given a seat in another offer by the seat allocation")


class AttendanceMethod(models.TextChoices):
    LIST = "list", _("attendance list")
    CARD = "card", _("participant card")


class Recurrence(models.TextChoices):
    ONCE = "once", _("once")
    WEEKLY = "weekly", _("every week")
    FORTNIGHTLY = "fortnightly", _("every two weeks")
    WEEKDAYS = "weekdays", _("every working day (Monday to Friday)")


# --- referrals to partners (issue [O], DOMAIN §4.5) ------------------------------------------------


class ReferralPurpose(models.TextChoices):
    PERSPECTIVE_COUNSELLING = "perspective_counselling", _("Perspective counselling on training")
    TRAINING = "training", _("Placement into training")
    WORK = "work", _("Placement into work")
    INTERNSHIP = "internship", _("Internship")
    ENTRY_QUALIFICATION = "entry_qualification", _("Einstiegsqualifizierung (entry qualification)")
    RECOGNITION = "recognition", _("Recognition of a foreign qualification")
    OTHER = "other", _("Other support")


class ReferralStatus(models.TextChoices):
    REQUESTED = "requested", _("sent, waiting for the answer")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    COMPLETED = "completed", _("completed")
    WITHDRAWN = "withdrawn", _("withdrawn")


OPEN_REFERRAL_STATUSES = (ReferralStatus.REQUESTED, ReferralStatus.ACCEPTED)
# What the recipient sees (while the consent is in force): a withdrawn referral is gone for it.
RECIPIENT_STATUSES = (
    ReferralStatus.REQUESTED,
    ReferralStatus.ACCEPTED,
    ReferralStatus.DECLINED,
    ReferralStatus.COMPLETED,
)


class ReferralOutcome(models.TextChoices):
    TRAINING_CONTRACT = "training_contract", _("training contract")
    JOB = "job", _("job")
    INTERNSHIP = "internship", _("internship")
    ENTRY_QUALIFICATION = "entry_qualification", _("Einstiegsqualifizierung")
    NONE = "none", _("no outcome")


class Availability(models.TextChoices):
    NOT_STATED = "", _("not stated")
    FULL_TIME = "full_time", _("full time")
    PART_TIME = "part_time", _("part time")
    MORNINGS = "mornings", _("mornings only")
    AFTERNOONS = "afternoons", _("afternoons only")


# Timeline texts of the case (cases.timeline.TEXTS takes them in; parameters: organisation names
# and outcome codes, never personal data).
TIMELINE_TEXTS = {
    "referral_sent": _("Referral to %(organisation)s sent (referral packet under the consent)."),
    "referral_accepted": _("%(organisation)s accepted the referral."),
    "referral_declined": _("%(organisation)s declined the referral."),
    "referral_completed": _("Referral to %(organisation)s completed: %(outcome)s."),
    "referral_withdrawn": _("Referral to %(organisation)s withdrawn."),
}


# --- seat allocation runs (issue [O], ADR 0013) ----------------------------------------------------


class AllocationStatus(models.TextChoices):
    RUNNING = "running", _("being computed")
    READY = "ready", _("preview ready")
    FAILED = "failed", _("failed")
    APPLIED = "applied", _("applied")
    DISCARDED = "discarded", _("discarded")


# Navigation labels (core.navigation takes them in; kept in this app's catalogue).
NAV_REFERRALS = _("Referrals")
NAV_ALLOCATION = _("Seat allocation")
