"""What a recipient organisation sees under a consent, and that it stops seeing it at once.

The case manager of organisation B is the recipient; organisation A owns the case. Content of
every data category carries a marker (conftest.MARKERS), so each test says which markers the
recipient must and must not find.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from ankommen.audit.models import AuditEntry
from ankommen.cases.access import visible_cases
from ankommen.cases.rules import check_case_rule
from ankommen.consents.models import Consent
from ankommen.consents.services import record_consent
from ankommen.consents.tests.conftest import NEVER, PDF, Shared, covered, share, uncovered, upload
from ankommen.participants.access import visible_participants
from ankommen.testing.personas import STAFF_PERSONAS, World

EVERYTHING = [
    "identity", "contact", "language", "education", "work", "interests",
    "residence", "household", "assessment", "plan", "notes",
]  # fmt: skip


def _pages(shared: Shared) -> tuple[str, str]:
    return (
        reverse("cases:detail", args=[shared.case.pk]),
        reverse("participants:detail", args=[shared.person.pk]),
    )


def _record_with_document(world: World, owner, shared: Shared) -> Consent:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    return record_consent(
        owner,
        shared.case,
        {
            "purpose": "cooperation",
            "language": "de",
            "form": "written",
            "given_on": today,
            "valid_until": today + dt.timedelta(days=30),
        },
        [world.organisations["org_b"]],
        ["identity", "language"],
        upload(),
    )


# --- revocation, expiry, closure -----------------------------------------------------------------


def test_revocation_cuts_access_with_the_next_request(world: World, owner, shared: Shared) -> None:
    consent = _record_with_document(world, owner, shared)
    recipient = world.client_for("case_manager_b")
    case_page, person_page = _pages(shared)
    detail = reverse("consents:detail", args=[consent.pk])
    document = reverse("consents:document", args=[consent.pk])
    shared_list = reverse("consents:shared")
    assert recipient.get(case_page).status_code == 200
    assert recipient.get(person_page).status_code == 200
    assert recipient.get(detail).status_code == 200
    response = recipient.get(document)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert shared.case.reference in recipient.get(shared_list).content.decode()

    # The participant withdraws; the owner records it: one click on the case page, then confirm.
    owner_client = world.client_for("case_manager_a")
    assert owner_client.get(reverse("consents:revoke", args=[consent.pk])).status_code == 200
    response = owner_client.post(reverse("consents:revoke", args=[consent.pk]), {"note": "persönlich"})
    assert response.status_code == 302

    for url in (case_page, person_page, detail, document):
        assert recipient.get(url).status_code == 404, url
    listing = recipient.get(shared_list).content.decode()
    assert shared.case.reference not in listing and "Konsentova" not in listing
    # The owner still sees the consent, marked revoked, as proof.
    assert owner_client.get(detail).status_code == 200


def test_an_expired_consent_shares_nothing(world: World, owner, shared: Shared) -> None:
    consent = share(world, shared, EVERYTHING)
    recipient = world.client_for("case_manager_b")
    assert all(recipient.get(url).status_code == 200 for url in _pages(shared))
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Consent.objects.filter(pk=consent.pk).update(valid_until=yesterday, given_on=yesterday - dt.timedelta(days=9))
    for url in (*_pages(shared), reverse("consents:detail", args=[consent.pk])):
        assert recipient.get(url).status_code == 404, url
    assert shared.case.reference not in recipient.get(reverse("consents:shared")).content.decode()


def test_a_consent_valid_until_today_still_shares(world: World, owner, shared: Shared) -> None:
    share(world, shared, ["language"], valid_until=timezone.localdate())
    assert world.client_for("case_manager_b").get(_pages(shared)[0]).status_code == 200


def test_a_consent_not_yet_given_shares_nothing(world: World, owner, shared: Shared) -> None:
    share(world, shared, EVERYTHING, given_on=timezone.localdate() + dt.timedelta(days=3))
    recipient = world.client_for("case_manager_b")
    assert all(recipient.get(url).status_code == 404 for url in _pages(shared))


def test_closing_the_case_ends_the_sharing(world: World, owner, shared: Shared) -> None:
    consent = share(world, shared, EVERYTHING)
    shared.case.phase = "closed"
    shared.case.save()
    recipient = world.client_for("case_manager_b")
    for url in (*_pages(shared), reverse("consents:detail", args=[consent.pk])):
        assert recipient.get(url).status_code == 404, url
    consent.refresh_from_db()
    assert consent.state == "case_closed"


def test_only_named_organisations_and_only_for_cooperation(world: World, owner, shared: Shared) -> None:
    share(world, shared, EVERYTHING, purpose="conference")
    share(world, shared, EVERYTHING, recipients=[world.organisations["chamber"]])
    recipient = world.client_for("case_manager_b")
    assert all(recipient.get(url).status_code == 404 for url in _pages(shared))


def test_lists_and_rules_agree_for_shared_expired_revoked_and_closed(world: World, owner, shared: Shared) -> None:
    consent = share(world, shared, ["language"])

    def agree() -> bool:
        results = []
        for persona in STAFF_PERSONAS:
            membership = world.memberships[persona]
            with scope(network=membership.network_id):
                listed = visible_cases(membership).filter(pk=shared.case.pk).exists()
                assert listed == check_case_rule("cases.view_case", membership, shared.case), persona
                results.append(listed)
        return results[STAFF_PERSONAS.index("case_manager_b")]

    assert agree() is True
    Consent.objects.filter(pk=consent.pk).update(revoked_at=timezone.now())
    assert agree() is False
    Consent.objects.filter(pk=consent.pk).update(revoked_at=None)
    shared.case.phase = "closed"
    shared.case.save()
    assert agree() is False


# --- gating by category --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "categories",
    [
        ["language"],
        ["identity", "plan"],
        ["plan", "notes"],
        ["identity", "contact", "language", "education", "work", "interests"],
        ["residence", "household"],
        ["assessment"],
        EVERYTHING,
    ],
)
def test_the_case_and_record_show_exactly_the_categories(world: World, owner, shared: Shared, categories) -> None:
    share(world, shared, categories)
    recipient = world.client_for("case_manager_b")
    case_page, person_page = _pages(shared)
    bodies = []
    for url in (case_page, person_page):
        response = recipient.get(url)
        assert response.status_code == 200
        bodies.append(response.content.decode())
    both = "\n".join(bodies)
    leaked = [marker for marker in uncovered(categories) if marker in both]
    assert not leaked, f"{categories}: recipient sees {leaked}"
    missing = [marker for marker in covered(categories) if marker not in both]
    assert not missing, f"{categories}: recipient misses {missing}"
    # The banner says under which consent and until when; no edit links at all.
    assert "shared-banner" in bodies[0] and "shared-banner" in bodies[1]
    assert (timezone.localdate() + dt.timedelta(days=365)).strftime("%d.%m.%Y") in bodies[0]
    for url_name in ("cases:intake", "cases:add_goal", "cases:close", "consents:record_for_case", "cases:timeline"):
        assert reverse(url_name, args=[shared.case.pk]) not in bodies[0], url_name
    assert reverse("participants:edit", args=[shared.person.pk]) not in bodies[1]
    assert "/edit/" not in both and "/add/" not in both and "/remove/" not in both


def test_several_consents_add_up(world: World, owner, shared: Shared) -> None:
    share(world, shared, ["language"])
    share(world, shared, ["assessment"], valid_until=timezone.localdate() + dt.timedelta(days=10))
    recipient = world.client_for("case_manager_b")
    body = "\n".join(recipient.get(url).content.decode() for url in _pages(shared))
    assert all(marker in body for marker in covered(["language", "assessment"]))
    assert not any(marker in body for marker in uncovered(["language", "assessment"]))
    # The banner names the later end: access lasts as long as the last consent.
    assert (timezone.localdate() + dt.timedelta(days=365)).strftime("%d.%m.%Y") in body


def test_reads_by_recipients_are_logged_with_what_they_saw(world: World, owner, shared: Shared) -> None:
    share(world, shared, ["language", "plan"])
    recipient = world.client_for("case_manager_b")
    case_page, person_page = _pages(shared)
    recipient.get(case_page)
    recipient.get(person_page)
    org_b = world.organisations["org_b"]
    case_read = AuditEntry.objects.filter(action="case.viewed", organisation=org_b).latest("seq")
    assert case_read.target_id == str(shared.case.pk) and case_read.subject == f"participant:{shared.person.pk}"
    assert case_read.data == {"page": "detail", "shared": ["language", "plan"]}
    person_read = AuditEntry.objects.filter(action="participant.viewed", organisation=org_b).latest("seq")
    assert person_read.target_id == str(shared.person.pk) and person_read.data["shared"] == ["language", "plan"]


def test_recipients_reach_shared_records_only_through_the_gated_page(world: World, owner, shared: Shared) -> None:
    share(world, shared, EVERYTHING)
    org_b = world.memberships["case_manager_b"]
    with scope(network=world.network.pk):
        assert visible_participants(org_b).filter(pk=shared.person.pk).exists()
    recipient = world.client_for("case_manager_b")
    # Own lists only: shared records are listed under consents:shared, with what they share.
    found = recipient.get(reverse("participants:list") + "?q=Konsentova").content.decode()
    assert "Leyla" not in found and shared.person.reference not in found
    assert shared.case.reference not in recipient.get(reverse("cases:list")).content.decode()
    assert recipient.get(reverse("api:participant", args=[shared.person.pk])).status_code == 404


def test_the_owner_sees_every_marker(world: World, owner, shared: Shared) -> None:
    """Control for the tests above: the markers are really on the owner's pages."""
    client = world.client_for("case_manager_a")
    body = "\n".join(client.get(url).content.decode() for url in _pages(shared))
    missing = [marker for marker in covered(EVERYTHING) + NEVER if marker not in body]
    assert not missing
