"""The demo participants: about 300, realistic shape, idempotent, keys filled."""

from __future__ import annotations

import datetime as dt

from django_scopes import scopes_disabled

from ankommen.network import demo as network_demo
from ankommen.participants import demo
from ankommen.participants.candidates import find_candidates
from ankommen.participants.keys import person_record_for
from ankommen.participants.models import (
    HouseholdMember,
    LanguageSkill,
    Participant,
    ResidenceStatus,
)


def test_demo_participants(db) -> None:
    with scopes_disabled():
        network = network_demo.seed()
        created = demo.seed(network)
        assert 300 <= created <= 320
        counts = {model: model.objects.count() for model in (Participant, ResidenceStatus, HouseholdMember)}
        assert demo.seed(network) == 0
        assert {model: model.objects.count() for model in counts} == counts  # idempotent

        people = Participant.objects.filter(network=network.network)
        assert set(people.values_list("organisation__short_name", flat=True)) == {"GGUA", "Sozialamt"}
        today = dt.date.today()
        young = [p for p in people if p.date_of_birth and 18 <= p.age_on(today) <= 27]
        minors = [p for p in people if p.date_of_birth and p.age_on(today) < 18]
        assert len(young) >= 60 and len(minors) >= 40
        assert people.exclude(given_name_original="").filter(original_script="arab").exists()
        assert people.exclude(given_name_original="").filter(original_script="cyrl").exists()
        assert HouseholdMember.objects.filter(childcare="kita").exists()
        assert HouseholdMember.objects.filter(childcare="school").exists()

        statuses = ResidenceStatus.objects.all()
        assert {"gestattung", "duldung", "duldung_60b", "aufenthaltserlaubnis", "niederlassungserlaubnis"} <= set(
            statuses.values_list("status", flat=True)
        )
        bases = set(statuses.values_list("legal_basis", flat=True))
        assert {"AufenthG § 24", "AufenthG § 104c", "AufenthG § 25b", "AsylG § 55"} <= bases
        expiring = statuses.filter(valid_to__gte=today, valid_to__lte=today + dt.timedelta(days=60))
        assert expiring.count() >= 10
        assert LanguageSkill.objects.filter(language="de", speaking="B1").exists()

        # Every record is indexed, and the planted duplicates are found at registration.
        assert not people.filter(name_keys__isnull=True).exists()
        ggua = network.memberships["fallmanagement"]
        second = people.get(given_name="Aleksandr", family_name="Kowalenko")
        found = find_candidates(ggua, person_record_for(second), exclude=second.pk)
        assert found and found[0][0].given_name == "Oleksandr"
