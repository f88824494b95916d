"""Conference screens over HTTP: the anonymity of every page and of the PDF, named conferences,
the PDF export, action items in the owners' lists and on their start pages, the case page's
section, refusals shown on the form, and query counts."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from ankommen.audit.models import AuditEntry
from ankommen.cases import services as case_services
from ankommen.cases.models import Case, CaseType
from ankommen.conferences import services
from ankommen.conferences.choices import Mode
from ankommen.conferences.models import Conference
from ankommen.conferences.tests.conftest import FAMILY, GIVEN, IDENTIFYING, conference_consent, make_person
from ankommen.network.models import Membership
from ankommen.participants.models import Participant
from ankommen.testing.personas import World

pytestmark = pytest.mark.usefixtures("english")


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    metadata = " ".join(str(value) for value in (reader.metadata or {}).values())
    return f"{text}\n{metadata}"


def _full_conference(world: World, actor: Membership, case: Case) -> Conference:
    """A held, anonymised conference with every kind of content, org B and the chamber taking part."""
    org_b, chamber = world.organisations["org_b"], world.organisations["chamber"]
    conference = services.schedule_conference(
        actor, case, scheduled_at=timezone.now() - dt.timedelta(hours=3), place="Besprechungsraum 2"
    )
    services.add_organisation(actor, conference, org_b)
    services.add_organisation(actor, conference, chamber)
    label = f"Fall {conference.pseudonym}"
    services.add_agenda_item(actor, conference, title="Aufenthaltsperspektive", notes=f"{label}: Duldung seit 2019.")
    services.add_agenda_item(actor, conference, title="Ausbildung", notes="Praktikum im Handwerk")
    conference = services.hold_conference(actor, conference, version=conference.version)
    conference = services.save_minutes(
        actor, conference, f"{label} ist motiviert. Sprachkurs B1 läuft.", version=conference.version
    )
    services.add_decision(actor, conference, "Antrag nach § 25b AufenthG vorbereiten.")
    services.add_action_item(
        actor, conference, text="Kostenübernahme prüfen", owner=org_b, due_on=timezone.localdate() + dt.timedelta(7)
    )
    services.add_action_item(
        actor, conference, text="Praktikumsplatz vermitteln", owner=chamber, due_on=timezone.localdate()
    )
    return conference


def _conference_pages(conference: Conference) -> list[str]:
    kwargs = {"conference_id": conference.pk}
    agenda_item = conference.agenda.first()
    action_item = conference.action_items.first()
    organisation = conference.participations.first()
    assert agenda_item and action_item and organisation
    return [
        reverse("conferences:list"),
        reverse("conferences:action_items"),
        reverse("conferences:action_items") + "?state=all",
        reverse("conferences:schedule", kwargs={"case_id": conference.case_id}),
        reverse("conferences:detail", kwargs=kwargs),
        reverse("conferences:export", kwargs=kwargs),
        reverse("conferences:edit", kwargs=kwargs),
        reverse("conferences:mode", kwargs=kwargs),
        reverse("conferences:add_organisation", kwargs=kwargs),
        reverse("conferences:remove_organisation", kwargs={**kwargs, "organisation_id": organisation.organisation_id}),
        reverse("conferences:add_agenda_item", kwargs=kwargs),
        reverse("conferences:edit_agenda_item", kwargs={**kwargs, "item_id": agenda_item.pk}),
        reverse("conferences:minutes", kwargs=kwargs),
        reverse("conferences:add_decision", kwargs=kwargs),
        reverse("conferences:add_action_item", kwargs=kwargs),
        reverse("conferences:complete_action_item", kwargs={**kwargs, "item_id": action_item.pk}),
        reverse("conferences:hold", kwargs=kwargs),
        reverse("conferences:cancel", kwargs=kwargs),
    ]


def _leaks(body: str, markers: list[str]) -> list[str]:
    return [marker for marker in markers if marker.casefold() in body.casefold()]


@pytest.mark.parametrize("persona", ["case_manager_a", "case_manager_b", "partner_liaison"])
def test_an_anonymised_conference_shows_none_of_the_identifying_fields(world: World, actor, case, persona) -> None:  # type: ignore[no-untyped-def]
    conference = _full_conference(world, actor, case)
    markers = [*IDENTIFYING, case.reference]
    client = world.client_for(persona)
    checked = 0
    for url in _conference_pages(conference):
        response = client.get(url)
        if response.status_code != 200:
            assert response.status_code in (403, 404), url
            continue
        checked += 1
        body = response.content.decode()
        assert not _leaks(body, markers), f"{persona} sees {_leaks(body, markers)} at {url}"
        if f"/conferences/{conference.pk}/" in url:
            assert conference.pseudonym in body, url
    assert checked >= (15 if persona == "case_manager_a" else 4)
    response = client.post(reverse("conferences:export", kwargs={"conference_id": conference.pk}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert not _leaks(text, markers), f"{persona} finds {_leaks(text, markers)} in the PDF"
    assert f"Case {conference.pseudonym}" in text or f"Fall {conference.pseudonym}" in text
    assert "Kostenübernahme prüfen" in text and "Sprachkurs B1" in text and "Sozialamt B" in text


def test_a_household_conference_shows_no_member_or_household_name(world: World, actor, case_type) -> None:  # type: ignore[no-untyped-def]
    from ankommen.participants.models import Household, HouseholdMember

    person = make_person(world, actor)
    household = Household.objects.create(
        network=world.network, organisation=actor.organisation, reference="MS-H770001", name="Familie Wardakbayeva"
    )
    HouseholdMember.objects.create(network=world.network, participant=person, household=household, relationship="head")
    case = case_services.open_case(actor, case_type=case_type, household=household)
    conference = _full_conference(world, actor, case)
    markers = [*IDENTIFYING, "MS-H770001", case.reference]
    client = world.client_for("case_manager_b")
    for url in [reverse("conferences:detail", kwargs={"conference_id": conference.pk}), reverse("core:home")]:
        body = client.get(url).content.decode()
        assert not _leaks(body, markers), url
    pdf = client.post(reverse("conferences:export", kwargs={"conference_id": conference.pk}))
    assert not _leaks(_pdf_text(pdf.content), markers)


def test_text_written_named_is_blanked_once_the_consent_is_revoked(world: World, actor, case, abh) -> None:  # type: ignore[no-untyped-def]
    conference = services.schedule_conference(actor, case, scheduled_at=timezone.now(), place="Raum 1")
    services.add_organisation(actor, conference, abh)
    consent = conference_consent(case, [abh])
    conference = services.set_mode(actor, conference, Mode.NAMED, version=conference.version)
    conference = services.save_minutes(
        actor, conference, f"{GIVEN} {FAMILY} (geb. 17.03.1994) war anwesend.", version=conference.version
    )
    services.add_action_item(actor, conference, text=f"Pass von {GIVEN} prüfen", owner=abh, due_on=timezone.localdate())
    client = world.client_for("abh_liaison")
    url = reverse("conferences:detail", kwargs={"conference_id": conference.pk})
    body = client.get(url).content.decode()
    assert f"{GIVEN} {FAMILY}" in body and "named" in body
    assert GIVEN in client.get(reverse("core:home")).content.decode()
    named_pdf = _pdf_text(client.post(reverse("conferences:export", kwargs={"conference_id": conference.pk})).content)
    assert f"{GIVEN} {FAMILY}" in named_pdf

    consent.revoked_at = timezone.now()
    consent.save(update_fields=["revoked_at"])
    for page in (url, reverse("conferences:action_items"), reverse("conferences:list"), reverse("core:home")):
        body = client.get(page).content.decode()
        assert not _leaks(body, IDENTIFYING), page
    body = client.get(url).content.decode()
    assert "war anwesend" in body and "shown anonymised" in body
    pdf = _pdf_text(client.post(reverse("conferences:export", kwargs={"conference_id": conference.pk})).content)
    assert not _leaks(pdf, IDENTIFYING)
    owner_body = world.client_for("case_manager_a").get(url).content.decode()
    assert "No consent for case conferences in force names Ausländerbehörde." in owner_body


def test_the_pdf_is_an_audited_attachment_that_is_not_cached(world: World, actor, case) -> None:  # type: ignore[no-untyped-def]
    conference = _full_conference(world, actor, case)
    client = world.client_for("case_manager_b")
    response = client.post(reverse("conferences:export", kwargs={"conference_id": conference.pk}))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert re.fullmatch(
        rf'attachment; filename="case-conference-{conference.pseudonym}-\d{{4}}-\d\d-\d\d\.pdf"',
        response["Content-Disposition"],
    )
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    entry = AuditEntry.objects.filter(action="conference.exported").latest("seq")
    assert entry.actor == world.memberships["case_manager_b"].user
    assert entry.data == {"conference": conference.pk, "named": False}
    assert entry.subject == f"participant:{case.participant_id}"
    text = _pdf_text(response.content)
    for expected in (
        "Aufenthaltsperspektive",
        "Antrag nach § 25b AufenthG",
        "Praktikumsplatz vermitteln",
        "Handwerkskammer",
    ):
        assert expected in text
    # Outsiders get nothing.
    assert (
        world.client_for("police_liaison")
        .post(reverse("conferences:export", kwargs={"conference_id": conference.pk}))
        .status_code
        == 404
    )


def test_the_pdf_renders_right_to_left_text(world: World, actor, case) -> None:  # type: ignore[no-untyped-def]
    conference = services.schedule_conference(actor, case, scheduled_at=timezone.now(), place="Raum 1")
    services.save_minutes(actor, conference, "ملاحظات الاجتماع: دورة اللغة", version=conference.version)
    response = world.client_for("case_manager_a").post(
        reverse("conferences:export", kwargs={"conference_id": conference.pk})
    )
    assert response.status_code == 200
    assert "دورة" in _pdf_text(response.content) or "ةرود" in _pdf_text(response.content)


def test_a_refusal_is_shown_on_the_form_without_repeating_the_name(world: World, actor, case) -> None:  # type: ignore[no-untyped-def]
    conference = services.schedule_conference(actor, case, scheduled_at=timezone.now(), place="Raum 1")
    client = world.client_for("case_manager_a")
    url = reverse("conferences:add_decision", kwargs={"conference_id": conference.pk})
    response = client.post(url, {"text": f"Frau {FAMILY} bekommt einen Sprachkurs."})
    assert response.status_code == 200
    body = response.content.decode()
    assert "This conference is anonymised, but the text contains a name of the person." in body
    assert not conference.decisions.exists()
    response = client.post(url, {"text": f"Fall {conference.pseudonym} bekommt einen Sprachkurs."})
    assert response.status_code == 302 and conference.decisions.count() == 1


def test_schedule_invite_and_work_through_the_screens(world: World, actor, case) -> None:  # type: ignore[no-untyped-def]
    client = world.client_for("case_manager_a")
    when = timezone.localtime() - dt.timedelta(hours=1)
    response = client.post(
        reverse("conferences:schedule", kwargs={"case_id": case.pk}),
        {"scheduled_at": when.strftime("%Y-%m-%dT%H:%M"), "setting": "video", "place": "https://video.example/raum"},
    )
    conference = Conference.objects.get(case=case)
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("conferences:detail", kwargs={"conference_id": conference.pk})
    )
    kwargs = {"conference_id": conference.pk}
    org_b = world.organisations["org_b"]
    invite_page = client.get(reverse("conferences:add_organisation", kwargs=kwargs)).content.decode()
    options = re.findall(r"<option value=\"\d+\">([^<]+)</option>", invite_page)
    assert options == ["Handwerkskammer", "Integrationszentrum", "Sozialamt B"]  # no police, organiser or other network
    assert (
        client.post(reverse("conferences:add_organisation", kwargs=kwargs), {"organisation": org_b.pk}).status_code
        == 302
    )
    assert client.post(reverse("conferences:add_agenda_item", kwargs=kwargs), {"title": "Stand"}).status_code == 302
    assert client.post(reverse("conferences:hold", kwargs=kwargs), {"version": 1}).status_code == 302
    conference.refresh_from_db()
    assert conference.status == "held"
    assert (
        client.post(
            reverse("conferences:minutes", kwargs=kwargs), {"minutes": "Gutes Gespräch.", "version": conference.version}
        ).status_code
        == 302
    )
    # A stale version is refused on the form.
    response = client.post(reverse("conferences:minutes", kwargs=kwargs), {"minutes": "Alt", "version": 1})
    assert response.status_code == 200 and "Someone else changed this conference" in response.content.decode()
    response = client.post(
        reverse("conferences:add_action_item", kwargs=kwargs),
        {"text": "Kosten prüfen", "owner": org_b.pk, "due_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    item = conference.action_items.get()
    other = world.client_for("case_manager_b")
    response = other.post(
        reverse("conferences:complete_action_item", kwargs={**kwargs, "item_id": item.pk}), {"next": "list"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("conferences:action_items")
    item.refresh_from_db()
    assert item.is_done
    timeline = [entry.text_key for entry in case.timeline.all()]
    assert {"conference_scheduled", "conference_held", "conference_action_done"} <= set(timeline)


def test_switch_to_named_page_lists_the_missing_consents(world: World, actor, case, abh) -> None:  # type: ignore[no-untyped-def]
    conference = services.schedule_conference(actor, case, scheduled_at=timezone.now(), place="Raum 1")
    services.add_organisation(actor, conference, abh)
    client = world.client_for("case_manager_a")
    url = reverse("conferences:mode", kwargs={"conference_id": conference.pk})
    body = client.get(url).content.decode()
    assert "No consent for case conferences in force names Ausländerbehörde." in body
    client.post(url, {"version": conference.version})
    conference.refresh_from_db()
    assert conference.mode == Mode.ANONYMISED
    conference_consent(case, [abh])
    client.post(url, {"version": conference.version})
    conference.refresh_from_db()
    assert conference.mode == Mode.NAMED


# --- action items in the owners' lists ---------------------------------------------------------


def test_action_items_appear_in_the_owners_list_and_start_page(world: World, actor, case) -> None:  # type: ignore[no-untyped-def]
    conference = _full_conference(world, actor, case)
    org_b_client = world.client_for("case_manager_b")
    home = org_b_client.get(reverse("core:home")).content.decode()
    assert "Action items from case conferences" in home and "Kostenübernahme prüfen" in home
    assert "Praktikumsplatz vermitteln" not in home  # the chamber's item
    listing = org_b_client.get(reverse("conferences:action_items")).content.decode()
    assert "Kostenübernahme prüfen" in listing and f"Case {conference.pseudonym}" in listing
    chamber_home = world.client_for("partner_liaison").get(reverse("core:home")).content.decode()
    assert "Praktikumsplatz vermitteln" in chamber_home and "Kostenübernahme prüfen" not in chamber_home
    for persona in ("offer_provider", "police_liaison", "coordinator"):
        assert (
            "Action items from case conferences"
            not in world.client_for(persona).get(reverse("core:home")).content.decode()
        )
    entry = AuditEntry.objects.filter(action="conference.action_items_listed").latest("seq")
    assert entry.data["shown"]


def test_the_case_page_shows_its_conferences_and_open_action_items(world: World, actor, case) -> None:  # type: ignore[no-untyped-def]
    conference = _full_conference(world, actor, case)
    body = world.client_for("case_manager_a").get(reverse("cases:detail", kwargs={"case_id": case.pk})).content.decode()
    assert 'id="conferences"' in body and conference.pseudonym in body
    assert "Kostenübernahme prüfen" in body and reverse("conferences:schedule", kwargs={"case_id": case.pk}) in body
    assistant = (
        world.client_for("assistant_a").get(reverse("cases:detail", kwargs={"case_id": case.pk})).content.decode()
    )
    assert conference.pseudonym in assistant
    assert reverse("conferences:schedule", kwargs={"case_id": case.pk}) not in assistant


def test_participants_never_reach_the_case(world: World, actor, case) -> None:  # type: ignore[no-untyped-def]
    conference = _full_conference(world, actor, case)
    for persona in ("case_manager_b", "partner_liaison"):
        client = world.client_for(persona)
        assert client.get(reverse("cases:detail", kwargs={"case_id": case.pk})).status_code == 404
        body = client.get(reverse("conferences:detail", kwargs={"conference_id": conference.pk})).content.decode()
        assert reverse("cases:detail", kwargs={"case_id": case.pk}) not in body


# --- query counts ----------------------------------------------------------------------------


def _more_conferences(world: World, actor: Membership, case_type: CaseType, count: int, start: int) -> None:
    for i in range(count):
        person = Participant.objects.create(
            network=world.network,
            organisation=actor.organisation,
            reference=f"MS-{600000 + start + i:06d}",
            given_name="Omid",
            family_name=f"Karimi{start + i}",
            date_of_birth=dt.date(1999, 1, 1),
            created_by=actor.user,
        )
        case = case_services.open_case(actor, case_type=case_type, participant=person)
        conference = services.schedule_conference(actor, case, scheduled_at=timezone.now(), place="Raum 1")
        services.add_organisation(actor, conference, world.organisations["org_b"])
        services.add_action_item(
            actor, conference, text="Prüfen", owner=world.organisations["org_b"], due_on=timezone.localdate()
        )


@pytest.mark.parametrize(
    ("persona", "url_name"),
    [
        ("case_manager_b", "conferences:list"),
        ("case_manager_b", "conferences:action_items"),
        ("case_manager_b", "core:home"),
        ("case_manager_a", "conferences:list"),
    ],
)
def test_list_query_counts_do_not_grow(
    world: World, actor, case_type, persona: str, url_name: str, django_assert_max_num_queries: Any
) -> None:
    _more_conferences(world, actor, case_type, 2, 0)
    client = world.client_for(persona)
    client.get(reverse(url_name))  # warm the session
    with django_assert_max_num_queries(45) as few:
        assert client.get(reverse(url_name)).status_code == 200
    _more_conferences(world, actor, case_type, 6, 10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse(url_name)).status_code == 200


def test_conference_page_query_count_is_bounded(world: World, actor, case, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    conference = _full_conference(world, actor, case)
    for i in range(5):
        services.add_decision(actor, conference, f"Beschluss {i}")
        services.add_agenda_item(actor, conference, title=f"Punkt {i}")
    client = world.client_for("case_manager_a")
    with django_assert_max_num_queries(35):
        assert client.get(reverse("conferences:detail", kwargs={"conference_id": conference.pk})).status_code == 200


def test_german_readers_see_the_german_pseudonym_and_pdf(world: World, actor, case) -> None:  # type: ignore[no-untyped-def]
    from django.utils import translation

    from ankommen.accounts.models import User

    conference = _full_conference(world, actor, case)
    User.objects.filter(pk=world.memberships["case_manager_b"].user_id).update(preferred_language="de")
    client = world.client_for("case_manager_b")
    with translation.override("de"):
        body = client.get(reverse("conferences:detail", kwargs={"conference_id": conference.pk})).content.decode()
        pdf = _pdf_text(client.post(reverse("conferences:export", kwargs={"conference_id": conference.pk})).content)
    assert f"Fallkonferenz: Fall {conference.pseudonym}" in body and "Tagesordnung" in body
    assert f"Protokoll der Fallkonferenz: Fall {conference.pseudonym}" in pdf and "Aufgaben" in pdf
