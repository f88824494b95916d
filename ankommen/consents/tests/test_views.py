"""Consent screens over HTTP: record on the case page, list, detail, revoke, the document, the
"shared with my organisation" page; reads logged; query counts bounded."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from ankommen.audit.models import AuditEntry
from ankommen.cases.models import Case
from ankommen.consents.models import Consent
from ankommen.consents.tests.conftest import PDF, Shared, share, upload
from ankommen.participants.models import Participant
from ankommen.testing.personas import World


def _form(world: World, **overrides):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    data = {
        "purpose": "cooperation",
        "purpose_note": "Begleitung zur Ausbildung",
        "recipients": [world.organisations["org_b"].pk],
        "data_categories": ["identity", "language", "plan"],
        "language": "prs",
        "form": "written",
        "given_on": today.isoformat(),
        "valid_until": (today + dt.timedelta(days=120)).isoformat(),
        "document": upload(),
    }
    data.update(overrides)
    return data


def test_record_on_the_case_page_and_see_it_listed(world: World, owner, shared: Shared) -> None:
    client = world.client_for("case_manager_a")
    case_page = reverse("cases:detail", args=[shared.case.pk])
    record = reverse("consents:record_for_case", args=[shared.case.pk])
    assert record in client.get(case_page).content.decode()
    form_page = client.get(record).content.decode()
    assert 'enctype="multipart/form-data"' in form_page
    # Recipients: the network's other organisations, never the police or the own organisation.
    offered = {
        org: f'name="recipients" value="{world.organisations[org].pk}"' in form_page for org in world.organisations
    }
    assert offered == {"ki": True, "org_a": False, "org_b": True, "chamber": True, "police": False, "other_ki": False}
    response = client.post(record, _form(world))
    assert response.status_code == 302 and response["Location"] == case_page + "#consents"
    consent = Consent.objects.get()
    assert consent.data_categories == ["identity", "language", "plan"] and consent.document
    page = client.get(case_page).content.decode()
    assert reverse("consents:detail", args=[consent.pk]) in page
    assert reverse("consents:revoke", args=[consent.pk]) in page
    assert world.organisations["org_b"].name in page
    # ... and on the person's record, with the case.
    record_page = client.get(reverse("participants:detail", args=[shared.person.pk])).content.decode()
    assert reverse("consents:detail", args=[consent.pk]) in record_page and shared.case.reference in record_page


def test_the_form_shows_the_services_refusals_on_the_fields(world: World, owner, shared: Shared) -> None:
    client = world.client_for("case_manager_a")
    record = reverse("consents:record_for_case", args=[shared.case.pk])
    data = _form(world, recipients=[world.organisations["chamber"].pk], data_categories=["identity", "notes"])
    response = client.post(record, data)
    assert response.status_code == 200 and "data_categories" in response.context["form"].errors
    data = _form(world, document=upload(b"GIF89a fake", name="scan.pdf"))
    response = client.post(record, data)
    assert response.status_code == 200 and "document" in response.context["form"].errors
    assert not Consent.objects.exists()


def test_the_assistant_reads_consents_but_records_and_revokes_nothing(world: World, owner, shared: Shared) -> None:
    consent = share(world, shared, ["language"])
    client = world.client_for("assistant_a")
    page = client.get(reverse("cases:detail", args=[shared.case.pk])).content.decode()
    assert reverse("consents:detail", args=[consent.pk]) in page
    assert reverse("consents:revoke", args=[consent.pk]) not in page
    assert reverse("consents:record_for_case", args=[shared.case.pk]) not in page
    assert client.get(reverse("consents:detail", args=[consent.pk])).status_code == 200
    assert client.post(reverse("consents:revoke", args=[consent.pk])).status_code == 403
    consent.refresh_from_db()
    assert consent.revoked_at is None


def test_revoke_is_one_click_and_a_confirmation(world: World, owner, shared: Shared) -> None:
    consent = share(world, shared, ["language"])
    client = world.client_for("team_lead_a")
    confirm = client.get(reverse("consents:revoke", args=[consent.pk])).content.decode()
    assert "<form" in confirm and world.organisations["org_b"].name in confirm
    response = client.post(reverse("consents:revoke", args=[consent.pk]), {"note": ""})
    assert response["Location"] == reverse("cases:detail", args=[shared.case.pk]) + "#consents"
    consent.refresh_from_db()
    assert consent.revoked_at is not None and consent.revoked_by == world.memberships["team_lead_a"].user
    again = client.get(reverse("consents:revoke", args=[consent.pk])).content.decode()
    assert '<form method="post" novalidate' not in again
    assert client.post(reverse("consents:revoke", args=[consent.pk])).status_code == 302  # refused with a message
    assert AuditEntry.objects.filter(action="consent.revoked").count() == 1


def test_the_document_is_served_only_through_the_checked_view(world: World, owner, shared: Shared) -> None:
    client = world.client_for("case_manager_a")
    client.post(reverse("consents:record_for_case", args=[shared.case.pk]), _form(world))
    consent = Consent.objects.get()
    response = client.get(reverse("consents:document", args=[consent.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="consent-{consent.pk}.pdf"'
    assert "no-store" in response["Cache-Control"] and response["X-Content-Type-Options"] == "nosniff"
    entry = AuditEntry.objects.filter(action="consent.document_viewed").get()
    assert entry.target_id == str(consent.pk) and entry.subject == f"participant:{shared.person.pk}"
    # Never a public media URL.
    assert client.get(f"/media/{consent.document.name}").status_code == 404
    assert consent.document.name not in client.get(reverse("consents:detail", args=[consent.pk])).content.decode()


def test_a_recipient_gets_the_signed_document_only_when_identity_is_shared(world: World, owner, shared: Shared) -> None:
    client = world.client_for("case_manager_a")
    client.post(reverse("consents:record_for_case", args=[shared.case.pk]), _form(world, data_categories=["language"]))
    consent = Consent.objects.get()
    recipient = world.client_for("case_manager_b")
    detail = recipient.get(reverse("consents:detail", args=[consent.pk])).content.decode()
    assert "Konsentova" not in detail and shared.person.reference in detail
    assert "Begleitung zur Ausbildung" not in detail  # the occasion may name the person
    assert recipient.get(reverse("consents:document", args=[consent.pk])).status_code == 404
    Consent.objects.filter(pk=consent.pk).update(data_categories=["identity", "language"])
    assert recipient.get(reverse("consents:document", args=[consent.pk])).status_code == 200


def test_reads_of_consents_are_logged(world: World, owner, shared: Shared) -> None:
    consent = share(world, shared, ["language"])
    world.client_for("case_manager_b").get(reverse("consents:detail", args=[consent.pk]))
    entry = AuditEntry.objects.filter(action="consent.viewed").latest("seq")
    assert entry.organisation == world.organisations["org_b"] and entry.target_id == str(consent.pk)
    world.client_for("case_manager_b").get(reverse("consents:shared"))
    listed = AuditEntry.objects.filter(action="consent.shared_listed").latest("seq")
    assert listed.data["shown"] == [consent.pk] and listed.data["results"] == 1


def test_shared_list_shows_names_only_where_identity_is_shared(world: World, owner, shared: Shared) -> None:
    share(world, shared, ["language"])
    client = world.client_for("case_manager_b")
    page = client.get(reverse("consents:shared")).content.decode()
    assert shared.person.reference in page and shared.case.reference in page and "Konsentova" not in page
    share(world, shared, ["identity"])
    assert "Konsentova" in client.get(reverse("consents:shared")).content.decode()
    # The owner's own consents are not "shared with" the owner.
    assert (
        shared.case.reference not in world.client_for("case_manager_a").get(reverse("consents:shared")).content.decode()
    )


def _more_shared_cases(world: World, owner, shared: Shared, count: int, start: int) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    for i in range(start, start + count):
        person = Participant.objects.create(
            network=world.network,
            organisation=owner.organisation,
            reference=f"MS-78{i:04d}",
            family_name=f"Listenperson{i}",
            created_by=owner.user,
        )
        case = Case.objects.create(
            network=world.network,
            organisation=owner.organisation,
            participant=person,
            case_type=shared.case.case_type,
            lead=owner.user,
            reference=f"MS-F78{i:04d}",
            phase="implementation",
            opened_on=today,
            phase_started_on=today,
            created_by=owner.user,
        )
        Consent.objects.create(
            network=world.network,
            organisation=owner.organisation,
            participant=person,
            case=case,
            purpose="cooperation",
            data_categories=["identity", "work"],
            language="de",
            given_on=today,
            valid_until=today + dt.timedelta(days=i + 1),
            recorded_by=owner.user,
        ).recipients.set([world.organisations["org_b"]])


def test_shared_list_query_count_is_bounded(world: World, owner, shared: Shared, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    _more_shared_cases(world, owner, shared, 2, 0)
    client = world.client_for("case_manager_b")
    client.get(reverse("consents:shared"))  # warm the session
    with django_assert_max_num_queries(16) as few:
        assert client.get(reverse("consents:shared")).status_code == 200
    _more_shared_cases(world, owner, shared, 10, 10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("consents:shared")).content.decode()
    assert "Listenperson19" in page


def test_shared_case_page_query_count_is_bounded(
    world: World, owner, shared: Shared, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    share(world, shared, ["identity", "plan", "notes", "assessment", "household", "language"])
    client = world.client_for("case_manager_b")
    client.get(reverse("consents:shared"))  # warm the session
    with django_assert_max_num_queries(30):
        assert client.get(reverse("cases:detail", args=[shared.case.pk])).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(reverse("participants:detail", args=[shared.person.pk])).status_code == 200


def test_household_case_form_asks_who_consented(world: World, owner, shared: Shared) -> None:
    case = shared.case
    case.participant, case.household = None, shared.household
    case.save()
    client = world.client_for("case_manager_a")
    page = client.get(reverse("consents:record_for_case", args=[case.pk])).content.decode()
    assert 'name="given_by"' in page and "Kian" in page
    response = client.post(
        reverse("consents:record_for_case", args=[case.pk]),
        _form(world, given_by=shared.person.pk, data_categories=["household"]),
    )
    assert response.status_code == 302
    assert Consent.objects.get().participant == shared.person


def test_a_referral_consent_on_the_record(world: World, owner, shared: Shared) -> None:
    client = world.client_for("case_manager_a")
    url = reverse("consents:record_for_participant", args=[shared.person.pk])
    page = client.get(url).content.decode()
    assert 'value="referral"' in page and 'value="cooperation"' not in page
    data = _form(world, purpose="referral", recipients=[world.organisations["chamber"].pk], data_categories=["work"])
    response = client.post(url, data)
    assert response["Location"] == reverse("participants:detail", args=[shared.person.pk]) + "#consents"
    consent = Consent.objects.get()
    assert consent.case is None and consent.purpose == "referral"
