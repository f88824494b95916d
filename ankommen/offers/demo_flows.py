"""Demo referrals and a seat-allocation preview (issue [O]); called by ``demo.seed``.

**Referrals.** GGUA's case manager refers young adults of the demo cases, each under a consent
for the referral recorded for the case (electronic), to the IHK Nord Westfalen (perspective
counselling, training) and to the Agentur für Arbeit (entry qualification, work), in every state:
sent, accepted, declined (with the reason), completed with an outcome that went back into the case
(timeline, progress note on a goal), and one whose consent was revoked afterwards (the partner no
longer sees it, the packet is erased). One AA consent also names the residence status: the packet
still holds none of it. Partner logins: ``kammer@…`` (IHK, exists) and ``arbeitsagentur@…`` (a
partner liaison of the Agentur für Arbeit, added here).

**Seat allocation.** The Volkshochschule opens a new general Integrationskurs in two parallel
groups whose seats are given by allocation; case managers of GGUA and the Sozialamt registered the
interest of adult participants over the last months (the waiting lists). A run by the
coordinator over both groups, with parallel groups considered, is computed: its preview waits
to be applied or discarded at "Seat allocation".

Idempotent: each part is added once (nothing happens if the network has referrals, or a run).
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from ankommen.accounts.models import User
from ankommen.cases.choices import Phase
from ankommen.cases.models import Case
from ankommen.consents.services import record_consent, revoke_consent
from ankommen.network.demo import DEMO_DOMAIN, DEMO_PASSWORD, DemoNetwork
from ankommen.network.models import Membership, Organisation
from ankommen.network.roles import Role
from ankommen.offers import referrals, services
from ankommen.offers.allocation_runs import compute
from ankommen.offers.choices import OfferStatus
from ankommen.offers.models import AllocationRun, Enrolment, Offer, Referral, Session
from ankommen.offers.services import OfferError
from ankommen.participants.models import Participant

SEED = 20261121
CHAMBER_PACKET = ["identity", "contact", "language", "education", "work", "interests"]
AGENCY_PACKET = ["identity", "contact", "language", "work"]


def _user(local: str, name: str) -> User:
    email = f"{local}@{DEMO_DOMAIN}"
    return User.objects.filter(email=email).first() or User.objects.create_user(email, DEMO_PASSWORD, full_name=name)


def agency_liaison(demo: DemoNetwork) -> Membership:
    membership, _ = Membership.objects.get_or_create(
        network=demo.network,
        organisation=demo.organisations["aa"],
        user=_user("arbeitsagentur", "Arne Arbeitsagentur"),
        role=Role.PARTNER_LIAISON,
        is_active=True,
    )
    return membership


def _consent(demo: DemoNetwork, case: Case, recipient: Organisation, categories: list[str], note: str) -> None:
    today = timezone.localdate()
    record_consent(
        demo.memberships["fallmanagement"],
        case,
        {
            "purpose": "referral",
            "purpose_note": note,
            "language": "ar",
            "form": "electronic",
            "given_on": today - dt.timedelta(days=14),
            "valid_until": today + dt.timedelta(days=180),
        },
        [recipient],
        categories,
    )


def seed_referrals(demo: DemoNetwork) -> int:
    """Referrals to the IHK and the employment agency in every state; returns how many."""
    if Referral.objects.filter(network=demo.network).exists():
        return 0
    actor = demo.memberships["fallmanagement"]
    ihk, aa = demo.organisations["ihk"], demo.organisations["aa"]
    chamber = demo.memberships["kammer"]
    agency = agency_liaison(demo)
    cases = list(
        Case.objects.filter(network=demo.network, organisation=demo.organisations["ggua"], participant__isnull=False)
        .exclude(phase=Phase.CLOSED)
        .select_related("participant")
        .order_by("pk")[:6]
    )
    if len(cases) < 4:
        return 0
    perspective = Offer.objects.filter(network=demo.network, organisation=ihk, status=OfferStatus.PUBLISHED).first()
    # (case, recipient, purpose, availability, what the partner did)
    plan = [
        (0, ihk, "perspective_counselling", "full_time", "training_contract"),
        (1, aa, "entry_qualification", "part_time", "entry_qualification"),
        (2, ihk, "training", "mornings", "accepted"),
        (3, aa, "work", "full_time", "declined"),
        (len(cases) - 1, ihk, "internship", "", "new"),
        (2, aa, "work", "afternoons", "new"),
    ]
    created = 0
    with transaction.atomic():
        consented: set[tuple[int, int]] = set()
        for index, recipient, purpose, availability, answer in plan:
            case = cases[index]
            to_chamber = recipient.pk == ihk.pk
            categories = CHAMBER_PACKET if to_chamber else AGENCY_PACKET
            if (case.pk, recipient.pk) not in consented:
                # one AA consent names the residence status too: the packet still never holds it
                extra = ["residence"] if answer == "entry_qualification" else []
                _consent(demo, case, recipient, [*categories, *extra], "Vermittlung in Ausbildung oder Arbeit")
                consented.add((case.pk, recipient.pk))
            referral = referrals.send_referral(
                actor,
                case,
                {
                    "recipient": recipient,
                    "purpose": purpose,
                    "categories": categories,
                    "offer": perspective if purpose == "perspective_counselling" else None,
                    "goal": case.goals.order_by("pk").first(),
                    "availability": availability,
                },
            )
            created += 1
            partner = chamber if to_chamber else agency
            if answer == "training_contract":
                referral = referrals.accept_referral(partner, referral)
                referrals.complete_referral(
                    partner,
                    referral,
                    outcome="training_contract",
                    outcome_on=timezone.localdate() + dt.timedelta(days=75),
                    note="Ausbildung zum Elektroniker, Betrieb in Münster-Hiltrup",
                )
            elif answer == "entry_qualification":
                referrals.complete_referral(partner, referral, outcome="entry_qualification", note="EQ im Einzelhandel")
            elif answer == "accepted":
                referrals.accept_referral(partner, referral)
            elif answer == "declined":
                referrals.decline_referral(
                    partner, referral, reason="Derzeit keine passende Maßnahme; bitte in drei Monaten erneut anfragen."
                )
        # One more to the IHK whose consent the person revoked afterwards: gone for the IHK, packet erased.
        case = cases[1]
        _consent(demo, case, ihk, ["identity", "language"], "Beratung zur Ausbildung")
        referral = referrals.send_referral(
            actor,
            case,
            {"recipient": ihk, "purpose": "perspective_counselling", "categories": ["identity", "language"]},
        )
        revoke_consent(actor, referral.consent, "Person möchte keine Weitergabe mehr")
        created += 1
    return created


# --- a seat-allocation preview -----------------------------------------------------------------


def _groups(demo: DemoNetwork, vhs: Organisation) -> list[Offer]:
    today = timezone.localdate()
    first_monday = today + dt.timedelta(days=21 - today.weekday())
    zone = timezone.get_current_timezone()
    groups = []
    for name, start in (("A, vormittags", dt.time(8, 30)), ("B, nachmittags", dt.time(13, 30))):
        offer = Offer.objects.create(
            network=demo.network,
            organisation=vhs,
            title=f"Integrationskurs (allgemein), neue Gruppe {name}",
            description="Neuer allgemeiner Integrationskurs mit Ziel B1 (DTZ). Die Plätze werden verteilt: "
            "Fallmanagerinnen und Fallmanager melden das Interesse an, die Koordination vergibt die Plätze.",
            category="language",
            field_of_action="education_language",
            status=OfferStatus.PUBLISHED,
            age_min=18,
            languages=["de"],
            is_german_course=True,
            entitlement_paths=["entitlement", "obligation", "admission", "self_payer"],
            address="Aegidiimarkt 3",
            district="Innenstadt",
            step_free=True,
            childcare=name.startswith("A"),
            capacity=12,
            enrolment_unit="course",
            allocates_seats=True,
            created_by=demo.memberships["koordination"].user,
        )
        Session.objects.bulk_create(
            Session(
                network=demo.network,
                offer=offer,
                starts_at=timezone.make_aware(dt.datetime.combine(first_monday + dt.timedelta(days=d), start), zone),
                ends_at=timezone.make_aware(
                    dt.datetime.combine(first_monday + dt.timedelta(days=d), start) + dt.timedelta(hours=3, minutes=45),
                    zone,
                ),
            )
            for week in range(8)
            for d in (7 * week, 7 * week + 1, 7 * week + 2, 7 * week + 3)
        )
        groups.append(offer)
    return groups


def seed_allocation(demo: DemoNetwork, vhs: Organisation) -> int:
    """Two new course groups with interest registered and a computed preview; returns the candidates."""
    if AllocationRun.objects.filter(network=demo.network).exists():
        return 0
    rng = random.Random(SEED)  # noqa: S311 - synthetic demo data, no secret
    with transaction.atomic():
        groups = _groups(demo, vhs)
        today = timezone.localdate()
        registered = 0
        for org_key, login in (("ggua", "fallmanagement"), ("sozialamt", "sozialamt")):
            actor = demo.memberships[login]
            people = Participant.objects.filter(
                network=demo.network, organisation=demo.organisations[org_key], merged_into__isnull=True
            ).order_by("pk")
            for person in people:
                age = person.age_on(today)
                if age is None or age < 18 or registered >= 34 or rng.random() < 0.55:
                    continue
                group = groups[0] if rng.random() < 0.6 else groups[1]
                try:
                    enrolment = services.enrol_participant(
                        actor, group, person, path=rng.choice(["obligation", "obligation", "entitlement", "self_payer"])
                    )
                except OfferError:
                    continue
                Enrolment.objects.filter(pk=enrolment.pk).update(
                    queued_at=timezone.now() - dt.timedelta(days=rng.randint(0, 150), hours=rng.randint(0, 23))
                )
                registered += 1
        coordinator = demo.memberships["koordination"]
        run = AllocationRun.objects.create(
            network=demo.network,
            organisation=coordinator.organisation,
            include_parallel=True,
            created_by=coordinator.user,
        )
        run.offers.set(groups)
    compute(run)
    return registered
