"""The ``--network`` option of the management commands that work network by network."""

from __future__ import annotations

from django.core.management.base import CommandError, CommandParser
from django.db.models import QuerySet

from ankommen.network.models import Network


def add_network_option(parser: CommandParser) -> None:
    parser.add_argument("--network", help="slug of one network (default: all)")


def chosen_networks(slug: str | None) -> QuerySet[Network]:
    """Every network in order, or the one with ``slug`` (an error if there is none); call it
    with the scopes disabled, as a command runs for no one network."""
    networks = Network.objects.order_by("pk")
    if slug:
        networks = networks.filter(slug=slug)
        if not networks.exists():
            raise CommandError(f"no network with the slug {slug!r}")
    return networks
