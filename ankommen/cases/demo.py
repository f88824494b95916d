"""Demo cases (issue [C]): three case types with their task timelines and cases of GGUA at every
phase, worked on by the demo case manager (fallmanagement@demo.ankommen.invalid) through the
services, so the timeline, the tasks and the audit log look as they would in use.

Across organisations: a case manager of the Sozialamt (sozialamt@demo.ankommen.invalid) works on
one GGUA case as a co-worker under the participant's consent to cooperation, with a task of her
own, and another GGUA case waits for the Sozialamt to answer a transfer request made under a
consent to the transfer. The consents are created here directly (the demo of a consent).

Idempotent: if the demo network already has case types, no cases are added; the cross-organisation
part is added once (if its co-worker role or transfer request is missing).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ankommen.cases import services, transfers
from ankommen.cases.choices import Phase, TransferStatus
from ankommen.cases.models import Case, CaseRole, CaseTransfer, CaseType, CaseTypeTask
from ankommen.cases.my_work import years_before
from ankommen.consents.models import Consent
from ankommen.network.demo import DemoNetwork
from ankommen.participants.models import Household, Participant

# name, description, target group, plan approval, closure approval, [(task, phase, offset, responsible)]
CASE_TYPES: list[tuple[str, str, str, bool, bool, list[tuple[str, str, int, str]]]] = [
    (
        "Langzeitgeduldete Familie – Bleiberecht",
        "Begleitung langzeitgeduldeter Familien auf dem Weg zu einem Aufenthaltsrecht (§ 25b, § 25a AufenthG).",
        "Familien mit Duldung seit mehreren Jahren",
        True,
        True,
        [
            ("Erstgespräch mit Dolmetschung führen", "intake", 7, "case_manager"),
            ("Pässe und Identitätsnachweise zusammentragen", "intake", 21, "participant"),
            ("Aufenthaltsrechtliche Voraussetzungen prüfen (§ 25b)", "assessment", 14, "case_manager"),
            ("Termin bei der Ausländerbehörde vereinbaren", "implementation", 14, "case_manager"),
            ("Zwischenbilanz mit der Familie", "monitoring", 60, "case_manager"),
        ],
    ),
    (
        "Junge Volljährige 18–27 – Ausbildung",
        "Übergang in Ausbildung, Ausbildungsduldung (§ 60c) und Bleiberecht nach § 25a vor dem 27. Geburtstag.",
        "Junge Volljährige von 18 bis 26 Jahren",
        True,
        False,
        [
            ("Erstgespräch führen", "intake", 7, "case_manager"),
            ("Zeugnisse und Schulbescheinigungen mitbringen", "intake", 14, "participant"),
            ("Berufsorientierung bei der Handwerkskammer anfragen", "assessment", 14, "case_manager"),
            ("Bewerbungsunterlagen fertigstellen", "implementation", 21, "participant"),
            ("Stand der Bewerbungen besprechen", "monitoring", 30, "case_manager"),
        ],
    ),
    (
        "ZUE-Bewohnende – Orientierung",
        "Kurze Orientierung für Bewohnende der Zentralen Unterbringungseinrichtung.",
        "Bewohnende der ZUE",
        False,
        False,
        [
            ("Orientierungsgespräch in der ZUE", "intake", 3, "case_manager"),
            ("Angebote in der Nähe zusammenstellen", "planning", 7, "case_manager"),
        ],
    ),
]


def _case_types(demo: DemoNetwork) -> list[CaseType]:
    kinds = []
    for name, description, target, plan, closure, tasks in CASE_TYPES:
        kind = CaseType.objects.create(
            network=demo.network,
            name=name,
            description=description,
            target_group=target,
            requires_plan_approval=plan,
            requires_closure_approval=closure,
        )
        CaseTypeTask.objects.bulk_create(
            CaseTypeTask(network=demo.network, case_type=kind, title=t, phase=p, offset_days=o, responsible=r)
            for t, p, o, r in tasks
        )
        kinds.append(kind)
    return kinds


def _advance(demo: DemoNetwork, case: Case) -> Case:
    """Finish the open tasks of the current phase, then move on (a tidy demo start page)."""
    actor = demo.memberships["fallmanagement"]
    for task in case.tasks.filter(done_at__isnull=True):
        services.complete_task(actor, task)
    return services.advance_phase(actor, case)


def _walk(demo: DemoNetwork, case: Case, target: str) -> Case:
    """Work the case up to the phase ``target`` as a case manager would."""
    actor = demo.memberships["fallmanagement"]
    lead = demo.memberships["teamleitung"]
    order = list(Phase.values)
    if order.index(target) >= order.index(Phase.ASSESSMENT):
        values = {
            "consent_recorded": True,
            "complex_needs": True,
            "several_providers": True,
            "referral_source": "Migrationsberatung",
        }
        case = services.update_intake(actor, case, values, version=case.version)
        case = _advance(demo, case)
    if order.index(target) >= order.index(Phase.PLANNING):
        services.save_assessment(
            actor,
            case,
            "residence",
            {
                "needs": "Aufenthaltsperspektive klären",
                "risks": "Duldung läuft aus",
                "deadline": timezone.localdate() + dt.timedelta(days=120),
            },
        )
        services.save_assessment(actor, case, "language", {"needs": "Sprachkurs B1", "resources": "spricht gut A2"})
        case = _advance(demo, case)
    if target == Phase.PLANNING and case.case_type.requires_plan_approval:
        # A plan waiting for the team lead's approval (shown on the team lead's start page).
        services.add_goal(
            actor,
            case,
            {
                "text": "Ausbildungsplatz im Handwerk finden",
                "domain": "training_work",
                "target_date": timezone.localdate() + dt.timedelta(days=240),
            },
        )
        services.request_approval(actor, case, "plan")
    if order.index(target) >= order.index(Phase.IMPLEMENTATION):
        today = timezone.localdate()
        goal = services.add_goal(
            actor,
            case,
            {"text": "Sprachniveau B1 nachweisen", "domain": "language", "target_date": today + dt.timedelta(days=180)},
        )
        services.add_measure(
            actor,
            goal,
            {"text": "Anmeldung zum Integrationskurs", "responsible": "participant", "due_on": today},
        )
        services.add_measure(
            actor,
            goal,
            {
                "text": "Kinderbetreuung während des Kurses organisieren",
                "responsible": "organisation",
                "organisation_name": "Familienbüro der Stadt Münster",
            },
        )
        if case.case_type.requires_plan_approval:
            approval = services.request_approval(actor, case, "plan")
            services.decide_approval(lead, approval, approve=True)
        case = _advance(demo, case)
        services.add_appointment(
            actor,
            case,
            {
                "starts_at": timezone.now() + dt.timedelta(days=2),
                "kind": "authority",
                "place": "Ausländerbehörde Münster",
                "with_whom": "Sachbearbeitung Bleiberecht",
            },
        )
    if order.index(target) >= order.index(Phase.MONITORING):
        case = _advance(demo, case)
        services.add_progress_note(actor, case.goals.get(), {"text": "Kurs begonnen, regelmäßige Teilnahme."})
        case = services.schedule_reassessment(actor, case, timezone.localdate() + dt.timedelta(days=10))
    if target == Phase.CLOSED:
        if case.case_type.requires_closure_approval:
            approval = services.request_approval(actor, case, "closure")
            services.decide_approval(lead, approval, approve=True)
        case = services.close_case(
            actor,
            case,
            reason="handed_over",
            goal_attainment="mostly",
            feedback="Fühlte sich gut begleitet.",
            barriers=[
                {"field": "language", "description": "Integrationskurse ohne Kinderbetreuung in der Nähe"},
            ],
        )
    return case


def _consent(demo: DemoNetwork, case: Case, purpose: str, recipient: str, categories: list[str]) -> Consent:
    today = timezone.localdate()
    consent = Consent.objects.create(
        network=demo.network,
        organisation=case.organisation,
        participant=case.participant,  # type: ignore[misc]
        case=case,
        purpose=purpose,
        purpose_note="Demo: Übergabe an das Sozialamt" if purpose == "transfer" else "Demo: gemeinsame Begleitung",
        data_categories=categories,
        language="ar",
        form="written",
        given_on=today - dt.timedelta(days=3),
        valid_until=today + dt.timedelta(days=180),
        recorded_by=demo.memberships["fallmanagement"].user,
    )
    consent.recipients.set([demo.organisations[recipient]])
    return consent


def _cross_organisation(demo: DemoNetwork) -> None:
    """A Sozialamt co-worker on one GGUA case and a pending transfer of another (once)."""
    actor = demo.memberships["fallmanagement"]
    colleague = demo.memberships["sozialamt"]
    sozialamt = demo.organisations["sozialamt"]
    ggua_cases = Case.objects.filter(
        network=demo.network, organisation=demo.organisations["ggua"], participant__isnull=False
    ).select_related("case_type", "participant")
    if not CaseRole.objects.filter(network=demo.network, organisation=sozialamt).exists():
        case = ggua_cases.filter(phase=Phase.IMPLEMENTATION).order_by("pk").first()
        if case is not None:
            _consent(demo, case, "cooperation", "sozialamt", ["identity", "language", "plan", "notes"])
            services.add_case_role(actor, case, colleague.user, organisation_id=sozialamt.pk)
            services.add_task(
                colleague,
                case,
                title="Leistungsanspruch nach dem AsylbLG klären",
                due_on=timezone.localdate() + dt.timedelta(days=3),
            )
    if not CaseTransfer.objects.filter(network=demo.network, status=TransferStatus.PENDING).exists():
        early: list[str] = [Phase.ASSESSMENT, Phase.INTAKE, Phase.PLANNING]
        candidates = sorted(ggua_cases.filter(phase__in=early), key=lambda c: (early.index(c.phase), c.pk))
        for case in candidates:
            if transfers.transfer_blockers(case, None):
                continue
            _consent(demo, case, "transfer", "sozialamt", ["identity", "residence", "assessment"])
            transfers.request_transfer(
                actor,
                case,
                to_organisation=sozialamt,
                reason="Die Familie zieht in eine städtische Unterkunft; die Begleitung übernimmt das Sozialamt.",
                proposed_lead=colleague.user,
            )
            break


def seed(demo: DemoNetwork) -> int:
    """Create the demo case types and cases; returns how many cases were created."""
    with transaction.atomic():
        if CaseType.objects.filter(network=demo.network).exists():
            _cross_organisation(demo)
            return 0
        family, young, zue = _case_types(demo)
        actor = demo.memberships["fallmanagement"]
        ggua = demo.organisations["ggua"]
        today = timezone.localdate()
        people = Participant.objects.filter(network=demo.network, organisation=ggua, merged_into__isnull=True)
        young_adults = list(
            people.filter(
                date_of_birth__gt=years_before(today, 27),
                date_of_birth__lte=years_before(today, 18),
            ).order_by("date_of_birth", "pk")[:6]
        )
        zue_residents = list(people.filter(accommodation="zue").order_by("pk")[:1])
        households = list(Household.objects.filter(network=demo.network, organisation=ggua).order_by("pk")[:2])
        plan = [(young, p) for p in young_adults]
        phases = [Phase.INTAKE, Phase.ASSESSMENT, Phase.PLANNING, Phase.IMPLEMENTATION, Phase.MONITORING, Phase.CLOSED]
        created = 0
        for (kind, person), phase in zip(plan, phases, strict=False):
            case = services.open_case(
                actor, case_type=kind, participant=person, opened_on=today - dt.timedelta(days=20 * (created + 1))
            )
            _walk(demo, case, phase)
            created += 1
        for household, phase in zip(households, [Phase.IMPLEMENTATION, Phase.MONITORING], strict=False):
            case = services.open_case(
                actor, case_type=family, household=household, opened_on=today - dt.timedelta(days=90)
            )
            _walk(demo, case, phase)
            created += 1
        for person in zue_residents:
            services.open_case(actor, case_type=zue, participant=person, referral_source="Sozialdienst der ZUE")
            created += 1
        _cross_organisation(demo)
        return created
