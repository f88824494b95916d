from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from ankommen.network import demo
from ankommen.network.models import Invitation, InvitationState


def test_demo_has_one_pending_invitation_and_stays_idempotent(db) -> None:  # type: ignore[no-untyped-def]
    with scopes_disabled():
        demo.seed()
        demo.seed()
        [invitation] = Invitation.objects.filter(network__slug="muenster")
    assert invitation.email == demo.DEMO_INVITEE
    assert invitation.state == InvitationState.PENDING
    page = Client().get(reverse("network:accept_invitation", kwargs={"token": demo.DEMO_INVITATION_TOKEN}))
    assert page.status_code == 200
    assert "GGUA" in page.content.decode()
