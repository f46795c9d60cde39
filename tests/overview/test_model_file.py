"""The model file: lossless round trip (demo and every motion template), the JSON
Schema, and all-or-nothing imports whose errors name the JSON path."""

import copy
import functools
import json
from datetime import timedelta

import jsonschema
import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.utils import timezone

from cadence.choices import ActionState
from cadence.models import ActionItem, Attendance, Decision, Occurrence, Ritual
from changes import notices
from changes import selectors as changes_selectors
from changes.models import Acknowledgement, Comment, Proposal
from insights import services as insights_services
from insights.models import Metric, MetricValue, OffTrack, ReplacedValue
from overview import bootstrap, model_file, motions
from overview.models import MaturityAssessment
from raci.models import Matrix, Row
from revops import fiscal
from revops.models import AuditEntry, Function, Mail, Webhook, WebhookDelivery
from runbook import services as runbook_services
from runbook.models import Definition, DefinitionStaleFlag, Runbook, Section, StaleFlag
from tests.demo import load as load_demo
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def row_counts():
    return {m._meta.label: m.objects.count() for m in apps.get_models()
            if m._meta.app_label in {"revops", "runbook", "raci", "cadence", "changes",
                                     "overview", "auth", "insights"}}


def exported_then_rolled_back(build):
    """A document exported from a model built by ``build`` on "installation A" (a database
    with no model yet), which is then rolled back: the database is empty again, like a
    fresh "B". Each build is exported once per module run; every caller gets a copy."""
    return copy.deepcopy(_built(build)[0])


def rows_before_rollback(build):
    """Every carried row of the model ``build`` made, as ``rows()`` describes them."""
    return _built(build)[1]


def importer():
    """A lead made after the document is built: a build loads the demo, whose people
    include a "lead", so a lead made before it (the ``lead`` fixture) would collide with
    the demo's when this worker builds the document first."""
    return LeadFactory(username="importer")


def refusal(api, build, change):
    """The errors of the 400 answering an import of ``build``'s file broken by ``change``
    (posted by a lead made after the build), once it is checked that nothing was written."""
    document = _broken(exported_then_rolled_back(build), change)
    lead = importer()
    before = row_counts()
    upload = SimpleUploadedFile("model.json", json.dumps(document).encode(), "application/json")
    answer = api.as_user(lead).post("/api/v1/model/import/", {"file": upload},
                                    format="multipart")
    assert answer.status_code == 400, answer.content
    assert row_counts() == before
    return answer.json()


def _built(build):
    if build not in _exported:
        with transaction.atomic():
            build()
            _exported[build] = (model_file.export_model(), rows())
            transaction.set_rollback(True)
    return _exported[build]


_exported = {}

# What the file carries, compared generically: every concrete field of every model of the
# apps below, except the models and fields named here with the reason they stay behind.
# A new model or field is compared the day it is added; leaving it out means saying why.
MODEL_APPS = {"revops", "runbook", "raci", "cadence", "changes", "overview", "scim",
              "insights"}
NOT_CARRIED_MODELS = {
    "revops.AuditEntry": "the import writes one entry of its own; history stays where it was",
    "revops.ApiToken": "credentials belong to the installation",
    "revops.Webhook": "installation wiring",
    "revops.Channel": "installation wiring",
    "revops.WebhookDelivery": "an outbox, not the model",
    "revops.Mail": "an outbox, not the model",
    "revops.SlackMessage": "an outbox, not the model",
    "revops.ExternalIdentity": "sign-in identities belong to the installation",
    "revops.Profile": "a person's own setting",
    "runbook.Concern": "open questions of this installation's readers",
    "runbook.FreshnessSnapshot": "this installation's daily measurement",
    "cadence.FeedToken": "credentials belong to the installation",
    "overview.MondayBrief": "which brief this installation mailed",
    "overview.Handover": "people's hand-overs on this installation",
    "overview.HandoverItem": "people's hand-overs on this installation",
    "overview.Departure": "people's departures on this installation",
    "overview.ModelImport": "a file this installation is importing, kept until it is done",
    "scim.ScimIdentity": "the identity provider's link to this installation",
}
NOT_CARRIED_FIELDS = {
    # Ids differ between installations; the search index is rebuilt from the text.
    "*": {"id", "search_vector"},
    # The file carries the fiscal month; who last changed it here is this installation's.
    "revops.Organisation": {"updated_by", "updated_at"},
}
# Change control names a governed item by kind and id: compared as the item it is.
GOVERNED_ITEM_MODELS = {"section": "runbook.Section", "definition": "runbook.Definition",
                        "row": "raci.Row", "ritual": "cadence.Ritual"}
# A person is carried as ``people[]``: these fields, matched by username.
PERSON_FIELDS = ("username", "first_name", "last_name", "email")


def carried_models():
    return [m for m in apps.get_models()
            if m._meta.app_label in MODEL_APPS and m._meta.label not in NOT_CARRIED_MODELS]


def carried_fields(model):
    skipped = NOT_CARRIED_FIELDS["*"] | NOT_CARRIED_FIELDS.get(model._meta.label, set())
    return [f for f in model._meta.concrete_fields if f.name not in skipped]


def rows():
    """``{model label: sorted list of its rows}``, each row every carried field with a
    relation replaced by what the related row is (its own fields, recursively; a person
    by ``PERSON_FIELDS``), and many-to-many links as the sorted list of what they link
    to, so two installations' rows compare equal exactly when the models are the same."""
    described = {}

    def describe(model, pk):
        if pk is None:
            return None
        if (model, pk) not in described:
            if model is get_user_model():
                described[model, pk] = model.objects.values(*PERSON_FIELDS).get(pk=pk)
            else:
                described[model, pk] = row(model.objects.get(pk=pk))
        return described[model, pk]

    def row(obj):
        model = type(obj)
        skipped = NOT_CARRIED_FIELDS["*"] | NOT_CARRIED_FIELDS.get(model._meta.label, set())
        values = {}
        for f in carried_fields(model):
            if f.is_relation:
                values[f.name] = describe(f.related_model, getattr(obj, f.attname))
            elif model._meta.app_label == "changes" and f.name == "item_id":
                item_model = apps.get_model(GOVERNED_ITEM_MODELS[obj.kind])
                values[f.name] = describe(item_model, obj.item_id) if item_model.objects.filter(
                    pk=obj.item_id).exists() else None
            else:
                values[f.name] = f.value_to_string(obj)
        for f in model._meta.many_to_many:
            if f.name in skipped:
                continue
            values[f.name] = sorted(json.dumps(describe(f.related_model, pk), sort_keys=True)
                                    for pk in getattr(obj, f.name).values_list("pk", flat=True))
        return values

    return {m._meta.label: sorted(json.dumps(row(o), sort_keys=True) for o in m.objects.all())
            for m in carried_models()}


def _demo():
    load_demo()


def _everything():
    """The demo, then what the demo leaves empty: a vacant seat, a ritual's grace, a
    closed stale flag, a definition's flags (one escalated, one closed by a review) and,
    by bootstrapping over it, the demo archived (run books, matrix, rituals)."""
    load_demo()
    now = timezone.now()
    Function.objects.create(slug="partners", name="Partners", position=9, vacant_since=now)
    Ritual.objects.filter(pk=Ritual.objects.order_by("pk").first().pk).update(
        grace=timedelta(hours=3))
    flag = StaleFlag.objects.filter(closed_at__isnull=True).select_related("section").first()
    review = runbook_services.section_review(section=flag.section, actor=None, door="cli")
    assert StaleFlag.objects.get(pk=flag.pk).closed_by == review
    definition = Definition.objects.order_by("pk").first()
    review = runbook_services.definition_review(definition=definition, actor=None, door="cli")
    DefinitionStaleFlag.objects.create(
        definition=definition, raised_at=now - timedelta(days=30),
        raised_on=now.date() - timedelta(days=30), state="stale",
        last_reviewed_on=now.date() - timedelta(days=120), closed_at=now, closed_by=review)
    DefinitionStaleFlag.objects.create(
        definition=Definition.objects.order_by("pk")[1], raised_at=now, raised_on=now.date(),
        state="never", escalated_at=now, escalated_to=definition.owner)
    _decisions_linking_each_kind_and_a_dropped_action(definition)
    _a_metric_owned_a_value_corrected_and_an_item_noted()
    bootstrap.bootstrap(motion="sales-led", actor=None, door="cli", replace=True)
    _change_control_in_every_state()


def _decisions_linking_each_kind_and_a_dropped_action(definition):
    """On a demo meeting with outcomes: a decision linking each kind of item (one with a
    revisit already asked for) and an action item dropped with its reason."""
    decision = Decision.objects.select_related("occurrence").order_by("pk").first()
    now = timezone.now()
    links = [{"section": Section.objects.order_by("pk").first()}, {"definition": definition},
             {"raci_row": Row.objects.order_by("pk").first()},
             {"linked_ritual": Ritual.objects.order_by("-pk").first()}]
    Decision.objects.bulk_create([Decision(
        ritual_id=decision.ritual_id, occurrence=decision.occurrence, text=f"Decided {i}",
        owner_id=decision.owner_id, revisit_on=now.date(), revisit_raised_at=now, **link)
        for i, link in enumerate(links)])
    action = ActionItem.objects.order_by("pk").first()
    ActionItem.objects.create(
        ritual_id=action.ritual_id, occurrence_id=action.occurrence_id, text="Not needed",
        owner_id=action.owner_id, due=action.due, state=ActionState.DROPPED, closed_at=now,
        closed_by_id=action.owner_id, drop_reason="Overtaken by the new territory plan")


def _a_metric_owned_a_value_corrected_and_an_item_noted():
    """On the demo's scorecard: a metric with its own owner, a warehouse value corrected
    by the lead (the replaced one kept with its sender) and the open off-track item noted."""
    lead = get_user_model().objects.get(username="lead")
    Metric.objects.filter(slug="win-rate").update(owner=Function.objects.get(slug="sales"))
    value = MetricValue.objects.select_related("metric").order_by("pk").first()
    insights_services.value_record(metric=value.metric, period=value.period,
                                   value=value.value + 1, actor=lead, door="ui",
                                   source="Corrected by hand")
    insights_services.off_track_note(item=OffTrack.objects.get(cleared_at__isnull=True),
                                     reason="Two reps left in the quarter", actor=lead,
                                     door="ui")
def _change_control_in_every_state():
    """On the live model and the archived demo: each kind of item governed (a definition
    not), and proposals about each kind in every state — commented and objected to, with
    an effective date, decided, applied and reverted, opened from a decision, about a
    row deleted since — and acknowledgements of the applied change."""
    book = Runbook.objects.filter(archived_at__isnull=True).order_by("pk").first()
    Runbook.objects.filter(pk=book.pk).update(governed=True)
    section = Section.objects.filter(runbook__archived_at__isnull=True).order_by("pk").last()
    Section.objects.filter(pk=section.pk).update(governed=True)
    Matrix.objects.filter(archived_at__isnull=True).update(governed=True)
    ritual = Ritual.objects.filter(archived_at__isnull=True).order_by("pk").first()
    Ritual.objects.filter(pk=ritual.pk).update(governed=True)
    definition = Definition.objects.order_by("pk").last()
    Definition.objects.filter(pk=definition.pk).update(governed=False)
    row = Row.objects.filter(matrix__archived_at__isnull=True).order_by("pk").first()
    archived = Section.objects.filter(runbook__archived_at__isnull=False).order_by("pk").first()
    lead, head = get_user_model().objects.filter(is_active=True).order_by("pk")[:2]
    now = timezone.now()
    body = {"body": "Before."}
    row_fields = {"name": row.name, "description": "", "letters": {"sales": "A"}}
    ritual_fields = {name: getattr(ritual, name)
                     for name in ("name", "output", "agenda", "rrule", "timezone")}
    common = {"reason": "Because.", "proposer": head, "opened_at": now, "door": "ui"}
    decided = {"decided_by": lead, "decided_at": now, "decision_note": "Agreed."}
    applied = Proposal.objects.create(
        kind="section", item_id=section.pk, item_label=section.title, layer="process",
        base_version="1", base=body, fields={"body": "After."}, state="applied",
        applied_at=now, applied_version="2", **common, **decided)
    proposals = Proposal.objects.bulk_create([
        Proposal(kind="section", item_id=section.pk, item_label=section.title,
                 base_version="2", base={"body": "After."}, fields=body, reverts=applied,
                 effective_on=now.date() + timedelta(days=3), **common),
        Proposal(kind="section", item_id=archived.pk, item_label=archived.title,
                 base_version="1", base=body, fields=body, state="withdrawn", **common),
        Proposal(kind="definition", item_id=definition.pk, item_label=definition.term,
                 base_version="1", base={"body": "", "formula": ""},
                 fields={"body": "New.", "formula": "a / b"}, state="rejected", **common,
                 **decided),
        Proposal(kind="row", item_id=row.pk, item_label=row.name, base_version="x",
                 base=row_fields, fields={**row_fields, "description": "Owned."},
                 state="approved", effective_on=now.date(), **common, **decided),
        Proposal(kind="row", item_id=Row.objects.order_by("-pk").first().pk + 100,
                 item_label="A row deleted since", base_version="y", base=row_fields,
                 fields=row_fields, state="rejected", **common, **decided),
        Proposal(kind="ritual", item_id=ritual.pk, item_label=ritual.name,
                 base_version=str(ritual.sequence), base=ritual_fields,
                 fields={**ritual_fields, "agenda": "Shorter."}, decision="Decided 0",
                 **common),
    ])
    Comment.objects.bulk_create([
        Comment(proposal=proposals[0], author=lead, body="Fine by me.", at=now, door="ui"),
        Comment(proposal=proposals[0], author=head, function=section.owner,
                body="We object.", objection=True, at=now, door="api")])
    Acknowledgement.objects.bulk_create([
        Acknowledgement(kind="section", item_id=section.pk, version="2", person=person,
                        at=now, door="ui") for person in (lead, head)])


@functools.cache
def _motion(motion):
    return lambda: bootstrap.bootstrap(motion=motion, actor=None, door="cli")


def _comparable(document):
    return {k: v for k, v in json.loads(json.dumps(document)).items() if k != "exported_at"}


@pytest.mark.parametrize("build", [_demo, _everything, *[_motion(m) for m in motions.MOTIONS]],
                         ids=["demo", "everything", *motions.MOTIONS])
def test_round_trip_is_lossless(build):
    exported = exported_then_rolled_back(build)
    assert exported["runbooks"] and exported["rituals"]
    audit_before = AuditEntry.objects.count()
    model_file.import_model(document=json.loads(json.dumps(exported)), actor=None, door="cli")
    assert AuditEntry.objects.count() == audit_before + 1
    assert _comparable(model_file.export_model()) == _comparable(exported)
    assert_same_rows(rows(), rows_before_rollback(build))


def assert_same_rows(imported, original):
    for label, expected in original.items():
        assert len(imported[label]) == len(expected), label
        missing = sorted(set(expected) - set(imported[label]))
        assert not missing, (label, missing[:1],
                             sorted(set(imported[label]) - set(expected))[:1])


def test_the_demo_export_carries_the_whole_history():
    document = exported_then_rolled_back(_demo)
    book = document["runbooks"][0]
    assert any(len(s["revisions"]) > 1 for s in book["sections"])
    assert any(s["reviews"] for s in book["sections"])
    assert {o["status"] for r in document["rituals"] for o in r["occurrences"]} \
        >= {"held", "skipped", "scheduled"}
    assert all(r["cells"] for m in document["raci"] for r in m["rows"])
    assert document["people"] and all(p["email"] for p in document["people"])


def test_the_schema_is_valid_and_every_export_matches_it():
    schema = json.loads(model_file.SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    for build in (_demo, *[_motion(m) for m in motions.MOTIONS]):
        jsonschema.validate(json.loads(json.dumps(exported_then_rolled_back(build))), schema)


def test_people_missing_here_are_created_without_a_usable_password_active_if_they_hold():
    document = exported_then_rolled_back(_demo)
    holders = ({f[name] for f in document["functions"] for name in ("head", "deputy")}
               | {r["owner_person"] for r in document["rituals"]}) - {None}
    document["people"].append({"username": "author", "first_name": "Ann", "last_name": "Or",
                               "email": "author@example.com"})
    model_file.import_model(document=document, actor=None, door="cli")
    for person in document["people"]:
        user = get_user_model().objects.get(username=person["username"])
        assert user.is_active == (user.username in holders)
        assert not user.has_usable_password() and user.email == person["email"]
    assert not Function.objects.filter(head__is_active=False).exists()
    assert not Function.objects.filter(deputy__is_active=False).exists()
    assert not Ritual.objects.filter(owner_person__is_active=False).exists()


@pytest.mark.parametrize("role", ["head", "deputy", "owner_person"])
def test_a_deactivated_person_named_to_hold_something_is_refused_at_its_path(role):
    document = exported_then_rolled_back(_demo)
    items = document["rituals"] if role == "owner_person" else document["functions"]
    at = next(i for i, item in enumerate(items) if item.get(role))
    get_user_model().objects.create_user(username=items[at][role], is_active=False)
    before = row_counts()
    with pytest.raises(ValidationError) as refused:
        model_file.import_model(document=document, actor=None, door="cli")
    path = f"{'rituals' if role == 'owner_person' else 'functions'}[{at}].{role}"
    assert path in refused.value.message_dict
    assert "deactivated" in refused.value.message_dict[path][0]
    assert row_counts() == before


def _broken(document, change):
    broken = copy.deepcopy(document)
    change(broken)
    return broken


def _two_accountables(d):
    d["raci"][0]["rows"][3]["cells"]["sales"] = "A"


def _two_rows_named_alike(d):
    d["raci"][0]["rows"][1]["name"] = " " + d["raci"][0]["rows"][0]["name"].upper()


def _revision_gap(d):
    d["runbooks"][0]["sections"][2]["revisions"][1]["number"] = 4


def _dangling_function(d):
    d["rituals"][5]["owner"] = "partners"


def _wrong_format(d):
    d["format"] = "revops-model/2"


def _unknown_author(d):
    d["runbooks"][0]["sections"][2]["revisions"][1]["author"] = "ghost"


def _bad_rule(d):
    d["rituals"][0]["rrule"] = "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0"


def _missing_field(d):
    del d["rituals"][1]["occurrences"][0]["status"]


BROKEN = [
    (_wrong_format, "format", "revops-model/1"),
    (_dangling_function, "rituals[5].owner", "partners"),
    (_two_accountables, "raci[0].rows[3].cells", "are both marked A"),
    (_two_rows_named_alike, "raci[0].rows[1].name", "Two rows are named"),
    (_revision_gap, "runbooks[0].sections[2].revisions[1].number", "without gaps"),
    (_unknown_author, "runbooks[0].sections[2].revisions[1].author", "ghost"),
    (_bad_rule, "rituals[0].rrule", "FREQ=DAILY"),
    (_missing_field, "rituals[1].occurrences[0]", "'status' is a required property"),
]


@pytest.mark.parametrize(("change", "path", "words"), BROKEN,
                         ids=[b[0].__name__.strip("_") for b in BROKEN])
def test_a_malformed_file_gets_a_400_naming_the_path_and_changes_nothing(
        api, change, path, words):
    errors = refusal(api, _motion("sales-led"), change)
    assert path in errors, errors
    assert any(words in message for message in errors[path])


def test_not_json_is_a_400_on_file(api, lead):
    upload = SimpleUploadedFile("model.json", b"{nope", "application/json")
    answer = api.as_user(lead).post("/api/v1/model/import/", {"file": upload},
                                    format="multipart")
    assert answer.status_code == 400 and "file" in answer.json()


def test_import_over_an_existing_model_is_409_unless_replace(api, lead):
    document = exported_then_rolled_back(_motion("hybrid"))
    bootstrap.bootstrap(motion="sales-led", actor=None, door="cli")
    client = api.as_user(lead)

    def post(**extra):
        upload = SimpleUploadedFile("m.json", json.dumps(document).encode(), "application/json")
        return client.post("/api/v1/model/import/", {"file": upload, **extra},
                           format="multipart")

    before = row_counts()
    assert post().status_code == 409
    assert row_counts() == before
    replaced = post(replace="true")
    assert replaced.status_code == 201, replaced.content
    assert replaced.json()["archived"] == {"runbooks": 1, "matrices": 1, "rituals": 17,
                                           "definitions": 15}
    assert replaced.json()["definitions"] == 19
    assert Definition.objects.filter(term__contains=" · archived ").count() == 15


def test_definitions_round_trip_with_history_and_a_bad_one_names_its_path():
    document = exported_then_rolled_back(_demo)
    mql = next(d for d in document["definitions"] if d["term"] == "MQL")
    assert len(mql["revisions"]) == 2 and len(mql["agreements"]) == 3
    bad = copy.deepcopy(document)
    bad["definitions"][0]["agreements"].append({
        "function": "finance", "revision": 9, "agreed_at": "2026-01-01T00:00:00+00:00",
        "agreed_by": None, "door": "cli"})
    with pytest.raises(ValidationError) as error:
        model_file.import_model(document=bad, actor=None, door="cli")
    assert any(key.startswith("definitions[0].agreements[")
               for key in error.value.message_dict), error.value.message_dict
    # Older files: metrics, which stand on definitions, and change control came after them.
    without = {k: v for k, v in document.items()
               if k not in {"definitions", "proposals", "acknowledgements", *SCORECARD_KEYS}}
    model_file.import_model(document=without, actor=None, door="cli")
    assert not Definition.objects.exists()


def test_api_export_is_the_document_and_leads_only(api, lead, viewer):
    bootstrap.bootstrap(motion="product-led", actor=None, door="cli")
    answer = api.as_user(lead).get("/api/v1/model/export/")
    assert answer.status_code == 200 and answer.streaming
    document = json.loads(b"".join(answer.streaming_content))
    assert document["format"] == "revops-model/1"
    assert _comparable(document) == _comparable(model_file.export_model())
    assert "attachment" in answer["Content-Disposition"]
    assert api.as_user(viewer).get("/api/v1/model/export/").status_code == 403


def test_export_and_import_commands_round_trip(tmp_path, capsys):
    with transaction.atomic():
        bootstrap.bootstrap(motion="hybrid", actor=None, door="cli")
        call_command("export_model")
        text = capsys.readouterr().out
        transaction.set_rollback(True)
    path = tmp_path / "model.json"
    path.write_text(text)
    call_command("import_model", str(path))
    assert "imported:" in capsys.readouterr().out
    assert _comparable(model_file.export_model()) == _comparable(json.loads(text))


def test_the_command_takes_a_file_larger_than_the_web_takes(tmp_path, capsys, monkeypatch):
    """The size limit guards the web's doors; the command reads a file on the server."""
    with transaction.atomic():
        bootstrap.bootstrap(motion="hybrid", actor=None, door="cli")
        call_command("export_model")
        text = capsys.readouterr().out
        transaction.set_rollback(True)
    monkeypatch.setattr("overview.model_file.check.MAX_FILE_BYTES", len(text) - 1)
    with pytest.raises(ValidationError) as refused:
        model_file.read_document(text.encode())
    assert refused.value.message_dict == {"file": [model_file.TOO_LARGE]}
    path = tmp_path / "model.json"
    path.write_text(text)
    call_command("import_model", str(path))
    assert "imported:" in capsys.readouterr().out
    assert Section.objects.count() == 12



# Maturity assessments -------------------------------------------------------------------


def test_the_maturity_assessments_travel_with_the_refresh_they_were_made_at():
    document = exported_then_rolled_back(_demo)
    assessments = document["maturity_assessments"]
    assert len(assessments) == 3
    assert [a["quarter"] for a in assessments] == sorted(a["quarter"] for a in assessments)
    assert all(a["recorded_by"] == "lead" and a["data_evidence"] for a in assessments)
    [tied] = [a for a in assessments if a["occurrence"]]
    ritual = document["rituals"][tied["occurrence"]["ritual"]]
    assert ritual["purpose"] == "refresh"
    assert tied["occurrence"]["scheduled_for"] in {o["scheduled_for"]
                                                   for o in ritual["occurrences"]}
    counts = model_file.import_model(document=document, actor=None, door="cli")
    assert counts["maturity_assessments"] == 3
    row = MaturityAssessment.objects.select_related("occurrence__ritual").get(
        occurrence__isnull=False)
    assert row.quarter.code == tied["quarter"] and row.occurrence.ritual.name == ritual["name"]
    assert row.occurrence.scheduled_for.isoformat() == tied["occurrence"]["scheduled_for"]
    assert row.recorded_by.username == "lead"


def _assessment_score_too_high(d):
    d["maturity_assessments"][0]["data"] = 9


def _assessment_quarter_twice(d):
    d["maturity_assessments"][1]["quarter"] = d["maturity_assessments"][0]["quarter"]


def _assessment_quarter_not_a_quarter(d):
    d["maturity_assessments"][0]["quarter"] = "FY2026-Q5"


def _assessment_blank_evidence(d):
    d["maturity_assessments"][1]["process_evidence"] = "   "


def _assessment_unknown_person(d):
    d["maturity_assessments"][0]["recorded_by"] = "ghost"


def _assessment_refresh_not_in_file(d):
    d["maturity_assessments"][2]["occurrence"]["scheduled_for"] = "2020-01-01T09:00:00+00:00"


def _assessment_ritual_not_in_file(d):
    d["maturity_assessments"][2]["occurrence"]["ritual"] = 999


BROKEN_ASSESSMENTS = [
    (_assessment_score_too_high, "maturity_assessments[0].data", "maximum of 8"),
    (_assessment_quarter_twice, "maturity_assessments[1].quarter", "assessed twice"),
    (_assessment_quarter_not_a_quarter, "maturity_assessments[0].quarter", "does not match"),
    (_assessment_blank_evidence, "maturity_assessments[1].process_evidence", "does not match"),
    (_assessment_unknown_person, "maturity_assessments[0].recorded_by", "ghost"),
    (_assessment_refresh_not_in_file, "maturity_assessments[2].occurrence",
     "no occurrence at 2020-01-01"),
    (_assessment_ritual_not_in_file, "maturity_assessments[2].occurrence.ritual",
     "no ritual 999"),
]


@pytest.mark.parametrize(("change", "path", "words"), BROKEN_ASSESSMENTS,
                         ids=[b[0].__name__.strip("_") for b in BROKEN_ASSESSMENTS])
def test_a_bad_assessment_gets_a_400_naming_its_path_and_changes_nothing(
        api, change, path, words):
    errors = refusal(api, _demo, change)
    assert path in errors, errors
    assert any(words in message for message in errors[path]), errors[path]


def test_an_assessed_quarter_is_refused_unless_replace_and_then_the_files_takes_its_place():
    document = exported_then_rolled_back(_demo)
    first = document["maturity_assessments"][0]
    start = fiscal.parse_quarter(first["quarter"]).start
    MaturityAssessment.objects.create(
        quarter_start=start, people=1, process=1, data=1, technology=1,
        people_evidence="here", process_evidence="here", data_evidence="here",
        technology_evidence="here")
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        model_file.import_model(document=copy.deepcopy(document), actor=None, door="cli")
    assert "maturity_assessments[0].quarter" in error.value.message_dict
    assert "replace" in error.value.message_dict["maturity_assessments[0].quarter"][0]
    assert row_counts() == before
    counts = model_file.import_model(document=document, actor=None, door="cli", replace=True)
    assert counts["maturity_assessments"] == 3
    assert counts["replaced"] == {"maturity_assessments": 1}
    row = MaturityAssessment.objects.get(quarter_start=start)
    assert (row.people, row.people_evidence) == (first["people"], first["people_evidence"])
    assert MaturityAssessment.objects.count() == 3


def test_a_file_without_assessments_imports_and_exports_an_empty_list():
    document = exported_then_rolled_back(_motion("sales-led"))
    assert document["maturity_assessments"] == []
    older = {k: v for k, v in document.items() if k != "maturity_assessments"}
    counts = model_file.import_model(document=older, actor=None, door="cli")
    assert counts["maturity_assessments"] == 0 and "replaced" not in counts
    assert not MaturityAssessment.objects.exists()


def test_seats_travel_with_their_deputies_and_an_older_file_without_them_still_imports():
    from revops.models import Function

    document = exported_then_rolled_back(_demo)
    seats = {f["slug"]: f for f in document["functions"]}
    assert seats["cs"]["deputy"] == "jamie" and seats["cs"]["vacant_since"] is None
    older = copy.deepcopy(document)
    for function in older["functions"]:
        function.pop("deputy"), function.pop("vacant_since")
    with open("docs/model-format.schema.json") as schema:
        jsonschema.validate(older, json.load(schema))
    model_file.import_model(document=older, actor=None, door="cli")
    assert not Function.objects.filter(deputy__isnull=False).exists()
    assert not Function.objects.filter(head__isnull=True, vacant_since__isnull=True).exists()


def test_a_seat_whose_deputy_is_its_holder_is_refused_naming_the_path():
    document = exported_then_rolled_back(_demo)
    cs = next(i for i, f in enumerate(document["functions"]) if f["slug"] == "cs")
    document["functions"][cs]["deputy"] = document["functions"][cs]["head"]
    with pytest.raises(ValidationError) as error:
        model_file.import_model(document=document, actor=None, door="cli")
    assert error.value.message_dict == {
        f"functions[{cs}].deputy": ["A seat's deputy cannot be its holder."]}


# The scorecard -------------------------------------------------------------------------

SCORECARD_KEYS = ("metrics", "metric_values", "off_track_items")
METRIC_EVENTS = ["metric.value_recorded", "metric.target_set", "metric.off_track",
                 "metric.back_on_track"]


def test_the_scorecard_travels_with_its_history_and_the_import_announces_nothing():
    document = exported_then_rolled_back(_everything)
    metrics = {m["slug"]: m for m in document["metrics"]}
    assert metrics["win-rate"]["owner"] == "sales" and metrics["win-rate"]["targets"]
    assert metrics["pipeline-velocity"]["formula"] and metrics["runbook-freshness"]["system"]
    [corrected] = [v for v in document["metric_values"] if v["history"]]
    assert corrected["history"][0]["source"] == "Warehouse nightly sync"
    assert {o["reason"] for o in document["off_track_items"]} == {
        "Two reps left in the quarter"}
    Webhook.objects.create(url="https://hooks.example.com/m", secret="s", events=METRIC_EVENTS)
    counts = model_file.import_model(document=document, actor=None, door="cli")
    assert (counts["metrics"], counts["metric_values"], counts["off_track_items"]) == (
        len(document["metrics"]), len(document["metric_values"]),
        len(document["off_track_items"]))
    assert ReplacedValue.objects.get().current.period == corrected["period"]
    assert not WebhookDelivery.objects.exists() and not Mail.objects.exists()
    assert OffTrack.objects.count() == len(document["off_track_items"])
    # The items the history raised came with it: the daily scan finds nothing new.
    assert insights_services.raise_off_track(today=timezone.localdate()) == ([], [])


def _formula_names_a_metric_not_in_the_file(d):
    assert d["metrics"][8]["formula"]
    d["metrics"][8]["formula"] = "opportunities * ghost_rate"


def _formula_mixes_cadences(d):
    d["metrics"][0]["period"] = "monthly"
    d["metric_values"] = [v for v in d["metric_values"] if v["metric"] != d["metrics"][0]["slug"]]
    d["metrics"][8]["formula"] = f"{d['metrics'][0]['slug'].replace('-', '_')} * 2"


def _metric_on_a_definition_not_in_the_file(d):
    d["metrics"][0]["definition"] = "Nothing defined"


def _metric_slug_twice(d):
    d["metrics"][1]["slug"] = d["metrics"][0]["slug"]


def _metric_not_a_system_one(d):
    d["metrics"][9]["system"] = "weather"


def _value_for_an_unknown_metric(d):
    d["metric_values"][0]["metric"] = "ghost"


def _value_period_off_cadence(d):
    d["metric_values"][0]["period"] = "2026-12"


def _value_for_a_composite(d):
    d["metric_values"][0]["metric"] = d["metrics"][8]["slug"]


def _value_twice(d):
    d["metric_values"][1]["period"] = d["metric_values"][0]["period"]


def _replaced_value_by_a_stranger(d):
    value = d["metric_values"][0]
    value["history"] = [{**{name: value[name] for name in ("value", "door", "sent_by_name",
                                                           "source", "sent_at")},
                         "sent_by": "ghost", "replaced_at": value["sent_at"]}]


def _target_period_off_cadence(d):
    d["metrics"][0]["targets"][0]["period"] = "FY2027-Q1"


def _second_open_item(d):
    d["off_track_items"].append({**d["off_track_items"][0], "since": "2020-W01"})


BROKEN_SCORECARD = [
    (_formula_names_a_metric_not_in_the_file, "metrics[8].formula", "ghost_rate"),
    (_formula_mixes_cadences, "metrics[8].formula", "is not measured weekly"),
    (_metric_on_a_definition_not_in_the_file, "metrics[0].definition", "Nothing defined"),
    (_metric_slug_twice, "metrics[1].slug", "more than once"),
    (_metric_not_a_system_one, "metrics[9].system", "weather"),
    (_value_for_an_unknown_metric, "metric_values[0].metric", "ghost"),
    (_value_period_off_cadence, "metric_values[0].period", "is measured weekly"),
    (_value_for_a_composite, "metric_values[0].metric", "holds no values"),
    (_value_twice, "metric_values[1].period", "has a value already"),
    (_replaced_value_by_a_stranger, "metric_values[0].history[0].sent_by", "ghost"),
    (_target_period_off_cadence, "metrics[0].targets[0].period", "is measured weekly"),
    (_second_open_item, "off_track_items[1].cleared_at", "open off-track item already"),
]


@pytest.mark.parametrize(("change", "path", "words"), BROKEN_SCORECARD,
                         ids=[b[0].__name__.strip("_") for b in BROKEN_SCORECARD])
def test_a_bad_scorecard_gets_a_400_naming_its_path_and_changes_nothing(
        api, change, path, words):
    errors = refusal(api, _demo, change)
    assert path in errors, errors
    assert any(words in message for message in errors[path]), errors[path]


def test_a_file_written_before_the_scorecard_travelled_still_imports():
    document = exported_then_rolled_back(_demo)
    older = {k: v for k, v in document.items() if k not in SCORECARD_KEYS}
    jsonschema.validate(older, model_file.schema())
    counts = model_file.import_model(document=older, actor=None, door="cli")
    assert counts["metrics"] == counts["metric_values"] == counts["off_track_items"] == 0
    assert not Metric.objects.exists()


def _sales_led_with_a_metric_of_its_own():
    """A sales-led model here with, beside its starting metrics, one the file does not
    have standing on a definition the file has (MQL)."""
    bootstrap.bootstrap(motion="sales-led", actor=None, door="cli")
    return insights_services.metric_create(
        definition=Definition.objects.get(slug="mql"), slug="mqls-per-rep", unit="count",
        actor=None, door="cli")


def test_replace_leaves_no_metric_on_an_archived_definition():
    document = exported_then_rolled_back(_motion("hybrid"))
    own = _sales_led_with_a_metric_of_its_own()
    here = set(Metric.objects.values_list("slug", flat=True)) - {own.slug}
    counts = model_file.import_model(document=document, actor=None, door="cli", replace=True)
    assert counts["replaced"]["metrics"] == len(here)
    assert counts["repointed"] == {"metrics": 1}
    assert not Metric.objects.filter(definition__term__contains=bootstrap.ARCHIVED).exists()
    own.refresh_from_db()
    assert own.definition == Definition.objects.get(slug="mql")
    assert Metric.objects.count() == len(document["metrics"]) + 1


def test_a_metric_here_is_refused_at_its_path_unless_replace():
    document = exported_then_rolled_back(_motion("hybrid"))
    _sales_led_with_a_metric_of_its_own()
    bootstrap.archive_model(actor=None, door="cli")
    here = set(Metric.objects.values_list("slug", flat=True))
    at = next(i for i, m in enumerate(document["metrics"]) if m["slug"] in here)
    before = row_counts()
    with pytest.raises(ValidationError) as refused:
        model_file.import_model(document=document, actor=None, door="cli")
    assert "replace" in refused.value.message_dict[f"metrics[{at}].slug"][0]
    assert row_counts() == before


def test_the_system_metrics_a_fresh_installation_made_give_way_to_the_files():
    document = exported_then_rolled_back(_demo)
    insights_services.record_system_metrics(today=timezone.localdate())
    counts = model_file.import_model(document=document, actor=None, door="cli")
    assert counts["replaced"] == {"metrics": 5}
    assert sorted(MetricValue.objects.filter(metric__system="runbook-freshness")
                  .values_list("period", flat=True)) == sorted(
        v["period"] for v in document["metric_values"] if v["metric"] == "runbook-freshness")


# Every optional field -------------------------------------------------------------------


def test_the_everything_model_fills_every_optional_field():
    _everything()
    """So the round trip below proves each optional field travels, not only its null."""
    empty = []
    for model in carried_models():
        for f in carried_fields(model):
            if (f.null or f.blank) and not model.objects.exclude(
                    **{f"{f.name}__isnull": True}).exclude(
                    **({f.name: ""} if not f.is_relation and f.get_internal_type() in
                       {"CharField", "TextField"} else {})).exists():
                empty.append(f"{model._meta.label}.{f.name}")
    assert not empty, " ".join(empty)


# Ritual outcomes ------------------------------------------------------------------------


def test_the_demos_meeting_outcomes_travel_with_the_occurrence_they_were_recorded_at():
    document = exported_then_rolled_back(_demo)
    assert document["decisions"] and document["action_items"]
    outcomes = {(d["occurrence"]["ritual"], d["occurrence"]["scheduled_for"])
                for d in document["decisions"] + document["action_items"]}
    occurrences = {(i, o["scheduled_for"]): o for i, r in enumerate(document["rituals"])
                   for o in r["occurrences"]}
    assert len(outcomes) == 2
    assert all(occurrences[at]["rating"] and occurrences[at]["present"] for at in outcomes)
    counts = model_file.import_model(document=document, actor=None, door="cli")
    assert counts["decisions"] == Decision.objects.count() == len(document["decisions"])
    assert counts["action_items"] == ActionItem.objects.count() == len(
        document["action_items"])
    assert sorted((a.text, a.owner.username, a.occurrence.scheduled_for.isoformat())
                  for a in ActionItem.objects.select_related("owner", "occurrence")) == sorted(
        (a["text"], a["owner"], a["occurrence"]["scheduled_for"])
        for a in document["action_items"])
    assert not ActionItem.objects.exclude(ritual=F("occurrence__ritual")).exists()
    assert not Decision.objects.exclude(ritual=F("occurrence__ritual")).exists()


def _action_owner_unknown(d):
    d["action_items"][0]["owner"] = "ghost"


def _decision_links_two_items(d):
    d["decisions"][0]["link"] = {"ritual": 0, "section": {"runbook": d["runbooks"][0]["title"],
                                                          "kind": "strategy"}}


def _decision_links_a_missing_term(d):
    d["decisions"][0]["link"] = {"definition": "Nothing defined"}


def _decision_owner_unknown(d):
    d["decisions"][0]["owner"] = "partners"


def _action_open_but_closed(d):
    d["action_items"][0].update(state="open", closed_at="2026-01-01T00:00:00+00:00")


def _action_dropped_without_reason(d):
    d["action_items"][0].update(state="dropped", closed_at="2026-01-01T00:00:00+00:00",
                                drop_reason=" ")


def _outcome_on_a_missing_occurrence(d):
    d["action_items"][0]["occurrence"]["scheduled_for"] = "2020-01-01T09:00:00+00:00"


BROKEN_OUTCOMES = [
    (_action_owner_unknown, "action_items[0].owner", "ghost"),
    (_decision_links_two_items, "decisions[0].link", "at most one item"),
    (_decision_links_a_missing_term, "decisions[0].link.definition", "Nothing defined"),
    (_decision_owner_unknown, "decisions[0].owner", "partners"),
    (_action_open_but_closed, "action_items[0].closed_at", "exactly when"),
    (_action_dropped_without_reason, "action_items[0].drop_reason", "says why"),
    (_outcome_on_a_missing_occurrence, "action_items[0].occurrence",
     "no occurrence at 2020-01-01"),
]


@pytest.mark.parametrize(("change", "path", "words"), BROKEN_OUTCOMES,
                         ids=[b[0].__name__.strip("_") for b in BROKEN_OUTCOMES])
def test_a_bad_outcome_gets_a_400_naming_its_path_and_changes_nothing(
        api, change, path, words):
    errors = refusal(api, _demo, change)
    assert path in errors, errors
    assert any(words in message for message in errors[path]), errors[path]


def test_an_older_file_without_outcomes_still_imports():
    document = exported_then_rolled_back(_demo)
    older = {k: v for k, v in document.items() if k not in {"decisions", "action_items"}}
    for ritual in older["rituals"]:
        for occurrence in ritual["occurrences"]:
            for key in ("rating", "recapped_at", "present"):
                occurrence.pop(key)
    jsonschema.validate(older, model_file.schema())
    counts = model_file.import_model(document=older, actor=None, door="cli")
    assert counts["decisions"] == counts["action_items"] == 0
    assert not Decision.objects.exists() and not ActionItem.objects.exists()
    assert not Occurrence.objects.filter(rating__isnull=False).exists()
    assert not Attendance.objects.exists()


# Change control -------------------------------------------------------------------------


def test_imported_proposals_are_on_the_imported_items_and_nothing_is_announced_or_applied():
    document = exported_then_rolled_back(_everything)
    Webhook.objects.create(url="https://hooks.example.com/changes", secret="s",
                           events=[e.name for e in notices.EVENTS])
    counts = model_file.import_model(document=document, actor=None, door="cli")
    assert counts["proposals"] == Proposal.objects.count() == len(document["proposals"])
    assert counts["acknowledgements"] == Acknowledgement.objects.count() == 2
    assert not WebhookDelivery.objects.exists() and not Mail.objects.exists()
    assert not mail.outbox
    approved = Proposal.objects.get(state="approved")
    assert approved.applied_at is None
    row = Row.objects.select_related("matrix").get(pk=approved.item_id)
    place = next(p["item"]["row"] for p in document["proposals"] if p["state"] == "approved")
    assert row.matrix.title == document["raci"][place["matrix"]]["title"]
    assert row.description == document["raci"][place["matrix"]]["rows"][place["row"]][
        "description"] != approved.fields["description"]
    ritual = Proposal.objects.get(kind="ritual")
    assert Ritual.objects.get(pk=ritual.item_id).governed
    assert changes_selectors.out_of_date([approved, ritual]) == {approved.pk: True,
                                                                 ritual.pk: False}


def _proposal_in_a_missing_run_book(d):
    d["proposals"][1]["item"] = {"section": {"runbook": "Nowhere", "kind": "strategy"}}


def _proposal_on_a_missing_term(d):
    d["proposals"][1]["item"] = {"definition": "Nothing defined"}


def _proposal_on_a_missing_row(d):
    d["proposals"][1]["item"] = {"row": {"matrix": 0, "row": 999}}


def _proposal_with_another_kinds_fields(d):
    d["proposals"][1]["item"] = {"ritual": 0}


def _proposal_reverting_itself(d):
    d["proposals"][1]["reverts"] = 1


def _objection_for_an_unknown_function(d):
    next(p for p in d["proposals"] if p["comments"])["comments"][-1]["function"] = "legal"


def _acknowledgement_of_no_item(d):
    d["acknowledgements"][0]["item"] = {"ritual": None}


def _acknowledged_twice(d):
    d["acknowledgements"].append(dict(d["acknowledgements"][0]))


BROKEN_CHANGES = [
    (_proposal_in_a_missing_run_book, "proposals[1].item.section", "No run book 'Nowhere'"),
    (_proposal_on_a_missing_term, "proposals[1].item.definition", "Nothing defined"),
    (_proposal_on_a_missing_row, "proposals[1].item.row", "no row 999"),
    (_proposal_with_another_kinds_fields, "proposals[1].fields", "A ritual proposal carries"),
    (_proposal_reverting_itself, "proposals[1].reverts", "no other proposal 1"),
    (_objection_for_an_unknown_function, "comments[1].function", "legal"),
    (_acknowledgement_of_no_item, "acknowledgements[0].item.ritual", "an item of this file"),
    (_acknowledged_twice, "acknowledgements[2].version", "twice"),
]


@pytest.mark.parametrize(("change", "path", "words"), BROKEN_CHANGES,
                         ids=[b[0].__name__.strip("_") for b in BROKEN_CHANGES])
def test_a_bad_proposal_or_acknowledgement_gets_a_400_naming_its_path_and_changes_nothing(
        api, change, path, words):
    errors = refusal(api, _everything, change)
    [found] = [key for key in errors if key.endswith(path)]
    assert any(words in message for message in errors[found]), errors[found]


def test_an_older_file_without_change_control_still_imports_with_the_defaults():
    document = exported_then_rolled_back(_everything)
    older = {k: v for k, v in document.items() if k not in {"proposals", "acknowledgements"}}
    for item in (*older["runbooks"], *(s for b in older["runbooks"] for s in b["sections"]),
                 *older["raci"], *older["rituals"], *older["definitions"]):
        item.pop("governed")
    jsonschema.validate(older, model_file.schema())
    counts = model_file.import_model(document=older, actor=None, door="cli")
    assert counts["proposals"] == counts["acknowledgements"] == 0
    assert not Proposal.objects.exists() and not Acknowledgement.objects.exists()
    assert not Definition.objects.filter(governed=False).exists()
    for model in (Runbook, Section, Matrix, Ritual):
        assert not model.objects.filter(governed=True).exists(), model


def test_a_replacing_import_leaves_no_change_control_on_the_model_it_sets_aside():
    document = exported_then_rolled_back(_everything)
    model_file.import_model(document=copy.deepcopy(document), actor=None, door="cli")
    # The file's archived run book would meet itself: as if it had been archived here.
    Runbook.objects.filter(archived_at__isnull=False).update(title=Concat("title", Value(".")))
    old_items = {"section": set(Section.objects.values_list("pk", flat=True)),
                 "definition": set(Definition.objects.values_list("pk", flat=True)),
                 "row": set(Row.objects.values_list("pk", flat=True)),
                 "ritual": set(Ritual.objects.values_list("pk", flat=True))}
    old_proposals = Proposal.objects.count()
    counts = model_file.import_model(document=document, actor=None, door="cli", replace=True)
    # Of the old ones only the proposal about a row deleted before the first export stays.
    assert counts["replaced"]["proposals"] == old_proposals - 1
    assert counts["replaced"]["acknowledgements"] == 2
    assert Proposal.objects.count() == len(document["proposals"]) + 1
    on_old = [(kind, item_id) for model in (Proposal, Acknowledgement)
              for kind, item_id in model.objects.values_list("kind", "item_id")
              if item_id in old_items[kind]]
    assert not on_old
