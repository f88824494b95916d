"""Request context for audit entries (client address), set by middleware.

Services do not take the request; the audit writer reads the client address
from here. Outside a request (commands, jobs) it is empty.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

client_address: ContextVar[str | None] = ContextVar("audit_client_address", default=None)


def address_of(request: HttpRequest) -> str | None:
    """The client address, or None if absent or malformed (the database would refuse it).

    This is the peer address of the connection (``REMOTE_ADDR``). Behind a reverse proxy it is the
    proxy's address unless the WSGI server is told to take it from the proxy's header.
    """
    raw = request.META.get("REMOTE_ADDR") or ""
    try:
        # A zone index (fe80::1%eth0) says nothing about the client and PostgreSQL refuses it.
        address = ipaddress.ip_address(raw.strip().split("%")[0])
    except ValueError:
        return None
    return str(address)


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = client_address.set(address_of(request))
        try:
            return self.get_response(request)
        finally:
            client_address.reset(token)
