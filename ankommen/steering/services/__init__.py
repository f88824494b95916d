"""State changes of the steering app (issue [G]). Each function takes the acting membership first
(except the system-barrier import, which runs inside a case closure), checks the object rule, runs in
one transaction, writes the audit entry (ids, codes and changed field names; no free text) and
refuses with a translated ``SteeringError``. Changes of versioned rows lock the row and check its
``version`` when the form carried one, so a stale form is refused instead of overwriting."""

from ankommen.steering.services.agreements import (
    add_partner,
    add_signatory,
    create_agreement,
    remove_partner,
    remove_signatory,
    update_agreement,
)
from ankommen.steering.services.bodies import (
    add_action_item,
    add_agenda_item,
    add_decision,
    add_member,
    cancel_meeting,
    create_body,
    hold_meeting,
    remove_member,
    save_minutes,
    schedule_meeting,
    update_action_item,
    update_body,
    update_meeting,
)
from ankommen.steering.services.common import SteeringError
from ankommen.steering.services.events import (
    create_event,
    record_event_counts,
    register_for_event,
    unregister_from_event,
    update_event,
)
from ankommen.steering.services.gaps import (
    change_gap_status,
    check_offer,
    create_gap,
    remove_offer_check,
    set_gap_reports,
    set_priority,
    status_blockers,
    update_gap,
)
from ankommen.steering.services.reports import (
    file_problem_report,
    report_from_system_barrier,
    report_new_barriers,
    update_problem_report,
)

__all__ = [
    "SteeringError",
    "add_action_item",
    "add_agenda_item",
    "add_decision",
    "add_member",
    "add_partner",
    "add_signatory",
    "cancel_meeting",
    "change_gap_status",
    "check_offer",
    "create_agreement",
    "create_body",
    "create_event",
    "create_gap",
    "file_problem_report",
    "hold_meeting",
    "record_event_counts",
    "register_for_event",
    "remove_member",
    "remove_offer_check",
    "remove_partner",
    "remove_signatory",
    "report_from_system_barrier",
    "report_new_barriers",
    "save_minutes",
    "schedule_meeting",
    "set_gap_reports",
    "set_priority",
    "status_blockers",
    "unregister_from_event",
    "update_action_item",
    "update_agreement",
    "update_body",
    "update_event",
    "update_gap",
    "update_meeting",
    "update_problem_report",
]
