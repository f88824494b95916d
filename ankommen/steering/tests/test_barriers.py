"""System barriers from case closures arrive as problem reports: automatically when a case is closed,
once (one-to-one), anonymous (no reporter, no organisation, the month only), and the import of
barriers recorded before the gap register is idempotent (command and data migration)."""

from __future__ import annotations

import datetime as dt
from importlib import import_module
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone
from django_scopes import scope

from ankommen.audit.models import AuditEntry
from ankommen.cases import services as case_services
from ankommen.cases.models import CaseType, SystemBarrier
from ankommen.participants.models import Participant
from ankommen.steering import services
from ankommen.steering.models import ProblemReport
from ankommen.steering.services import SteeringError
from ankommen.testing.personas import World

pytestmark = pytest.mark.usefixtures("english")


def _close_with_barriers(world: World, barriers: list[dict[str, str]]) -> None:
    actor = world.memberships["case_manager_a"]
    person = Participant.objects.create(
        network=world.network,
        organisation=actor.organisation,
        reference="MS-424242",
        given_name="Rania",
        family_name="Haddadin",
        date_of_birth=dt.date(2001, 5, 17),
        created_by=actor.user,
    )
    case_type = CaseType.objects.create(network=world.network, name="Junge Volljährige")
    case = case_services.open_case(actor, case_type=case_type, participant=person)
    case_services.close_case(actor, case, reason="handed_over", barriers=barriers)


def _barrier(world: World, description: str, field: str = "housing") -> SystemBarrier:
    return SystemBarrier.objects.create(
        network=world.network,
        field=field,
        age_band="18_26",
        status_group="tolerated",
        description=description,
        created_on=dt.date(2025, 3, 1),
    )


def test_closing_a_case_files_its_barriers_as_anonymous_problem_reports(world: World) -> None:
    with scope(network=world.network.pk):
        _close_with_barriers(
            world,
            [
                {"field": "training_work", "description": "Ausbildungsduldung scheitert an fehlendem Pass"},
                {"field": "mobility", "description": "Kein Ticket; Hotline 0800 1234567 nie erreichbar"},
            ],
        )
        reports = list(ProblemReport.objects.order_by("number"))
        assert [r.code for r in reports] == ["P-001", "P-002"]
        first, second = reports
        month = timezone.localdate().replace(day=1)
        assert (first.source, first.field, first.life_domain) == ("case_closure", "work_training", "training_work")
        assert (first.reported_on, first.case_count, first.age_band, first.status_group) == (
            month,
            1,
            "18_26",
            "none",  # the person has no status recorded
        )
        assert first.organisation_id is None and first.reported_by_id is None and first.event_id is None
        assert first.title == first.description == "Ausbildungsduldung scheitert an fehlendem Pass"
        assert second.field == "social_participation"
        assert "1234567" not in second.description and "[…]" in second.description
        # Nothing of the person or the case reaches the report.
        values = " ".join(str(v) for v in ProblemReport.objects.values().get(pk=first.pk).values())
        for identifying in ("Rania", "Haddadin", "MS-424242", "2001"):
            assert identifying not in values
        # One audit entry counts the reports and names none of them.
        entry = AuditEntry.objects.get(action="steering.barriers_reported")
        assert entry.data == {"count": 2} and entry.target_id == "" and entry.actor_id is None
        # The barrier register itself keeps no visible link to anything but its network.
        related = {f.related_model for f in SystemBarrier._meta.get_fields() if f.is_relation}
        assert {m._meta.label for m in related if m is not None} == {"network.Network"}
        # A report from a case closure stays as the closure left it.
        with pytest.raises(SteeringError, match="cannot be changed"):
            services.update_problem_report(world.memberships["coordinator"], first, {"case_count": 3}, version=None)


def test_importing_barriers_is_idempotent(world: World) -> None:
    with scope(network=world.network.pk):
        barrier = _barrier(world, "Keine Wohnungen für Auszubildende")
        report = services.report_from_system_barrier(barrier)
        assert services.report_from_system_barrier(barrier) == report
        _barrier(world, "Kein Kitaplatz", field="family")
        assert services.report_new_barriers(world.network.pk) == 1
        assert services.report_new_barriers(world.network.pk) == 0
        assert ProblemReport.objects.count() == 2
        assert AuditEntry.objects.filter(action="steering.barriers_reported").count() == 1


def test_the_command_imports_every_network_once(world: World) -> None:
    with scope(network=world.network.pk):
        _barrier(world, "Keine Wohnungen für Auszubildende")
    with scope(network=world.other_network.pk):
        SystemBarrier.objects.create(
            network=world.other_network,
            field="language",
            description="Kein Kurs am Abend",
            created_on=dt.date(2025, 1, 1),
        )
    out = StringIO()
    call_command("import_system_barriers", stdout=out)
    assert "2 problem report(s) added" in out.getvalue()
    out = StringIO()
    call_command("import_system_barriers", stdout=out)
    assert "0 problem report(s) added" in out.getvalue()
    with scope(network=world.other_network.pk):
        assert ProblemReport.objects.get().field == "education_language"


def test_the_data_migration_imports_existing_barriers_once(world: World) -> None:
    migration = import_module("ankommen.steering.migrations.0002_import_system_barriers")
    with scope(network=world.network.pk):
        _barrier(world, "Keine Wohnungen für Auszubildende")
        _barrier(world, "Kein Kitaplatz, Tel. 0251 4921301", field="family")
        migration.import_barriers(apps, None)
        migration.import_barriers(apps, None)
        reports = list(ProblemReport.objects.order_by("number"))
        assert [r.number for r in reports] == [1, 2]
        assert "4921301" not in reports[1].description
        # Numbering continues after the imported reports.
        later = services.report_from_system_barrier(_barrier(world, "Kein Sprachkurs", field="language"))
        assert later.number == 3
