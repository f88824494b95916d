"""The dashboard's pages and exports: figures, small cells suppressed on the screen and in every
export, drill-down to offers (never persons), htmx partial, bounded queries, the rebuild."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope

from ankommen.audit.models import AuditEntry
from ankommen.dashboard import needs
from ankommen.jobs.models import BackgroundJob

BIG, SMALL, OTHER = "Coerde", "Hiltrup", "Kinderhaus"


@pytest.fixture
def data(world, actor, make_person, make_offer, make_session):
    """Eight persons in Coerde, three in Hiltrup and six in Kinderhaus need education and language; a
    course in Coerde with six seats."""
    people = [make_person(district=BIG, family_name=f"Nadiri{i}") for i in range(8)]
    people += [make_person(district=SMALL, family_name=f"Qasemi{i}") for i in range(3)]
    people += [make_person(district=OTHER, family_name=f"Rahimi{i}") for i in range(6)]
    for person in people:
        needs.record_interest(person, "education_language")
    offer = make_offer(capacity=6, field_of_action="education_language", category="language", title="Deutsch A1 Coerde")
    make_session(offer)
    return {"people": people, "offer": offer}


def _row(html: str, label: str) -> str:
    match = re.search(r"<tr>\s*<th scope=\"row\">" + re.escape(label) + r"</th>(.*?)</tr>", html, re.S)
    assert match, f"no row {label}"
    return match.group(1)


def test_the_coordinator_sees_gaps_and_small_cells_are_suppressed(world, data, english) -> None:
    client = world.client_for("coordinator")
    response = client.get(reverse("dashboard:overview"))
    assert response.status_code == 200
    html = response.content.decode()
    report = response.context["report"]
    assert report.cells[(BIG, "education_language")].persons.value == 8
    assert report.cells[(BIG, "education_language")].gap.value == 2  # 8 persons, 6 seats
    assert report.cells[(SMALL, "education_language")].persons.hidden
    # The total (17) would give Hiltrup away as 17 − 8 − 6: Kinderhaus is hidden with it.
    assert report.field_totals["education_language"].persons.value == 17
    assert report.cells[(OTHER, "education_language")].persons.hidden
    assert "&lt;5" in _row(html, SMALL)
    assert "<svg" in html and 'role="img"' in html  # the charts, with their tables
    assert "Qasemi" not in html and "Nadiri" not in html and "Rahimi" not in html


@pytest.mark.parametrize("kind", ["csv", "xlsx", "pdf"])
def test_every_export_suppresses_the_same_cells(world, data, english, kind) -> None:
    client = world.client_for("coordinator")
    response = client.get(reverse(f"dashboard:export_{kind}"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    content = response.content
    if kind == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
        small = [row for row in rows if row and row[0] == SMALL and row[1] == "Education and language"]
        assert small and small[0][2] == "<5" and small[0][4] == "<5"
        big = [row for row in rows if row and row[0] == BIG and row[1] == "Education and language"]
        assert big[0][2] in ("8", "<5")
        text = content.decode("utf-8-sig")
    elif kind == "xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(content))
        sheet = workbook.worksheets[0]
        values = [[c.value for c in row] for row in sheet.iter_rows()]
        small = [row for row in values if row[0] == SMALL and row[1] == "Education and language"]
        assert small[0][2] == "<5" and small[0][4] == "<5"
        text = " ".join(
            str(v) for sheet in workbook.worksheets for row in sheet.iter_rows() for v in (c.value for c in row)
        )
    else:
        from pypdf import PdfReader

        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
        assert "<5" in text and SMALL in text
    for person in data["people"]:
        assert person.family_name not in text
    with scope(network=world.network.pk):
        assert AuditEntry.objects.filter(action="dashboard.exported", data__format=kind).exists()


def test_the_drill_down_lists_the_offers_never_persons(world, data, english) -> None:
    client = world.client_for("coordinator")
    response = client.get(reverse("dashboard:cell"), {"district": BIG, "field": "education_language"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Deutsch A1 Coerde" in html and reverse("offers:detail", args=[data["offer"].pk]) in html
    assert "Nadiri" not in html and "Qasemi" not in html


def test_filters_update_the_results_as_an_htmx_partial(world, data, english) -> None:
    client = world.client_for("coordinator")
    response = client.get(reverse("dashboard:overview"), {"rows": "age_band"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="dashboard-results"') and "<html" not in html
    assert response.context["report"].rows == ["18_26"]


def test_bad_filters_fall_back_to_the_defaults(world, data, english) -> None:
    response = world.client_for("coordinator").get(reverse("dashboard:overview"), {"from": "2026-13", "to": "x"})
    assert response.status_code == 200
    assert "Give the month as year and month" in response.content.decode()


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_the_data(world, actor, make_person, make_offer, make_session) -> None:
    client = world.client_for("coordinator")
    url = reverse("dashboard:overview")
    for i in range(3):
        needs.record_interest(make_person(district=f"Bezirk {i}"), "housing")
    make_session(make_offer(field_of_action="housing", category="housing", district="Bezirk 0"))
    client.get(url)
    few = _queries(client, url)
    for i in range(30):
        needs.record_interest(
            make_person(district=f"Bezirk {i % 9}", age=20 + i % 40), ["housing", "work_training"][i % 2]
        )
    for i in range(6):
        make_session(make_offer(field_of_action="work_training", district=f"Bezirk {i}"))
    many = _queries(client, url)
    assert many == few
    assert many <= 20


def test_the_rebuild_runs_as_a_job(world, data) -> None:
    client = world.client_for("coordinator")
    response = client.post(reverse("dashboard:rebuild"))
    assert response.status_code == 302
    with scope(network=world.network.pk):
        job = BackgroundJob.objects.get(kind="dashboard.rebuild")
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
