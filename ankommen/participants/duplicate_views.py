"""Views of the duplicate review queue, merges and batch scans. Thin: one access call, one
service call, render or redirect; refused changes (``ParticipantError``) become messages.

Every page that shows records writes one audit entry listing the records shown
(``duplicates.log_shown``); the merge page logs a read of each of its two records.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ankommen.audit.services import log_read
from ankommen.network.access import requires
from ankommen.network.models import Membership
from ankommen.participants import duplicates
from ankommen.participants.access import get_participant_for
from ankommen.participants.merge import get_merge_for, merge_participants, plan_merge, undo_merge, visible_merges
from ankommen.participants.models import DuplicateStatus, Participant
from ankommen.participants.services import ParticipantError

PAGE_SIZE = 20


def _actor(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _error_messages(request: HttpRequest, exc: ParticipantError) -> None:
    for message in exc.messages:
        messages.error(request, message)


class SurvivorForm(forms.Form):
    """Which of the two records remains; the other one is merged into it."""

    survivor = forms.TypedChoiceField(
        label=gettext_lazy("Record that remains"),
        coerce=int,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("The other record is merged into it: its data moves over and it is then hidden."),
    )

    def __init__(self, *args: Any, pair: tuple[Participant, Participant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pair = pair
        field = self.fields["survivor"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(p.pk, f"{p.reference} – {p.full_name}") for p in pair]

    def survivor_and_absorbed(self) -> tuple[Participant, Participant]:
        first, second = self.pair
        return (first, second) if self.cleaned_data["survivor"] == first.pk else (second, first)


# --- review queue ------------------------------------------------------------------------------


@requires("participants.view")
def queue(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    page = Paginator(duplicates.queue_candidates(actor), PAGE_SIZE).get_page(request.GET.get("page"))
    candidates = list(page.object_list)
    shown = [p for c in candidates for p in (c.left, c.right)]
    summaries = duplicates.summarise(shown)
    duplicates.log_shown(actor, "participant.duplicates_viewed", shown)
    rows = [
        {
            "candidate": c,
            "sides": [summaries[c.left_id], summaries[c.right_id]],
            "reasons": duplicates.reasons_for_display(c.reasons),
        }
        for c in candidates
    ]
    context = {
        "rows": rows,
        "page": page,
        "may_decide": actor.has_perm("participants.merge"),
        "may_scan": actor.has_perm("participants.scan_duplicates"),
        "last_scans": duplicates.recent_scans(actor, duplicates.SCAN_ORGANISATION, limit=1),
    }
    return render(request, "participants/duplicates/queue.html", context)


@requires("participants.merge")
@require_POST
def confirm(request: HttpRequest, candidate_id: int) -> HttpResponse:
    actor = _actor(request)
    candidate = duplicates.get_candidate_for(actor, candidate_id, write=True)
    try:
        duplicates.confirm_candidate(actor, candidate)
    except ParticipantError as exc:
        _error_messages(request, exc)
    else:
        messages.success(
            request,
            _("%(left)s and %(right)s are marked as the same person. You can merge them now or later.")
            % {"left": candidate.left.reference, "right": candidate.right.reference},
        )
    return redirect("participants:duplicates")


@requires("participants.merge")
@require_POST
def reject(request: HttpRequest, candidate_id: int) -> HttpResponse:
    actor = _actor(request)
    candidate = duplicates.get_candidate_for(actor, candidate_id, write=True)
    try:
        duplicates.reject_candidate(actor, candidate)
    except ParticipantError as exc:
        _error_messages(request, exc)
    else:
        messages.success(
            request,
            _("%(left)s and %(right)s are marked as different people. The pair will not be suggested again.")
            % {"left": candidate.left.reference, "right": candidate.right.reference},
        )
    return redirect("participants:duplicates")


@requires("participants.merge")
def merge(request: HttpRequest, candidate_id: int) -> HttpResponse:
    """GET: choose the remaining record and see what will move. POST: merge."""
    actor = _actor(request)
    candidate = duplicates.get_candidate_for(actor, candidate_id, write=True)
    if candidate.status not in (DuplicateStatus.OPEN, DuplicateStatus.CONFIRMED):
        messages.error(request, _("This pair has already been decided."))
        return redirect("participants:duplicates")
    left = get_participant_for(actor, candidate.left_id, write=True)
    right = get_participant_for(actor, candidate.right_id, write=True)
    if request.method == "POST":
        form = SurvivorForm(request.POST, pair=(left, right))
        if form.is_valid():
            survivor, absorbed = form.survivor_and_absorbed()
            try:
                merge_participants(actor, survivor, absorbed)
            except ParticipantError as exc:
                _error_messages(request, exc)
                return redirect("participants:duplicates")
            messages.success(
                request,
                _("%(absorbed)s has been merged into %(survivor)s. You can undo this in the merge history.")
                % {"absorbed": absorbed.reference, "survivor": survivor.reference},
            )
            return redirect("participants:merges")
    else:
        chosen = request.GET if "survivor" in request.GET else {"survivor": str(left.pk)}
        form = SurvivorForm(chosen, pair=(left, right))
    survivor, absorbed = form.survivor_and_absorbed() if form.is_valid() else (left, right)
    summaries = duplicates.summarise([left, right])
    for participant in (left, right):
        log_read(actor, participant, action="participant.merge_previewed")
    context = {
        "candidate": candidate,
        "form": form,
        "plan": plan_merge(survivor, absorbed),
        "sides": [summaries[left.pk], summaries[right.pk]],
        "reasons": duplicates.reasons_for_display(candidate.reasons),
    }
    return render(request, "participants/duplicates/merge.html", context)


# --- merge history -----------------------------------------------------------------------------


@requires("participants.view")
def merges(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    history = visible_merges(actor).select_related("survivor", "absorbed", "performed_by", "undone_by")
    page = Paginator(history.order_by("-performed_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    shown = [p for m in page.object_list for p in (m.survivor, m.absorbed)]
    duplicates.log_shown(actor, "participant.merges_viewed", shown)
    context = {"page": page, "may_undo": actor.has_perm("participants.merge")}
    return render(request, "participants/duplicates/merges.html", context)


@requires("participants.merge")
@require_POST
def undo(request: HttpRequest, merge_id: int) -> HttpResponse:
    actor = _actor(request)
    merge = get_merge_for(actor, merge_id, write=True)
    try:
        undo_merge(actor, merge)
    except ParticipantError as exc:
        _error_messages(request, exc)
    else:
        messages.success(
            request,
            _("The merge has been undone: %(absorbed)s and %(survivor)s are separate records again.")
            % {"absorbed": merge.absorbed.reference, "survivor": merge.survivor.reference},
        )
    return redirect("participants:merges")


# --- scans -------------------------------------------------------------------------------------


@requires("participants.scan_duplicates")
@require_POST
def scan(request: HttpRequest) -> HttpResponse:
    job = duplicates.start_organisation_scan(_actor(request))
    return redirect("jobs:detail", job_id=job.pk)


@requires("participants.scan_network")
def network_scan(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    scans = duplicates.recent_scans(actor, duplicates.SCAN_NETWORK)
    return render(request, "participants/duplicates/network.html", {"scans": scans})


@requires("participants.scan_network")
@require_POST
def start_network_scan(request: HttpRequest) -> HttpResponse:
    job = duplicates.start_network_scan(_actor(request))
    return redirect("jobs:detail", job_id=job.pk)
