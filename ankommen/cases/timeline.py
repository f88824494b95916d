"""Texts of the case timeline: a key and parameters are stored, the text is made when shown
(in the reader's language). Parameters are codes, ids, task titles and organisation names, never
personal data."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ankommen.cases.choices import ApprovalKind, ClosureReason, Decision, LifeDomain, Phase
from ankommen.conferences.choices import TIMELINE_TEXTS as CONFERENCE_TIMELINE_TEXTS
from ankommen.offers.choices import TIMELINE_TEXTS as REFERRAL_TIMELINE_TEXTS
from ankommen.offers.choices import ReferralOutcome

TEXTS: dict[str, Promise] = {
    "opened": _("Case opened."),
    "intake_updated": _("Intake details changed."),
    "phase_changed": _("Phase changed from %(from_phase)s to %(to_phase)s."),
    "closed": _("Case closed: %(reason)s."),
    "reopened": _("Case reopened."),
    "reassessment_scheduled": _("Re-assessment scheduled."),
    "assessment_saved": _("Assessment saved: %(domain)s."),
    "goal_added": _("Goal added (%(domain)s)."),
    "goal_changed": _("Goal changed (%(domain)s)."),
    "measure_added": _("Measure added."),
    "measure_changed": _("Measure changed."),
    "note_added": _("Progress note written."),
    "task_added": _("Task added: %(title)s."),
    "task_created_from_template": _("Task created from the case type: %(title)s."),
    "task_done": _("Task done: %(title)s."),
    "appointment_added": _("Appointment added."),
    "approval_requested": _("Approval requested: %(kind)s."),
    "approval_decided": _("Approval request (%(kind)s) %(decision)s."),
    "plan_approval_superseded": _("The plan was changed: the earlier approval no longer counts."),
    "role_added": _("Co-worker added to the case."),
    # Case conferences: texts kept in the conferences app's catalogue.
    **CONFERENCE_TIMELINE_TEXTS,
    "role_added_external": _("Co-worker of another organisation added to the case (under the consent to cooperation)."),
    "role_removed": _("Co-worker taken off the case."),
    "transfer_requested": _("Transfer to %(organisation)s requested."),
    "transfer_accepted": _("Case taken over by %(organisation)s from %(from_organisation)s."),
    "transfer_declined": _("%(organisation)s declined the transfer."),
    "transfer_withdrawn": _("Transfer request to %(organisation)s withdrawn."),
    # Referrals to partners: texts kept in the offers app's catalogue.
    **REFERRAL_TIMELINE_TEXTS,
}

_LABELS = {
    "from_phase": Phase,
    "to_phase": Phase,
    "domain": LifeDomain,
    "reason": ClosureReason,
    "kind": ApprovalKind,
    "decision": Decision,
    "outcome": ReferralOutcome,
}


def render_text(key: str, params: dict[str, Any]) -> str:
    template = TEXTS.get(key)
    if template is None:
        return key
    shown: dict[str, Any] = {}
    for name, value in params.items():
        choices = _LABELS.get(name)
        if choices is not None and value in choices.values:
            shown[name] = str(choices(value).label)
        else:
            shown[name] = value
    try:
        return str(template) % shown
    except (KeyError, TypeError, ValueError):
        return str(template)
