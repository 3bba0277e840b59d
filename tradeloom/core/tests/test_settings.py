"""Settings are secure by default; production refuses to start half-configured and passes check --deploy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-with-enough-entropy-0123456789abcdef",
    "DJANGO_ALLOWED_HOSTS": "tradeloom.example.com",
    "DATABASE_URL": "postgres://tradeloom_app:pw@db.invalid:5432/tradeloom",
    "DATABASE_OWNER_URL": "postgres://tradeloom_owner:pw@db.invalid:5432/tradeloom",
    "REDIS_URL": "redis://cache.invalid:6379/0",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "TRADELOOM_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"])
def test_production_refuses_to_start_without_required_variables(missing: str):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_production_refuses_debug():
    result = manage("check", env={**PRODUCTION_ENV, "DJANGO_DEBUG": "1"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG must not be set in production" in result.stderr


def test_production_passes_check_deploy_with_the_documented_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_is_off_unless_asked():
    result = manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)", env={})
    assert result.stdout.strip().splitlines()[-1] == "False"
    result = manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)", env={"DJANGO_DEBUG": "1"})
    assert result.stdout.strip().splitlines()[-1] == "True"


def test_development_secret_key_is_generated_once_and_private(tmp_path, monkeypatch):
    from config.settings import base

    monkeypatch.setattr(base, "DATA_DIR", tmp_path / ".data")
    first = base._dev_secret_key()
    second = base._dev_secret_key()
    assert first == second
    assert len(first) >= 50
    assert (tmp_path / ".data" / "secret_key").stat().st_mode & 0o077 == 0


def test_cookies_are_http_only_and_same_site(settings):
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.CSRF_COOKIE_SAMESITE == "Lax"


def test_a_rotated_secret_key_still_reads_what_the_previous_one_signed():
    from django.core import signing

    old = "the-previous-production-secret-key-with-enough-entropy-0123456789"
    token = signing.dumps({"session": 1}, key=old, salt="rotation")
    read = f"from django.core import signing; print(signing.loads({token!r}, salt='rotation'))"
    new = "a-new-key-" * 6
    rotated = manage("shell", "-c", read, env={"DJANGO_SECRET_KEY": new, "DJANGO_SECRET_KEY_FALLBACKS": old})
    assert rotated.stdout.strip().splitlines()[-1] == "{'session': 1}"
    dropped = manage("shell", "-c", read, env={"DJANGO_SECRET_KEY": new})
    assert "BadSignature" in dropped.stderr
