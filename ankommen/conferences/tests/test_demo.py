from __future__ import annotations

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from ankommen.conferences.models import ActionItem, Conference
from ankommen.conferences.presentation import identifying_data, present_one
from ankommen.network.models import Membership
from ankommen.testing.personas import login


def test_demo_has_a_held_family_conference_with_open_action_items(db) -> None:  # type: ignore[no-untyped-def]
    call_command("seed_demo", verbosity=0)
    with scopes_disabled():
        conference = Conference.objects.select_related("case", "case__household").get()
        assert conference.case.household_id is not None and conference.status == "held"
        assert conference.mode == "anonymised" and conference.minutes
        assert conference.agenda.count() == 4 and conference.decisions.count() == 2
        open_owners = set(ActionItem.objects.filter(status="open").values_list("owner__short_name", flat=True))
        assert open_owners == {"Ausländerbehörde", "Sozialamt"}
        assert ActionItem.objects.filter(status="done").count() == 1
        assert conference.case.timeline.filter(text_key="conference_held").exists()
        # The demo's minutes speak of the pseudonym only.
        data = identifying_data([conference.case])[conference.case.pk]
        show = present_one(conference)
        assert show.text(conference.minutes) == conference.minutes and data.names
        abh = Membership.objects.select_related("user").get(user__email="abh@demo.ankommen.invalid")
    call_command("seed_demo", verbosity=0)
    with scopes_disabled():
        assert Conference.objects.count() == 1 and ActionItem.objects.count() == 3
    client = Client()
    login(client, abh.user, abh)
    home = client.get(reverse("core:home")).content.decode()
    assert "Voraussetzungen nach § 25b AufenthG" in home
