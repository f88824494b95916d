"""Content-Security-Policy on every page, no inline code in templates, CSRF, and the production settings."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from ankommen.testing.personas import World
from ankommen.testing.world_extras import enrich_world
from tests.test_permission_matrix import MATRIX

ROOT = Path(__file__).resolve().parents[3]
TEMPLATES = sorted((ROOT / "ankommen").rglob("templates/**/*.html"))


def _assert_strict_csp(response, where: str) -> None:  # type: ignore[no-untyped-def]
    policy = response.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives.get("default-src") == ["'self'"], f"{where}: {policy!r}"
    assert directives.get("script-src") == ["'self'"], f"{where}: {policy!r}"
    assert directives.get("style-src") == ["'self'"], f"{where}: {policy!r}"
    assert directives.get("frame-ancestors") == ["'none'"], f"{where}: {policy!r}"
    assert directives.get("object-src") == ["'none'"], f"{where}: {policy!r}"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, f"{where}: {policy!r}"


@pytest.mark.parametrize("persona", ["anonymous", "coordinator", "case_manager_a", "police_liaison", "no_membership"])
def test_every_html_page_carries_a_strict_csp(world: World, persona: str) -> None:
    enrich_world(world)
    client = world.client_for(persona)
    checked = 0
    for name, expect in sorted(MATRIX.items()):
        if expect.method != "get":
            continue
        url = reverse(name, kwargs=expect.kwargs(world) if expect.kwargs else {})
        response = client.get(url)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        _assert_strict_csp(response, f"{persona} {url} ({response.status_code})")
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        checked += 1
    assert checked >= 3


def test_error_and_security_pages_carry_the_csp_too(member) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    _assert_strict_csp(client.get("/no-such-page/"), "404")
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": member.user.email, "password": "wrong password"})
    locked = client.post(reverse("accounts:login"), {"username": member.user.email, "password": "wrong password"})
    assert locked.status_code == 429
    _assert_strict_csp(locked, "lockout")


def test_two_factor_setup_page_needs_nothing_inline(newcomer) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(newcomer.user)
    response = client.get(reverse("accounts:two_factor"))
    _assert_strict_csp(response, "setup")
    page = response.content.decode()
    assert not re.search(r"\sstyle\s*=", page, re.IGNORECASE)
    assert "<style" not in page


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_have_no_inline_scripts_or_styles(template: Path) -> None:
    """The CSP forbids them; the browser would silently ignore them."""
    text = template.read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", text, re.IGNORECASE), "inline <script>"
    assert not re.search(r"<style[\s>]", text, re.IGNORECASE), "<style> element"
    assert not re.search(r"\sstyle\s*=", text, re.IGNORECASE), "style attribute"
    assert not re.search(r"\son[a-z]+\s*=", text, re.IGNORECASE), "inline event handler"
    assert "javascript:" not in text.lower()


def test_forms_need_a_csrf_token(member) -> None:  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": member.user.email, "password": "x"})
    assert response.status_code == 403
    response = client.post(reverse("accounts:password_reset"), {"email": member.user.email})
    assert response.status_code == 403


PRODUCTION_SETTINGS = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "LANGUAGE_COOKIE_SECURE",
    "OTP_REQUIRED",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_AGE",
    "AXES_ENABLED",
]


def _production_settings(tmp_path: Path, **env: str) -> dict[str, object]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"ANKOMMEN_ENV", "DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "OTP_REQUIRED"}
    }
    script = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name, None) for name in {PRODUCTION_SETTINGS!r}}}))"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env={
            **base,
            "SECRET_KEY": "p" * 30 + "-production-secret-" + "q" * 20,
            "ALLOWED_HOSTS": "ankommen.example.org",
            "ANKOMMEN_VAR_DIR": str(tmp_path),
            **env,
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_production_settings_are_strict(tmp_path: Path) -> None:
    values = _production_settings(tmp_path)
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert isinstance(values["SECURE_HSTS_SECONDS"], int) and values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["LANGUAGE_COOKIE_SECURE"] is True
    assert values["OTP_REQUIRED"] is True
    assert values["AXES_ENABLED"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SESSION_COOKIE_AGE"] == 30 * 60


def test_production_sends_hsts_and_redirects_to_https(tmp_path: Path) -> None:
    """Through the real middleware stack of a production process."""
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"ANKOMMEN_ENV", "DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    script = (
        "from django.test import Client; c = Client(); "
        "r = c.get('/accounts/login/'); print(r.status_code, r['Location']); "
        "r = c.get('/healthz', secure=True); print(r.status_code, r.get('Strict-Transport-Security'))"
    )
    env = {
        **base,
        "SECRET_KEY": "p" * 30 + "-production-secret-" + "q" * 20,
        "ALLOWED_HOSTS": "testserver",
        "ANKOMMEN_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    redirect_line, hsts_line = result.stdout.strip().splitlines()[-2:]
    assert redirect_line == "301 https://testserver/accounts/login/"
    assert hsts_line == "200 max-age=31536000; includeSubDomains; preload"


def test_test_settings_really_enforce_two_factor() -> None:
    assert settings.OTP_REQUIRED is True
    assert settings.DEBUG is False
