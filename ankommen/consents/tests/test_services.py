"""Recording and revoking consents: who may, what is checked, what is stored and logged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django_scopes import scope

from ankommen.audit.models import AuditEntry
from ankommen.consents.documents import MAX_DOCUMENT_BYTES
from ankommen.consents.models import Consent
from ankommen.consents.services import ConsentError, record_consent, revoke_consent
from ankommen.consents.tests.conftest import JPEG, PDF, PNG, Shared, upload
from ankommen.network.roles import OrganisationType
from ankommen.testing.factories import OrganisationFactory, ParticipantFactory
from ankommen.testing.personas import World


def _values(**overrides):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    values = {
        "purpose": "cooperation",
        "purpose_note": "Gemeinsame Begleitung in die Ausbildung",
        "language": "prs",
        "form": "electronic",
        "given_on": today,
        "valid_until": today + dt.timedelta(days=180),
    }
    values.update(overrides)
    return values


def _errors(excinfo: pytest.ExceptionInfo[ConsentError]) -> dict[str, list[str]]:
    return {field: [str(m) for m in errors] for field, errors in excinfo.value.message_dict.items()}


def test_record_a_consent_for_a_case_with_document(world: World, owner, shared: Shared, media) -> None:
    org_b = world.organisations["org_b"]
    consent = record_consent(
        owner,
        shared.case,
        _values(form="written"),
        [org_b],
        ["language", "identity", "language"],
        upload(),
    )
    consent.refresh_from_db()
    assert consent.participant == shared.person and consent.case == shared.case
    assert consent.organisation == owner.organisation and consent.recorded_by == owner.user
    assert list(consent.recipients.all()) == [org_b]
    assert consent.data_categories == ["identity", "language"]  # declared order, no repeats
    assert consent.in_force and consent.language == "prs"
    # Stored below MEDIA_ROOT under a random name, never the uploaded file name (it names the person).
    stored = Path(media) / consent.document.name
    assert stored.read_bytes() == PDF
    assert "Konsentova" not in consent.document.name and consent.document.name.endswith(".pdf")
    assert consent.document_type == "application/pdf" and consent.document_size == len(PDF)
    assert len(consent.document_sha256) == 64
    entry = AuditEntry.objects.get(action="consent.recorded")
    assert entry.subject == f"participant:{shared.person.pk}" and entry.target_id == str(consent.pk)
    assert entry.data["recipients"] == [org_b.pk] and entry.data["categories"] == ["identity", "language"]
    assert entry.data["document"] is True and entry.data["case"] == shared.case.pk


@pytest.mark.parametrize(("content", "kind", "extension"), [(PNG, "image/png", ".png"), (JPEG, "image/jpeg", ".jpg")])
def test_images_are_accepted_by_content(world: World, owner, shared: Shared, content, kind, extension) -> None:
    document = upload(content, name="scan.pdf", kind="application/pdf")  # name and claimed type do not count
    consent = record_consent(
        owner, shared.case, _values(form="written"), [world.organisations["org_b"]], ["work"], document
    )
    assert consent.document_type == kind and consent.document.name.endswith(extension)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"<html><script>alert(1)</script></html>", "type"),
        (b"PK\x03\x04 a zip file posing as a PDF", "type"),
        (b"", "empty"),
        (b"%PDF-" + b"0" * MAX_DOCUMENT_BYTES, "too_large"),
    ],
)
def test_documents_are_checked_by_content_and_size(world: World, owner, shared: Shared, media, content, code) -> None:
    with pytest.raises(ConsentError) as excinfo:
        record_consent(
            owner, shared.case, _values(form="written"), [world.organisations["org_b"]], ["work"], upload(content)
        )
    assert [error.code for error in excinfo.value.error_dict["document"]] == [code]
    assert not Consent.objects.exists()
    assert not any(Path(media).rglob("*.*"))  # nothing stored


def test_a_written_consent_needs_its_document(world: World, owner, shared: Shared) -> None:
    with pytest.raises(ConsentError) as excinfo:
        record_consent(owner, shared.case, _values(form="written"), [world.organisations["org_b"]], ["work"])
    assert "document" in _errors(excinfo)


def test_the_police_are_never_recipients(world: World, owner, shared: Shared) -> None:
    with pytest.raises(ConsentError) as excinfo:
        record_consent(owner, shared.case, _values(), [world.organisations["police"]], ["identity"])
    assert "recipients" in _errors(excinfo)
    assert not Consent.objects.exists()


@pytest.mark.parametrize("category", ["residence", "assessment", "notes", "plan", "household"])
def test_a_chamber_receives_only_the_referral_packet(world: World, owner, shared: Shared, category) -> None:
    chamber = world.organisations["chamber"]
    with pytest.raises(ConsentError) as excinfo:
        record_consent(owner, shared.case, _values(purpose="referral"), [chamber], ["identity", category])
    assert "data_categories" in _errors(excinfo)
    packet = ["identity", "contact", "language", "education", "work", "interests"]
    consent = record_consent(owner, shared.case, _values(purpose="referral"), [chamber], packet)
    assert consent.data_categories == packet


def test_recipients_are_other_active_organisations_of_the_network(world: World, owner, shared: Shared) -> None:
    with scope(network=world.other_network.pk):
        foreign = world.organisations["other_ki"]
    retired = OrganisationFactory(network=world.network, name="Ehemaliger Partner", is_active=False)
    for recipients in ([foreign], [owner.organisation], [retired], []):
        with pytest.raises(ConsentError) as excinfo:
            record_consent(owner, shared.case, _values(), recipients, ["identity"])
        assert "recipients" in _errors(excinfo), recipients


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"valid_until": None}, "valid_until"),
        ({"given_on": dt.date(2026, 1, 10), "valid_until": dt.date(2026, 1, 9)}, "valid_until"),
        ({"valid_until": dt.date(2000, 1, 1), "given_on": dt.date(1999, 1, 1)}, "valid_until"),
        ({"given_on": None}, "given_on"),
        ({"purpose": "gossip"}, "purpose"),
        ({"language": "xx"}, "language"),
        ({"form": "oral"}, "form"),
    ],
)
def test_values_are_validated(world: World, owner, shared: Shared, overrides, field) -> None:
    with pytest.raises(ConsentError) as excinfo:
        record_consent(owner, shared.case, _values(**overrides), [world.organisations["org_b"]], ["identity"])
    assert field in _errors(excinfo)


def test_given_on_cannot_lie_in_the_future(world: World, owner, shared: Shared) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ConsentError) as excinfo:
        record_consent(owner, shared.case, _values(given_on=tomorrow), [world.organisations["org_b"]], ["identity"])
    assert "given_on" in _errors(excinfo)


def test_at_least_one_known_category(world: World, owner, shared: Shared) -> None:
    for categories in ([], ["identity", "diagnoses"]):
        with pytest.raises(ConsentError) as excinfo:
            record_consent(owner, shared.case, _values(), [world.organisations["org_b"]], categories)
        assert "data_categories" in _errors(excinfo)


@pytest.mark.parametrize("purpose", ["cooperation", "conference", "transfer"])
def test_purposes_about_a_case_need_the_case(world: World, owner, shared: Shared, purpose) -> None:
    with pytest.raises(ConsentError) as excinfo:
        record_consent(owner, shared.person, _values(purpose=purpose), [world.organisations["org_b"]], ["identity"])
    assert "purpose" in _errors(excinfo)


def test_a_referral_consent_on_the_record_needs_no_case(world: World, owner, shared: Shared) -> None:
    consent = record_consent(
        owner, shared.person, _values(purpose="referral"), [world.organisations["chamber"]], ["identity", "work"]
    )
    assert consent.case is None and consent.participant == shared.person


@pytest.mark.parametrize("persona", ["assistant_a", "case_manager_b", "coordinator", "police_liaison", "dpo"])
def test_only_editors_of_the_owning_organisation_record(world: World, owner, shared: Shared, persona) -> None:
    actor = world.memberships[persona]
    for subject in (shared.case, shared.person):
        with pytest.raises(PermissionDenied):
            record_consent(actor, subject, _values(purpose="referral"), [world.organisations["org_b"]], ["identity"])


def test_a_closed_case_takes_no_new_consent(world: World, owner, shared: Shared) -> None:
    shared.case.phase = "closed"
    shared.case.save()
    with pytest.raises(ConsentError) as excinfo:
        record_consent(owner, shared.case, _values(), [world.organisations["org_b"]], ["identity"])
    assert excinfo.value.code == "closed"


def test_a_household_case_names_the_member_who_consented(world: World, owner, shared: Shared) -> None:
    case = shared.case
    case.participant, case.household = None, shared.household
    case.save()
    with pytest.raises(ConsentError) as excinfo:
        record_consent(owner, case, _values(), [world.organisations["org_b"]], ["household"])
    assert "given_by" in _errors(excinfo)
    stranger = ParticipantFactory(network=world.network, organisation=owner.organisation)
    with pytest.raises(ConsentError) as excinfo:
        record_consent(owner, case, _values(given_by=stranger), [world.organisations["org_b"]], ["household"])
    assert "given_by" in _errors(excinfo)
    consent = record_consent(
        owner, case, _values(given_by=shared.person), [world.organisations["org_b"]], ["household"]
    )
    assert consent.participant == shared.person and consent.case == case


def test_revoke_is_recorded_once_and_logged(world: World, owner, shared: Shared) -> None:
    consent = record_consent(owner, shared.case, _values(), [world.organisations["org_b"]], ["identity"])
    revoked = revoke_consent(owner, consent, "  am Telefon widerrufen  ")
    assert revoked.revoked_at is not None and revoked.revoked_by == owner.user
    assert revoked.revocation_note == "am Telefon widerrufen"
    assert revoked.state == "revoked" and not revoked.in_force
    entry = AuditEntry.objects.get(action="consent.revoked")
    assert entry.target_id == str(consent.pk) and entry.data["recipients"] == [world.organisations["org_b"].pk]
    assert "am Telefon" not in str(entry.data)
    with pytest.raises(ConsentError) as excinfo:
        revoke_consent(owner, consent)
    assert excinfo.value.code == "revoked"


def test_a_closed_case_can_still_have_its_consent_revoked(world: World, owner, shared: Shared) -> None:
    consent = record_consent(owner, shared.case, _values(), [world.organisations["org_b"]], ["identity"])
    shared.case.phase = "closed"
    shared.case.save()
    assert revoke_consent(world.memberships["team_lead_a"], consent).revoked_at is not None


@pytest.mark.parametrize("persona", ["assistant_a", "case_manager_b", "coordinator"])
def test_only_the_owning_organisation_revokes(world: World, owner, shared: Shared, persona) -> None:
    consent = record_consent(owner, shared.case, _values(), [world.organisations["org_b"]], ["identity"])
    with pytest.raises(PermissionDenied):
        revoke_consent(world.memberships[persona], consent)
    consent.refresh_from_db()
    assert consent.revoked_at is None


def test_chamber_and_police_types_are_what_the_checks_rely_on(world: World) -> None:
    assert world.organisations["chamber"].type == OrganisationType.CHAMBER
    assert world.organisations["police"].type == OrganisationType.POLICE
