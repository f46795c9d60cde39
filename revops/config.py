"""Reading configuration from the environment, failing with one clear line.

A misconfigured deployment should say which variable is wrong at start-up, not
produce a traceback three layers deep on the first request.
"""

import re

import environ
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()


class ConfigError(ImproperlyConfigured):
    pass


def _fail(name, rule, value):
    raise ConfigError(f"{name}={value!r} is invalid: {rule}")


def str_(name, default):
    return env.str(name, default=default)


def bool_(name, default):
    raw = env.str(name, default=None)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    _fail(name, "expected 1/0, true/false, yes/no or on/off", raw)


def int_(name, default, *, low=None, high=None):
    raw = env.str(name, default=None)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        _fail(name, "expected a whole number", raw)
    if (low is not None and value < low) or (high is not None and value > high):
        _fail(name, f"expected a whole number from {low} to {high}", raw)
    return value


def url_(name, default):
    """An http(s) URL, or the default (often "" for "not configured")."""
    raw = env.str(name, default=default)
    if raw and not raw.startswith(("https://", "http://")):
        _fail(name, "expected a URL such as https://login.example.com/realms/acme", raw)
    return raw


def origin(url):
    """``https://host[:port]`` of a URL, as a Content-Security-Policy source."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def secret(name):
    """A secret: read like any string, and never echoed in an error message."""
    return env.str(name, default="")


# Keys that are published, so no secret: the placeholder of .env.example (and any value
# written the same way), the development default below, Django's startproject keys.
PLACEHOLDER_KEY_PREFIXES = ("change-me", "changeme", "dev-only-insecure", "django-insecure-")
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789"


def secret_key(name, *, debug):
    """The signing key. Development runs on a fixed one; with DEBUG off it must be set,
    and not to a published placeholder: sessions, password links and CSRF tokens signed
    with a key anyone can read can be forged."""
    raw = env.str(name, default="")
    if not debug:
        if not raw:
            raise ConfigError(f"{name} is required when DEBUG=0")
        if raw.strip().lower().startswith(PLACEHOLDER_KEY_PREFIXES):
            raise ConfigError(f"{name} is still the published placeholder: set it to a long "
                              "random string (python -c 'import secrets; "
                              "print(secrets.token_urlsafe(50))')")
    return raw or DEVELOPMENT_SECRET_KEY


def list_(name, default):
    raw = env.str(name, default=None)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def hosts_or_networks(name):
    """Comma-separated host names and CIDRs (``hooks.corp.example,10.20.0.0/16``)."""
    import ipaddress

    entries = list_(name, [])
    for entry in entries:
        looks_like_address = "/" in entry or ":" in entry or entry.replace(".", "").isdigit()
        if looks_like_address:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                _fail(name, "expected host names or CIDRs such as 10.0.0.0/8", entry)
    return entries


DATABASE_SCHEMES = ("sqlite://", "postgres://", "postgresql://", "pgsql://")


def database(name, default):
    raw = env.str(name, default=default)
    if not raw.startswith(DATABASE_SCHEMES):
        _fail(name, "expected postgres://user:pass@host:5432/db or sqlite:///path", raw)
    try:
        config = environ.Env.db_url_config(raw)
    except Exception:  # noqa: BLE001 - any parse failure is a configuration error
        _fail(name, "expected a URL such as postgres://user:pass@host:5432/db", raw)
    if "sqlite" not in config["ENGINE"] and not config.get("NAME"):
        _fail(name, "the URL names no database", raw)
    return config


def email(name, default):
    raw = env.str(name, default=default)
    try:
        return environ.Env.email_url_config(raw)
    except Exception:  # noqa: BLE001
        _fail(name, "expected smtp://user:pass@host:port or consolemail://", raw)


def time_zone(name, default):
    import zoneinfo

    raw = env.str(name, default=default)
    try:
        zoneinfo.ZoneInfo(raw)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        _fail(name, "expected an IANA time zone such as Europe/Paris", raw)
    return raw


def identifier(name, default):
    """A plain SQL identifier such as a text search configuration (``english``)."""
    raw = env.str(name, default=default)
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", raw):
        _fail(name, "expected a name such as english, simple or german", raw)
    return raw


def redis_url(name):
    raw = env.str(name, default="") or None
    if raw and not raw.startswith(("redis://", "rediss://", "unix://")):
        _fail(name, "expected redis://host:port/db", raw)
    return raw


def load_settings_or_exit():
    """Import the settings module now, turning a ConfigError into one line and exit 1."""
    import importlib
    import os
    import sys

    try:
        importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
    except ConfigError as exc:
        sys.stderr.write(f"Configuration error: {exc}\n")
        sys.exit(1)
