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


EXTRAS = [_offer_records]

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
}
