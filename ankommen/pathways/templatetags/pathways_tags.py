"""``{% may_see_pathways participant as show %}``: whether the viewer may open the pathways page;
``{{ pathway|pathway_title }}``: an evaluated pathway's title in the current language."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from ankommen.pathways.access import may_see_pathways as _may_see

register = template.Library()


@register.simple_tag(takes_context=True)
def may_see_pathways(context: dict[str, Any], participant: Any) -> bool:
    request = context.get("request")
    actor = getattr(request, "membership", None)
    return actor is not None and participant is not None and _may_see(actor, participant)


@register.filter
def pathway_title(pathway: Any) -> str:
    """The title of an evaluated pathway (``PathwayResult``) in the current language."""
    return str(pathway.rule.title.get(get_language() or "de"))
