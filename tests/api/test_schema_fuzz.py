"""Schemathesis reads ``/api/schema/`` from a live server and sends what it generates from
it (valid and invalid bodies, nested objects, odd strings, lone surrogates, NUL bytes)
to every operation as a lead with a write token, and holds every answer to the schema:
no 5xx, no status code, content type, header or body the schema does not document, no
operation reachable without the token, nothing still readable after its DELETE. A
failure it finds is a bug to fix in the app or the schema, never something to exclude
here.

Two of its checks stay off, for reasons the contract states (docs/api.md):
``positive_data_acceptance`` expects every schema-valid request to succeed, but a rule
that depends on the data is a 400 naming the field by contract (a name already taken, a
slug or id that names nothing, a file not in UTF-8, a meeting recorded as held before
its day); ``negative_data_rejection`` expects a JSON ``0`` refused where the schema says
boolean or string, and DRF reads ``0`` as ``false`` or ``"0"``.

Runs in CI on PostgreSQL, where NUL bytes and encodings fail for real; a budget of
``MAX_TIME`` seconds keeps it to about a minute and a half on two cores. One worker: with
the seed, the requests come in the same order every run, so a failure replays (races
between requests are the concurrency tests' job, not the fuzzer's)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from revops import services
from revops.api.throttling import PrincipalRateThrottle
from revops.models import Door
from tests.conftest import require_or_skip

pytestmark = [pytest.mark.fuzz, pytest.mark.xdist_group("fuzz")]

SEED = 20261201
MAX_TIME = 75
MAX_EXAMPLES = 30
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def operations_on_demo_objects():
    """Schemathesis configuration pinning each path's id to a demo object, so the
    bodies reach the services instead of a 404 on a random id."""
    from cadence.models import Occurrence, Ritual
    from changes.models import Proposal
    from raci.models import Matrix, Row
    from revops.models import AuditEntry
    from runbook.models import Runbook, Section

    ids = {
        "/api/v1/runbooks/": Runbook, "/api/v1/sections/": Section,
        "/api/v1/raci/matrices/": Matrix, "/api/v1/raci/rows/": Row,
        "/api/v1/rituals/": Ritual, "/api/v1/occurrences/": Occurrence,
        "/api/v1/audit/": AuditEntry, "/api/v1/proposals/": Proposal,
    }
    blocks = []
    for prefix, model in ids.items():
        pk = model.objects.order_by("pk").values_list("pk", flat=True).first()
        assert pk is not None, f"the demo has no {model.__name__}"
        blocks.append(f'[[operations]]\ninclude-path-regex = "^{prefix}[{{]id[}}]"\n'
                      f'parameters = {{ "path.id" = {pk} }}\n')
    blocks.append('[[operations]]\ninclude-path-regex = "^/api/v1/functions/"\n'
                  'parameters = { "path.slug" = "cs" }\n')
    return "\n".join(blocks)


def test_no_generated_request_makes_the_api_answer_a_server_error(live_server, monkeypatch,
                                                                   tmp_path):
    require_or_skip(
        settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        "PostgreSQL (DATABASE_URL)",
    )
    # The fuzzer sends thousands of requests a minute: the throttle would answer most.
    monkeypatch.setattr(PrincipalRateThrottle, "THROTTLE_RATES", {"principal": "100000/min"})
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", stdout=quiet)
        call_command("runjobs", stdout=quiet)  # materializes the occurrences
    from django.contrib.auth import get_user_model

    lead = get_user_model().objects.get(username="lead")
    _, raw = services.api_token_create(actor=None, door=Door.CLI, user=lead, name="fuzz",
                                       scope="write")
    config = tmp_path / "schemathesis.toml"
    config.write_text(operations_on_demo_objects())
    command = [
        str(SCHEMATHESIS), "--config-file", str(config), "run", f"{live_server.url}/api/schema/",
        "--url", live_server.url,
        "--header", f"Authorization: Bearer {raw}",
        "--checks", "all",
        "--exclude-checks", "positive_data_acceptance,negative_data_rejection",
        "--seed", str(SEED),
        "--max-time", str(MAX_TIME),
        "--max-examples", str(MAX_EXAMPLES),
        "--workers", "1",
        "--request-timeout", "60",
        "--generation-database", "none",
        "--no-color",
        "--report", "junit",
        "--report-dir", str(tmp_path),
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=MAX_TIME + 120,
                         check=False, cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-5000:]
