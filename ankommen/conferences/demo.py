"""Demo case conference (issue [C]): GGUA's first family case was discussed a week ago with the
foreigners' authority, the social welfare office and the employment agency, anonymised. The
conference was held, has minutes and decisions, and open action items for the foreigners'
authority and the social welfare office (shown on the start pages of the demo logins
``abh@…`` and ``sozialamt@…``); GGUA's own item is done. Everything goes through the services.

Idempotent: if the demo network already has a conference, nothing happens.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ankommen.cases.models import Case
from ankommen.conferences import services
from ankommen.conferences.models import Conference
from ankommen.conferences.presentation import pseudonym_label
from ankommen.network.demo import DemoNetwork

AGENDA = [
    ("Aktueller Stand und Anliegen der Familie", "Bericht der Fallmanagerin der GGUA."),
    ("Aufenthaltsrechtliche Perspektive (§ 25b AufenthG)", "Voraussetzungen, fehlende Nachweise, Zeitplan."),
    ("Existenzsicherung und Sprachkurs", "Kostenübernahme, Kinderbetreuung während des Kurses."),
    ("Vereinbarungen und nächste Schritte", ""),
]


def seed(demo: DemoNetwork) -> int:
    """Create the demo conference; returns how many conferences were created."""
    with transaction.atomic():
        if Conference.objects.filter(network=demo.network).exists():
            return 0
        ggua = demo.organisations["ggua"]
        case = (
            Case.objects.filter(network=demo.network, organisation=ggua, household__isnull=False)
            .select_related("household", "participant")
            .order_by("pk")
            .first()
        )
        if case is None:
            return 0
        organiser = demo.memberships["fallmanagement"]
        week_ago = timezone.localtime() - dt.timedelta(days=7)
        conference = services.schedule_conference(
            organiser,
            case,
            scheduled_at=week_ago.replace(hour=10, minute=0, second=0, microsecond=0),
            place="GGUA Flüchtlingshilfe, Besprechungsraum 1",
        )
        abh, sozialamt, aa = (demo.organisations[key] for key in ("abh", "sozialamt", "aa"))
        for organisation in (abh, sozialamt, aa):
            services.add_organisation(organiser, conference, organisation)
        for title, notes in AGENDA:
            services.add_agenda_item(organiser, conference, title=title, notes=notes)
        conference = services.hold_conference(organiser, conference, version=conference.version)
        label = pseudonym_label(conference.pseudonym)
        minutes = (
            f"Teilnehmende: GGUA (Fallmanagement, Moderation), Ausländerbehörde, Sozialamt, Agentur für Arbeit.\n\n"
            f"1. {label}: Die Familie lebt seit sechs Jahren mit Duldung in Münster. Beide Kinder besuchen die "
            "Schule regelmäßig, der Vater arbeitet in Teilzeit.\n"
            "2. Die Ausländerbehörde sieht gute Aussichten nach § 25b AufenthG, sobald die Sprachnachweise (A2) "
            "und die Passbeschaffung belegt sind.\n"
            "3. Das Sozialamt prüft die Übernahme der Fahrtkosten zum Integrationskurs; die Agentur für Arbeit "
            "bietet eine Beratung zur Anerkennung des Berufsabschlusses an.\n"
            "4. Nächste Fallkonferenz in etwa drei Monaten."
        )
        conference = services.save_minutes(organiser, conference, minutes, version=conference.version)
        services.add_decision(
            organiser, conference, "Die Familie wird beim Antrag nach § 25b AufenthG gemeinsam begleitet."
        )
        services.add_decision(
            organiser, conference, "Der Integrationskurs der Mutter hat Vorrang; Kinderbetreuung wird organisiert."
        )
        today = timezone.localdate()
        services.add_action_item(
            organiser,
            conference,
            text="Voraussetzungen nach § 25b AufenthG vorläufig prüfen und der GGUA fehlende Nachweise nennen",
            owner=abh,
            due_on=today + dt.timedelta(days=14),
        )
        services.add_action_item(
            organiser,
            conference,
            text="Übernahme der Fahrtkosten zum Integrationskurs prüfen und bescheiden",
            owner=sozialamt,
            due_on=today + dt.timedelta(days=10),
        )
        done = services.add_action_item(
            organiser,
            conference,
            text="Anmeldung zum Integrationskurs mit Kinderbetreuung vorbereiten",
            owner=ggua,
            due_on=today - dt.timedelta(days=1),
        )
        services.complete_action_item(organiser, done)
        return 1
