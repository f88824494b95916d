"""Duplicate review queue, merges and scans: who reaches which page.

Staff of organisation A who may merge (case manager, team lead) decide about A's pairs and undo
A's merges; A's read-only assistant sees the queue and the history but every change answers 403;
the case manager of B has a queue of her own but gets 404 for A's pairs and merges. The network
scan is the coordinator's (of this network, or the outsider in hers); nobody else starts it.
"""

import datetime as dt

from ankommen.participants.choices import NameVariantKind
from ankommen.participants.models import DuplicateCandidate, Merge, NameVariant
from ankommen.testing.factories import DuplicateCandidateFactory, ParticipantFactory
from ankommen.testing.matrix import Expect, staff_with
from ankommen.testing.personas import World

READERS = staff_with("case_manager_a", "team_lead_a", "assistant_a", "case_manager_b")
REVIEWERS_A = staff_with("case_manager_a", "team_lead_a")
SCANNERS = staff_with("case_manager_a", "team_lead_a", "case_manager_b")
COORDINATORS = staff_with("coordinator", "outsider")  # each in her own network

PAIR_NAMES = [("Yusuf", "Matrixdup"), ("Youssef", "Matrixdup")]
MERGED_NAMES = [("Oleksandr", "Mergetestenko"), ("Aleksandr", "Mergetestenko")]


def _duplicates(world: World) -> None:
    """An open pair in A's queue, and a merge in A's history (two other records)."""
    org_a = world.organisations["org_a"]
    author = world.memberships["case_manager_a"].user
    born = dt.date(1999, 4, 7)

    def person(n: int, given: str, family: str):  # type: ignore[no-untyped-def]
        return ParticipantFactory(
            network=world.network,
            organisation=org_a,
            reference=f"MS-8{n:05d}",
            given_name=given,
            family_name=family,
            date_of_birth=born,
            created_by=author,
        )

    left, right = (person(i, g, f) for i, (g, f) in enumerate(PAIR_NAMES, start=1))
    world.extra["duplicate_candidate"] = DuplicateCandidateFactory(left=left, right=right)
    survivor, absorbed = (person(i, g, f) for i, (g, f) in enumerate(MERGED_NAMES, start=3))
    variant = NameVariant.objects.create(
        network=world.network,
        participant=survivor,
        given_name=absorbed.given_name,
        family_name=absorbed.family_name,
        kind=NameVariantKind.MERGED,
    )
    absorbed.merged_into = survivor
    absorbed.save(update_fields=["merged_into"])
    world.extra["merge"] = Merge.objects.create(
        network=world.network,
        organisation=org_a,
        survivor=survivor,
        absorbed=absorbed,
        created_variants=[variant.pk],
        performed_by=author,
    )
    world.extra["pii_markers"].extend(name for pair in PAIR_NAMES + MERGED_NAMES for name in pair)


EXTRAS = [_duplicates]


def _candidate(world: World) -> dict[str, int]:
    candidate: DuplicateCandidate = world.extra["duplicate_candidate"]
    return {"candidate_id": candidate.pk}


def _merge(world: World) -> dict[str, int]:
    return {"merge_id": world.extra["merge"].pk}


MATRIX = {
    "participants:duplicates": Expect(READERS),
    "participants:duplicates_scan": Expect(SCANNERS, method="post", ok=302),
    "participants:duplicates_network": Expect(COORDINATORS),
    "participants:duplicates_network_start": Expect(COORDINATORS, method="post", ok=302),
    "participants:duplicate_confirm": Expect(
        REVIEWERS_A, method="post", ok=302, kwargs=_candidate, overrides={"case_manager_b": 404}
    ),
    "participants:duplicate_reject": Expect(
        REVIEWERS_A, method="post", ok=302, kwargs=_candidate, overrides={"case_manager_b": 404}
    ),
    "participants:duplicate_merge": Expect(REVIEWERS_A, kwargs=_candidate, overrides={"case_manager_b": 404}),
    "participants:merges": Expect(READERS),
    "participants:merge_undo": Expect(
        REVIEWERS_A, method="post", ok=302, kwargs=_merge, overrides={"case_manager_b": 404}
    ),
}
