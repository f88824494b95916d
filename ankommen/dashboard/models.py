"""Recorded needs, the summary tables of the dashboard, goal progress and planned offers.

``Need``: one person's need for offers of one field, recorded from a case assessment or from
expressed interest (a place on a waiting list, or the explicit "interested in" action), with the
grouping attributes snapshotted when it was recorded. At most one *open* need per person and field:
a second source of the same need does not count again ("counted per person"). ``met_on`` is the day
of the person's first seat (not a waiting place) in an offer of that field on or after the day the
need was recorded. ``prev_month`` is the month of the same person's previous need in the field
(``FIRST`` for the first one): it makes "persons" additive over months (see ``summary.py``).

``NeedCube`` and ``OfferMonth``/``OfferWaiting`` are the summary tables the dashboard is served from,
kept current in the transaction of every change (``summary.py``, ADR 0017). They hold counts only.

``GoalAchievement`` remembers the day a plan goal was first marked achieved or partly achieved (the
goal itself keeps no date), for the "measure careers" rule. ``Scenario``/``PlannedOffer`` are a
coordinator's planned offers for scenario planning: never real offers, nobody can enrol in them.

Every table carries ``network`` (tenant key, django-scopes). Changes only through ``needs.py``,
``summary.py`` and ``services.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from ankommen.cases.choices import AgeBand, GoalStatus, StatusGroup
from ankommen.dashboard.choices import FIRST, NeedSource, WithdrawnReason
from ankommen.offers.choices import Category, FieldOfAction


def _scoped() -> ScopedManager:
    return ScopedManager(network="network")


class Need(models.Model):
    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey("participants.Participant", on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    assessment = models.ForeignKey(
        "cases.AssessmentEntry", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The waiting-list entry the interest came from.
    enrolment = models.ForeignKey(
        "offers.Enrolment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    field = models.CharField(_("field"), max_length=30, choices=FieldOfAction.choices)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices, blank=True)
    source = models.CharField(_("source"), max_length=12, choices=NeedSource.choices)
    recorded_on = models.DateField(_("recorded on"))
    recorded_month = models.DateField()
    prev_month = models.DateField(default=FIRST)
    met_on = models.DateField(_("met on"), null=True, blank=True)
    met_by = models.ForeignKey("offers.Enrolment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    met_within_30 = models.BooleanField(default=False)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=20, choices=WithdrawnReason.choices, blank=True)
    is_open = models.BooleanField(default=True)
    # Grouping attributes, as they were when the need was recorded.
    district = models.CharField(_("district"), max_length=100, blank=True)
    age_band = models.CharField(_("age group"), max_length=10, choices=AgeBand.choices)
    status_group = models.CharField(_("residence status group"), max_length=20, choices=StatusGroup.choices)
    language = models.CharField(_("language of instruction"), max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("recorded need")
        verbose_name_plural = _("recorded needs")
        ordering = ["recorded_on", "pk"]
        indexes = [
            models.Index(fields=["network", "participant", "field"], name="need_person_field"),
            models.Index(
                fields=[
                    "network",
                    "recorded_month",
                    "field",
                    "district",
                    "age_band",
                    "status_group",
                    "language",
                    "prev_month",
                ],
                name="need_cell",
            ),
            models.Index(fields=["enrolment"], name="need_enrolment"),
            models.Index(fields=["assessment"], name="need_assessment"),
            models.Index(fields=["case", "withdrawn_reason"], name="need_case"),
        ]

    def __str__(self) -> str:
        return f"need {self.pk}"

    @property
    def audit_subject(self) -> str:
        return f"participant:{self.participant_id}"


class NeedCube(models.Model):
    """Needs per month × field × district × age band × status group × language × ``prev_month``,
    and the roll-ups of every subset of the four grouping dimensions (``grain``: the dimensions kept;
    the others hold ``ALL``). Counts only."""

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    grain = models.PositiveSmallIntegerField()
    month = models.DateField()
    field = models.CharField(max_length=30)
    district = models.CharField(max_length=100)
    age_band = models.CharField(max_length=10)
    status_group = models.CharField(max_length=20)
    language = models.CharField(max_length=10)
    prev_month = models.DateField()
    needs = models.PositiveIntegerField(default=0)
    met_30 = models.PositiveIntegerField(default=0)
    open = models.PositiveIntegerField(default=0)

    objects = _scoped()

    class Meta:
        verbose_name = _("needs summary row")
        verbose_name_plural = _("needs summary")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "network",
                    "grain",
                    "month",
                    "field",
                    "district",
                    "age_band",
                    "status_group",
                    "language",
                    "prev_month",
                ],
                name="need_cube_unique_key",
            )
        ]
        indexes = [
            models.Index(fields=["network", "grain", "month"], name="need_cube_grain_month"),
            models.Index(fields=["network", "grain", "district", "month"], name="need_cube_district"),
            models.Index(fields=["network", "grain", "age_band", "status_group", "month"], name="need_cube_band"),
            models.Index(fields=["network", "grain", "language", "month"], name="need_cube_language"),
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.field}"


class OfferMonth(models.Model):
    """Seats of one running offer in one month, and the seats given from its waiting list then.

    ``seats``: seats in the month (a course: its seats in every month it has a session; single
    dates: the seats of each session). ``new_seats``: seats that become available in the month (a
    course counts once, in the month of its first session; single dates as ``seats``): what is
    compared with the needs of a period. The masks say whom the offer is open to (a bit per age
    band, status group, language of instruction)."""

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    offer = models.ForeignKey("offers.Offer", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    field = models.CharField(max_length=30)
    category = models.CharField(max_length=30)
    district = models.CharField(max_length=100, blank=True)
    age_mask = models.PositiveIntegerField()
    status_mask = models.PositiveIntegerField()
    language_mask = models.PositiveIntegerField()
    sessions = models.PositiveIntegerField(default=0)
    seats = models.PositiveIntegerField(default=0)
    new_seats = models.PositiveIntegerField(default=0)
    seated_from_waiting = models.PositiveIntegerField(default=0)
    wait_days = models.PositiveIntegerField(default=0)

    objects = _scoped()

    class Meta:
        verbose_name = _("seats of an offer per month")
        verbose_name_plural = _("seats of offers per month")
        constraints = [models.UniqueConstraint(fields=["offer", "month"], name="offer_month_unique")]
        indexes = [models.Index(fields=["network", "month"], name="offer_month_month")]

    def __str__(self) -> str:
        return f"{self.offer_id} {self.month}"


class OfferWaiting(models.Model):
    """The waiting list of one offer now: how many wait, and since when (sum of the days' ordinals)."""

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    offer = models.OneToOneField("offers.Offer", on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=30)
    category = models.CharField(max_length=30)
    district = models.CharField(max_length=100, blank=True)
    age_mask = models.PositiveIntegerField()
    status_mask = models.PositiveIntegerField()
    language_mask = models.PositiveIntegerField()
    waiting = models.PositiveIntegerField(default=0)
    waiting_since_sum = models.BigIntegerField(default=0)

    objects = _scoped()

    class Meta:
        verbose_name = _("waiting list of an offer")
        verbose_name_plural = _("waiting lists of offers")

    def __str__(self) -> str:
        return f"{self.offer_id}: {self.waiting}"


class SummaryState(models.Model):
    """One row per network: locked while the summary tables change (changes of one network are
    applied one after the other), and when they were last rebuilt from scratch."""

    network = models.OneToOneField("network.Network", on_delete=models.CASCADE, related_name="+")
    rebuilt_at = models.DateTimeField(null=True, blank=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("state of the dashboard's summary")
        verbose_name_plural = _("states of the dashboard's summary")

    def __str__(self) -> str:
        return str(self.network_id)


class GoalAchievement(models.Model):
    """The day a plan goal was first marked achieved (or partly achieved)."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    goal = models.ForeignKey("cases.Goal", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=15, choices=GoalStatus.choices)
    achieved_on = models.DateField()

    objects = _scoped()

    class Meta:
        verbose_name = _("goal achievement")
        verbose_name_plural = _("goal achievements")
        constraints = [models.UniqueConstraint(fields=["goal", "status"], name="goal_achievement_once")]

    def __str__(self) -> str:
        return f"{self.goal_id} {self.status}"


class Scenario(models.Model):
    """A set of planned offers whose effect on the unmet needs a coordinator wants to see."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    cross_district = models.BooleanField(
        _("people also take seats in other districts"),
        default=False,
        help_text=_("Without this, a need is placed only into seats in the district where the person lives."),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class PlannedOffer(models.Model):
    """An offer that does not exist yet: its seats, where, in which language, for whom."""

    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, related_name="+")
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="planned_offers")
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    field = models.CharField(_("field"), max_length=30, choices=FieldOfAction.choices)
    district = models.CharField(_("district"), max_length=100, blank=True)
    seats = models.PositiveIntegerField(_("seats"))
    language = models.CharField(
        _("language of instruction"),
        max_length=10,
        blank=True,
        help_text=_("Empty: open to every language (e.g. a German course)."),
    )
    age_min = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    status_groups = models.JSONField(_("residence status groups admitted"), default=list, blank=True)

    objects = _scoped()

    class Meta:
        verbose_name = _("planned offer")
        verbose_name_plural = _("planned offers")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(seats__gte=1), name="planned_offer_seats_positive"),
            models.CheckConstraint(
                condition=models.Q(age_min__isnull=True)
                | models.Q(age_max__isnull=True)
                | models.Q(age_min__lte=models.F("age_max")),
                name="planned_offer_age_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title
