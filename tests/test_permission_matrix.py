"""Every URL × every persona answers with the expected status (pretix's test_permissions).

A URL without an entry in some ``<app>/tests/matrix.py`` fails this test, so no
page can be added without deciding who may see it.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ankommen.accounts.sudo import SUDO_SESSION_KEY
from ankommen.testing.matrix import Expect, matrix_modules
from ankommen.testing.personas import PERSONAS, World
from ankommen.testing.world_extras import enrich_world


def collect_matrix() -> dict[str, Expect]:
    matrix: dict[str, Expect] = {}
    for module in matrix_modules():
        for name, expect in module.MATRIX.items():
            assert name not in matrix, f"{name} declared twice in matrices"
            matrix[name] = expect
    return matrix


def url_names(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    resolver = resolver or get_resolver()
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= url_names(pattern, namespace)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"URL pattern {pattern.pattern} has no name"
            names.add(prefix + pattern.name)
    return names


MATRIX = collect_matrix()


def test_every_url_has_an_expectation() -> None:
    missing = url_names() - set(MATRIX)
    assert not missing, f"URLs without an entry in a tests/matrix.py: {sorted(missing)}"


def test_every_expectation_has_a_url() -> None:
    stale = set(MATRIX) - url_names()
    assert not stale, f"Matrix entries without a URL: {sorted(stale)}"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_permission_matrix(world: World, url_name: str, persona: str) -> None:
    enrich_world(world)
    expect = MATRIX[url_name]
    kwargs: dict[str, Any] = expect.kwargs(world) if expect.kwargs else {}
    url = reverse(url_name, kwargs=kwargs)
    client = world.client_for(persona)
    if expect.sudo:
        session = client.session
        session[SUDO_SESSION_KEY] = time.time() + 600
        session.save()
    data = expect.data(world) if expect.data else {}
    response = getattr(client, expect.method)(url, data)
    assert response.status_code == expect.status_for(persona), (
        f"{persona} {expect.method.upper()} {url}: got {response.status_code}, expected {expect.status_for(persona)}"
    )
