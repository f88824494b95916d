"""Choices of case conferences (Fallkonferenzen, DOMAIN §4.2)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Mode(models.TextChoices):
    """Anonymised (a pseudonym) by default; named only while Schweigepflichtentbindungen in force
    name every participating organisation."""

    ANONYMISED = "anonymised", _("anonymised")
    NAMED = "named", _("named")


class Status(models.TextChoices):
    PLANNED = "planned", _("planned")
    HELD = "held", _("held")
    CANCELLED = "cancelled", _("cancelled")


class Setting(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    VIDEO = "video", _("video conference")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")


# Labels used outside this app (main navigation, the case timeline); kept here so that they live
# in this app's translation catalogue.
NAV_CONFERENCES = _("Case conferences")
NAV_ACTION_ITEMS = _("Our action items")
TIMELINE_TEXTS = {
    "conference_scheduled": _("Case conference scheduled."),
    "conference_held": _("Case conference held."),
    "conference_action_done": _("Action item of a case conference done (%(organisation)s)."),
}
