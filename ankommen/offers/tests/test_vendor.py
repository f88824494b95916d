"""The QR decoder served to the scanning page is the npm package's file, unchanged (package.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
VENDORED = ROOT / "ankommen" / "static" / "vendor" / "jsqr" / "jsQR.js"
PACKAGE = ROOT / "node_modules" / "jsqr"


def test_vendored_decoder_is_pinned_and_licensed() -> None:
    manifest = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    assert manifest["devDependencies"]["jsqr"] == "1.4.0"
    assert VENDORED.exists() and (VENDORED.parent / "LICENSE").exists()
    assert "Apache License" in (VENDORED.parent / "LICENSE").read_text(encoding="utf-8")


@pytest.mark.skipif(not PACKAGE.exists(), reason="node_modules not installed (npm ci)")
def test_vendored_decoder_matches_the_npm_package() -> None:
    installed = json.loads((PACKAGE / "package.json").read_text(encoding="utf-8"))["version"]
    assert installed == "1.4.0"
    assert VENDORED.read_bytes() == (PACKAGE / "dist" / "jsQR.js").read_bytes()
