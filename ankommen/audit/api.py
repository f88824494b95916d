"""Audit logging for Django REST framework views that return personal data.

    class ParticipantDetail(AuditedRetrieveMixin, generics.RetrieveAPIView):
        audit_read_action = "participant.viewed"   # default: "<model>.viewed"
        def get_object(self): return get_participant_for(actor_of(self.request), self.kwargs["pk"])

Every successful ``retrieve`` writes one ``log_read`` entry for the caller's active
membership (so the entry carries the network and organisation). Objects that are not
found or not permitted raise in ``get_object`` before anything is logged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework.request import Request
from rest_framework.response import Response

from ankommen.audit.services import log_read

if TYPE_CHECKING:
    from rest_framework.generics import GenericAPIView

    from ankommen.network.models import Membership

    _Base = GenericAPIView
else:
    _Base = object


def actor_of(request: Request) -> Membership:
    """The active membership of an API request (set by AccessMiddleware)."""
    membership: Membership = request._request.membership  # type: ignore[attr-defined]
    return membership


class AuditedRetrieveMixin(_Base):
    audit_read_action: str | None = None

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        log_read(actor_of(request), instance, action=self.audit_read_action)
        return Response(self.get_serializer(instance).data)
