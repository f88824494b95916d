"""Referrals to partners: the packet holds exactly what the consent allows (never residence, health
or notes), the partner liaison – not the offer provider, not the police – sees it while the
consent is in force, a revocation or expiry cuts the access at once and erases the packet, the
answers and outcomes flow back into the case, everything is audited, lists are bounded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from ankommen.audit.models import AuditEntry
from ankommen.cases.models import ProgressNote, TimelineEntry
from ankommen.consents.services import revoke_consent
from ankommen.offers import referrals
from ankommen.offers.choices import ReferralStatus
from ankommen.offers.models import Referral
from ankommen.offers.referrals import ReferralError, build_packet, erase_lapsed_packets, send_referral
from ankommen.participants.models import (
    ContactChannel,
    EducationRecord,
    LanguageSkill,
    ResidenceStatus,
    WorkRecord,
)
from ankommen.testing.factories import ConsentFactory
from ankommen.testing.personas import World

FAMILY = "Referralprobe"
DOCUMENT = "X1234567"


@pytest.fixture
def person(world: World, actor, make_person):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    person = make_person(
        given_name="Samir",
        family_name=FAMILY,
        date_of_birth=dt.date(2001, 4, 9),
        interests="Holz, Fahrräder",
        strengths="zuverlässig",
        vulnerabilities=["psychosocial_support"],
    )
    ResidenceStatus.objects.create(
        network=world.network,
        participant=person,
        status="duldung",
        legal_basis="AufenthG § 60a Abs. 2 S. 3",
        valid_from=today - dt.timedelta(days=400),
        employment="permission",
        document_number=DOCUMENT,
    )
    LanguageSkill.objects.create(network=world.network, participant=person, language="de", speaking="B1")
    ContactChannel.objects.create(network=world.network, participant=person, kind="phone", value="0171 5550123")
    ContactChannel.objects.create(network=world.network, participant=person, kind="messenger", value="@samir")
    EducationRecord.objects.create(
        network=world.network, participant=person, kind="school", years=9, certificate="Abitur"
    )
    WorkRecord.objects.create(
        network=world.network, participant=person, occupation="Tischler", employer="Werkstatt Aleppo"
    )
    return person


@pytest.fixture
def case(world: World, person, make_case):  # type: ignore[no-untyped-def]
    return make_case(person, goals=("training_work",))


def consent_for(world: World, case, categories, recipients=("chamber",), **values):  # type: ignore[no-untyped-def]
    return ConsentFactory(
        case=case,
        purpose="referral",
        data_categories=list(categories),
        recipients=[world.organisations[key] for key in recipients],
        recorded_by=case.lead,
        **values,
    )


def send(world: World, actor, case, categories, **values):  # type: ignore[no-untyped-def]
    return send_referral(
        actor,
        case,
        {
            "recipient": values.pop("recipient", world.organisations["chamber"]),
            "purpose": values.pop("purpose", "perspective_counselling"),
            "categories": list(categories),
            **values,
        },
    )


# --- the packet --------------------------------------------------------------------------------


def test_the_packet_holds_exactly_the_consented_categories(world: World, actor, case) -> None:  # type: ignore[no-untyped-def]
    consent_for(world, case, ["identity", "language", "work", "residence", "notes"])
    referral = send(
        world, actor, case, ["identity", "language", "work"], availability="part_time", note="intern: Rückfall"
    )
    assert referral.packet_categories == ["identity", "language", "work"]
    assert set(referral.packet) == {"identity", "language", "work"}
    assert referral.packet["identity"]["family_name"] == FAMILY
    assert referral.packet["work"]["permission"] == "permission"  # from the status's conditions, not its type
    assert referral.packet["work"]["availability"] == "part_time"
    text = str(referral.packet)
    for never in ("duldung", "60a", DOCUMENT, "psychosocial", "Rückfall", "0171"):
        assert never not in text
    entry = AuditEntry.objects.get(action="referral.sent")
    assert entry.data["categories"] == ["identity", "language", "work"] and FAMILY not in str(entry.data)
    assert TimelineEntry.objects.filter(case=case, text_key="referral_sent").exists()


def test_residence_health_and_notes_are_never_sent_even_if_asked(world: World, actor, case) -> None:  # type: ignore[no-untyped-def]
    consent_for(world, case, ["identity", "residence", "assessment", "notes"], recipients=("org_b",))
    everything = ["identity", "contact", "language", "education", "work", "interests"]
    assert "residence" not in str(build_packet(case.participant, [*everything, "residence", "notes"]))
    consent_for(world, case, ["identity"], recipients=("chamber",))
    with pytest.raises(ReferralError) as asked:
        send(world, actor, case, ["identity", "residence"])
    assert "categories" in asked.value.error_dict
    with pytest.raises(ReferralError) as beyond:
        send(world, actor, case, ["identity", "contact"])  # the consent does not allow contact
    assert "categories" in beyond.value.error_dict
    assert not Referral.objects.exists()


def test_recipients_consents_and_duplicates_are_checked(world: World, actor, case) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ReferralError) as none:
        send(world, actor, case, ["identity"])
    assert "recipient" in none.value.error_dict  # no consent in force
    consent_for(world, case, ["identity"])
    with pytest.raises(ReferralError) as police:
        send(world, actor, case, ["identity"], recipient=world.organisations["police"])
    assert "recipient" in police.value.error_dict
    with pytest.raises(ReferralError):
        send(world, actor, case, ["identity"], recipient=world.organisations["org_b"])  # no chamber or agency
    consent_for(world, case, ["identity"], given_on=timezone.localdate() - dt.timedelta(days=400),
                valid_until=timezone.localdate() - dt.timedelta(days=1))  # fmt: skip
    send(world, actor, case, ["identity"])
    with pytest.raises(ReferralError) as twice:
        send(world, actor, case, ["identity"])
    assert twice.value.code == "duplicate"
    with pytest.raises(PermissionDenied):
        send(world, world.memberships["case_manager_b"], case, ["identity"])
    with pytest.raises(PermissionDenied):
        send(world, world.memberships["assistant_a"], case, ["identity"])


# --- who sees it -------------------------------------------------------------------------------


def test_only_the_partner_liaison_of_the_recipient_sees_the_packet(world: World, actor, case) -> None:  # type: ignore[no-untyped-def]
    consent_for(world, case, ["identity", "interests"])
    referral = send(world, actor, case, ["identity", "interests"])
    url = reverse("offers:referral", args=[referral.pk])
    partner = world.client_for("partner_liaison")
    page = partner.get(url).content.decode()
    assert FAMILY in page and "Holz, Fahrräder" in page
    assert "psychosocial" not in page and DOCUMENT not in page and case.reference not in page
    assert case.participant.reference not in page
    inbox = partner.get(reverse("offers:referral_inbox")).content.decode()
    assert FAMILY in inbox
    for persona in ("offer_provider", "police_liaison", "case_manager_b", "coordinator", "dpo", "outsider"):
        assert world.client_for(persona).get(url).status_code == 404, persona
    assert AuditEntry.objects.filter(action="referral.viewed", subject=f"participant:{case.participant_id}").exists()
    assert AuditEntry.objects.filter(action="referral.listed").exists()
    # the referring organisation sees what it sent
    own = world.client_for("assistant_a").get(url).content.decode()
    assert FAMILY in own and "Holz, Fahrräder" in own


def test_revocation_cuts_the_access_at_once_and_erases_the_packet(world: World, actor, case) -> None:  # type: ignore[no-untyped-def]
    consent = consent_for(world, case, ["identity", "language"])
    referral = send(world, actor, case, ["identity", "language"])
    url = reverse("offers:referral", args=[referral.pk])
    partner = world.client_for("partner_liaison")
    assert partner.get(url).status_code == 200
    revoke_consent(actor, consent)
    assert partner.get(url).status_code == 404
    assert FAMILY not in partner.get(reverse("offers:referral_inbox")).content.decode()
    assert partner.post(reverse("offers:accept_referral", args=[referral.pk])).status_code == 404
    referral.refresh_from_db()
    assert referral.packet == {} and referral.packet_erased_at is not None
    assert AuditEntry.objects.filter(action="referral.packet_erased", target_id=str(referral.pk)).exists()
    assert world.client_for("case_manager_a").get(url).status_code == 200  # the sender keeps the referral
    with pytest.raises(PermissionDenied):
        referrals.accept_referral(world.memberships["partner_liaison"], referral)


def test_expiry_cuts_the_access_and_the_nightly_run_erases(world: World, actor, case) -> None:  # type: ignore[no-untyped-def]
    consent = consent_for(world, case, ["identity"])
    referral = send(world, actor, case, ["identity"])
    url = reverse("offers:referral", args=[referral.pk])
    assert world.client_for("partner_liaison").get(url).status_code == 200
    type(consent).objects.filter(pk=consent.pk).update(
        given_on=timezone.localdate() - dt.timedelta(days=30), valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    assert world.client_for("partner_liaison").get(url).status_code == 404
    assert erase_lapsed_packets(world.network.pk) == 1
    assert erase_lapsed_packets(world.network.pk) == 0  # idempotent
    referral.refresh_from_db()
    assert referral.packet == {}


def test_closing_the_case_ends_a_consent_given_for_it(world: World, actor, case) -> None:  # type: ignore[no-untyped-def]
    consent_for(world, case, ["identity"])
    referral = send(world, actor, case, ["identity"])
    type(case).objects.filter(pk=case.pk).update(phase="closed")
    assert world.client_for("partner_liaison").get(reverse("offers:referral", args=[referral.pk])).status_code == 404


# --- answers and outcomes ----------------------------------------------------------------------


def test_accept_and_complete_bring_the_outcome_into_the_case(world: World, actor, case) -> None:  # type: ignore[no-untyped-def]
    consent_for(world, case, ["identity", "education"])
    goal = case.goals.get()
    referral = send(world, actor, case, ["identity", "education"], goal=goal)
    partner = world.client_for("partner_liaison")
    response = partner.post(reverse("offers:accept_referral", args=[referral.pk]), {"version": referral.version})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert partner.get(reverse("offers:complete_referral", args=[referral.pk])).status_code == 200
    start = timezone.localdate() + dt.timedelta(days=60)
    response = partner.post(
        reverse("offers:complete_referral", args=[referral.pk]),
        {
            "version": referral.version,
            "outcome": "training_contract",
            "outcome_on": start.isoformat(),
            "note": "Tischlerei Berg",
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED and referral.outcome == "training_contract"
    assert referral.packet  # kept while the consent is in force
    keys = list(TimelineEntry.objects.filter(case=case).order_by("at", "pk").values_list("text_key", flat=True))
    assert keys[-3:] == ["referral_sent", "referral_accepted", "referral_completed"]
    completed = TimelineEntry.objects.get(case=case, text_key="referral_completed")
    assert completed.params == {"organisation": "Handwerkskammer", "outcome": "training_contract"}
    assert "Handwerkskammer" in completed.text
    note = ProgressNote.objects.get(goal=goal)
    assert "Handwerkskammer" in note.text and "Tischlerei Berg" in note.text and f"{start:%d.%m.%Y}" in note.text
    assert {"referral.accepted", "referral.completed"} <= set(AuditEntry.objects.values_list("action", flat=True))
    # the case page shows the outcome
    page = world.client_for("case_manager_a").get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("offers:referral", args=[referral.pk]) in page


def test_decline_with_a_reason_erases_the_packet(world: World, actor, case) -> None:  # type: ignore[no-untyped-def]
    consent_for(world, case, ["identity"])
    referral = send(world, actor, case, ["identity"])
    partner = world.client_for("partner_liaison")
    empty = partner.post(reverse("offers:decline_referral", args=[referral.pk]), {"reason": ""})
    assert empty.status_code == 200
    response = partner.post(reverse("offers:decline_referral", args=[referral.pk]), {"reason": "Keine Plätze frei"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED and referral.packet == {}
    assert referral.decline_reason == "Keine Plätze frei"
    assert TimelineEntry.objects.filter(case=case, text_key="referral_declined").exists()
    sender_view = (
        world.client_for("case_manager_a").get(reverse("offers:referral", args=[referral.pk])).content.decode()
    )
    assert "Keine Plätze frei" in sender_view
    with pytest.raises(ReferralError):
        referrals.complete_referral(world.memberships["partner_liaison"], referral, outcome="job")


def test_the_sender_withdraws_and_stale_answers_are_refused(world: World, actor, case) -> None:  # type: ignore[no-untyped-def]
    consent_for(world, case, ["identity"])
    referral = send(world, actor, case, ["identity"])
    liaison = world.memberships["partner_liaison"]
    with pytest.raises(ReferralError) as stale:
        referrals.accept_referral(liaison, referral, version=referral.version + 1)
    assert stale.value.code == "stale"
    with pytest.raises(PermissionDenied):
        referrals.accept_referral(world.memberships["offer_provider"], referral)
    response = world.client_for("case_manager_a").post(reverse("offers:withdraw_referral", args=[referral.pk]))
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.WITHDRAWN and referral.packet == {}
    assert world.client_for("partner_liaison").get(reverse("offers:referral", args=[referral.pk])).status_code == 404


def test_the_referral_form_lists_the_consents_and_sends(world: World, actor, case) -> None:  # type: ignore[no-untyped-def]
    client = world.client_for("case_manager_a")
    url = reverse("offers:refer", args=[case.pk])
    assert reverse("consents:record_for_case", args=[case.pk]) in client.get(url).content.decode()
    consent_for(world, case, ["identity", "language"])
    page = client.get(url).content.decode()
    assert "Handwerkskammer" in page
    response = client.post(
        url,
        {
            "recipient": world.organisations["chamber"].pk,
            "purpose": "training",
            "categories": ["identity", "residence"],
        },
    )
    assert response.status_code == 200 and not Referral.objects.exists()
    response = client.post(
        url,
        {"recipient": world.organisations["chamber"].pk, "purpose": "training", "categories": ["identity", "language"]},
    )
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("offers:referral", args=[referral.pk])


def test_lists_and_the_start_page_have_bounded_queries(  # type: ignore[no-untyped-def]
    world: World, actor, case, make_person, make_case, django_assert_max_num_queries
) -> None:
    consent_for(world, case, ["identity"])
    send(world, actor, case, ["identity"])
    partner = world.client_for("partner_liaison")
    home = partner.get(reverse("core:home")).content.decode()
    assert reverse("offers:referral_inbox") in home
    with django_assert_max_num_queries(40) as few:
        partner.get(reverse("offers:referral_inbox"))
    with django_assert_max_num_queries(60) as home_few:
        partner.get(reverse("core:home"))
    case_page = reverse("cases:detail", args=[case.pk])
    manager = world.client_for("case_manager_a")
    with django_assert_max_num_queries(80) as case_few:
        manager.get(case_page)
    for i in range(6):
        other = make_case(make_person(family_name=f"Weitere{i}"), goals=("training_work",))
        consent_for(world, other, ["identity"])
        send(world, actor, other, ["identity"])
        send(
            world,
            actor,
            case,
            ["identity"],
            purpose=["training", "work", "internship", "recognition", "other", "entry_qualification"][i],
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        partner.get(reverse("offers:referral_inbox"))
    with django_assert_max_num_queries(len(home_few.captured_queries)):
        partner.get(reverse("core:home"))
    with django_assert_max_num_queries(len(case_few.captured_queries)):
        manager.get(case_page)
