"""The offer finder with the database: ranking by the plan, exclusions with reasons (target group,
closed paths, the ZUE, time clashes, no dates), the page and its audited read, enrolment from a
row, the cached catalogue seeing changes, and a query count that does not grow with the offers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ankommen.audit.models import AuditEntry
from ankommen.offers import finder, services
from ankommen.offers.choices import EnrolmentStatus
from ankommen.offers.finding import find_offers
from ankommen.offers.models import Enrolment
from ankommen.participants.models import LanguageSkill, ResidenceStatus
from ankommen.testing.personas import World


@pytest.fixture
def person(world: World, actor, make_person):  # type: ignore[no-untyped-def]
    """22 years old, male, Aufenthaltsgestattung, Arabic native, German A1, lives in the ZUE."""
    today = timezone.localdate()
    person = make_person(
        given_name="Yusuf",
        family_name="Finderprobe",
        date_of_birth=today.replace(year=today.year - 22) - dt.timedelta(days=10),
        sex="m",
        accommodation="zue",
        district="Gremmendorf",
    )
    ResidenceStatus.objects.create(
        network=world.network, participant=person, status="gestattung", valid_from=today - dt.timedelta(days=90)
    )
    LanguageSkill.objects.create(network=world.network, participant=person, language="ar", speaking="native")
    LanguageSkill.objects.create(network=world.network, participant=person, language="de", speaking="A1")
    return person


def _with_date(make_offer, make_session, **values):  # type: ignore[no-untyped-def]
    offer = make_offer(**values)
    make_session(offer)
    return offer


def test_ranked_by_the_plan_with_every_exclusion_explained(  # type: ignore[no-untyped-def]
    world: World, actor, person, make_offer, make_session, make_case
) -> None:
    make_case(person, goals=("training_work",), needs=("language",))
    zue = {"at_zue": True}
    orientation = _with_date(
        make_offer,
        make_session,
        title="Berufsorientierung",
        category="vocational_orientation",
        languages=["ar"],
        capacity=10,
        **zue,
    )
    german = _with_date(
        make_offer,
        make_session,
        title="Deutsch-Einstieg",
        category="language",
        field_of_action="education_language",
        capacity=10,
        **zue,
    )
    sport = _with_date(
        make_offer,
        make_session,
        title="Fußball",
        category="sport",
        field_of_action="social_participation",
        district="Geist",
        capacity=10,
    )
    excluded = {
        "permit_only": _with_date(
            make_offer,
            make_session,
            title="Nur mit Aufenthaltserlaubnis",
            open_regardless_of_status=False,
            admitted_statuses=["aufenthaltserlaubnis"],
        ),
        "women": _with_date(make_offer, make_session, title="Frauencafé", gender="women"),
        "closed": _with_date(
            make_offer,
            make_session,
            title="Integrationskurs Zulassung",
            category="language",
            is_german_course=True,
            entitlement_paths=["admission"],
        ),
        "too_old": _with_date(make_offer, make_session, title="Jugendwerkstatt", age_max=18),
    }
    services.set_entitlement_path(world.memberships["coordinator"], "admission", is_open=False, reason="Stopp")
    # a course in which the person has a seat, and one whose dates clash with it
    seat = make_offer(title="Sprachkurs mit Platz", capacity=5)
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=2)
    make_session(seat, starts_at=start, ends_at=start + dt.timedelta(hours=3))
    services.enrol_participant(actor, seat, person)
    clash = make_offer(title="Zur gleichen Zeit", category="vocational_orientation", **zue)
    make_session(clash, starts_at=start + dt.timedelta(hours=1), ends_at=start + dt.timedelta(hours=2))
    past = make_offer(title="Schon vorbei", category="vocational_orientation", **zue)
    make_session(past, starts_at=start - dt.timedelta(days=10), ends_at=start - dt.timedelta(days=10, hours=-2))

    result = find_offers(person)
    ranked = [row.offer.title for row in result.eligible]
    assert ranked[:3] == ["Berufsorientierung", "Deutsch-Einstieg", "Fußball"]
    top = result.eligible[0].assessment
    assert finder.Reason("goal", "training_work") in top.reasons and finder.Reason("zue") in top.reasons
    assert finder.Reason("language", "ar") in top.reasons
    assert result.eligible[0].schedule is not None and result.eligible[0].schedule.free_seats == 10
    why = {row.offer.title: row.assessment.problems for row in result.excluded}
    assert why["Nur mit Aufenthaltserlaubnis"] == ("status_not_admitted",)
    assert why["Frauencafé"] == ("gender",)
    assert why["Integrationskurs Zulassung"] == (finder.PATHS_CLOSED,)
    assert why["Jugendwerkstatt"] == ("too_old",)
    assert why["Sprachkurs mit Platz"] == (finder.ALREADY_ENROLLED,)
    assert why["Zur gleichen Zeit"] == (finder.TIME_CONFLICT,)
    assert why["Schon vorbei"] == (finder.NO_DATES,)
    assert result.eligible_total == 3 and result.excluded_total == 7
    assert excluded and german and sport and orientation


def test_the_page_shows_both_lists_logs_the_read_and_enrols(  # type: ignore[no-untyped-def]
    world: World, actor, person, make_offer, make_session, make_case
) -> None:
    make_case(person, goals=("training_work",))
    workshop = _with_date(make_offer, make_session, title="Werkstatt Holz", category="workshop", capacity=4)
    single = make_offer(title="Einzeltermine Metall", category="workshop", enrolment_unit="session", capacity=3)
    date = make_session(single)
    course = _with_date(
        make_offer,
        make_session,
        title="Integrationskurs Abend",
        category="language",
        field_of_action="education_language",
        is_german_course=True,
        entitlement_paths=["obligation", "self_payer"],
    )
    make_offer(title="Nur Frauen", gender="women")
    client = world.client_for("case_manager_a")
    url = reverse("offers:finder", args=[person.pk])
    page = client.get(url).content.decode()
    assert "Werkstatt Holz" in page and "Einzeltermine Metall" in page
    assert _either(page, "not eligible, because")
    assert "Nur Frauen" in page
    assert AuditEntry.objects.filter(action="offer.finder_used", subject=f"participant:{person.pk}").exists()
    # enrol from the rows: a course, a single date, a German course by a path
    enrol = reverse("offers:finder_enrol", args=[person.pk, workshop.pk])
    assert client.post(enrol, {"back": url}).status_code == 302
    assert (
        client.post(reverse("offers:finder_enrol", args=[person.pk, single.pk]), {"session": date.pk}).status_code
        == 302
    )
    assert (
        client.post(reverse("offers:finder_enrol", args=[person.pk, course.pk]), {"path": "obligation"}).status_code
        == 302
    )
    rows = Enrolment.objects.filter(participant=person, status=EnrolmentStatus.ENROLLED)
    assert {(e.offer_id, e.session_id, e.path) for e in rows} == {
        (workshop.pk, None, ""),
        (single.pk, date.pk, ""),
        (course.pk, None, "obligation"),
    }
    # enrolled now: the finder lists them as such
    again = client.get(url).content.decode()
    assert again.count(_text("already enrolled or on the waiting list", again)) >= 3
    # a refusal becomes a message, not an error page
    refused = client.post(
        reverse("offers:finder_enrol", args=[person.pk, course.pk]), {"path": "obligation"}, follow=True
    )
    assert refused.status_code == 200
    # the assistant reads, without enrolment buttons; org B does not find the person
    assistant_page = world.client_for("assistant_a").get(url).content.decode()
    assert (
        "Werkstatt Holz" in assistant_page
        and reverse("offers:finder_enrol", args=[person.pk, workshop.pk]) not in assistant_page
    )
    assert world.client_for("case_manager_b").get(url).status_code == 404


def test_offers_with_seats_by_allocation_take_interest_only(  # type: ignore[no-untyped-def]
    world: World, actor, person, make_offer, make_session
) -> None:
    offer = _with_date(make_offer, make_session, title="Neuer Sprachkurs", capacity=20, allocates_seats=True)
    client = world.client_for("case_manager_a")
    page = client.get(reverse("offers:finder", args=[person.pk])).content.decode()
    assert _either(page, "Register for the allocation")
    client.post(reverse("offers:finder_enrol", args=[person.pk, offer.pk]))
    enrolment = Enrolment.objects.get(participant=person, offer=offer)
    assert enrolment.status == EnrolmentStatus.WAITING  # 20 seats free, but the allocation gives them
    services.cancel_enrolment(actor, enrolment, reason="participant")
    assert not Enrolment.objects.filter(offer=offer, status=EnrolmentStatus.ENROLLED).exists()


def _text(text: str, page: str) -> str:
    """``text`` as the page shows it (English or German)."""
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override("de"):
        german = gettext(text)
    return german if german in page else text


def _either(page: str, text: str) -> bool:
    """``text`` in the page, in English or German."""
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override("de"):
        german = gettext(text)
    return text in page or german in page


def test_the_cached_catalogue_sees_every_change(
    world: World, actor, person, make_offer, make_session, provider
) -> None:  # type: ignore[no-untyped-def]
    offer = _with_date(make_offer, make_session, title="Ändert sich")
    assert [row.offer.pk for row in find_offers(person).eligible] == [offer.pk]
    services.update_offer(provider, offer, {"age_max": 20}, version=None)
    result = find_offers(person)
    assert not result.eligible and result.excluded[0].assessment.problems == ("too_old",)
    newer = _with_date(make_offer, make_session, title="Neu dazu")
    assert [row.offer.pk for row in find_offers(person).eligible] == [newer.pk]
    services.update_offer(provider, newer, {"status": "ended"}, version=None)
    assert not find_offers(person).eligible


def test_query_count_does_not_grow_with_the_catalogue(  # type: ignore[no-untyped-def]
    world: World, actor, person, make_offer, make_session, make_case, django_assert_max_num_queries
) -> None:
    make_case(person, goals=("training_work",), needs=("language",))
    for i in range(3):
        _with_date(make_offer, make_session, title=f"Angebot {i}", enrolment_unit="session" if i % 2 else "course")
    client = world.client_for("case_manager_a")
    url = reverse("offers:finder", args=[person.pk])
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for i in range(3, 40):
        _with_date(make_offer, make_session, title=f"Angebot {i}", enrolment_unit="session" if i % 2 else "course")
    with django_assert_max_num_queries(len(few.captured_queries) + 1):  # +1: the catalogue changed, read again
        client.get(url)
