from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from ankommen.core.navigation import NAVIGATION


def navigation(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    if membership is None:
        return {"nav_items": [], "membership": None}
    items = []
    current = request.path
    for item in NAVIGATION:
        if item.permission is not None and not membership.has_perm(item.permission):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        active = current == url if url == "/" else current.startswith(url)
        items.append({"url": url, "label": item.label, "active": active})
    return {"nav_items": items, "membership": membership}
