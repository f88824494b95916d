"""No page may load anything from a third party (privacy law): no CDN, web font or script."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "ankommen"
# An attribute or CSS reference that makes the browser fetch from another host.
LOADING = re.compile(
    r"""(?:src|href|action|poster|data|srcset)\s*=\s*["']\s*(?:https?:)?//"""
    r"""|url\(\s*["']?\s*(?:https?:)?//"""
    r"""|@import\s+(?:url\()?\s*["']?(?:https?:)?//"""
    r"""|(?:fetch|import)\(\s*["'](?:https?:)?//""",
    re.IGNORECASE,
)


def _files(suffixes: tuple[str, ...]) -> list[Path]:
    return [p for p in ROOT.rglob("*") if p.suffix in suffixes and "node_modules" not in p.parts]


def test_templates_and_static_files_load_nothing_from_other_hosts() -> None:
    offenders = []
    for path in _files((".html", ".css", ".js", ".svg", ".txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in LOADING.finditer(text):
            offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert not offenders, "External resources referenced:\n" + "\n".join(offenders)


def test_scanner_catches_external_references() -> None:
    assert LOADING.search('<script src="https://cdn.example/x.js">')
    assert LOADING.search("@font-face { src: url(//fonts.example/f.woff2) }")
    assert not LOADING.search('<a href="/local/">')
