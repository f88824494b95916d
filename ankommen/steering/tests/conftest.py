from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation
from django_scopes import scope

from ankommen.accounts.models import User
from ankommen.network.models import Membership
from ankommen.testing.personas import World


@pytest.fixture
def english(world: World) -> Iterator[None]:
    """Messages and pages in English (the tests match English texts); German is the default."""
    User.objects.update(preferred_language="en")
    with translation.override("en"):
        yield


@pytest.fixture
def coordinator(world: World) -> Iterator[Membership]:
    with scope(network=world.network.pk):
        yield world.memberships["coordinator"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Uploaded documents go to a temporary directory, not to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
