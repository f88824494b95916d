"""Request context for audit entries (client address), set by middleware.

Services do not take the request; the audit writer reads the client address
from here. Outside a request (commands, jobs) it is empty.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from contextvars import ContextVar
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse

client_address: ContextVar[str | None] = ContextVar("audit_client_address", default=None)


def _parse(raw: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        # A zone index (fe80::1%eth0) says nothing about the client and PostgreSQL refuses it.
        return ipaddress.ip_address(raw.strip().split("%")[0])
    except ValueError:
        return None


@lru_cache(maxsize=8)
def _trusted(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in proxies)


def _is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return any(address in network for network in _trusted(tuple(settings.TRUSTED_PROXIES)))


def address_of(request: HttpRequest) -> str | None:
    """The client address, or None if absent or malformed (the database would refuse it).

    This is the peer address of the connection (``REMOTE_ADDR``), unless that peer is one of our
    own reverse proxies (``TRUSTED_PROXIES``, addresses or networks): then the ``X-Forwarded-For``
    header is read from the right, skipping our proxies, and the first other address is the
    client. Addresses further left were written by the client and could be forged, so they are
    never used. Also the client address django-axes counts failed logins by.
    """
    peer = _parse(request.META.get("REMOTE_ADDR") or "")
    if peer is None:
        return None
    if settings.TRUSTED_PROXIES and _is_trusted(peer):
        hops = [hop for hop in (request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",") if hop.strip()]
        for hop in reversed(hops):
            address = _parse(hop)
            if address is None:
                return None  # a malformed hop after our proxies: we cannot tell who the client is
            if not _is_trusted(address):
                return str(address)
    return str(peer)


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = client_address.set(address_of(request))
        try:
            return self.get_response(request)
        finally:
            client_address.reset(token)
