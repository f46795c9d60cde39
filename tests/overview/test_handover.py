"""The departure drill, the atomic hand-over, the hand-over pack and the first-week page
(issue 11), on the demo (``tests/overview/test_handover_pages.py`` builds its own)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from cadence import services as cadence_services
from cadence.models import FeedToken, Ritual
from overview import readiness, services
from overview.holdings import holdings_of
from overview.models import MaturityAssessment
from raci import selectors as raci_selectors
from raci import services as raci_services
from revops import services as core_services
from revops.models import ApiToken, AuditEntry, Door, Function, Webhook, WebhookDelivery
from runbook import selectors as runbook_selectors
from runbook import services as runbook_services
from runbook.models import Definition, Runbook
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_for_the_module")]

User = get_user_model()


@pytest.fixture
def demo(db):
    return {u.username: u for u in User.objects.all()}


def _holdings(user):
    return holdings_of(user, today=timezone.localdate(), now=timezone.now())


# The departure drill --------------------------------------------------------------------


def test_the_demo_heads_holdings_name_every_kind(demo):
    Webhook.objects.create(url="https://hooks.example.com/bot", events=["raci.changed"],
                           secret="s", created_by=demo["lead"])
    cs = _holdings(demo["cs"])
    assert [f.slug for f in cs.functions] == ["cs"]
    assert [(s.title, s.review_state) for s in cs.sections] == [("Incident playbooks", "stale")]
    letters = {r.name: r.letter for r in cs.raci_rows}
    assert letters["Retention reporting (gross and net, by cohort)"] == "A"
    assert letters["Handoff agreements between marketing, sales and CS"] == "R"
    assert [s.function.slug for s in cs.signoffs] == ["cs"]
    rituals = {r.name: (r.by_function, r.in_person) for r in cs.rituals}
    assert rituals == {"Handoff audit": (True, True), "Leakage review": (False, True)}
    assert cs.occurrences_count >= 1 and cs.occurrences
    assert len(cs.api_tokens) == 1 and len(cs.feed_tokens) == 1
    codes = [i.code for i in cs.readiness_impact]
    assert codes == ["departed_head", "sections_owned", "raci_signed_off", "ritual_owner_person"]
    assert cs.readiness_impact[0].message.startswith("Customer Success would have no head: "
                                                     "1 section and 1 ritual unowned")
    # Webhooks: the demo's integrations are registered by the lead, who heads RevOps.
    lead = _holdings(demo["lead"])
    assert [f.slug for f in lead.functions] == ["revops"] and len(lead.webhooks) == 1


def test_the_holdings_api_has_the_contract_fields(demo, api):
    body = api.as_user(demo["lead"]).get("/api/v1/people/cs/holdings/").json()
    assert set(body) == {"user", "functions", "deputyships", "sections", "definitions",
                         "agreements", "raci_rows", "rituals", "action_items", "tokens",
                         "feed_tokens", "webhooks", "readiness_impact"}
    assert body["user"] == "cs" and body["functions"] == ["cs"]
    assert body["deputyships"] == [] and body["definitions"]
    assert {a["function"] for a in body["agreements"]} == {"cs"}
    jamie = api.as_user(demo["lead"]).get("/api/v1/people/jamie/holdings/").json()
    assert jamie["deputyships"] == ["cs"]
    assert set(body["sections"][0]) == {"id", "title", "review_state"}
    assert set(body["raci_rows"][0]) == {"id", "name", "letter"}
    assert set(body["rituals"][0]) == {"id", "name"}
    assert body["tokens"] == 1 and body["feed_tokens"] == 1 and body["webhooks"] == 0
    assert all(set(i) == {"code", "message"} for i in body["readiness_impact"])


# The hand-over --------------------------------------------------------------------------


@pytest.fixture
def drill(demo):
    hook = core_services.webhook_create(actor=None, door=Door.CLI, events=["person.handed_over"],
                                        url="https://hooks.example.com/people")
    return {"cs": demo["cs"], "jamie": demo["jamie"], "lead": demo["lead"], "hook": hook}


def _state(cs):
    cs = User.objects.get(pk=cs.pk)
    return {
        "head": Function.objects.get(slug="cs").head_id,
        "rituals": sorted(Ritual.objects.filter(owner_person=cs).values_list("name", flat=True)),
        "tokens": ApiToken.objects.filter(user=cs, revoked_at__isnull=True).count(),
        "feeds": FeedToken.objects.filter(user=cs, revoked_at__isnull=True).count(),
        "active": cs.is_active, "staff": cs.is_staff,
        "audit": AuditEntry.objects.count(),
        "events": WebhookDelivery.objects.count(),
    }


def test_the_hand_over_moves_everything_in_one_step(drill, api):
    cs, jamie = drill["cs"], drill["jamie"]
    last_entry = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    response = api.as_user(drill["lead"]).post("/api/v1/people/cs/handover/",
                                                {"to": "jamie", "deactivate": True},
                                                format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["user"] == "cs" and body["to"] == "jamie" and body["functions"] == ["cs"]
    assert body["api_tokens_revoked"] == 1 and body["feed_tokens_revoked"] == 1
    assert body["deactivated"] is True

    function = Function.objects.get(slug="cs")
    assert function.head_id == jamie.pk
    assert User.objects.get(pk=jamie.pk).is_staff
    cs = User.objects.get(pk=cs.pk)
    assert not cs.is_active and not cs.is_staff
    assert set(Ritual.objects.filter(owner_person=jamie).values_list("name", flat=True)) == {
        "Handoff audit", "Leakage review"}
    assert not ApiToken.objects.filter(user=cs, revoked_at__isnull=True).exists()
    assert not FeedToken.objects.filter(user=cs, revoked_at__isnull=True).exists()
    # One audit entry per object changed: the function, two rituals, two tokens, and the
    # person's hand-over and deactivation.
    entries = list(AuditEntry.objects.filter(pk__gt=last_entry))
    assert sorted((e.object_type, e.action) for e in entries) == sorted([
        ("revops.function", "update"), ("cadence.ritual", "update"),
        ("cadence.ritual", "update"), ("revops.apitoken", "revoke"),
        ("cadence.feedtoken", "revoke"), ("auth.user", "hand_over"),
        ("auth.user", "deactivate")])
    assert {(e.door, e.actor_name) for e in entries} == {("api", "lead")}
    deliveries = WebhookDelivery.objects.filter(event="person.handed_over")
    assert deliveries.count() == 1
    assert deliveries.get().payload["data"]["to"] == "jamie"
    # Her sign-off stays in history but no longer counts; readiness says so.
    matrix = raci_selectors.current_matrix()
    status = {s.function.slug: s for s in raci_selectors.signoff_status(matrix)}
    assert status["cs"].signed_by_former_head and not status["cs"].signed_current
    check = next(c for c in readiness.report(today=timezone.localdate()).checks
                 if c.code == "raci_signed_off")
    assert "former head" in check.message and "Customer Success" in check.message


def test_a_failure_midway_changes_nothing(drill, monkeypatch):
    before = _state(drill["cs"])

    def broken(**kwargs):
        raise RuntimeError("the feed token store is down")

    monkeypatch.setattr(cadence_services, "feed_tokens_revoke", broken)
    with pytest.raises(RuntimeError):
        services.person_hand_over(actor=drill["lead"], door=Door.UI, person=drill["cs"],
                                  successor=drill["jamie"], deactivate=True)
    assert _state(drill["cs"]) == before


@pytest.mark.parametrize(("to", "message"), [
    ("cs", "themselves"), ("gone", "deactivated"), ("nobody-here", "not a member"), ("", ""),
])
def test_bad_successors_are_refused_with_a_400_and_nothing_changes(drill, api, to, message):
    UserFactory(username="gone", is_active=False)
    before = _state(drill["cs"])
    response = api.as_user(drill["lead"]).post("/api/v1/people/cs/handover/", {"to": to},
                                                format="json")
    assert response.status_code == 400
    assert message in response.json()["to"][0]
    assert _state(drill["cs"]) == before


def test_the_ui_previews_exactly_what_moves_then_hands_over(drill, client):
    client.force_login(drill["lead"])
    page = client.get("/people/cs/")
    assert page.status_code == 200 and b'id="handover"' in page.content
    before = _state(drill["cs"])
    preview = client.get("/people/cs/handover/", {"to": "jamie"})
    html = preview.content.decode()
    assert preview.status_code == 200
    for text in ("becomes head of Customer Success: may change what Customer Success owns",
                 "Incident playbooks</a> comes with the seat",
                 "Gross revenue retention</a> comes with the seat",
                 "Handoff audit",
                 "Leakage review", "Customer health sync", "Calendar feed link"):
        assert text in html
    assert "Deactivate</span>" not in html
    assert _state(drill["cs"]) == before, "a preview changes nothing"
    done = client.post("/people/cs/handover/", {"to": "jamie"})
    assert done.status_code == 302 and done["Location"] == "/people/jamie/"
    assert Function.objects.get(slug="cs").head_id == drill["jamie"].pk
    assert User.objects.get(pk=drill["cs"].pk).is_active, "not asked to deactivate"


def test_the_ui_refuses_a_bad_successor_with_the_form_and_a_400(drill, client):
    client.force_login(drill["lead"])
    response = client.post("/people/cs/handover/", {"to": "cs"})
    assert response.status_code == 400
    assert Function.objects.get(slug="cs").head_id == drill["cs"].pk


def test_a_head_deactivated_elsewhere_is_a_departed_head_gap_linking_to_the_hand_over(demo):
    cs = demo["cs"]
    cs.is_active = False
    cs.save()  # as the console or manage.py would
    checks = {c.code: c for c in readiness.report(today=timezone.localdate()).checks}
    assert not checks["departed_head"].passed
    assert checks["departed_head"].fix_url == "/people/cs/#handover"
    assert "Customer Success" in checks["departed_head"].message
    assert not checks["sections_owned"].passed


# The pack and the first week ------------------------------------------------------------


def test_the_pack_has_every_part_with_section_headings_nested(demo, client):
    client.force_login(demo["viewer"])
    html = client.get("/handover/").content.decode()
    for title in ("Strategy and planning", "Process and workflow", "Systems and data",
                  "Insights and analytics", "Cadence", "Incident playbooks", "RACI",
                  "People and functions", "Monday forecast call", "Hannah Kowalski"):
        assert title in html
    anchors = set(re.findall(r'href="#([^"]+)"', html))
    ids = set(re.findall(r'id="([^"]+)"', html))
    assert anchors <= ids, anchors - ids
    runbook = html.split('id="runbook"', 1)[1].split('id="raci"', 1)[0]
    assert not re.search(r"<h[12][ >]", runbook.split("</h2>", 1)[1]), "a body heading escaped"


def test_the_markdown_pack_and_a_release(demo, client):
    client.force_login(demo["viewer"])
    text = client.get("/handover.md").content.decode()
    assert text.startswith("# Hand-over pack")
    assert "### 6. Incident playbooks" in text and "## RACI" in text
    assert not re.search(r"^#{1,3} (Revenue plan|Routing)", text, re.M)
    book = Runbook.objects.get()
    runbook_services.release_create(runbook=book, name="2026 refresh", actor=None,
                                    door=Door.CLI)
    assert "release v1" in client.get("/handover.md?release=1").content.decode()
    assert client.get("/handover/?release=1").status_code == 200
    assert client.get("/handover/?release=9").status_code == 404
    assert client.get("/handover/?release=x").status_code == 404


def test_the_pack_carries_the_definitions_by_layer_in_html_and_markdown(demo, client):
    client.force_login(demo["viewer"])
    html = client.get("/handover/").content.decode()
    part = html.split('id="definitions"', 1)[1]
    assert "Sales velocity" in part and "pipeline value ÷ average sales cycle length" in part
    assert "Changed since agreed" in part and 'href="#definitions"' in html
    text = client.get("/handover.md").content.decode()
    assert "## Definitions" in text and "#### Net revenue retention" in text


def test_the_first_week_of_a_successor(drill, client):
    services.person_hand_over(actor=drill["lead"], door=Door.UI, person=drill["cs"],
                              successor=drill["jamie"])
    client.force_login(drill["jamie"])
    html = client.get("/start/").content.decode()
    assert "Hannah Kowalski handed over to you on" in html
    assert "You are now head of Customer Success." in html, "names, never slugs"
    assert "head of cs" not in html and "lead handed over" not in html
    assert "still to read and accept" in html and 'href="/handover/inbox/#handover-' in html
    assert "Sign off the RACI" in html and "Customer Success" in html
    assert "Review “Incident playbooks” (stale)" in html
    assert "Readiness gap" in html


def test_the_dashboard_shows_the_score_and_links_to_start(demo, client):
    client.force_login(demo["viewer"])
    html = client.get("/").content.decode()
    assert 'href="/start/"' in html and "78%" in html


def test_a_successor_signs_the_same_version_after_the_hand_over(drill):
    services.person_hand_over(actor=None, door=Door.CLI, person=drill["cs"],
                              successor=drill["jamie"])
    matrix = raci_selectors.current_matrix()
    raci_services.signoff_create(matrix=matrix, actor=User.objects.get(username="jamie"),
                                 door=Door.UI)
    status = {s.function.slug: s for s in raci_selectors.signoff_status(matrix)}
    assert status["cs"].signed_current and status["cs"].latest.signed_by_name == "jamie"


def test_the_pack_ends_with_the_latest_maturity_and_the_quarters_before_it(demo, client):
    client.force_login(demo["viewer"])
    latest, *earlier = MaturityAssessment.objects.order_by("-quarter_start")
    assert len(earlier) == 2
    html = client.get("/handover/").content.decode()
    assert 'href="#maturity"' in html
    part = html.split('id="maturity"', 1)[1]
    assert f"{latest.quarter}: <strong>Emergent</strong>" in part
    assert "Constraint: <strong>People</strong>" in part
    assert latest.stage.priority_fix in part
    for score in (4, 7, 5, 6):
        assert f"<td>{score} / 8</td>" in part
    table = part.split("Earlier quarters", 1)[1]
    assert all(str(a.quarter) in table for a in earlier)
    assert str(latest.quarter) not in table
    text = client.get("/handover.md").content.decode()
    assert "6. [Maturity](#maturity)" in text
    maturity = text.split("## Maturity", 1)[1]
    assert f"{latest.quarter}: **Emergent** (stage 2 of 5)" in maturity
    assert "| People (constraint) | 4 / 8 |" in maturity
    assert f"Priority fix: {latest.stage.priority_fix}" in maturity
    assert all(f"| {a.quarter} |" in maturity for a in earlier)


def test_an_agreement_by_the_former_head_asks_the_new_head_to_confirm(drill, client, api):
    definition = Definition.objects.filter(agreements__function__slug="cs",
                                           agreements__agreed_by=drill["cs"]).first()
    before = runbook_selectors.definitions_with_state(
        today=timezone.localdate()).get(pk=definition.pk).agreed_count
    services.person_hand_over(actor=drill["lead"], door=Door.UI, person=drill["cs"],
                              successor=drill["jamie"])
    after = runbook_selectors.definitions_with_state(today=timezone.localdate()).get(
        pk=definition.pk)
    assert after.agreed_count == before - 1, "it no longer counts"
    row = next(r for r in runbook_selectors.agreements_for(definition)
               if r["function"].slug == "cs")
    assert row["by_former_head"] and not row["current"]
    client.force_login(drill["jamie"])
    html = client.get(f"/definitions/{definition.slug}/").content.decode()
    assert "by Hannah Kowalski (former head)" in html
    assert '<strong>Customer Success</strong> <span class="muted">(Jamie Osei)' in html
    assert f"Agree to revision {definition.revision} for Customer Success" in html
    response = api.as_user(drill["jamie"]).post(
        f"/api/v1/definitions/{definition.pk}/agreements/",
        {"function": "cs", "revision": definition.revision}, format="json")
    assert response.status_code == 201, response.content
    assert runbook_selectors.definitions_with_state(today=timezone.localdate()).get(
        pk=definition.pk).agreed_count == before


def test_a_hand_over_that_moves_nothing_writes_nothing(drill, api):
    before = (AuditEntry.objects.count(), WebhookDelivery.objects.count())
    response = api.as_user(drill["lead"]).post("/api/v1/people/viewer/handover/",
                                               {"to": "jamie"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["functions"] == [] and response.json()["deactivated"] is False
    assert (AuditEntry.objects.count(), WebhookDelivery.objects.count()) == before
