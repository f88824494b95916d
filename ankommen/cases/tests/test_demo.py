from __future__ import annotations

from django.core.management import call_command
from django_scopes import scopes_disabled

from ankommen.cases.models import Approval, Case, CaseRole, CaseTransfer, CaseType, SystemBarrier


def test_demo_has_cases_at_every_phase_and_is_idempotent(db) -> None:  # type: ignore[no-untyped-def]
    call_command("seed_demo", verbosity=0)
    with scopes_disabled():
        counts = (CaseType.objects.count(), Case.objects.count(), SystemBarrier.objects.count())
        phases = set(Case.objects.values_list("phase", flat=True))
        assert Case.objects.filter(household__isnull=False).exists()
        assert Approval.objects.filter(decision="pending").exists()  # waiting for the team lead
        assert {c.lead.email for c in Case.objects.select_related("lead")} == {"fallmanagement@demo.ankommen.invalid"}
        # Across organisations: a co-worker of the Sozialamt and a transfer request waiting for it.
        role = CaseRole.objects.select_related("user", "case").get(user__email="sozialamt@demo.ankommen.invalid")
        assert role.organisation_id != role.case.organisation_id
        transfer = CaseTransfer.objects.select_related("to_organisation").get(status="pending")
        assert transfer.to_organisation.short_name == "Sozialamt" and transfer.consent_id is not None
        cross = (CaseRole.objects.count(), CaseTransfer.objects.count())
    assert counts[0] == 3 and counts[2] >= 1
    assert phases == {"intake", "assessment", "planning", "implementation", "monitoring", "closed"}
    call_command("seed_demo", verbosity=0)
    with scopes_disabled():
        assert (CaseType.objects.count(), Case.objects.count(), SystemBarrier.objects.count()) == counts
        assert (CaseRole.objects.count(), CaseTransfer.objects.count()) == cross
