"""The demo people: with the answers listed in ``demo.CHECKS`` each pathway is met, not yet met
(with a date) and not met for someone; the seed is idempotent; deadlines reach "my work"."""

from __future__ import annotations

from collections import defaultdict

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from ankommen.cases.models import Case, CaseType
from ankommen.network import demo as network_demo
from ankommen.participants.models import Participant
from ankommen.pathways import demo
from ankommen.pathways.deadlines import upcoming_deadlines
from ankommen.pathways.engine import evaluate
from ankommen.pathways.facts import facts_for, with_facts
from ankommen.pathways.forms import CheckForm


@pytest.fixture
def seeded(db):  # type: ignore[no-untyped-def]
    with scopes_disabled():
        network = network_demo.seed()
        for name in (demo.FAMILY_CASE_TYPE, demo.YOUNG_CASE_TYPE):
            CaseType.objects.create(network=network.network, name=name)
        created = demo.seed(network)
        yield network, created


def test_every_pathway_is_met_not_yet_met_and_not_met_for_someone(seeded) -> None:  # type: ignore[no-untyped-def]
    network, created = seeded
    today = timezone.localdate()
    seen: dict[str, set[str]] = defaultdict(set)
    with scopes_disabled():
        people = {p.full_name: p for p in with_facts(Participant.objects.filter(network=network.network))}
        for name, check in demo.CHECKS.items():
            record = facts_for(people[name], today)
            form = CheckForm({**_initial(CheckForm.initial_from(record.facts)), **demo.form_answers(name, today)})
            assert form.is_valid(), (name, form.errors)
            result = evaluate(form.facts(record.facts), today)
            for pathway_id, expected in check.outcomes.items():
                pathway = result.pathway(pathway_id)
                assert pathway is not None
                assert pathway.outcome == expected, (name, pathway_id, pathway.outcome)
                if expected == "not_yet":
                    assert pathway.earliest_date is not None and pathway.earliest_date > today
                seen[pathway_id].add(expected)
    assert created == len(people) == 20
    for pathway_id in ("aufenthg_25a", "aufenthg_25b", "aufenthg_60c", "aufenthg_60d", "aufenthg_104c_transition"):
        assert seen[pathway_id] >= {"met", "not_yet", "not_met"}, pathway_id


def test_seeding_twice_adds_nothing(seeded) -> None:  # type: ignore[no-untyped-def]
    network, _created = seeded
    with scopes_disabled():
        counts = (Participant.objects.count(), Case.objects.count())
        assert demo.seed(network) == 0
        assert (Participant.objects.count(), Case.objects.count()) == counts
        assert counts[1] == len(demo.FAMILY_CASES) + len(demo.PERSON_CASES)


def test_deadlines_of_the_demo_case_managers_cases(seeded) -> None:  # type: ignore[no-untyped-def]
    network, _created = seeded
    actor = network.memberships[demo.CASE_MANAGER]
    with scopes_disabled():
        rows = upcoming_deadlines(actor, timezone.localdate(), 90)
    found = {(row.participant.full_name, row.pathway.id) for row in rows}
    assert found == {("Mehari Habte", "aufenthg_25a"), ("Rania Darwish", "aufenthg_104c_transition")}
    assert [row.deadline for row in rows] == sorted(row.deadline for row in rows)


def _initial(values: dict[str, object]) -> dict[str, str]:
    return {key: "" if value is None else str(value) for key, value in values.items()}
