"""Schemathesis reads ``/api/schema/`` from a live server and sends what it generates from
it (valid and invalid bodies, nested objects, odd strings, lone surrogates, NUL bytes)
to every operation as a lead with a write token, and holds every answer to the schema:
no 5xx, no status code, content type, header or body the schema does not document, no
operation reachable without the token, nothing still readable after its DELETE. A
failure it finds is a bug to fix in the app or the schema, never something to exclude
here.

Every check is on, ``positive_data_acceptance`` and ``negative_data_rejection`` too: a
schema-valid request refused, or a schema-violating one accepted, is a finding. The
schema says what it can for that (text and keys hold no NUL, ``revops/api/schema.py``;
a JSON value of another type is refused, ``revops/api/strict.py``). Where the contract
itself answers a schema-valid request with a 400 — a rule that depends on the data: a
name already taken, an id or slug that names nothing, a proposal already applied, a
meeting recorded as held before its day — ``REFUSED_BY_THE_DATA`` says so, operation by
operation, and a 400 there is expected; ``ONE_OF_BLANK`` names the one place the
fuzzer's own reading of the schema is wrong. The REST contract's status codes are
unchanged by either (docs/testing.md).

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


# Where a request the schema allows may still be refused with a 400, by contract: a rule
# that depends on the data, which no schema can say (a name already taken, an id or slug
# that names nothing, a state that has moved on). Every other answer of
# ``positive_data_acceptance``'s default stays expected; everywhere else a 400 to a
# schema-valid request is a finding.
ACCEPTED_WITH_400 = '["2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx"]'
REFUSED_BY_THE_DATA = [  # (methods, paths), as regular expressions
    # Every write names other objects or meets a state of its own: a function, a person,
    # a release's name, a proposal still open, an occurrence's day, a webhook's host.
    ("^(POST|PUT|PATCH|DELETE)$", None),
    # Lists filtered by an object that may not exist (an owner's slug, a ritual's, a run
    # book's or a matrix's id), or by a range whose ends the data orders.
    ("^GET$", "^/api/v1/(actions|decisions|definitions|raci/rows|sections|occurrences|search)/$"),
    # A feed's token is a credential: given empty, it meets the rule on empty query values.
    ("^GET$", "^/api/v1/rituals/[{]id[}]/calendar[.]ics$"),
]


# Schemathesis's coverage phase negates one branch of a string that is "a URI (or an
# address), or empty" (drf-spectacular's ``oneOf`` for a channel's ``url`` and ``address``,
# which the unused one of leaves blank): it sends ``""`` as "not a URI", which the other
# branch allows (jsonschema agrees), so a 2xx to it is no finding. Only there.
ACCEPTED_AS_VALID = ('["2xx", "400", "401", "403", "404", "405", "406", "409", "415", "422", '
                     '"428", "429", "5xx"]')
ONE_OF_BLANK = ("^(POST|PATCH)$", "^/api/v1/channels/")


def _block(methods, paths, check, statuses):
    lines = ["[[operations]]", f'include-method-regex = "{methods}"']
    if paths:
        lines.append(f'include-path-regex = "{paths}"')
    lines.append(f"checks.{check}.expected-statuses = {statuses}")
    return "\n".join(lines) + "\n"


def expected_answers():
    """Schemathesis configuration widening two checks' expected answers where, and only
    where, the reasons above say."""
    blocks = [_block(methods, paths, "positive_data_acceptance", ACCEPTED_WITH_400)
              for methods, paths in REFUSED_BY_THE_DATA]
    blocks.append(_block(*ONE_OF_BLANK, "negative_data_rejection", ACCEPTED_AS_VALID))
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
    config.write_text(operations_on_demo_objects() + "\n" + expected_answers())
    command = [
        str(SCHEMATHESIS), "--config-file", str(config), "run", f"{live_server.url}/api/schema/",
        "--url", live_server.url,
        "--header", f"Authorization: Bearer {raw}",
        "--checks", "all",
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
