"""Offer screens over HTTP: catalogue, forms, enrolment, the provider's list with short names only,
attendance by list, card and counts, the police's pages, cards, calendars, programme, reports,
the path switch, the start-page panel, and query counts that do not grow with the rows."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from ankommen.audit.models import AuditEntry
from ankommen.offers import services
from ankommen.offers.models import Attendance, Enrolment, Offer, ParticipantCard, Session
from ankommen.testing.personas import World


def _ical(response) -> Calendar:  # type: ignore[no-untyped-def]
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def _events(calendar: Calendar) -> list:  # type: ignore[type-arg]
    return [c for c in calendar.walk() if c.name == "VEVENT"]


# --- catalogue and offer forms -----------------------------------------------------------------


def test_catalogue_shows_published_offers_and_own_drafts(world: World, actor, make_offer) -> None:
    make_offer(title="Schweißen für Anfänger", category="workshop")
    make_offer(title="Bewerbungstraining", category="placement")
    make_offer(title="Geheimer Entwurf", status="draft")
    page = world.client_for("case_manager_a").get(reverse("offers:catalogue")).content.decode()
    assert "Schweißen für Anfänger" in page and "Bewerbungstraining" in page and "Geheimer Entwurf" not in page
    own = world.client_for("offer_provider").get(reverse("offers:catalogue")).content.decode()
    assert "Geheimer Entwurf" in own
    filtered = world.client_for("case_manager_a").get(reverse("offers:catalogue"), {"category": "placement"})
    assert "Bewerbungstraining" in filtered.content.decode() and "Schweißen" not in filtered.content.decode()
    draft = Offer.objects.get(title="Geheimer Entwurf")
    assert world.client_for("case_manager_a").get(reverse("offers:detail", args=[draft.pk])).status_code == 404


def test_provider_creates_an_offer_with_sessions_through_the_forms(world: World, actor) -> None:
    client = world.client_for("offer_provider")
    response = client.post(
        reverse("offers:create"),
        {
            "title": "Fliesenlegen ausprobieren",
            "title_en": "Try tiling",
            "description": "Praxis am Lehrbauhof.",
            "category": "workshop",
            "field_of_action": "work_training",
            "status": "published",
            "age_min": "16",
            "gender": "all",
            "open_regardless_of_status": "on",
            "languages": ["de", "ar"],
            "capacity": "6",
            "enrolment_unit": "course",
            "attendance_mode": "named",
        },
    )
    offer = Offer.objects.get(title="Fliesenlegen ausprobieren")
    assert response.status_code == 302 and response["Location"] == reverse("offers:add_sessions", args=[offer.pk])
    assert offer.translations == {"en": {"title": "Try tiling"}} and offer.languages == ["de", "ar"]
    assert offer.organisation == world.organisations["chamber"]
    first = timezone.localdate() + dt.timedelta(days=7)
    response = client.post(
        reverse("offers:add_sessions", args=[offer.pk]),
        {"first_day": first.isoformat(), "starts": "09:00", "ends": "13:00", "recurrence": "weekly", "count": "4"},
    )
    assert response.status_code == 302 and offer.sessions.count() == 4
    # Edit with the version the form showed; a stale form is refused.
    form_page = client.get(reverse("offers:edit", args=[offer.pk])).content.decode()
    assert 'name="version" value="1"' in form_page and "Try tiling" in form_page
    data = {
        "version": "1",
        "title": "Fliesenlegen ausprobieren",
        "category": "workshop",
        "field_of_action": "work_training",
        "status": "published",
        "gender": "all",
        "open_regardless_of_status": "on",
        "capacity": "8",
        "enrolment_unit": "course",
        "attendance_mode": "named",
    }
    assert client.post(reverse("offers:edit", args=[offer.pk]), data).status_code == 302
    assert client.post(reverse("offers:edit", args=[offer.pk]), data).status_code == 200  # stale: shown again
    offer.refresh_from_db()
    assert offer.capacity == 8 and offer.version == 2
    session = offer.sessions.first()
    response = client.post(
        reverse("offers:edit_session", args=[offer.pk, session.pk]),  # type: ignore[union-attr]
        {"starts_at": f"{first}T10:00", "ends_at": f"{first}T12:00", "place": "Halle 3", "is_cancelled": "on"},
    )
    assert response.status_code == 302
    session.refresh_from_db()  # type: ignore[union-attr]
    assert session.is_cancelled and session.place == "Halle 3"  # type: ignore[union-attr]


def test_police_form_has_no_attendance_choice_and_offers_are_counts_only(world: World, actor) -> None:
    client = world.client_for("police_liaison")
    assert 'name="attendance_mode"' not in client.get(reverse("offers:create")).content.decode()
    response = client.post(
        reverse("offers:create"),
        {
            "title": "Sicher unterwegs",
            "category": "legal_information",
            "field_of_action": "social_participation",
            "status": "published",
            "gender": "all",
            "open_regardless_of_status": "on",
            "capacity": "30",
            "enrolment_unit": "session",
        },
    )
    assert response.status_code == 302
    assert Offer.objects.get(title="Sicher unterwegs").counts_only


# --- enrolment ---------------------------------------------------------------------------------


def test_case_manager_enrols_by_reference_and_sees_seat_or_waiting_list(
    world: World, actor, make_offer, make_person
) -> None:
    offer = make_offer(capacity=1)
    first, second = make_person(reference="MS-700001"), make_person(reference="MS-700002")
    client = world.client_for("case_manager_a")
    response = client.post(reverse("offers:enrol", args=[offer.pk]), {"reference": "ms-700001"})
    assert response.status_code == 302 and response["Location"] == reverse("offers:participant", args=[first.pk])
    client.post(reverse("offers:enrol", args=[offer.pk]), {"reference": "MS-700002"})
    assert Enrolment.objects.get(participant=second).status == "waiting"
    page = client.get(reverse("offers:participant", args=[second.pk])).content.decode()
    assert offer.title in page
    # Someone else's reference is unknown to this organisation.
    stranger = make_person("org_b", reference="MS-700003")
    response = client.post(reverse("offers:enrol", args=[offer.pk]), {"reference": stranger.reference})
    assert response.status_code == 200 and not Enrolment.objects.filter(participant=stranger).exists()
    # The offer page lists the organisation's own people (logged), others see numbers only.
    detail = client.get(reverse("offers:detail", args=[offer.pk])).content.decode()
    assert first.family_name in detail and second.family_name in detail
    other = world.client_for("case_manager_b").get(reverse("offers:detail", args=[offer.pk])).content.decode()
    assert first.family_name not in other
    assert AuditEntry.objects.filter(action="enrolment.listed", data__page="offer").exists()
    # Cancelling the seat moves the waiting person up.
    enrolment = Enrolment.objects.get(participant=first)
    response = client.post(reverse("offers:cancel_enrolment", args=[enrolment.pk]), {"reason": "participant"})
    assert response.status_code == 302
    assert Enrolment.objects.get(participant=second).status == "enrolled"


def test_closed_path_is_shown_and_refused(world: World, actor, make_offer, make_person) -> None:
    course = make_offer(is_german_course=True, entitlement_paths=["obligation", "admission"], title="Integrationskurs")
    services.set_entitlement_path(world.memberships["coordinator"], "admission", is_open=False, reason="BAMF-Stopp")
    person = make_person(reference="MS-700010")
    client = world.client_for("case_manager_a")
    form = client.get(reverse("offers:enrol", args=[course.pk])).content.decode()
    assert 'value="admission"' in form and 'value="obligation"' in form
    page = client.get(reverse("offers:detail", args=[course.pk])).content.decode()
    assert "badge--bad" in page  # the closed path is marked
    catalogue = client.get(reverse("offers:catalogue")).content.decode()
    assert "badge--bad" in catalogue
    response = client.post(
        reverse("offers:enrol", args=[course.pk]), {"reference": person.reference, "path": "admission"}
    )
    assert response.status_code == 200 and not Enrolment.objects.filter(participant=person).exists()
    response = client.post(
        reverse("offers:enrol", args=[course.pk]), {"reference": person.reference, "path": "obligation"}
    )
    assert response.status_code == 302 and Enrolment.objects.get(participant=person).path == "obligation"


def test_coordinator_switches_a_path_on_the_paths_page(world: World, actor) -> None:
    client = world.client_for("coordinator")
    assert client.get(reverse("offers:paths")).status_code == 200
    response = client.post(
        reverse("offers:set_path", args=["admission"]), {"admission-is_open": "0", "admission-reason": "Stopp"}
    )
    assert response.status_code == 302 and services.closed_paths(world.network.pk) == {"admission"}
    client.post(reverse("offers:set_path", args=["admission"]), {"admission-is_open": "1", "admission-reason": ""})
    assert services.closed_paths(world.network.pk) == set()
    assert client.post(reverse("offers:set_path", args=["nonsense"]), {}).status_code == 404


# --- the provider's staff: short names, attendance ---------------------------------------------


def _seated(actor, offer, make_person, make_session, names):  # type: ignore[no-untyped-def]
    session = make_session(offer, starts_at=timezone.now() - dt.timedelta(minutes=5))
    people = [make_person(given_name=given, family_name=family) for given, family in names]
    enrolments = [services.enrol_participant(actor, offer, p) for p in people]
    return session, people, enrolments


def test_provider_list_shows_first_name_and_initial_only(
    world: World, actor, make_offer, make_person, make_session
) -> None:
    offer = make_offer(capacity=1)
    session, people, _enrolments = _seated(
        actor, offer, make_person, make_session, [("Amina", "Karimi"), ("Omid", "Rahimi")]
    )
    client = world.client_for("offer_provider")
    page = client.get(reverse("offers:participants", args=[offer.pk])).content.decode()
    assert "Amina K." in page and "Omid R." in page
    for person in people:
        assert person.family_name not in page and person.reference not in page
    attendance = client.get(reverse("offers:session", args=[offer.pk, session.pk])).content.decode()
    assert "Amina K." in attendance and "Karimi" not in attendance
    entry = AuditEntry.objects.filter(action="enrolment.listed", data__page="provider").get()
    assert entry.organisation_id == world.organisations["chamber"].pk


def test_attendance_by_list_and_walk_ins(world: World, actor, make_offer, make_person, make_session) -> None:
    offer = make_offer(capacity=5)
    session, _people, enrolments = _seated(actor, offer, make_person, make_session, [("Amina", "K"), ("Omid", "R")])
    client = world.client_for("offer_provider")
    response = client.post(
        reverse("offers:session", args=[offer.pk, session.pk]),
        {"action": "list", "present": [str(enrolments[1].pk)], "walk_ins": "3"},
    )
    assert response.status_code == 302
    assert dict(Attendance.objects.values_list("enrolment_id", "present")) == {
        enrolments[0].pk: False,
        enrolments[1].pk: True,
    }
    session.refresh_from_db()
    assert session.counted_attendance == 3


def test_scanning_a_card_marks_the_holder_present(world: World, actor, make_offer, make_person, make_session) -> None:
    offer = make_offer(capacity=5)
    session, people, enrolments = _seated(actor, offer, make_person, make_session, [("Amina", "Karimi")])
    card = services.issue_card(actor, people[0])
    client = world.client_for("offer_provider")
    page = client.get(reverse("offers:scan", args=[offer.pk, session.pk])).content.decode()
    assert "vendor/jsqr/jsQR.js" in page and 'name="token"' in page
    response = client.post(
        reverse("offers:scan", args=[offer.pk, session.pk]), {"token": card.display_token}, follow=True
    )
    assert "Amina K." in response.content.decode() and "Karimi" not in response.content.decode()
    assert Attendance.objects.get(enrolment=enrolments[0]).method == "card"
    client.post(reverse("offers:scan", args=[offer.pk, session.pk]), {"token": "ZZZZ-ZZZZ-ZZZZ"})
    assert Attendance.objects.count() == 1
    # The QR code's address: the check-in page lists today's sessions where the holder has a seat.
    checkin = client.get(reverse("offers:card_checkin", args=[card.token]))
    assert checkin.status_code == 200 and f'value="{session.pk}"' in checkin.content.decode()
    assert "Karimi" not in checkin.content.decode()
    response = client.post(reverse("offers:card_checkin", args=[card.token]), {"session": session.pk})
    assert response.status_code == 302
    services.revoke_card(actor, people[0])
    assert client.get(reverse("offers:card_checkin", args=[card.token])).status_code == 404
    assert client.get(reverse("offers:card_checkin", args=["NOT-A-CARD"])).status_code == 404


def test_police_see_counts_and_no_names(world: World, actor, police, make_person, make_session) -> None:
    info = services.create_offer(
        police,
        {
            "title": "Opferschutz",
            "category": "legal_information",
            "field_of_action": "social_participation",
            "status": "published",
            "capacity": 30,
            "enrolment_unit": "session",
        },
    )
    session = make_session(info, starts_at=timezone.now() + dt.timedelta(hours=2))
    person = make_person(given_name="Shirin", family_name="Rezaei", reference="MS-777001")
    services.enrol_participant(actor, info, person, session=session)
    client = world.client_for("police_liaison")
    for url in (
        reverse("offers:detail", args=[info.pk]),
        reverse("offers:session", args=[info.pk, session.pk]),
        reverse("offers:catalogue"),
        reverse("offers:reports"),
        reverse("core:home"),
    ):
        body = client.get(url).content.decode()
        assert "Shirin" not in body and "Rezaei" not in body and "MS-777001" not in body, url
    assert client.get(reverse("offers:participants", args=[info.pk])).status_code == 403
    assert client.get(reverse("offers:scan", args=[info.pk, session.pk])).status_code == 403
    # The offer provider of another organisation has no way in either.
    assert (
        world.client_for("offer_provider").get(reverse("offers:session", args=[info.pk, session.pk])).status_code == 403
    )
    # Counting: only on the day of the session.
    Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=1))
    response = client.post(reverse("offers:session", args=[info.pk, session.pk]), {"action": "counts", "count": "17"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.counted_attendance == 17
    # Names cannot be posted to a counts-only session.
    client.post(reverse("offers:session", args=[info.pk, session.pk]), {"action": "list", "present": ["1"]})
    assert not Attendance.objects.exists()


# --- cards -------------------------------------------------------------------------------------


def test_card_page_prints_name_and_a_qr_code_of_the_token_only(world: World, actor, make_person) -> None:
    person = make_person(given_name="Rania", family_name="Haddad", reference="MS-700100")
    client = world.client_for("case_manager_a")
    assert client.get(reverse("offers:card", args=[person.pk])).status_code == 200
    assert client.post(reverse("offers:issue_card", args=[person.pk])).status_code == 302
    card = ParticipantCard.objects.get(participant=person)
    page = client.get(reverse("offers:card", args=[person.pk])).content.decode()
    assert "Rania" in page and card.display_token in page and "<svg" in page
    assert AuditEntry.objects.filter(action="participantcard.viewed", subject=f"participant:{person.pk}").exists()
    # What the QR code holds: the check-in address with the token, nothing about the person.
    from django.test import RequestFactory

    from ankommen.offers.enrolment_views import card_url

    url = card_url(RequestFactory().get("/"), card)
    assert url.endswith(f"/offers/card/{card.token}/")
    assert "Rania" not in url and "Haddad" not in url and person.reference not in url and str(person.pk) not in url
    # Reissue and revoke.
    client.post(reverse("offers:issue_card", args=[person.pk]))
    assert ParticipantCard.objects.filter(participant=person, revoked_at__isnull=True).count() == 1
    assert ParticipantCard.objects.filter(participant=person).count() == 2
    client.post(reverse("offers:revoke_card", args=[person.pk]))
    assert not ParticipantCard.objects.filter(participant=person, revoked_at__isnull=True).exists()
    assert client.get(reverse("offers:revoke_card", args=[person.pk])).status_code == 405


# --- calendars ---------------------------------------------------------------------------------


def test_participant_calendar_has_the_seated_sessions_and_no_person(
    world: World, actor, make_offer, make_person, make_session
) -> None:
    course = make_offer(title="Deutsch am Nachmittag", capacity=1, contact="Frau Beispiel, 0251 000")
    first, second = make_session(course), make_session(course, place="Raum 4")
    workshop = make_offer(title="Werkstatt einzeln", enrolment_unit="session", capacity=5)
    chosen, other = make_session(workshop), make_session(workshop)
    full = make_offer(title="Voll belegt", capacity=1)
    make_session(full)
    person = make_person(given_name="Leyla", family_name="Nouri", reference="MS-700200")
    services.enrol_participant(actor, course, person)
    services.enrol_participant(actor, workshop, person, session=chosen)
    services.enrol_participant(actor, full, make_person())
    services.enrol_participant(actor, full, person)  # waiting: not in the calendar
    services.update_session(world.memberships["offer_provider"], second, {"is_cancelled": True})
    response = world.client_for("case_manager_a").get(reverse("offers:participant_calendar", args=[person.pk]))
    calendar = _ical(response)
    events = _events(calendar)
    uids = sorted(str(e["UID"]) for e in events)
    assert uids == sorted(f"session-{s.pk}@{world.network.slug}.ankommen" for s in (first, second, chosen))
    assert {str(e["SUMMARY"]) for e in events} == {"Deutsch am Nachmittag", "Werkstatt einzeln"}
    assert {str(e["STATUS"]) for e in events if str(e["UID"]).startswith(f"session-{second.pk}@")} == {"CANCELLED"}
    assert any("Raum 4" in str(e.get("LOCATION", "")) for e in events)
    assert events[0].decoded("DTSTART").tzinfo is not None
    body = response.content.decode()
    for secret in ("Leyla", "Nouri", "MS-700200"):
        assert secret not in body
    assert str(other.pk) not in uids
    assert AuditEntry.objects.filter(action="enrolment.calendar_exported", subject=f"participant:{person.pk}").exists()
    assert (
        world.client_for("case_manager_b").get(reverse("offers:participant_calendar", args=[person.pk])).status_code
        == 404
    )


def test_offer_feeds_public_only_when_marked_and_never_with_names(
    world: World, actor, make_offer, make_person, make_session
) -> None:
    public = make_offer(title="Offenes Training", is_public=True)
    make_session(public)
    services.enrol_participant(actor, public, make_person(given_name="Hamid", family_name="Sultani"))
    closed = make_offer(title="Intern", is_public=False)
    draft = make_offer(title="Entwurf", is_public=True, status="draft")
    anonymous = world.client_for("anonymous")
    response = anonymous.get(reverse("offers:public_calendar", args=[public.feed_key]))
    calendar = _ical(response)
    assert [str(e["SUMMARY"]) for e in _events(calendar)] == ["Offenes Training"]
    assert "Hamid" not in response.content.decode() and "Sultani" not in response.content.decode()
    for hidden in (closed, draft):
        assert anonymous.get(reverse("offers:public_calendar", args=[hidden.feed_key])).status_code == 404
    # Logged-in staff get the feed of any offer they see, by id; another network's staff do not.
    staff = world.client_for("case_manager_b").get(reverse("offers:offer_calendar", args=[closed.pk]))
    assert _events(_ical(staff)) == []
    assert world.client_for("outsider").get(reverse("offers:offer_calendar", args=[closed.pk])).status_code == 404


# --- programme, reports, panel -----------------------------------------------------------------


def test_weekly_programme_of_the_zue(world: World, actor, make_offer, make_session) -> None:
    zue = make_offer(title="Sprachtreff in der ZUE", at_zue=True)
    elsewhere = make_offer(title="Kletterhalle", at_zue=False)
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday()) + dt.timedelta(weeks=1)
    zone = timezone.get_current_timezone()
    at = timezone.make_aware(dt.datetime.combine(monday + dt.timedelta(days=2), dt.time(10)), zone)
    make_session(zue, starts_at=at, ends_at=at + dt.timedelta(hours=1))
    make_session(elsewhere, starts_at=at, ends_at=at + dt.timedelta(hours=1))
    year, week, _ = monday.isocalendar()
    client = world.client_for("police_liaison")
    page = client.get(reverse("offers:programme"), {"week": f"{year}-W{week:02d}"}).content.decode()
    assert "Sprachtreff in der ZUE" in page and "Kletterhalle" not in page
    everything = client.get(reverse("offers:programme"), {"week": f"{year}-W{week:02d}", "all": "1"}).content.decode()
    assert "Kletterhalle" in everything
    this_week = client.get(reverse("offers:programme")).content.decode()
    assert "Sprachtreff in der ZUE" not in this_week


def test_provider_report_counts_sessions_and_participants(
    world: World, actor, police, make_offer, make_person, make_session
) -> None:
    info = services.create_offer(
        police,
        {"title": "Rechtsstaat", "category": "legal_information", "field_of_action": "social_participation",
         "status": "published", "capacity": 40, "enrolment_unit": "session"},
    )  # fmt: skip
    now = timezone.now()
    counts = [12, 18, 30, 22, 15, 27, 19]
    for week, count in enumerate(counts, start=1):
        session = make_session(
            info, starts_at=now - dt.timedelta(weeks=week), ends_at=now - dt.timedelta(weeks=week, hours=-1)
        )
        services.record_counts(police, session, count)
    make_session(
        info, starts_at=now - dt.timedelta(weeks=9), ends_at=now - dt.timedelta(weeks=9, hours=-1), is_cancelled=True
    )
    make_session(info)  # future: not held yet
    # A named offer of the chamber: two present by name plus one walk-in.
    course = make_offer(capacity=5)
    session, _people, enrolments = _seated(
        actor, course, make_person, make_session, [("A", "B"), ("C", "D"), ("E", "F")]
    )
    services.record_attendance_list(
        world.memberships["offer_provider"], session, {enrolments[0].pk, enrolments[1].pk}, walk_ins=1
    )

    response = world.client_for("police_liaison").get(reverse("offers:reports"))
    rows = {row.offer.pk: row for row in response.context["report"]}
    assert set(rows) == {info.pk}
    assert (rows[info.pk].held, rows[info.pk].minimum, rows[info.pk].maximum, rows[info.pk].total) == (7, 12, 30, 143)
    page = response.content.decode()
    assert "12–30" in page and ">143<" in page
    coordinator = world.client_for("coordinator").get(reverse("offers:reports")).context["report"]
    figures = {row.offer.pk: (row.held, row.total) for row in coordinator}
    assert figures == {info.pk: (7, 143), course.pk: (1, 3)}
    short = world.client_for("coordinator").get(
        reverse("offers:reports"), {"date_from": (now - dt.timedelta(weeks=2, days=1)).date().isoformat()}
    )
    assert {row.offer.pk: row.held for row in short.context["report"]}[info.pk] == 2


def test_start_page_panel_lists_todays_sessions(
    world: World, actor, make_offer, make_person, make_session, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    offer = make_offer(title="Heute: Malerwerkstatt", capacity=3)
    today = timezone.localtime().replace(hour=23, minute=0, second=0, microsecond=0)
    make_session(offer, starts_at=today, ends_at=today + dt.timedelta(minutes=30))
    services.enrol_participant(actor, offer, make_person())
    client = world.client_for("offer_provider")
    client.get(reverse("core:home"))
    with django_assert_max_num_queries(40) as few:
        page = client.get(reverse("core:home")).content.decode()
    assert "Heute: Malerwerkstatt" in page
    for i in range(4):
        other = make_offer(title=f"Heute {i}")
        make_session(other, starts_at=today, ends_at=today + dt.timedelta(minutes=30))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("core:home")).status_code == 200


# --- query counts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "url_name"),
    [
        ("case_manager_a", "offers:catalogue"),
        ("police_liaison", "offers:programme"),
        ("coordinator", "offers:reports"),
        ("case_manager_a", "offers:enrolments"),
        ("offer_provider", "offers:participants"),
        ("case_manager_a", "offers:detail"),
        ("case_manager_a", "offers:participant"),
    ],
)
def test_list_pages_query_count_is_bounded(  # type: ignore[no-untyped-def]
    world: World, actor, make_offer, make_person, make_session, persona, url_name, django_assert_max_num_queries
) -> None:
    person = make_person()
    anchor = make_offer(capacity=2, at_zue=True)
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())

    def grow(count: int) -> None:
        for i in range(count):
            offer = make_offer(capacity=2, at_zue=True)
            at = timezone.make_aware(dt.datetime.combine(monday, dt.time(8 + i % 10)))
            make_session(offer, starts_at=at, ends_at=at + dt.timedelta(hours=1))
            make_session(anchor, starts_at=at + dt.timedelta(days=1), ends_at=at + dt.timedelta(days=1, hours=1))
            for who in (person, make_person(), make_person()):
                services.enrol_participant(actor, offer, who)
                services.enrol_participant(actor, anchor, who) if who is not person else None

    kwargs = {
        "offers:participants": {"offer_id": anchor.pk},
        "offers:detail": {"offer_id": anchor.pk},
        "offers:participant": {"participant_id": person.pk},
    }.get(url_name, {})
    grow(2)
    client = world.client_for(persona)
    url = reverse(url_name, kwargs=kwargs)
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    grow(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_no_personal_data_in_logged_audit_data(world: World, actor, make_offer, make_person) -> None:
    offer = make_offer()
    person = make_person(given_name="Zahra", family_name="Mohammadi")
    services.enrol_participant(actor, offer, person)
    services.issue_card(actor, person)
    dumped = " ".join(str(e.data) for e in AuditEntry.objects.all())
    assert "Zahra" not in dumped and "Mohammadi" not in dumped
    token = ParticipantCard.objects.get(participant=person).token
    assert token not in dumped and not re.search(r"[A-Z2-9]{12}", dumped)


def test_enrolments_page_opens_a_person_by_reference(world: World, actor, make_person) -> None:
    person = make_person(reference="MS-700300")
    client = world.client_for("case_manager_a")
    response = client.get(reverse("offers:enrolments"), {"reference": "ms-700300"})
    assert response.status_code == 302 and response["Location"] == reverse("offers:participant", args=[person.pk])
    stranger = make_person("org_b", reference="MS-700301")
    response = client.get(reverse("offers:enrolments"), {"reference": stranger.reference})
    assert response.status_code == 200
