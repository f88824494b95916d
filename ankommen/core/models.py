from __future__ import annotations

from django.db import models


class ReferenceCounter(models.Model):
    """The last number handed out per network and kind of reference ("participant", "case", ...).

    The row is locked (``select_for_update``) while a number is taken, so concurrent
    registrations in one network never collide and never need retries. Not personal data.
    """

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    last = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["network", "kind"], name="reference_counter_unique")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.last}"
