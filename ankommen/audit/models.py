"""Append-only, hash-chained audit log.

Each network has its own chain (chain 0 holds installation-wide events such as
failed logins of unknown accounts). Every entry stores the hash of its
predecessor; ``manage.py verify_audit`` recomputes the chain and names the first
entry that was edited, removed or inserted.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from typing import Any, NoReturn

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from ankommen.audit.actions import action_text


class AppendOnlyError(Exception):
    pass


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The audit log is append-only")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AppendOnlyError("The audit log is append-only")


class AuditEntry(models.Model):
    chain = models.BigIntegerField(editable=False)
    seq = models.BigIntegerField(editable=False)
    created_at = models.DateTimeField(_("time"), default=timezone.now, editable=False)
    network = models.ForeignKey("network.Network", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("actor"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    target_type = models.CharField(_("object type"), max_length=100, blank=True)
    target_id = models.CharField(_("object"), max_length=64, blank=True)
    # Reference to the data subject concerned (e.g. "participant:42"), so the DPO can
    # answer "who saw or changed this person's data?" without names in the log.
    subject = models.CharField(_("data subject"), max_length=100, blank=True, db_index=True)
    data = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    ip_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = ScopedManager(network="network", _manager_class=models.Manager.from_queryset(AuditQuerySet))

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-seq"]
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="audit_unique_seq_per_chain")]
        indexes = [
            models.Index(fields=["network", "-created_at"], name="audit_network_time"),
            models.Index(fields=["actor", "-created_at"], name="audit_actor_time"),
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        raise AppendOnlyError("Audit entries cannot be deleted")

    @property
    def text(self) -> str:
        return action_text(self.action)

    def compute_hash(self) -> str:
        payload = {
            "chain": self.chain,
            "seq": self.seq,
            "prev": self.prev_hash,
            "at": self.created_at.isoformat(),
            "network": self.network_id,
            "organisation": self.organisation_id,
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "subject": self.subject,
            "data": self.data,
            "ip": _canonical_ip(self.ip_address),
        }
        canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _canonical_ip(value: str | None) -> str | None:
    # The database may print an address differently from how it was written (IPv6 forms).
    return str(ipaddress.ip_address(value)) if value else None


class AuditChainHead(models.Model):
    """The last sequence number and hash of each chain; locked while appending."""

    chain = models.BigIntegerField(unique=True)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"chain {self.chain} @ {self.seq}"
