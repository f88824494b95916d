"""Expectations for the permission-matrix test: every URL × every persona.

Each app lists its URLs in ``<app>/tests/matrix.py`` as ``MATRIX = {url_name: Expect(...)}``.
``tests/test_permission_matrix.py`` fails for a URL without an entry and for an entry
without a URL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any

from django.apps import apps

from ankommen.testing.personas import STAFF_PERSONAS, World

ALL_STAFF: frozenset[str] = frozenset(STAFF_PERSONAS)
EVERYONE: frozenset[str] = frozenset({"anonymous", "no_membership", *STAFF_PERSONAS})


@dataclass(frozen=True)
class Expect:
    allowed: Iterable[str]
    ok: int = 200
    denied: int = 403  # staff persona of the same network without the right
    outsider: int | None = None  # member of another network; defaults to `denied`
    anonymous: int = 302  # redirected to the login page (401 for the API)
    no_membership: int = 403
    method: str = "get"
    kwargs: Callable[[World], dict[str, Any]] | None = None
    data: Callable[[World], dict[str, Any]] | None = None
    overrides: dict[str, int] = field(default_factory=dict)
    sudo: bool = False  # the persona re-authenticated just now (views behind `sudo_required`)

    def status_for(self, persona: str) -> int:
        if persona in self.overrides:
            return self.overrides[persona]
        if persona in set(self.allowed):
            return self.ok
        if persona == "anonymous":
            return self.anonymous
        if persona == "no_membership":
            return self.no_membership
        if persona == "outsider" and self.outsider is not None:
            return self.outsider
        return self.denied


def staff_with(*personas: str) -> frozenset[str]:
    unknown = set(personas) - ALL_STAFF
    if unknown:
        raise ValueError(f"Unknown personas {sorted(unknown)}")
    return frozenset(personas)


def staff_except(*personas: str) -> frozenset[str]:
    unknown = set(personas) - ALL_STAFF
    if unknown:
        raise ValueError(f"Unknown personas {sorted(unknown)}")
    return ALL_STAFF - set(personas)


def matrix_modules() -> list[ModuleType]:
    """Every ``<app>/tests/matrix.py`` and ``<app>/tests/matrix_<part>.py`` of the ankommen apps."""
    modules: list[ModuleType] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("ankommen."):
            continue
        tests_dir = Path(config.path) / "tests"
        for path in sorted(tests_dir.glob("matrix*.py")):
            modules.append(import_module(f"{config.name}.tests.{path.stem}"))
    return modules
