"""Offers: who reaches which page.

The catalogue, offer pages and the weekly programme are for every role with
``offers.view_catalogue`` (not the DPO, not the platform administrator); an offer of another
network answers 404. The provider's pages act on the police's own counts-only offer (so the
no-personal-data test and the accessibility test see them as the police would): the police 200,
the offer provider of the chamber 403. The enrolment list, scanning and card check-in act on the
chamber's named offer (offer provider only). A person's offers, calendar and card are for the staff
of the organisation that owns the record (org B: 404). Calendar feeds are downloads, so they are
checked with HEAD (the page tests open GET pages only).
"""

import datetime as dt

from django.utils import timezone

from ankommen.offers.choices import AttendanceMode, EnrolmentStatus, EnrolmentUnit, OfferStatus
from ankommen.offers.models import Enrolment, Offer, ParticipantCard, Session
from ankommen.participants.models import Participant
from ankommen.testing.matrix import EVERYONE, Expect, staff_with
from ankommen.testing.personas import World

GIVEN, FAMILY = "Zainab", "Angebotsmatrixi"
BORN = dt.date(1998, 3, 14)
CARD_TOKEN = "K7QM3XD9PT4H"


def _offer_records(world: World) -> None:
    """The chamber's named German course (public feed) with a seat of an org A participant and a
    card; the police's counts-only information session with the same person enrolled."""
    org_a = world.organisations["org_a"]
    manager = world.memberships["case_manager_a"].user
    provider = world.memberships["offer_provider"].user
    police = world.memberships["police_liaison"].user
    person = Participant.objects.create(
        network=world.network,
        organisation=org_a,
        reference="MS-940001",
        given_name=GIVEN,
        family_name=FAMILY,
        date_of_birth=BORN,
        created_by=manager,
    )
    now = timezone.now()
    course = Offer.objects.create(
        network=world.network,
        organisation=world.organisations["chamber"],
        title="Deutsch im Handwerk",
        category="language",
        field_of_action="education_language",
        status=OfferStatus.PUBLISHED,
        is_german_course=True,
        entitlement_paths=["obligation", "self_payer"],
        capacity=12,
        is_public=True,
        created_by=provider,
    )
    course_session = Session.objects.create(
        network=world.network, offer=course, starts_at=now, ends_at=now + dt.timedelta(hours=2)
    )
    enrolment = Enrolment.objects.create(
        network=world.network,
        offer=course,
        participant=person,
        organisation=org_a,
        status=EnrolmentStatus.ENROLLED,
        path="obligation",
        queued_at=now,
        enrolled_at=now,
        created_by=manager,
    )
    card = ParticipantCard.objects.create(
        network=world.network, participant=person, token=CARD_TOKEN, issued_at=now, issued_by=manager
    )
    police_offer = Offer.objects.create(
        network=world.network,
        organisation=world.organisations["police"],
        title="Sicher im Straßenverkehr",
        category="legal_information",
        field_of_action="social_participation",
        status=OfferStatus.PUBLISHED,
        attendance_mode=AttendanceMode.COUNTS,
        enrolment_unit=EnrolmentUnit.SESSION,
        capacity=30,
        at_zue=True,
        created_by=police,
    )
    police_session = Session.objects.create(
        network=world.network, offer=police_offer, starts_at=now, ends_at=now + dt.timedelta(hours=1)
    )
    Enrolment.objects.create(
        network=world.network,
        offer=police_offer,
        session=police_session,
        participant=person,
        organisation=org_a,
        status=EnrolmentStatus.ENROLLED,
        queued_at=now,
        enrolled_at=now,
        created_by=manager,
    )
    world.extra.update(
        offer_person=person,
        course=course,
        course_session=course_session,
        course_enrolment=enrolment,
        card=card,
        police_offer=police_offer,
        police_session=police_session,
    )
    world.extra["pii_markers"] += [GIVEN, FAMILY, f"{BORN:%d.%m.%Y}", BORN.isoformat(), "MS-940001", CARD_TOKEN]


def _referral_and_allocation_records(world: World) -> None:
    """A case of the offer person with a goal, a consent for a referral to the chamber (identity,
    language, education, interests), a referral sent under it, and a seat-allocation preview over
    the chamber's course with one proposal."""
    from ankommen.cases.models import Case, CaseType, Goal
    from ankommen.consents.models import Consent
    from ankommen.offers.choices import AllocationStatus
    from ankommen.offers.models import AllocationProposal, AllocationRun, Referral
    from ankommen.offers.referrals import build_packet

    person = world.extra["offer_person"]
    manager = world.memberships["case_manager_a"].user
    today = timezone.localdate()
    case_type = CaseType.objects.create(network=world.network, name="Ausbildung (Matrix Angebote)")
    case = Case.objects.create(
        network=world.network,
        organisation=world.organisations["org_a"],
        participant=person,
        case_type=case_type,
        lead=manager,
        reference="MS-F940001",
        phase="implementation",
        opened_on=today - dt.timedelta(days=40),
        phase_started_on=today - dt.timedelta(days=5),
        created_by=manager,
    )
    goal = Goal.objects.create(network=world.network, case=case, text="Ausbildungsplatz finden", domain="training_work")
    consent = Consent.objects.create(
        network=world.network,
        organisation=world.organisations["org_a"],
        participant=person,
        case=case,
        purpose="referral",
        data_categories=["identity", "language", "education", "interests"],
        language="de",
        form="electronic",
        given_on=today - dt.timedelta(days=1),
        valid_until=today + dt.timedelta(days=180),
        recorded_by=manager,
    )
    consent.recipients.set([world.organisations["chamber"]])
    categories = ["identity", "language", "education", "interests"]
    referral = Referral.objects.create(
        network=world.network,
        organisation=world.organisations["org_a"],
        case=case,
        participant=person,
        recipient=world.organisations["chamber"],
        offer=world.extra["course"],
        goal=goal,
        consent=consent,
        purpose="perspective_counselling",
        packet=build_packet(person, categories),
        packet_categories=categories,
        sent_at=timezone.now(),
        sent_by=manager,
    )
    coordinator = world.memberships["coordinator"]
    run = AllocationRun.objects.create(
        network=world.network,
        organisation=coordinator.organisation,
        status=AllocationStatus.READY,
        candidates=1,
        pairs=1,
        seats=11,
        placed=1,
        total_score="0.7",
        created_by=coordinator.user,
    )
    run.offers.set([world.extra["course"]])
    AllocationProposal.objects.create(
        network=world.network,
        run=run,
        participant=person,
        organisation=world.organisations["org_a"],
        offer=world.extra["course"],
        path="obligation",
        score="0.7000",
        fit="0.6000",
        priority="0.5000",
        waiting_days=30,
        code="placed.first_choice",
        rank=1,
        candidate_offers=1,
        seats_taken=1,
        capacity=11,
    )
    world.extra.update(offer_case=case, referral=referral, allocation_run=run)
    world.extra["pii_markers"] += ["MS-F940001"]


EXTRAS = [_offer_records, _referral_and_allocation_records]

CATALOGUE = staff_with(
    "coordinator",
    "case_manager_a",
    "assistant_a",
    "team_lead_a",
    "case_manager_b",
    "offer_provider",
    "partner_liaison",
    "police_liaison",
)
POLICE = staff_with("police_liaison")
PROVIDER = staff_with("offer_provider")
ENROLLERS = staff_with("case_manager_a", "team_lead_a", "case_manager_b")
RECORD_READERS = staff_with("case_manager_a", "team_lead_a", "assistant_a")
CARD_ISSUERS = staff_with("case_manager_a", "team_lead_a")


def _police_offer(w: World) -> dict[str, int]:
    return {"offer_id": w.extra["police_offer"].pk}


def _police_session(w: World) -> dict[str, int]:
    return {"offer_id": w.extra["police_offer"].pk, "session_id": w.extra["police_session"].pk}


def _course(w: World) -> dict[str, int]:
    return {"offer_id": w.extra["course"].pk}


def _course_session(w: World) -> dict[str, int]:
    return {"offer_id": w.extra["course"].pk, "session_id": w.extra["course_session"].pk}


def _person(w: World) -> dict[str, int]:
    return {"participant_id": w.extra["offer_person"].pk}


def _referral(w: World) -> dict[str, int]:
    return {"referral_id": w.extra["referral"].pk}


def _run(w: World) -> dict[str, int]:
    return {"run_id": w.extra["allocation_run"].pk}


SENDERS = staff_with("case_manager_a", "team_lead_a")
PARTNER = staff_with("partner_liaison")
COORDINATOR = staff_with("coordinator")


MATRIX = {
    # catalogue (the outsider is a coordinator of another network: its own catalogue)
    "offers:catalogue": Expect(CATALOGUE | {"outsider"}),
    "offers:programme": Expect(CATALOGUE | {"outsider"}),
    "offers:detail": Expect(CATALOGUE, outsider=404, kwargs=_police_offer),
    "offers:offer_calendar": Expect(CATALOGUE, outsider=404, method="head", kwargs=_police_offer),
    "offers:public_calendar": Expect(
        EVERYONE, method="head", kwargs=lambda w: {"feed_key": w.extra["course"].feed_key}
    ),
    # the provider's own offers (here: the police's)
    "offers:create": Expect(staff_with("offer_provider", "police_liaison")),
    "offers:edit": Expect(POLICE, kwargs=_police_offer),
    "offers:add_sessions": Expect(POLICE, kwargs=_police_offer),
    "offers:edit_session": Expect(
        POLICE,
        kwargs=lambda w: {"offer_id": w.extra["police_offer"].pk, "session_id": w.extra["police_session"].pk},
    ),
    "offers:session": Expect(POLICE, kwargs=_police_session),
    "offers:reports": Expect(staff_with("coordinator", "offer_provider", "police_liaison", "outsider")),
    # names: the chamber's named course, for its offer provider only
    "offers:participants": Expect(PROVIDER, kwargs=_course),
    "offers:scan": Expect(PROVIDER, kwargs=_course_session),
    "offers:card_checkin": Expect(PROVIDER, kwargs=lambda w: {"token": CARD_TOKEN}),
    # the network-wide entitlement-path switch
    "offers:paths": Expect(staff_with("coordinator", "outsider")),
    "offers:set_path": Expect(
        staff_with("coordinator", "outsider"),
        method="post",
        ok=302,
        kwargs=lambda w: {"path": "admission"},
        data=lambda w: {"admission-is_open": "0", "admission-reason": "Zulassungsstopp des BAMF"},
    ),
    # case managers
    "offers:enrol": Expect(ENROLLERS, kwargs=_course),
    "offers:enrolments": Expect(ENROLLERS),
    "offers:cancel_enrolment": Expect(
        staff_with("case_manager_a", "team_lead_a", "offer_provider"),
        denied=404,
        outsider=404,
        kwargs=lambda w: {"enrolment_id": w.extra["course_enrolment"].pk},
    ),
    "offers:participant": Expect(RECORD_READERS, overrides={"case_manager_b": 404}, kwargs=_person),
    "offers:participant_calendar": Expect(
        RECORD_READERS, overrides={"case_manager_b": 404}, method="head", kwargs=_person
    ),
    "offers:card": Expect(CARD_ISSUERS, overrides={"case_manager_b": 404}, kwargs=_person),
    "offers:issue_card": Expect(CARD_ISSUERS, overrides={"case_manager_b": 404}, method="post", ok=302, kwargs=_person),
    "offers:revoke_card": Expect(
        CARD_ISSUERS, overrides={"case_manager_b": 404}, method="post", ok=302, kwargs=_person
    ),
    # the offer finder: the person's organisation (read: also the assistant; enrol: case managers)
    "offers:finder": Expect(RECORD_READERS, overrides={"case_manager_b": 404}, kwargs=_person),
    "offers:finder_enrol": Expect(
        SENDERS,
        overrides={"case_manager_b": 404},
        method="post",
        ok=302,
        kwargs=lambda w: {"participant_id": w.extra["offer_person"].pk, "offer_id": w.extra["course"].pk},
        data=lambda w: {"path": "obligation"},
    ),
    # referrals: sent from org A's case, received by the chamber's partner liaison (not its offer
    # provider); everybody else 404 on the referral itself
    "offers:refer": Expect(
        SENDERS, overrides={"case_manager_b": 404}, kwargs=lambda w: {"case_id": w.extra["offer_case"].pk}
    ),
    "offers:referral": Expect(
        staff_with("case_manager_a", "team_lead_a", "assistant_a", "partner_liaison"),
        denied=404,
        outsider=404,
        kwargs=_referral,
    ),
    "offers:referral_inbox": Expect(PARTNER),
    "offers:accept_referral": Expect(PARTNER, method="post", ok=302, kwargs=_referral),
    "offers:decline_referral": Expect(PARTNER, kwargs=_referral),
    "offers:complete_referral": Expect(PARTNER, kwargs=_referral),
    "offers:withdraw_referral": Expect(
        SENDERS, overrides={"case_manager_b": 404}, method="post", ok=302, kwargs=_referral
    ),
    # seat allocation: coordinators of the network (the outsider has its own, empty list)
    "offers:allocations": Expect(staff_with("coordinator", "outsider")),
    "offers:new_allocation": Expect(staff_with("coordinator", "outsider")),
    "offers:allocation": Expect(COORDINATOR, outsider=404, kwargs=_run),
    "offers:apply_allocation": Expect(COORDINATOR, outsider=404, method="post", ok=302, kwargs=_run),
    "offers:discard_allocation": Expect(COORDINATOR, outsider=404, method="post", ok=302, kwargs=_run),
}
