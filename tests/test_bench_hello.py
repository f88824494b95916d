"""The page benchmark's "hello" view (bench/pages.py) exists only on the benchmark's own server."""

from __future__ import annotations

import importlib

import pytest
from django.test import RequestFactory
from django.urls import NoReverseMatch, Resolver404, clear_url_caches, resolve, reverse

from ankommen.core import views
from ankommen.network.access import access_rule_of


def test_hello_is_not_routed_by_default() -> None:
    with pytest.raises(NoReverseMatch):
        reverse("core:bench_hello")
    with pytest.raises(Resolver404):
        resolve("/bench-hello/")


def test_hello_is_routed_when_the_benchmark_asks_for_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import ankommen.core.urls as core_urls

    monkeypatch.setenv("ANKOMMEN_BENCH_HELLO", "1")
    try:
        importlib.reload(core_urls)
        assert "bench_hello" in [pattern.name for pattern in core_urls.urlpatterns]
    finally:
        monkeypatch.delenv("ANKOMMEN_BENCH_HELLO")
        importlib.reload(core_urls)
        clear_url_caches()
    assert "bench_hello" not in [pattern.name for pattern in core_urls.urlpatterns]


def test_hello_is_public_and_says_hello() -> None:
    rule = access_rule_of(views.bench_hello)
    assert rule is not None and rule.public
    response = views.bench_hello(RequestFactory().get("/bench-hello/"))
    assert response.status_code == 200
    assert response.content == b"hello"
