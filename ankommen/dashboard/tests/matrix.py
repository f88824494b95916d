"""Dashboard: who reaches which page.

Only coordinators (``dashboard.view``, ``dashboard.plan``) see the dashboard, its drill-down, its
exports (downloads: HEAD), the 18–27 view, the measure-career counts and the scenarios. The
coordinator of another network reaches the lists of its own (empty) network and gets 404 for our
scenario. Staff with ``cases.view`` (case managers, team leads, assistants of both organisations)
see their own list of people in a measure career (empty here). Everyone else: 403.
"""

from ankommen.dashboard.models import PlannedOffer, Scenario
from ankommen.testing.matrix import Expect, staff_with
from ankommen.testing.personas import World

VIEWERS = staff_with("coordinator", "outsider")
CASE_STAFF = staff_with("case_manager_a", "assistant_a", "team_lead_a", "case_manager_b")


def _scenario(world: World) -> None:
    scenario = Scenario.objects.create(
        network=world.network, title="Zweiter Integrationskurs Coerde", created_by=world.memberships["coordinator"].user
    )
    planned = PlannedOffer.objects.create(
        network=world.network,
        scenario=scenario,
        title="Integrationskurs B1",
        category="language",
        field="education_language",
        district="Coerde",
        seats=20,
    )
    world.extra["scenario"] = scenario
    world.extra["planned_offer"] = planned


EXTRAS = [_scenario]


def _s(world: World) -> dict[str, int]:
    return {"scenario_id": world.extra["scenario"].pk}


def _p(world: World) -> dict[str, int]:
    return {"scenario_id": world.extra["scenario"].pk, "planned_id": world.extra["planned_offer"].pk}


MATRIX = {
    "dashboard:overview": Expect(VIEWERS),
    "dashboard:cell": Expect(VIEWERS),
    "dashboard:export_csv": Expect(VIEWERS, method="head"),
    "dashboard:export_xlsx": Expect(VIEWERS, method="head"),
    "dashboard:export_pdf": Expect(VIEWERS, method="head"),
    "dashboard:young_adults": Expect(VIEWERS),
    "dashboard:careers": Expect(VIEWERS),
    "dashboard:my_careers": Expect(CASE_STAFF),
    "dashboard:scenarios": Expect(VIEWERS),
    "dashboard:scenario": Expect(VIEWERS, kwargs=_s, overrides={"outsider": 404}),
    "dashboard:planned_offer_add": Expect(VIEWERS, kwargs=_s, overrides={"outsider": 404}),
    "dashboard:planned_offer_remove": Expect(VIEWERS, method="post", ok=302, kwargs=_p, overrides={"outsider": 404}),
    "dashboard:scenario_delete": Expect(VIEWERS, method="post", ok=302, kwargs=_s, overrides={"outsider": 404}),
    "dashboard:rebuild": Expect(VIEWERS, method="post", ok=302),
}
