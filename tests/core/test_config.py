"""Start-up configuration: bad values fail with one line naming the variable, and
production settings pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 30 + "-production-secret-for-the-deploy-check-1234567890",
    "ALLOWED_HOSTS": "revops.example.com",
    "DATABASE_URL": "sqlite:///" + str(ROOT / "unused-deploy-check.sqlite3"),
}


def manage(*args, **env):
    base = {k: v for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "DEBUG", "SECRET_KEY", "REDIS_URL",
                         "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "postgres//missing-colon"),
        ("DATABASE_URL", "mysqlx://user@host/db"),
        ("REVOPS_FISCAL_YEAR_START_MONTH", "13"),
        ("REVOPS_STALE_AFTER_QUARTERS", "two"),
        ("TIME_ZONE", "Mars/Olympus_Mons"),
        ("REDIS_URL", "localhost:6379"),
        ("DEBUG", "maybe"),
        ("REVOPS_WEBHOOK_ALLOW_HTTP", "sometimes"),
        ("REVOPS_WEBHOOK_ALLOWED_HOSTS", "hooks.corp.example,10.0.0.0/33"),
        ("DATABASE_CONN_MAX_AGE", "forever"),
        ("DATABASE_CONN_MAX_AGE", "-1"),
        ("DATABASE_CONN_HEALTH_CHECKS", "sometimes"),
    ],
)
def test_bad_configuration_fails_at_start_up_with_one_line_naming_the_variable(variable, value):
    result = manage("check", **{variable: value})
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Configuration error: {variable}=")


def test_production_requires_a_secret_key():
    result = manage("check", DEBUG="0", ALLOWED_HOSTS="x.example.com")
    assert result.returncode == 1
    assert "SECRET_KEY is required" in result.stderr


def test_deploy_check_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_database_connections_persist_and_are_checked_by_default_and_configurable():
    show = ("shell", "-v", "0", "-c", "from django.db import connection as c; "
            "print(c.settings_dict['CONN_MAX_AGE'], c.settings_dict['CONN_HEALTH_CHECKS'])")
    assert manage(*show).stdout.split() == ["600", "True"]
    configured = manage(*show, DATABASE_CONN_MAX_AGE="0", DATABASE_CONN_HEALTH_CHECKS="0")
    assert configured.stdout.split() == ["0", "False"]


def _env_example(name):
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.startswith(f"{name}="):
            return line.partition("=")[2]
    raise AssertionError(f"{name} is not in .env.example")


@pytest.mark.parametrize("key", [_env_example("SECRET_KEY"),
                                 "dev-only-insecure-key-change-me-in-production-0123456789",
                                 "django-insecure-" + "k" * 50])
def test_production_refuses_to_start_with_a_published_secret_key(key):
    result = manage("check", "--deploy", **{**PRODUCTION, "SECRET_KEY": key})
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [lines[0]] and "SECRET_KEY is still the published placeholder" in lines[0]
    assert key not in result.stderr


def test_development_may_keep_the_placeholder():
    result = manage("check", DEBUG="1", SECRET_KEY=_env_example("SECRET_KEY"))
    assert result.returncode == 0, result.stderr
