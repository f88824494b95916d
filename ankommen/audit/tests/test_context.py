"""The client address of audit entries and login lockouts, directly and behind our own proxies."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings

from ankommen.audit.context import address_of


def _request(peer: str, forwarded: str | None = None):  # type: ignore[no-untyped-def]
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("203.0.113.7", None, "203.0.113.7"),
        ("203.0.113.7", "198.51.100.1", "203.0.113.7"),  # not our proxy: the header is ignored
        ("fe80::1%eth0", None, "fe80::1"),
        ("not-an-address", None, None),
    ],
)
def test_without_trusted_proxies_the_peer_is_the_client(peer: str, forwarded: str | None, expected: str | None) -> None:
    assert address_of(_request(peer, forwarded)) == expected


@override_settings(TRUSTED_PROXIES=["127.0.0.1", "10.0.0.0/8"])
@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("127.0.0.1", "198.51.100.1", "198.51.100.1"),
        ("127.0.0.1", "192.0.2.66, 198.51.100.1", "198.51.100.1"),  # the left part is the client's own claim
        ("127.0.0.1", "198.51.100.1, 10.1.2.3", "198.51.100.1"),  # through two of our proxies
        ("127.0.0.1", None, "127.0.0.1"),  # a local request without a proxy header
        ("127.0.0.1", "10.1.2.3", "127.0.0.1"),  # only our proxies: the peer
        ("127.0.0.1", "garbage, 10.1.2.3", None),
        ("203.0.113.7", "198.51.100.1", "203.0.113.7"),  # a stranger cannot claim another address
    ],
)
def test_behind_trusted_proxies_the_forwarded_client_is_taken(
    peer: str, forwarded: str | None, expected: str | None
) -> None:
    assert address_of(_request(peer, forwarded)) == expected
