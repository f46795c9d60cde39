"""A real OpenID provider on loopback (``tests/oidc_provider.mjs``, the npm package
``oidc-provider``) and the settings that point the app at it.

Needs ``node`` and ``OIDC_PROVIDER_DIR``: a folder where ``npm install oidc-provider@9``
ran (``.ci/run`` makes one)."""

import os
import shutil
import socket
import subprocess
from pathlib import Path

from revops import config
from tests.conftest import require_or_skip

SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
CLIENT_ID = "revops-tests"
CLIENT_SECRET = "client-secret-that-must-never-be-logged-0123456789"
LEADS_GROUP = "revops-leads"


def available():
    folder = os.environ.get("OIDC_PROVIDER_DIR", "")
    return bool(shutil.which("node") and folder
                and Path(folder, "node_modules", "oidc-provider").is_dir())


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Provider:
    """Start with ``with Provider(app_url) as op:``; ``op.issuer`` is its URL."""

    def __init__(self, app_url):
        require_or_skip(available(), "node with oidc-provider (OIDC_PROVIDER_DIR)")
        self.port = _free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ, "PORT": str(self.port), "CLIENT_ID": CLIENT_ID,
            "CLIENT_SECRET": CLIENT_SECRET,
            "REDIRECT_URI": f"{app_url}/accounts/sso/callback/",
            "POST_LOGOUT_REDIRECT_URI": f"{app_url}/accounts/login/",
        }

    def __enter__(self):
        self.process = subprocess.Popen(
            ["node", str(SCRIPT)], env=self.env, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("ready"):
            self.process.kill()
            raise RuntimeError(f"oidc-provider did not start: {line!r}")
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process.stdout.close()


def configure(settings, issuer, **extra):
    """Point the app at ``issuer`` (pytest-django's ``settings`` fixture)."""
    settings.OIDC_ISSUER = issuer
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_PROVIDER_NAME = "Test IdP"
    settings.OIDC_LEADS_GROUP = LEADS_GROUP
    settings.OIDC_RP_SCOPES = "openid email profile groups"
    policy = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": {
        **policy["DIRECTIVES"], "form-action": ["'self'", config.origin(issuer)]}}
    for name, value in extra.items():
        setattr(settings, name, value)
