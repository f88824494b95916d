"""Concurrent decisions on PostgreSQL: approvals never exceed the budget and a second approval is
given once, whatever the number of people clicking at the same moment.

SQLite's test database is one in-memory connection, so these run on PostgreSQL only (CI runs
the suite there too). The world must be committed (``transaction=True``) so the threads'
connections see it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import Sum
from django_scopes import scope

from ankommen.funding import services
from ankommen.funding.choices import State
from ankommen.funding.models import Application
from ankommen.funding.services import FundingError
from ankommen.funding.tests.helpers import build, draft, to_state
from ankommen.testing.personas import World

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _require_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite's test database is one in-memory connection)")


def _race(world: World, jobs: list[Callable[[], Any]]) -> list[str]:
    """Run the jobs in threads that start together; "ok" or the refusal's code for each."""
    barrier = threading.Barrier(len(jobs))

    def run(job: Callable[[], Any]) -> str:
        from django.db import connection as thread_connection

        try:
            with scope(network=world.network.pk):
                barrier.wait(timeout=30)
                job()
                return "ok"
        except FundingError as exc:
            return str(exc.code)
        finally:
            thread_connection.close()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))


def test_concurrent_approvals_never_exceed_the_budget(transactional_db: None, world: World) -> None:
    _require_postgres()
    with scope(network=world.network.pk):
        setup = build(world, budget="5000.00", threshold="100000.00")
        applications = [
            to_state(setup, draft(setup, {"B1": "8"}, title=f"Projekt {i}"), State.IN_REVIEW) for i in range(6)
        ]  # 2,000 € each: only two fit into 5,000 €
    reviewer = setup.reviewer
    results = _race(
        world,
        [lambda app=app: services.approve_application(reviewer, app, quantities={}) for app in applications],
    )
    assert sorted(results) == ["budget"] * 4 + ["ok"] * 2
    with scope(network=world.network.pk):
        committed = Application.objects.filter(state=State.APPROVED).aggregate(total=Sum("approved_total"))["total"]
        assert committed == Decimal("4000.00") <= setup.year.budget
        assert Application.objects.filter(state=State.IN_REVIEW).count() == 4


def test_concurrent_second_approvals_count_once(transactional_db: None, world: World) -> None:
    _require_postgres()
    with scope(network=world.network.pk):
        setup = build(world, budget="5000.00", threshold="1000.00")
        application = to_state(setup, draft(setup, {"B1": "8"}), State.IN_REVIEW)
        services.approve_application(setup.reviewer, application, quantities={})
        second = setup.second_reviewer()
        from ankommen.testing.factories import MembershipFactory, UserFactory

        third = MembershipFactory(
            organisation=world.organisations["ki"], role="coordinator", user=UserFactory(full_name="Dritte")
        )
    results = _race(
        world,
        [
            lambda: services.confirm_second_approval(second, application),
            lambda: services.confirm_second_approval(third, application),
            lambda: services.confirm_second_approval(setup.reviewer, application),  # the first approver
        ],
    )
    assert sorted(results) == ["ok", "state", "two_person"] or sorted(results) == ["ok", "state", "state"]
    with scope(network=world.network.pk):
        application.refresh_from_db()
        assert application.state == State.APPROVED
        assert application.second_approver_id in (second.user_id, third.user_id)
        assert application.second_approver_id != application.first_approver_id
