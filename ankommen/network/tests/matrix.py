import datetime as dt

from django.utils import timezone

from ankommen.network.models import Invitation
from ankommen.network.roles import OrganisationType, Role
from ankommen.network.tokens import hash_token
from ankommen.testing.factories import MembershipFactory, OrganisationFactory, UserFactory
from ankommen.testing.matrix import ALL_STAFF, EVERYONE, Expect, staff_with
from ankommen.testing.personas import World

INVITATION_TOKEN = "matrix-invitation-token"


def _network_objects(world: World) -> None:
    """A colleague at org A (member pages, roles), a deactivated former colleague, a deactivated
    organisation and an open invitation of the first network."""
    org_a = world.organisations["org_a"]
    colleague = UserFactory(full_name="Colleague A", email="colleague@example.org")
    world.extra["colleague"] = colleague
    world.extra["colleague_membership"] = MembershipFactory(organisation=org_a, user=colleague, role=Role.CASE_MANAGER)
    former = UserFactory(full_name="Former Colleague", email="former@example.org", is_active=False)
    MembershipFactory(organisation=org_a, user=former, role=Role.CASE_MANAGER)
    world.extra["former"] = former
    world.extra["inactive_organisation"] = OrganisationFactory(
        network=world.network, name="Ehemalige Initiative", type=OrganisationType.CLUB, is_active=False
    )
    world.extra["invitation_token"] = INVITATION_TOKEN
    world.extra["invitation"] = Invitation.objects.create(
        network=world.network,
        organisation=org_a,
        email="invitee@example.org",
        role=Role.CASE_MANAGER,
        token_hash=hash_token(INVITATION_TOKEN),
        invited_by=world.memberships["coordinator"].user,
        expires_at=timezone.now() + dt.timedelta(days=7),
    )


EXTRAS = [_network_objects]

COORDINATOR = staff_with("coordinator")
# Coordinators of both networks reach the list pages (each sees their own network).
COORDINATORS = staff_with("coordinator", "outsider")


def _org_a(w: World) -> dict[str, int]:
    return {"organisation_id": w.organisations["org_a"].pk}


def _colleague(w: World) -> dict[str, int]:
    return {"user_id": w.extra["colleague"].pk}


MATRIX = {
    "network:directory": Expect(ALL_STAFF),
    "network:organisation": Expect(ALL_STAFF - {"outsider"}, outsider=404, kwargs=_org_a),
    "network:members": Expect(staff_with("coordinator", "team_lead_a", "dpo", "outsider")),
    # managing organisations
    "network:manage_organisations": Expect(COORDINATORS),
    "network:create_organisation": Expect(COORDINATORS),
    "network:edit_organisation": Expect(COORDINATOR, outsider=404, kwargs=_org_a),
    "network:deactivate_organisation": Expect(
        COORDINATOR, method="post", ok=302, outsider=404, sudo=True, kwargs=_org_a
    ),
    "network:reactivate_organisation": Expect(
        COORDINATOR,
        method="post",
        ok=302,
        outsider=404,
        sudo=True,
        kwargs=lambda w: {"organisation_id": w.extra["inactive_organisation"].pk},
    ),
    # members, invitations, roles
    "network:invite": Expect(COORDINATORS, sudo=True),
    "network:revoke_invitation": Expect(
        COORDINATOR, method="post", ok=302, outsider=404, kwargs=lambda w: {"invitation_id": w.extra["invitation"].pk}
    ),
    # The colleague works at org A: its team lead sees them, the DPO too (access reviews).
    "network:member": Expect(staff_with("coordinator", "team_lead_a", "dpo"), outsider=404, kwargs=_colleague),
    "network:assign_role": Expect(
        COORDINATOR,
        method="post",
        ok=302,
        outsider=404,
        sudo=True,
        kwargs=_colleague,
        data=lambda w: {"organisation": w.organisations["org_b"].pk, "role": Role.ASSISTANT},
    ),
    "network:revoke_role": Expect(
        COORDINATOR,
        method="post",
        ok=302,
        outsider=404,
        sudo=True,
        kwargs=lambda w: {"membership_id": w.extra["colleague_membership"].pk},
    ),
    "network:deactivate_user": Expect(COORDINATOR, method="post", ok=302, outsider=404, sudo=True, kwargs=_colleague),
    "network:reset_second_factor": Expect(
        COORDINATOR, method="post", ok=200, outsider=404, sudo=True, kwargs=_colleague
    ),
    "network:reactivate_user": Expect(
        COORDINATOR, method="post", ok=302, outsider=404, sudo=True, kwargs=lambda w: {"user_id": w.extra["former"].pk}
    ),
    # the invitee's page is public; the token is the only key
    "network:accept_invitation": Expect(EVERYONE, kwargs=lambda w: {"token": w.extra["invitation_token"]}),
    # switching to a membership that is not one's own answers 404
    "network:switch_membership": Expect(
        COORDINATOR,
        method="post",
        ok=302,
        denied=404,
        no_membership=404,
        data=lambda w: {"membership": w.memberships["coordinator"].pk},
    ),
}
