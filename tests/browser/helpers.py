from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import Client

from ankommen.testing.personas import World

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def session_cookie_for(world: World, persona: str, live_server_url: str) -> dict[str, Any]:
    """A logged-in, 2FA-verified session of the persona, as a Playwright cookie."""
    client: Client = world.client_for(persona)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server_url,
    }


def axe_violations(page: Any) -> list[dict[str, Any]]:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => {
            const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }"""
    )
    return list(result)
