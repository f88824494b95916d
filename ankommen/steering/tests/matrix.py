"""Steering the network: who reaches which page.

The world gets an agreement (with a document), a working group on prevention of which the police
are a member (with a meeting and an action item for the police), a core group with org B's case
manager as a named member (so org B's case manager may set priorities), a STARTER workshop, a
problem report filed by org A's case manager and a gap with an offer checked.

- Staff who see the steering data (``steering.view``: everyone but the police, the DPO and the
  administrator) read agreements, the partner map, all bodies, reports and gaps; coordinators change
  them (403 for the other readers).
- The police (``steering.take_part`` only) see events and the bodies they are a member of (the
  prevention group, its meeting, its action item, which they may update); everything else is 404
  (object pages) or 403 (lists).
- The DPO and the administrator see nothing here; other networks get 404 for every object (and their
  own, empty lists).
"""

import datetime as dt

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from ankommen.offers.models import Offer
from ankommen.steering.models import (
    Agreement,
    AgreementPartner,
    Body,
    BodyMember,
    Event,
    Gap,
    GapOffer,
    Meeting,
    NetworkActionItem,
    ProblemReport,
    Signatory,
)
from ankommen.testing.matrix import Expect, staff_with
from ankommen.testing.personas import World

DOCUMENT = b"%PDF-1.4\n% Absichtserklaerung\n"
DOCUMENT_NAME = "steering/matrix/absichtserklaerung.pdf"


def _steering_records(world: World) -> None:
    network, organisations = world.network, world.organisations
    coordinator = world.memberships["coordinator"].user
    today = timezone.localdate()
    if not default_storage.exists(DOCUMENT_NAME):
        default_storage.save(DOCUMENT_NAME, ContentFile(DOCUMENT))
    agreement = Agreement.objects.create(
        network=network,
        kind="declaration",
        title="Absichtserklärung Modellprojekt",
        signed_on=today - dt.timedelta(days=400),
        renewal_on=today + dt.timedelta(days=30),
        document=DOCUMENT_NAME,
        document_type="application/pdf",
        document_size=len(DOCUMENT),
        created_by=coordinator,
    )
    AgreementPartner.objects.create(
        network=network,
        agreement=agreement,
        organisation=organisations["ki"],
        role="coordination",
        joined_on=agreement.signed_on,
    )
    partner = AgreementPartner.objects.create(
        network=network,
        agreement=agreement,
        organisation=organisations["chamber"],
        role="partner",
        joined_on=agreement.signed_on + dt.timedelta(days=300),
    )
    signatory = Signatory.objects.create(
        network=network,
        agreement=agreement,
        organisation=organisations["ki"],
        name="Dr. Beispiel",
        function="Leitung",
        signed_on=agreement.signed_on,
    )
    prevention = Body.objects.create(
        network=network, kind="working", name="AG Prävention", topic="participation", created_by=coordinator
    )
    BodyMember.objects.create(network=network, body=prevention, organisation=organisations["police"], joined_on=today)
    member = BodyMember.objects.create(
        network=network, body=prevention, organisation=organisations["ki"], joined_on=today
    )
    core = Body.objects.create(network=network, kind="core", name="Bündniskerngruppe", created_by=coordinator)
    BodyMember.objects.create(
        network=network,
        body=core,
        organisation=organisations["org_b"],
        user=world.memberships["case_manager_b"].user,
        joined_on=today,
    )
    meeting = Meeting.objects.create(
        network=network,
        body=prevention,
        scheduled_at=timezone.now() - dt.timedelta(hours=1),
        place="Präsidium",
        created_by=coordinator,
    )
    item = NetworkActionItem.objects.create(
        network=network,
        meeting=meeting,
        text="Informationsabend planen",
        owner_organisation=organisations["police"],
        due_on=today + dt.timedelta(days=14),
        created_by=coordinator,
    )
    event = Event.objects.create(
        network=network,
        kind="starter",
        title="STARTER-Workshop",
        starts_at=timezone.now() + dt.timedelta(days=5),
        place="Kreishaus",
        organiser=organisations["ki"],
        created_by=coordinator,
    )
    report = ProblemReport.objects.create(
        network=network,
        number=1,
        source="case_management",
        field="work_training",
        title="Kein Kursplatz",
        description="Berufssprachkurs voll.",
        case_count=2,
        reported_on=today,
        organisation=organisations["org_a"],
        reported_by=world.memberships["case_manager_a"].user,
    )
    gap = Gap.objects.create(
        network=network,
        number=1,
        title="Zu wenige Kursplätze",
        field="education_language",
        description="Berufssprachkurse voll.",
        created_by=coordinator,
    )
    gap.problem_reports.add(report)
    offer = Offer.objects.create(
        network=network,
        organisation=organisations["chamber"],
        title="Perspektivberatung",
        category="counselling",
        field_of_action="work_training",
        status="published",
        created_by=coordinator,
    )
    GapOffer.objects.create(network=network, gap=gap, offer=offer, finding="nur dienstags")
    world.extra.update(
        agreement=agreement,
        partner=partner,
        signatory=signatory,
        prevention=prevention,
        core=core,
        member=member,
        meeting=meeting,
        steering_item=item,
        event=event,
        report=report,
        gap=gap,
        gap_offer=offer,
    )


EXTRAS = [_steering_records]

VIEWERS = staff_with(
    "coordinator",
    "case_manager_a",
    "assistant_a",
    "team_lead_a",
    "case_manager_b",
    "offer_provider",
    "partner_liaison",
)
TAKING_PART = VIEWERS | {"police_liaison"}
REPORTERS = staff_with(
    "coordinator", "case_manager_a", "team_lead_a", "case_manager_b", "offer_provider", "partner_liaison"
)
OUTSIDER = {"outsider"}  # a coordinator of another network: its own (empty) lists, 404 for our objects


def _list(allowed):  # type: ignore[no-untyped-def]
    return Expect(allowed | OUTSIDER)


def _read(allowed, kwargs):  # type: ignore[no-untyped-def]
    """A page of one object: readers 200, everyone else 404."""
    return Expect(allowed, denied=404, outsider=404, kwargs=kwargs)


def _manage(readers, kwargs, **more):  # type: ignore[no-untyped-def]
    """A form that changes an object: coordinators 200, other readers 403, everyone else 404."""
    allowed = {"coordinator", *more.pop("also", ())}
    overrides = {persona: 403 for persona in readers if persona not in allowed}
    return Expect(allowed, denied=404, outsider=404, overrides=overrides, kwargs=kwargs)


def _agreement(w: World) -> dict[str, int]:
    return {"agreement_id": w.extra["agreement"].pk}


def _body(w: World) -> dict[str, int]:
    return {"body_id": w.extra["prevention"].pk}


def _meeting(w: World) -> dict[str, int]:
    return {"meeting_id": w.extra["meeting"].pk}


def _event(w: World) -> dict[str, int]:
    return {"event_id": w.extra["event"].pk}


def _report(w: World) -> dict[str, int]:
    return {"report_id": w.extra["report"].pk}


def _gap(w: World) -> dict[str, int]:
    return {"gap_id": w.extra["gap"].pk}


MATRIX = {
    "steering:overview": _list(TAKING_PART),
    # agreements and the partner map
    "steering:agreements": _list(VIEWERS),
    "steering:agreement_create": _list({"coordinator"}),
    "steering:agreement": _read(VIEWERS, _agreement),
    "steering:agreement_edit": _manage(VIEWERS, _agreement),
    "steering:agreement_document": _read(VIEWERS, _agreement),
    "steering:agreement_add_partner": _manage(VIEWERS, _agreement),
    "steering:agreement_remove_partner": _manage(
        VIEWERS, lambda w: {"agreement_id": w.extra["agreement"].pk, "partner_id": w.extra["partner"].pk}
    ),
    "steering:agreement_add_signatory": _manage(VIEWERS, _agreement),
    "steering:agreement_remove_signatory": _manage(
        VIEWERS, lambda w: {"agreement_id": w.extra["agreement"].pk, "signatory_id": w.extra["signatory"].pk}
    ),
    "steering:partner_map": _list(VIEWERS),
    # bodies (the police are a member of the prevention group), meetings, action items
    "steering:bodies": _list(TAKING_PART),
    "steering:body_create": _list({"coordinator"}),
    "steering:body": _read(TAKING_PART, _body),
    "steering:body_edit": _manage(TAKING_PART, _body),
    "steering:body_add_member": _manage(TAKING_PART, _body),
    "steering:body_remove_member": _manage(
        TAKING_PART, lambda w: {"body_id": w.extra["prevention"].pk, "member_id": w.extra["member"].pk}
    ),
    "steering:meeting_create": _manage(TAKING_PART, _body),
    "steering:meeting": _read(TAKING_PART, _meeting),
    "steering:meeting_edit": _manage(TAKING_PART, _meeting),
    "steering:meeting_add_agenda_item": _manage(TAKING_PART, _meeting),
    "steering:meeting_minutes": _manage(TAKING_PART, _meeting),
    "steering:meeting_add_decision": _manage(TAKING_PART, _meeting),
    "steering:meeting_add_action_item": _manage(TAKING_PART, _meeting),
    "steering:meeting_hold": _manage(TAKING_PART, _meeting),
    "steering:meeting_cancel": _manage(TAKING_PART, _meeting),
    # GET shows what will be exported; the PDF itself is the POST (see test_views).
    "steering:meeting_pdf": _read(TAKING_PART, _meeting),
    "steering:action_items": _list(TAKING_PART),
    # The police's own action item: the police and the coordinators; the other readers 403.
    "steering:action_item_status": _manage(
        TAKING_PART, lambda w: {"item_id": w.extra["steering_item"].pk}, also=("police_liaison",)
    ),
    # events
    "steering:events": _list(TAKING_PART),
    "steering:event_create": _list({"coordinator"}),
    "steering:event": _read(TAKING_PART, _event),
    "steering:event_edit": _manage(TAKING_PART, _event),
    "steering:event_counts": _manage(TAKING_PART, _event),
    "steering:event_register": _read(TAKING_PART, _event),
    # problem reports (the report of org A's case manager)
    "steering:reports": _list(VIEWERS),
    "steering:report_create": _list(REPORTERS),
    "steering:report": _read(VIEWERS, _report),
    "steering:report_edit": _manage(VIEWERS, _report, also=("case_manager_a",)),
    # the gap register (org B's case manager is a named member of the core group)
    "steering:gaps": _list(VIEWERS),
    "steering:gaps_export": _list(VIEWERS),
    "steering:gap_create": _list({"coordinator"}),
    "steering:gap": _read(VIEWERS, _gap),
    "steering:gap_edit": _manage(VIEWERS, _gap),
    "steering:gap_reports": _manage(VIEWERS, _gap),
    "steering:gap_offer": _manage(VIEWERS, _gap),
    "steering:gap_offer_remove": _manage(
        VIEWERS, lambda w: {"gap_id": w.extra["gap"].pk, "offer_id": w.extra["gap_offer"].pk}
    ),
    "steering:gap_priority": _manage(VIEWERS, _gap, also=("case_manager_b",)),
    "steering:gap_status": _manage(VIEWERS, _gap),
}
