"""Import the system barriers recorded before the gap register existed, once, as problem reports
(later ones arrive when a case is closed; ``manage.py import_system_barriers`` checks again)."""

from django.db import migrations


def import_barriers(apps, schema_editor):
    from ankommen.steering.choices import FIELD_OF_LIFE_DOMAIN
    from ankommen.steering.vignette import redact

    SystemBarrier = apps.get_model("cases", "SystemBarrier")
    ProblemReport = apps.get_model("steering", "ProblemReport")
    reported = set(ProblemReport.objects.exclude(system_barrier=None).values_list("system_barrier_id", flat=True))
    last: dict[int, int] = {}
    for barrier in SystemBarrier.objects.order_by("pk"):
        if barrier.pk in reported:
            continue
        if barrier.network_id not in last:
            top = ProblemReport.objects.filter(network_id=barrier.network_id).order_by("-number").first()
            last[barrier.network_id] = top.number if top else 0
        last[barrier.network_id] += 1
        description = redact(barrier.description)
        first_line = description.strip().splitlines()[0] if description.strip() else ""
        ProblemReport.objects.create(
            network_id=barrier.network_id,
            number=last[barrier.network_id],
            source="case_closure",
            field=FIELD_OF_LIFE_DOMAIN.get(barrier.field, "social_participation"),
            life_domain=barrier.field,
            age_band=barrier.age_band,
            status_group=barrier.status_group,
            benefit_system="unknown",
            title=first_line if len(first_line) <= 120 else first_line[:119].rstrip() + "…",
            description=description,
            case_count=1,
            reported_on=barrier.created_on,
            system_barrier_id=barrier.pk,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("steering", "0001_initial"),
        ("cases", "0001_initial"),
    ]

    operations = [migrations.RunPython(import_barriers, migrations.RunPython.noop)]
