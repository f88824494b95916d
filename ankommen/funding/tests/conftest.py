from __future__ import annotations

from collections.abc import Iterator

import pytest
from django_scopes import scope

from ankommen.funding.tests.helpers import Setup, build
from ankommen.testing.personas import World


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Uploaded and generated documents of these tests go to a temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def setup(world: World) -> Iterator[Setup]:
    with scope(network=world.network.pk):
        yield build(world)
