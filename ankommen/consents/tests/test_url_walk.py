"""Nothing leaks through any other URL: the recipient walks every page of the cases, participants,
consents and API apps, and every page elsewhere that takes a case, a person or a household.

With a narrow consent the recipient may open the gated case and record pages (and the consent);
every other URL must either show nothing of the uncovered categories or answer 403/404, and no
POST may change anything.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ankommen.cases.models import Case, Goal, Measure, ProgressNote, Task
from ankommen.consents.models import Consent
from ankommen.consents.tests.conftest import Shared, share, uncovered
from ankommen.participants.models import HouseholdMember, Participant
from ankommen.participants.sections import SECTIONS
from ankommen.testing.personas import World

NAMESPACES = ("cases", "participants", "consents", "api")
SUBJECT_KWARGS = {"case_id", "participant_id", "household_id"}
MISSING = 999_999


def _patterns(resolver: URLResolver | None = None, namespace: str = "") -> Iterator[tuple[str, list[str]]]:
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name, list(getattr(pattern.pattern, "converters", {}))


def _urls(shared: Shared, consent: Consent) -> list[tuple[str, str, bool]]:
    """(url name, url, about one of the shared objects) for every URL to walk."""
    head = HouseholdMember.objects.get(household=shared.household, participant=shared.person)
    ints: dict[str, int] = {
        "case_id": shared.case.pk,
        "participant_id": shared.person.pk,
        "household_id": shared.household.pk,
        "member_id": head.pk,
        "goal_id": shared.goal.pk,
        "measure_id": shared.measure.pk,
        "task_id": shared.task.pk,
        "approval_id": shared.approval.pk,
        "consent_id": consent.pk,
        "case_type_id": shared.case.case_type_id,
    }
    slugs = {"domain": ["housing"], "kind": ["plan", "closure"]}
    urls = []
    for name, converters in _patterns():
        if name.split(":")[0] not in NAMESPACES and not SUBJECT_KWARGS & set(converters):
            continue
        variants: list[dict[str, Any]] = [{}]
        for converter in converters:
            if converter == "section":
                with_row = "row_id" in converters
                options = [
                    {"section": slug, **({"row_id": row.pk} if with_row else {})}
                    for slug, row in shared.rows.items()
                    if slug in SECTIONS
                ]
                variants = [{**v, **o} for v in variants for o in options]
            elif converter == "row_id":
                continue
            elif converter in slugs:
                variants = [{**v, converter: value} for v in variants for value in slugs[converter]]
            elif converter.endswith("_id"):
                variants = [{**v, converter: ints.get(converter, MISSING)} for v in variants]
            else:
                variants = []  # tokens, uuids, paths: not about a case or a person
        about_object = any(ints.get(c) is not None for c in converters)
        urls += [(name, reverse(name, kwargs=kwargs), about_object) for kwargs in variants]
    return urls


def _state(shared: Shared) -> tuple[Any, ...]:
    return (
        Case.objects.get(pk=shared.case.pk).version,
        Participant.objects.get(pk=shared.person.pk).version,
        Goal.objects.count(),
        Measure.objects.count(),
        ProgressNote.objects.count(),
        Task.objects.filter(done_at__isnull=True).count(),
        Consent.objects.filter(revoked_at__isnull=True).count(),
        HouseholdMember.objects.count(),
        sum(spec.model.objects.count() for spec in SECTIONS.values()),
    )


@pytest.mark.parametrize(
    "categories",
    [
        ["language"],
        ["identity", "contact", "language", "education", "work", "interests"],
        ["identity", "contact", "language", "education", "work", "interests", "residence", "household",
         "assessment", "plan", "notes"],
    ],
)  # fmt: skip
def test_recipient_walks_every_url_and_sees_only_the_categories(
    world: World, owner, shared: Shared, categories
) -> None:
    consent = share(world, shared, categories)
    client = world.client_for("case_manager_b")
    client.raise_request_exception = False
    hidden = uncovered(categories)
    urls = _urls(shared, consent)
    assert len(urls) > 40
    opened, problems = set(), []
    for name, url, _object in urls:
        response = client.get(url)
        if response.status_code >= 500:
            problems.append(f"GET {url} ({name}): {response.status_code}")
            continue
        if response.status_code == 200:
            opened.add(name)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            leaked = [marker for marker in hidden if marker.encode() in body]
            if leaked:
                problems.append(f"GET {url} ({name}) shows {leaked}")
    assert not problems, "\n".join(problems)
    assert {"cases:detail", "participants:detail", "consents:detail", "consents:shared"} <= opened
    # The owner's working pages stay closed to the recipient.
    for name in ("cases:timeline", "cases:intake", "cases:decide_approval", "participants:statuses", "api:participant"):
        assert name not in opened, name

    # No change through any URL about the shared objects: refused (403/404) or not a form (405);
    # the read-only pages the recipient may open render again (and change nothing, see _state).
    before = _state(shared)
    for name, url, about_object in urls:
        if about_object and name not in opened:
            response = client.post(url, {})
            if response.status_code not in (403, 404, 405):
                problems.append(f"POST {url} ({name}): {response.status_code}")
    assert not problems, "\n".join(problems)
    assert _state(shared) == before
    object_posts = [
        reverse("consents:revoke", args=[consent.pk]),
        reverse("cases:add_goal", args=[shared.case.pk]),
        reverse("cases:close", args=[shared.case.pk]),
        reverse("participants:edit", args=[shared.person.pk]),
        reverse("consents:record_for_case", args=[shared.case.pk]),
    ]
    for url in object_posts:
        assert client.post(url, {"note": "x", "text": "x"}).status_code in (403, 404), url
    assert _state(shared) == before
