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


class AttendanceMethod(models.TextChoices):
    LIST = "list", _("attendance list")
    CARD = "card", _("participant card")


class Recurrence(models.TextChoices):
    ONCE = "once", _("once")
    WEEKLY = "weekly", _("every week")
    FORTNIGHTLY = "fortnightly", _("every two weeks")
    WEEKDAYS = "weekdays", _("every working day (Monday to Friday)")
