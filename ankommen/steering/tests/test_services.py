"""Services of agreements, bodies, meetings, action items, events and problem reports: what they do,
what they refuse, and what they write to the audit log."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_scopes import scope

from ankommen.audit.models import AuditEntry
from ankommen.network.models import Membership
from ankommen.steering import services
from ankommen.steering.models import Agreement, EventRegistration, ProblemReport
from ankommen.steering.services import SteeringError
from ankommen.testing.factories import AgreementFactory, BodyFactory, EventFactory, MeetingFactory
from ankommen.testing.personas import World

pytestmark = pytest.mark.usefixtures("english")

PDF = b"%PDF-1.4\n% Absichtserklaerung\n"


def _pdf(name: str = "Unterschrift Bothe.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# --- agreements ------------------------------------------------------------------------------


def test_agreement_with_document_partners_and_signatories(world: World, coordinator: Membership) -> None:
    signed = dt.date(2024, 10, 31)
    agreement = services.create_agreement(
        coordinator,
        {"kind": "declaration", "title": "Absichtserklärung", "signed_on": signed, "renewal_on": dt.date(2026, 10, 31)},
        document=_pdf(),
    )
    assert agreement.document_type == "application/pdf" and agreement.document_size == len(PDF)
    assert "Bothe" not in agreement.document.name and agreement.document.name.endswith(".pdf")
    police, chamber = world.organisations["police"], world.organisations["chamber"]
    services.add_partner(coordinator, agreement, police, role="lead", joined_on=signed)
    later = services.add_partner(coordinator, agreement, chamber, role="partner", joined_on=dt.date(2025, 10, 20))
    assert later.joined_on > signed
    with pytest.raises(SteeringError, match="already a partner"):
        services.add_partner(coordinator, agreement, police, joined_on=signed)
    with pytest.raises(SteeringError, match="before the agreement was signed"):
        services.add_partner(coordinator, agreement, world.organisations["org_a"], joined_on=dt.date(2024, 1, 1))
    services.add_signatory(
        coordinator,
        agreement,
        organisation=police,
        name="Petra Präsidium",
        function="Polizeipräsidentin",
        signed_on=signed,
    )
    with pytest.raises(SteeringError, match="partner of the agreement"):
        services.add_signatory(
            coordinator, agreement, organisation=world.organisations["org_b"], name="X Y", signed_on=signed
        )
    with pytest.raises(SteeringError, match="Remove the signatory first"):
        services.remove_partner(coordinator, agreement, agreement.partners.get(organisation=police))
    services.remove_partner(coordinator, agreement, later)
    assert list(agreement.partners.values_list("organisation", flat=True)) == [police.pk]
    actions = set(AuditEntry.objects.filter(target_id=str(agreement.pk)).values_list("action", flat=True))
    assert {"steering.agreement_created", "steering.partner_added", "steering.signatory_added"} <= actions
    signed_entry = AuditEntry.objects.get(action="steering.signatory_added")
    assert "Präsidium" not in str(signed_entry.data)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Hallo, ich bin kein PDF", "Only PDF, PNG or JPEG"),
        (b"", "empty"),
        (b"MZ\x90\x00 executable", "Only PDF, PNG or JPEG"),
    ],
)
def test_documents_are_checked_by_content(world: World, coordinator: Membership, content: bytes, message: str) -> None:
    with pytest.raises(SteeringError, match=message):
        services.create_agreement(coordinator, {"kind": "declaration", "title": "X"}, document=_pdf(content=content))
    assert not Agreement.objects.exists()


def test_documents_over_ten_megabytes_are_refused(world: World, coordinator: Membership) -> None:
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), content_type="application/pdf")
    with pytest.raises(SteeringError, match="at most"):
        services.create_agreement(coordinator, {"kind": "declaration", "title": "X"}, document=big)


def test_a_new_document_replaces_the_old_and_stale_forms_are_refused(world: World, coordinator: Membership) -> None:
    agreement = services.create_agreement(coordinator, {"kind": "cooperation", "title": "KV"}, document=_pdf())
    old = agreement.document.name
    storage = agreement.document.storage
    png = SimpleUploadedFile("scan.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32, content_type="image/png")
    with pytest.raises(SteeringError, match="Someone else changed"):
        services.update_agreement(coordinator, agreement, {"title": "KV 2"}, version=agreement.version + 1)
    with pytest.raises(SteeringError, match="renewal is due after"):
        services.update_agreement(
            coordinator,
            agreement,
            {"signed_on": dt.date(2025, 1, 1), "renewal_on": dt.date(2024, 1, 1)},
            version=agreement.version,
        )
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        updated = services.update_agreement(
            coordinator, agreement, {"title": "KV 2"}, document=png, version=agreement.version
        )
    assert updated.title == "KV 2" and updated.document_type == "image/png" and updated.version == 2
    assert not storage.exists(old)
    assert AuditEntry.objects.filter(action="steering.agreement_document_stored").count() == 1


def test_only_coordinators_change_agreements(world: World, coordinator: Membership) -> None:
    agreement = AgreementFactory(network=world.network, created_by=coordinator.user)
    for persona in ("case_manager_a", "partner_liaison", "police_liaison", "outsider"):
        with pytest.raises(PermissionDenied):
            services.add_partner(
                world.memberships[persona], agreement, world.organisations["org_a"], joined_on=timezone.localdate()
            )
    with pytest.raises(PermissionDenied):
        services.create_agreement(world.memberships["case_manager_a"], {"kind": "declaration", "title": "X"})


# --- bodies, meetings, action items ----------------------------------------------------------


def test_bodies_and_members(world: World, coordinator: Membership) -> None:
    with pytest.raises(SteeringError, match="work on a topic"):
        services.create_body(coordinator, {"kind": "working", "name": "AG ohne Thema"})
    core = services.create_body(coordinator, {"kind": "core", "name": "Bündniskerngruppe"})
    with pytest.raises(SteeringError, match="already a body"):
        services.create_body(coordinator, {"kind": "steering", "name": "bündniskerngruppe"})
    manager_b = world.memberships["case_manager_b"]
    services.add_member(coordinator, core, user=manager_b.user, organisation=manager_b.organisation, function="chair")
    services.add_member(coordinator, core, organisation=world.organisations["police"])
    services.add_member(coordinator, core, person_name="Bernd Berufskolleg", function="guest")
    with pytest.raises(SteeringError, match="already a member"):
        services.add_member(coordinator, core, user=manager_b.user)
    with pytest.raises(SteeringError, match="already a member"):
        services.add_member(coordinator, core, organisation=world.organisations["police"])
    with pytest.raises(SteeringError, match="holds no role"):
        services.add_member(coordinator, core, user=world.memberships["outsider"].user)
    with pytest.raises(SteeringError, match="holds no role"):  # not for that organisation
        services.add_member(coordinator, core, user=manager_b.user, organisation=world.organisations["org_a"])
    with pytest.raises(SteeringError):
        services.add_member(coordinator, core)
    assert core.members.count() == 3
    updated = services.update_body(coordinator, core, {"is_active": False}, version=core.version)
    assert not updated.is_active and updated.version == 2
    with pytest.raises(SteeringError, match="no longer active"):
        services.schedule_meeting(coordinator, updated, scheduled_at=timezone.now(), place="Raum 1")


def test_meeting_minutes_decisions_and_guards(world: World, coordinator: Membership) -> None:
    body = BodyFactory(network=world.network, created_by=coordinator.user)
    tomorrow = timezone.now() + dt.timedelta(days=1)
    meeting = services.schedule_meeting(coordinator, body, scheduled_at=tomorrow, place="Kreishaus")
    services.add_agenda_item(coordinator, meeting, title="Ergebnisse des Workshops")
    second = services.add_agenda_item(coordinator, meeting, title="Verschiedenes")
    assert second.order == 2
    with pytest.raises(SteeringError, match="later day"):
        services.hold_meeting(coordinator, meeting)
    meeting = services.save_minutes(coordinator, meeting, "Protokoll", version=meeting.version)
    with pytest.raises(SteeringError, match="Someone else changed"):
        services.save_minutes(coordinator, meeting, "Anderes Protokoll", version=meeting.version - 1)
    services.add_decision(coordinator, meeting, "Infoabend planen.")
    with pytest.raises(SteeringError):
        services.add_decision(coordinator, meeting, "  ")
    meeting = services.cancel_meeting(coordinator, meeting, version=meeting.version)
    with pytest.raises(SteeringError, match="cancelled"):
        services.add_decision(coordinator, meeting, "Zu spät.")
    with pytest.raises(PermissionDenied):
        services.save_minutes(world.memberships["case_manager_a"], meeting, "x", version=None)


def test_action_items_are_updated_by_their_owners_and_coordinators(world: World, coordinator: Membership) -> None:
    meeting = MeetingFactory(
        body=BodyFactory(network=world.network, created_by=coordinator.user), created_by=coordinator.user
    )
    due = timezone.localdate() + dt.timedelta(days=7)
    police = world.organisations["police"]
    with pytest.raises(SteeringError, match="who is responsible"):
        services.add_action_item(coordinator, meeting, text="Etwas tun", due_on=due)
    for_police = services.add_action_item(coordinator, meeting, text="Infoabend", due_on=due, owner_organisation=police)
    manager_b = world.memberships["case_manager_b"]
    for_person = services.add_action_item(
        coordinator, meeting, text="Zahlen liefern", due_on=due, owner_user=manager_b.user
    )
    external = services.add_action_item(
        coordinator, meeting, text="Raum buchen", due_on=due, owner_name="Sabine Schulamt"
    )
    assert external.owner_name == "Sabine Schulamt"
    # The police are no member of the group: they do not see the meeting, so not the item either.
    with pytest.raises(PermissionDenied):
        services.update_action_item(world.memberships["police_liaison"], for_police, "done")
    meeting.body.members.create(network=world.network, organisation=police, joined_on=timezone.localdate())
    done = services.update_action_item(world.memberships["police_liaison"], for_police, "done")
    assert done.status == "done" and done.done_at is not None
    services.update_action_item(manager_b, for_person, "in_progress")
    with pytest.raises(PermissionDenied):  # another organisation's case manager
        services.update_action_item(world.memberships["case_manager_a"], for_person, "done")
    services.update_action_item(coordinator, external, "dropped")
    entry = AuditEntry.objects.get(action="steering.action_item_updated", target_id=str(external.pk))
    assert entry.data["to_status"] == "dropped"


# --- events ----------------------------------------------------------------------------------


def test_registration_capacity_and_withdrawal(world: World, coordinator: Membership) -> None:
    event = EventFactory(
        organiser=world.organisations["ki"], capacity=3, registered_count=1, created_by=coordinator.user
    )
    services.register_for_event(world.memberships["case_manager_a"], event)
    services.register_for_event(world.memberships["police_liaison"], event)
    with pytest.raises(SteeringError, match="already registered"):
        services.register_for_event(world.memberships["police_liaison"], event)
    with pytest.raises(SteeringError, match="fully booked"):
        services.register_for_event(world.memberships["case_manager_b"], event)
    services.unregister_from_event(world.memberships["police_liaison"], event)
    registration = services.register_for_event(world.memberships["case_manager_b"], event)
    assert registration.organisation_id == world.organisations["org_b"].pk
    assert EventRegistration.objects.filter(event=event).count() == 2
    with pytest.raises(SteeringError, match="does not exist"):
        services.register_for_event(world.memberships["dpo"], event)


def test_event_figures(world: World, coordinator: Membership) -> None:
    event = EventFactory(organiser=world.organisations["ki"], created_by=coordinator.user)
    with pytest.raises(SteeringError, match="once the event has started"):
        services.record_event_counts(
            coordinator, event, registered_count=30, attendance_count=25, status="planned", version=None
        )
    event = services.record_event_counts(
        coordinator, event, registered_count=30, attendance_count=None, status="planned", version=event.version
    )
    assert event.registered_count == 30
    event.starts_at = timezone.now() - dt.timedelta(hours=2)
    event.save(update_fields=["starts_at"])
    with pytest.raises(SteeringError, match="cancelled event has no attendance"):
        services.record_event_counts(
            coordinator, event, registered_count=30, attendance_count=5, status="cancelled", version=None
        )
    event = services.record_event_counts(
        coordinator, event, registered_count=30, attendance_count=41, status="held", version=event.version
    )
    assert (event.attendance_count, event.status) == (41, "held")
    with pytest.raises(SteeringError, match="Registration is closed"):
        services.register_for_event(world.memberships["case_manager_a"], event)
    with pytest.raises(PermissionDenied):
        services.record_event_counts(
            world.memberships["case_manager_a"],
            event,
            registered_count=1,
            attendance_count=1,
            status="held",
            version=None,
        )


# --- problem reports -------------------------------------------------------------------------

REPORT = {
    "source": "case_management",
    "field": "work_training",
    "age_band": "18_26",
    "status_group": "tolerated",
    "benefit_system": "asylblg",
    "language": "",
    "title": "Beschäftigungserlaubnis dauert zu lange",
    "description": "Ausbildungsplätze verfallen, weil die Erlaubnis nach Ausbildungsbeginn kommt.",
    "case_count": 4,
    "vignette": "Eine junge Frau, 23, Duldung, hatte eine Zusage.",
}


def test_problem_report_is_numbered_and_audited_without_text(world: World, coordinator: Membership) -> None:
    actor = world.memberships["case_manager_a"]
    first = services.file_problem_report(actor, REPORT)
    second = services.file_problem_report(world.memberships["offer_provider"], {**REPORT, "source": "volunteer"})
    assert (first.code, second.code) == ("P-001", "P-002")
    assert first.organisation_id == actor.organisation_id and first.reported_by_id == actor.user_id
    entry = AuditEntry.objects.get(action="steering.problem_reported", target_id=str(first.pk))
    assert entry.data["cases"] == 4 and "Zusage" not in str(entry.data)


@pytest.mark.parametrize(
    ("field", "text", "kind"),
    [
        ("vignette", "Geboren am 17.05.2001, seit 2019 in Münster.", "a date"),
        ("description", "Bitte Rückruf unter 0171 5550199.", "a phone number"),
        ("title", "Fall MS-770001", "a reference or document number"),
        ("vignette", "Kontakt: a.haddad@example.org", "an e-mail address"),
    ],
)
def test_identifiers_are_refused(world: World, field: str, text: str, kind: str) -> None:
    with scope(network=world.network.pk), pytest.raises(SteeringError) as refused:
        services.file_problem_report(world.memberships["case_manager_a"], {**REPORT, field: text}, confirmed=True)
    assert kind in str(refused.value.message_dict[field])
    assert text not in str(refused.value.message_dict)
    with scope(network=world.network.pk):
        assert not ProblemReport.objects.exists()


def test_names_need_a_confirmation(world: World) -> None:
    actor = world.memberships["case_manager_a"]
    values = {**REPORT, "vignette": "Frau Haddad fand keinen Kitaplatz."}
    with scope(network=world.network.pk):
        with pytest.raises(SteeringError) as warned:
            services.file_problem_report(actor, values)
        assert "confirm_anonymous" in warned.value.message_dict
        assert "looks like a name" in str(warned.value.message_dict["confirm_anonymous"])
        report = services.file_problem_report(actor, {**values, "vignette": "Eine Mutter fand keinen Kitaplatz."})
        assert report.pk


def test_report_rules(world: World, coordinator: Membership) -> None:
    manager_a = world.memberships["case_manager_a"]
    workshop = EventFactory(organiser=world.organisations["ki"], created_by=coordinator.user)
    with pytest.raises(SteeringError, match="workshop the report comes from"):
        services.file_problem_report(manager_a, {**REPORT, "source": "workshop"})
    with pytest.raises(SteeringError, match="Please choose where"):
        services.file_problem_report(manager_a, {**REPORT, "source": "case_closure"})
    with pytest.raises(PermissionDenied):
        services.file_problem_report(world.memberships["police_liaison"], REPORT)
    with pytest.raises(PermissionDenied):
        services.file_problem_report(world.memberships["assistant_a"], REPORT)
    report = services.file_problem_report(manager_a, {**REPORT, "source": "workshop", "event": workshop})
    assert report.event_id == workshop.pk
    changed = services.update_problem_report(manager_a, report, {"case_count": 6}, version=report.version)
    assert changed.case_count == 6
    with pytest.raises(PermissionDenied):  # only its writer and the coordinators change a report
        services.update_problem_report(world.memberships["case_manager_b"], report, {"case_count": 1}, version=None)
    services.update_problem_report(coordinator, report, {"field": "education_language"}, version=None)


def test_vignettes_stay_short(world: World) -> None:
    with scope(network=world.network.pk), pytest.raises(SteeringError, match="at most 1500"):
        services.file_problem_report(world.memberships["case_manager_a"], {**REPORT, "vignette": "x" * 1501})


def test_audit_never_holds_uploaded_names(world: World, coordinator: Membership) -> None:
    services.create_agreement(coordinator, {"kind": "declaration", "title": "A"}, document=_pdf("Bothe Dorndorf.pdf"))
    assert "Dorndorf" not in str(list(AuditEntry.objects.values_list("data", flat=True)))


def test_stream_uploads_are_read_from_the_start(world: World, coordinator: Membership) -> None:
    stream = io.BytesIO(PDF)
    stream.read(3)
    stream.name = "x.pdf"  # type: ignore[attr-defined]
    agreement = services.create_agreement(
        coordinator, {"kind": "declaration", "title": "B"}, document=SimpleUploadedFile("x.pdf", stream.getvalue())
    )
    assert agreement.document_sha256
