"""Bootstrap from a motion template: counts pinned per motion, every structural
readiness check passed, schedules agreeing with their horizon, refuse-or-replace,
idempotence, and the three doors (service, command, API, /setup/)."""

from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from cadence import rules
from cadence.models import Occurrence, Ritual
from overview import bootstrap, motions
from overview.readiness import report
from raci.models import Matrix, Row
from revops import fiscal
from revops.models import AuditEntry, Function, Organisation
from runbook.models import Revision, Runbook, Section, SectionKind

pytestmark = pytest.mark.django_db

STRUCTURAL = {"runbook_written", "raci_responsible", "cadence_horizons", "rituals_complete",
              "weekly_forecast"}
# Open right after bootstrapping: they need people (heads) or history.
NEED_HISTORY = {"runbook_fresh", "sections_owned", "rituals_held", "refresh_held",
                "maturity_assessed", "lead_backup", "seats_filled", "accountable_deputies",
                "metrics_reported"}  # a new model's metrics have no values yet

EXPECTED = {
    "sales-led": {
        "runbooks": [("Sales-led run book", "sales-led")],
        "rows": {"strategy": 4, "process": 7, "systems": 4, "insights": 5},
        "rituals": {"daily": 3, "weekly": 5, "monthly": 4, "quarterly": 5},
    },
    "product-led": {
        "runbooks": [("Product-led run book", "product-led")],
        "rows": {"strategy": 4, "process": 5, "systems": 5, "insights": 7},
        "rituals": {"daily": 4, "weekly": 4, "monthly": 5, "quarterly": 6},
    },
    "hybrid": {
        "runbooks": [("Sales-led run book", "sales-led"), ("Product-led run book", "product-led")],
        "rows": {"strategy": 4, "process": 8, "systems": 5, "insights": 7},
        "rituals": {"daily": 4, "weekly": 7, "monthly": 5, "quarterly": 6},
    },
}


def _run(motion, **kwargs):
    return bootstrap.bootstrap(motion=motion, actor=None, door="cli", **kwargs)


@pytest.mark.parametrize("motion", motions.MOTIONS)
def test_each_motion_makes_the_pinned_model_and_passes_every_structural_check(motion):
    _run(motion)
    expected = EXPECTED[motion]
    books = list(Runbook.objects.order_by("pk"))
    assert [(b.title, b.motion) for b in books] == expected["runbooks"]
    assert books[0].is_default
    for book in books:
        sections = list(book.sections.order_by("position"))
        assert [s.kind for s in sections] == list(SectionKind.values)
        for section in sections:
            body = Revision.objects.get(section=section, number=section.revision).body
            assert "TODO" in body and "lorem" not in body.lower()
    matrix = Matrix.objects.get(is_current=True)
    assert dict(Counter(Row.objects.filter(matrix=matrix).values_list("layer", flat=True))) \
        == expected["rows"]
    rituals = Ritual.objects.filter(active=True)
    assert dict(Counter(rituals.values_list("horizon", flat=True))) == expected["rituals"]
    assert rituals.count() >= 16
    checks = {c.code: c for c in report(today=timezone.localdate()).checks}
    for code in STRUCTURAL:
        assert checks[code].passed, checks[code].message
    assert not checks["refresh_held"].passed
    assert "not held" in checks["refresh_held"].message  # the ritual exists
    assert {c for c, check in checks.items() if not check.passed} <= NEED_HISTORY


@pytest.mark.parametrize("motion", motions.MOTIONS)
def test_every_ritual_is_complete_and_its_rule_agrees_with_its_horizon(motion):
    _run(motion)
    for ritual in Ritual.objects.all():
        assert ritual.owner_id and ritual.output and ritual.output_section_id and ritual.agenda
        assert ritual.attendees.exists() and ritual.duration_minutes > 0
        parts = rules.parse_rule(ritual.rrule)
        rules.check_horizon(ritual.horizon, parts)
        if ritual.horizon == "quarterly":
            assert rules.is_fiscal_quarter_step(parts), ritual.rrule
        assert ritual.occurrences.exists()
    assert Ritual.objects.filter(horizon="weekly", purpose="forecast").exists()
    assert Ritual.objects.filter(horizon="quarterly", purpose="refresh").exists()


def test_weights_differ_by_motion_the_way_the_reading_says():
    sales = motions.template("sales-led")
    product = motions.template("product-led")
    by_layer = lambda t: Counter(r.layer for r in t.rows)  # noqa: E731
    assert by_layer(sales)["process"] > by_layer(product)["process"]
    assert by_layer(product)["insights"] > by_layer(sales)["insights"]
    assert by_layer(product)["systems"] > by_layer(sales)["systems"]
    assert {r.name for r in sales.rituals} >= {"Deal desk", "Stage discipline review"}
    assert {r.name for r in product.rituals} >= {"Product signal check", "Scoring calibration",
                                                 "Conversion threshold review"}


def test_hybrid_run_books_share_systems_and_insights_and_both_state_the_hand_off_rule():
    _run("hybrid")
    sales, product = Runbook.objects.order_by("pk")

    def body(book, kind):
        section = Section.objects.get(runbook=book, kind=kind)
        return Revision.objects.get(section=section, number=section.revision).body

    for kind in ("systems", "insights"):
        assert body(sales, kind) == body(product, kind)
    for book in (sales, product):
        assert "## Hand-off between the motions" in body(book, "process")
    assert body(sales, "process") != body(product, "process")
    handoff = Ritual.objects.get(name="Motion hand-off review")
    assert handoff.output_section.runbook == product


def test_an_existing_model_is_refused_and_nothing_changes(lead):
    _run("sales-led")
    before = (Runbook.objects.count(), Ritual.objects.count(), AuditEntry.objects.count())
    with pytest.raises(bootstrap.ModelExists):
        bootstrap.bootstrap(motion="hybrid", actor=lead, door="ui")
    assert (Runbook.objects.count(), Ritual.objects.count(), AuditEntry.objects.count()) \
        == before


def test_the_same_call_twice_gives_the_same_model():
    first = _run("hybrid").summary()
    counts = (Runbook.objects.count(), Row.objects.count(), Ritual.objects.count(),
              Occurrence.objects.count(), AuditEntry.objects.count())
    again = _run("hybrid")
    assert not again.created
    assert again.summary() == {**first, "created": False}
    assert (Runbook.objects.count(), Row.objects.count(), Ritual.objects.count(),
            Occurrence.objects.count(), AuditEntry.objects.count()) == counts


def test_replace_archives_the_old_model_readable_and_makes_the_new_one():
    _run("sales-led")
    old_book = Runbook.objects.get()
    old_revisions = Revision.objects.filter(section__runbook=old_book).count()
    outcome = _run("product-led", replace=True)
    assert outcome.archived == {"runbooks": 1, "matrices": 1, "rituals": 17}
    old_book.refresh_from_db()
    assert bootstrap.ARCHIVED in old_book.title and not old_book.is_default
    assert Revision.objects.filter(section__runbook=old_book).count() == old_revisions
    assert Matrix.objects.count() == 2 and Matrix.objects.get(is_current=True).title \
        == "Product-led RACI"
    assert Ritual.objects.filter(active=False).count() == 17
    assert Runbook.objects.get(is_default=True).motion == "product-led"
    checks = {c.code: c.passed for c in report(today=timezone.localdate()).checks}
    assert all(checks[c] for c in STRUCTURAL)


def test_a_changed_model_is_not_taken_for_the_template():
    _run("sales-led")
    Ritual.objects.filter(name="Deal desk").update(sequence=1)
    with pytest.raises(bootstrap.ModelExists):
        _run("sales-led")


def test_a_fiscal_month_other_than_the_configured_one_is_stored_as_the_setting(settings):
    settings.REVOPS_FISCAL_YEAR_START_MONTH = 1
    _run("sales-led", fiscal_year_start_month=2)
    assert Organisation.objects.get().fiscal_year_start_month == 2
    assert fiscal.start_month() == 2
    refresh = Ritual.objects.get(purpose="refresh")
    assert {o.local_time.month for o in refresh.occurrences.all()} <= {2, 5, 8, 11}


def test_a_bad_fiscal_month_is_refused_and_nothing_is_made():
    with pytest.raises(ValidationError) as refused:
        _run("sales-led", fiscal_year_start_month=13)
    assert "fiscal_year_start_month" in refused.value.message_dict
    assert not Runbook.objects.exists()
    assert not Organisation.objects.exists()


def test_quarterly_rituals_follow_a_february_fiscal_year(settings):
    settings.REVOPS_FISCAL_YEAR_START_MONTH = 2
    _run("sales-led", fiscal_year_start_month=2)
    refresh = Ritual.objects.get(purpose="refresh")
    months = {o.local_time.month for o in refresh.occurrences.all()}
    assert months <= {2, 5, 8, 11}


def test_invited_heads_are_named_and_emailed():
    from django.contrib.auth import get_user_model

    from revops.models import Mail

    outcome = _run("sales-led", invite={"sales": "dana@example.com", "cro": "kim@example.com"})
    assert {i["function"] for i in outcome.invited} == {"sales", "cro"}
    dana = get_user_model().objects.get(email="dana@example.com")
    assert Function.objects.get(slug="sales").head == dana and not dana.has_usable_password()
    assert Mail.objects.filter(to=["dana@example.com"]).exists()


def test_bad_invites_are_refused_by_field():
    with pytest.raises(ValidationError) as refused:
        _run("sales-led", invite={"sales": "not-an-email", "nope": "a@example.com"})
    assert set(refused.value.message_dict) == {"invite.sales", "invite.nope"}
    assert not Runbook.objects.exists()


@pytest.mark.parametrize("already_head", [False, True])
def test_an_invited_deactivated_person_is_refused_by_the_field_naming_them(already_head):
    from tests.factories import UserFactory

    gone = UserFactory(username="gone", email="gone@example.com", is_active=False)
    if already_head:
        Function.objects.filter(slug="sales").update(head=gone, vacant_since=None)
    with pytest.raises(ValidationError) as refused:
        _run("sales-led", invite={"cro": "kim@example.com", "sales": "GONE@example.com"})
    assert set(refused.value.message_dict) == {"invite.sales"}
    assert "deactivated" in refused.value.message_dict["invite.sales"][0]
    assert not Runbook.objects.exists()
    assert Function.objects.get(slug="cro").head is None


def test_the_command_bootstraps_and_refuses_without_replace(capsys):
    call_command("bootstrap_model", "--motion", "hybrid")
    out = capsys.readouterr().out
    assert "Sales-led run book (6 sections)" in out and "quarterly 6" in out
    with pytest.raises(CommandError, match="already exists"):
        call_command("bootstrap_model", "--motion", "sales-led")
    call_command("bootstrap_model", "--motion", "sales-led", "--replace")
    assert "archived" in capsys.readouterr().out


def test_api_bootstrap_201_then_200_then_409(api, lead):
    client = api.as_user(lead)
    made = client.post("/api/v1/bootstrap/", {"motion": "product-led"}, format="json")
    assert made.status_code == 201, made.content
    assert made.json()["rituals"] == EXPECTED["product-led"]["rituals"]
    assert made.json()["raci"]["rows_per_layer"] == EXPECTED["product-led"]["rows"]
    same = client.post("/api/v1/bootstrap/", {"motion": "product-led"}, format="json")
    assert same.status_code == 200 and same.json()["created"] is False
    other = client.post("/api/v1/bootstrap/", {"motion": "hybrid"}, format="json")
    assert other.status_code == 409 and other.json()["existing"]
    bad = client.post("/api/v1/bootstrap/", {"motion": "channel-led"}, format="json")
    assert bad.status_code == 400 and "motion" in bad.json()


def test_setup_page_bootstraps_and_says_what_to_do_first(client, lead):
    client.force_login(lead)
    page = client.get("/setup/")
    assert page.status_code == 200 and b"Company motion" in page.content
    done = client.post("/setup/", {"motion": "hybrid", "fiscal_year_start_month": "1",
                                   "invite_sales": "dana@example.com"})
    assert done.status_code == 201
    assert b"What to do first" in done.content and b"Product-led run book" in done.content
    again = client.get("/setup/")
    assert b"A model is already here" in again.content and b"Archive the current" in again.content
    refused = client.post("/setup/", {"motion": "sales-led", "fiscal_year_start_month": "1"})
    assert refused.status_code == 409 and b"already exists" in refused.content


def test_setup_is_for_leads_only(client, viewer):
    client.force_login(viewer)
    assert client.get("/setup/").status_code == 403
    assert client.post("/setup/", {"motion": "hybrid", "fiscal_year_start_month": "1"}
                       ).status_code == 403
    assert not Runbook.objects.exists()


def test_every_motion_starts_with_the_core_definitions_tied_to_their_sections(lead):
    from runbook.models import Definition

    bootstrap.bootstrap(motion="hybrid", actor=lead, door="cli")
    terms = dict(Definition.objects.values_list("slug", "section__kind"))
    assert {"mql", "sql", "opportunity", "stage-exit-criteria", "pipeline-coverage",
            "sales-velocity", "weighted-pipeline", "gross-revenue-retention",
            "net-revenue-retention"} <= set(terms)
    assert terms["sales-velocity"] == "insights" and terms["mql"] == "process"
    assert Definition.objects.get(slug="sales-velocity").formula.startswith("pipeline value")
    bootstrap.bootstrap(motion="hybrid", actor=lead, door="cli", replace=True)
    assert Definition.objects.count() == len(terms)  # kept, not doubled
