"""Request context for audit entries (client address), set by middleware.

Services do not take the request; the audit writer reads the client address
from here. Outside a request (commands, jobs) it is empty.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

client_address: ContextVar[str | None] = ContextVar("audit_client_address", default=None)


def address_of(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = client_address.set(address_of(request))
        try:
            return self.get_response(request)
        finally:
            client_address.reset(token)
