from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"ANKOMMEN_ENV", "DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    with tempfile.TemporaryDirectory() as var_dir:
        # A fresh var/ without the developer marker behaves like a server unless the test says otherwise.
        env = {"ANKOMMEN_VAR_DIR": var_dir, **env}
        return subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**base, **env},
            capture_output=True,
            text=True,
            check=False,
        )


def test_production_requires_a_secret_key() -> None:
    result = _run({}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_developer_marker_selects_development_mode(tmp_path: Path) -> None:
    (tmp_path / "DEVELOPMENT").write_text("test")
    result = _run(
        {"ANKOMMEN_VAR_DIR": str(tmp_path)},
        "shell",
        "-c",
        "from django.conf import settings; print(settings.ENVIRONMENT, settings.DEBUG)",
    )
    assert result.stdout.strip().splitlines()[-1] == "development True"


def test_bad_boolean_fails_loudly() -> None:
    result = _run({"ANKOMMEN_ENV": "development", "DEBUG": "perhaps"}, "check")
    assert result.returncode != 0
    assert "DEBUG='perhaps' is not a boolean" in result.stderr


@pytest.mark.parametrize("secret_file", [False, True])
def test_production_settings_pass_check_deploy(tmp_path: Path, secret_file: bool) -> None:
    secret = "s" * 30 + "-production-secret-" + "k" * 20
    env = {"ALLOWED_HOSTS": "ankommen.example.org", "ANKOMMEN_VAR_DIR": str(tmp_path)}
    if secret_file:
        (tmp_path / "secret").write_text(secret)
        env["SECRET_KEY_FILE"] = str(tmp_path / "secret")
    else:
        env["SECRET_KEY"] = secret
    result = _run(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_passwords_are_hashed_with_argon2_in_production() -> None:
    assert settings.PASSWORD_HASHERS[-2] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    result = _run(
        {"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "a.example"},
        "shell",
        "-c",
        "from django.conf import settings; print(settings.PASSWORD_HASHERS[0])",
    )
    assert result.stdout.strip().splitlines()[-1] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_time_zone_and_languages() -> None:
    assert settings.TIME_ZONE == "Europe/Berlin"
    assert settings.LANGUAGE_CODE == "de"
    assert [code for code, _ in settings.LANGUAGES][:2] == ["de", "en"]


def test_trusted_proxies_must_be_addresses_or_networks() -> None:
    result = _run({"ANKOMMEN_ENV": "test", "TRUSTED_PROXIES": "127.0.0.1,proxy.example"}, "check")
    assert result.returncode != 0
    assert "TRUSTED_PROXIES" in result.stderr and "proxy.example" in result.stderr
    assert _run({"ANKOMMEN_ENV": "test", "TRUSTED_PROXIES": "127.0.0.1,10.0.0.0/8"}, "check").returncode == 0
