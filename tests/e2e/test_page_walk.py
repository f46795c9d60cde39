"""Issue 18's walk: every page a person can reach, as a lead, a function head and a viewer
(and the sign-in pages, signed out), at 1280 and 390 px, answers as the role allows, does
not overflow the page sideways and logs no console error. Wide tables scroll inside their
own ``.table-wrap`` box; only the page itself must fit.

Each role walks the whole list in a browser context of its own, looking at every page at
each width, and every page that failed is named, so a failure reads
``sales RACI /raci/3/ @390: overflows (512 > 390)``."""

import pytest
from django.contrib.auth import get_user_model

from cadence.models import Occurrence, Ritual
from changes.models import Proposal
from raci.models import Matrix
from revops.models import Function
from runbook.models import Definition, Release, Runbook, Section
from tests.demo import load as load_demo
from tests.e2e.conftest import session_cookie

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROLES = ["lead", "sales", "viewer"]
WIDTHS = [1280, 390]

# What a role may not open: the page answers 403 (a refusal page, which must itself fit).
# The section and the ritual edited are ones Sales owns, so its head walks the editors too.
REFUSED = {
    "lead": set(),
    "sales": {"setup", "settings", "settings preview", "raci row form", "person", "channels",
              "console users"},
    "viewer": {"setup", "settings", "settings preview", "section edit", "raci row form",
               "ritual new", "ritual edit", "propose",
               "person", "channels", "console",
               "console sections", "console rituals", "console rows", "console audit",
               "console users", "console functions", "scorecard import", "console metrics"},
}
# The pages someone signed out can open: signing in and choosing a password by e-mail.
SIGNED_OUT = [
    ("sign in", "/accounts/login/"),
    ("forgot password", "/accounts/password_reset/"),
    ("password link sent", "/accounts/password_reset/done/"),
    ("password link spent", "/accounts/reset/MQ/spent-token/"),
    ("password saved", "/accounts/reset/done/"),
]
# Chromium logs a refused page's own 403 as a console error; that one is expected.
REFUSAL = "the server responded with a status of 403"


def pages():
    """(name, path) of every page in the demo a person can reach from the menus."""
    runbook = Runbook.objects.order_by("pk").first()
    sections = {s.kind: s for s in Section.objects.filter(runbook=runbook).order_by("-pk")}
    section = Section.objects.filter(runbook=runbook, owner__slug="sales").first()
    release = Release.objects.filter(runbook=runbook).order_by("number").first()
    matrix = Matrix.objects.order_by("-pk").first()
    row = matrix.rows.order_by("pk").first()
    ritual = Ritual.objects.order_by("pk").first()
    sales_ritual = Ritual.objects.filter(owner__slug="sales").order_by("pk").first()
    occurrence = Occurrence.objects.order_by("scheduled_for").first()
    definition = Definition.objects.order_by("pk").first()
    sales = Function.objects.get(slug="sales")
    proposal = Proposal.objects.order_by("pk").first()
    sales_definition = Definition.objects.filter(owner=sales).order_by("pk").first()
    found = [
        ("dashboard", "/"),
        ("run books", "/runbook/"),
        ("run book", f"/runbook/{runbook.pk}/"),
        *[(f"section {kind}", f"/runbook/sections/{s.pk}/") for kind, s in sections.items()],
        ("section edit", f"/runbook/sections/{section.pk}/edit/"),
        ("section history", f"/runbook/sections/{section.pk}/revisions/{section.revision}/"),
        ("section diff", f"/runbook/sections/{section.pk}/diff/"),
        ("run book print", f"/runbook/{runbook.pk}/print/"),
        ("releases", f"/runbook/{runbook.pk}/releases/"),
        ("RACI list", "/raci/"),
        ("RACI", f"/raci/{matrix.pk}/"),
        ("RACI print", f"/raci/{matrix.pk}/print/"),
        ("RACI changes", f"/raci/{matrix.pk}/changes/{sales.slug}/"),
        ("raci row form", f"/raci/rows/{row.pk}/edit/"),
        ("cadence", "/cadence/"),
        ("calendar link", "/cadence/subscribe/"),
        ("week", "/cadence/week/"),
        ("month", "/cadence/month/"),
        ("ritual", f"/cadence/rituals/{ritual.pk}/"),
        ("ritual new", "/cadence/rituals/new/"),
        ("ritual edit", f"/cadence/rituals/{sales_ritual.pk}/edit/"),
        ("occurrence", f"/cadence/occurrences/{occurrence.pk}/"),
        ("readiness", "/readiness/"),
        ("maturity", "/maturity/"),
        ("scorecard", "/scorecard/"),
        ("scorecard import", "/scorecard/import/"),
        ("definitions", "/definitions/"),
        ("definition", f"/definitions/{definition.slug}/"),
        ("changes", "/changes/"),
        ("proposal", f"/changes/proposals/{proposal.pk}/"),
        ("propose", f"/changes/propose/definition/{sales_definition.pk}/"),
        ("start", "/start/"),
        ("hand-over pack", "/handover/"),
        ("person", "/people/cs/"),
        ("seats", "/seats/"),
        ("hand-over inbox", "/handover/inbox/"),
        ("search", "/search/?q=pipeline"),
        ("setup", "/setup/"),
        ("settings", "/settings/"),
        ("settings preview", "/settings/?fiscal_year_start_month=2"),
        ("archive", "/archive/"),
        ("audit", "/audit/"),
        ("API tokens", "/accounts/tokens/"),
        ("channels", "/channels/"),
        ("profile", "/accounts/profile/"),
        ("console", "/admin/"),
        ("console sections", "/admin/runbook/section/"),
        ("console rituals", "/admin/cadence/ritual/"),
        ("console rows", "/admin/raci/row/"),
        ("console audit", "/admin/revops/auditentry/"),
        ("console users", "/admin/auth/user/"),
        ("console functions", "/admin/revops/function/"),
        ("console metrics", "/admin/insights/metric/"),
        ("API docs", "/api/docs/"),
    ]
    if release is not None:
        found += [("release", f"/runbook/{runbook.pk}/releases/{release.number}/"),
                  ("release print", f"/runbook/{runbook.pk}/releases/{release.number}/print/")]
    return found


def walk(context, role, base, found, refused=frozenset()):
    """Every page of ``found`` as ``role`` in ``context``, looked at in each width: what
    went wrong, page by page. A page is loaded once and the window then narrowed: the
    layout at a width is the stylesheet's, so it does not need a second load."""
    errors = []
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    failures = []
    for name, path in found:
        errors.clear()
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        response = page.goto(f"{base}{path}", wait_until="load")
        expected = 403 if name in refused else 200
        where = f"{role} {name} {path}"
        if response.status != expected:
            failures.append(f"{where}: answered {response.status}, expected {expected}")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            wide, inner = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
            if wide > inner:
                failures.append(f"{where} @{width}: overflows ({wide} > {inner})")
                page.screenshot(path=f"test-artifacts/walk-{role}-{width}-"
                                     f"{name.replace(' ', '-')}.png", full_page=True)
        if expected == 403:
            errors[:] = [e for e in errors if REFUSAL not in e]
        if errors:
            failures.append(f"{where}: console {errors}")
    return failures


@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_and_logs_no_error_for_each_role_and_width(browser, live_server, role):
    """Each role walks in a browser context of its own (one test per role, so the walks
    can run side by side), and every failure names the role, the page and, for overflow,
    the width, so one run reports them all."""
    load_demo()
    cookie = session_cookie(get_user_model().objects.get(username=role), live_server.url)
    context = browser.new_context()
    context.add_cookies([cookie])
    try:
        failures = walk(context, role, live_server.url, pages(), REFUSED[role])
    finally:
        context.close()
    assert failures == [], "\n".join(failures)


def test_every_signed_out_page_fits_and_logs_no_error(browser, live_server):
    context = browser.new_context()
    try:
        failures = walk(context, "anonymous", live_server.url, SIGNED_OUT)
    finally:
        context.close()
    assert failures == [], "\n".join(failures)
