"""The write actions of the access matrix (tests/core/test_access_matrix.py).

Each action builds the few objects it needs, owned by the *target* function (Sales for
everyone but ``head_other``, for whom it is Marketing: a Sales head's crafted request
against another function's object), says how to perform it through each door the
product offers, and how to read from the database whether it happened (``probe``).

A door entry is ``(perform, ok, deny)``: ``perform(client, state)`` returns the
response, ``ok`` the statuses that door answers a permitted write with, ``deny`` the
statuses it answers a refused one with (anonymous users and console users without
console access are handled by the test: login redirects).

The fourth door, ``service``, is the write service called directly with the role's
user as ``actor`` (what a new door — a Slack command, an import job — would do): a bare
``perform(actor, ctx, state)`` that either writes or raises the policy's ``Refused``.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from cadence import services as cadence_services
from insights import services as insights_services
from insights.models import MetricValue, OffTrack
from overview import services as overview_services
from raci import services as raci_services
from raci.models import Row, SignOff
from revops import services as core_services
from revops.models import ApiToken, Channel, Door, Function, Profile, Webhook
from runbook import services as runbook_services
from runbook.models import (
    Agreement,
    Concern,
    Definition,
    DefinitionReview,
    Release,
    Review,
    Runbook,
    Section,
)
from tests.raci import factories as raci_factories
from tests.runbook.factories import make_runbook

# Who may, per docs/design.md, "Seats and roles" ---------------------------------------------------
OWNED = "owned"  # leads, and the head of the owning function
LEADS = "leads"  # RevOps leads only
SIGNER = "signer"  # only the head of the function being signed for
NOBODY = "nobody"  # the door offers no way to do it, whoever asks
READER = "reader"  # every signed-in user, viewers included


class _FormFields(HTMLParser):
    """The values a browser would submit from the page's main admin form."""

    def __init__(self):
        super().__init__()
        self.data = {}
        self._select = None
        self._textarea = None
        self._in_form = False

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id", "").endswith("_form"):
            self._in_form = True
        if not self._in_form or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in {"submit", "button", "image", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self._add(name, a.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self._add(self._select, a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            if self._textarea and self.data[self._textarea][-1].startswith("\n"):
                self.data[self._textarea][-1] = self.data[self._textarea][-1][1:]
            self._textarea = None


def admin_form(lead_client, url, **changes):
    """The form of the console page ``url`` as a lead sees it, with ``changes``: what a
    crafted POST by anyone else would carry."""
    page = lead_client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    parser = _FormFields()
    parser.feed(page.content.decode())
    data = {k: v if len(v) != 1 else v[0] for k, v in parser.data.items()}
    data.update(changes)
    return data


def admin_action(client, changelist, action, pk, **extra):
    return client.post(changelist, {"action": action, "_selected_action": [pk], "index": "0",
                                    "select_across": "0", **extra})


@dataclass
class Ctx:
    """Who acts and on what: ``target`` owns the object, ``other`` is another function."""

    target: Function
    other: Function
    users: dict
    lead_client: object
    now: object
    state: dict = field(default_factory=dict)


@dataclass
class Action:
    name: str
    who: str
    setup: object
    probe: object
    doors: dict
    token_scope: str = ApiToken.Scope.WRITE  # the scope of the write_token role's token


CLI = Door.CLI


# Builders ---------------------------------------------------------------------------------


def _section(ctx):
    from revops.models import Door
    from runbook import services

    book = make_runbook()
    target = Section.objects.get(runbook=book, kind="process")
    services.section_update(section=target, actor=None, door=Door.CLI, owner=ctx.target)
    return {"section": Section.objects.get(pk=target.pk), "runbook": book}


def _row(ctx):
    m = raci_factories.matrix()
    row = raci_factories.row(m, "Lead routing rules", {ctx.target.slug: "A", "revops": "R"})
    return {"matrix": m, "row": row}


def _ritual(ctx):
    from tests.cadence.factories import ritual

    # Made a week earlier, so one occurrence is already due to be recorded.
    with time_machine.travel(ctx.now - timedelta(days=8), tick=False):
        made = ritual(owner=ctx.target)
    occurrence = made.occurrences.filter(scheduled_for__lt=ctx.now).order_by(
        "scheduled_for").first()
    return {"ritual": made, "occurrence": occurrence}


def _version(state):
    """The matrix's version now (writing rows moved it since ``matrix()`` returned)."""
    from raci.models import Matrix

    return Matrix.objects.get(pk=state["matrix"].pk).version


def _none(ctx):
    return {}


def _definition(ctx):
    """A definition owned by the target function, which is also the one that agrees."""
    made = runbook_services.definition_create(
        term="Matrix term", body="What it means.", layer="process", owner=ctx.target,
        agreeing=[ctx.target], actor=None, door=Door.CLI, governed=False)
    return {"definition": Definition.objects.get(pk=made.pk)}


def _agreements(ctx, s):
    return Agreement.objects.filter(definition=s["definition"], function=ctx.target).count()


def _two_rows(ctx):
    state = _row(ctx)
    raci_factories.row(state["matrix"], "Territory plan", {ctx.target.slug: "A"})
    return state


def _two_matrices(ctx):
    raci_factories.matrix("Current RACI", is_current=True)
    return {"matrix": raci_factories.matrix("Draft RACI", is_current=False)}


def _current_matrix():
    from raci.models import Matrix

    return list(Matrix.objects.filter(is_current=True).values_list("title", flat=True))


def _webhook(ctx):
    from revops import services
    from revops.models import Door

    return {"webhook": services.webhook_create(
        actor=None, door=Door.CLI, url="https://hooks.example.com/x", events=["section.stale"],
        secret="s3cret", active=True)}


def _channel(ctx):
    return {"channel": core_services.channel_create(
        actor=None, door=Door.CLI, name="#revops", kind="slack",
        url="https://hooks.slack.com/services/T0/B0/x", events=["section.stale"])}


def _channel_state(state):
    channel = Channel.objects.filter(pk=state["channel"].pk).first()
    return channel and (channel.name, channel.active, channel.events)


CHANNEL_NEW = {"name": "#forecast", "kind": "slack", "address": "",
               "url": "https://hooks.slack.com/services/T0/B0/y",
               "events": ["occurrence.missed"], "active": "on"}


def _others_tokens(ctx):
    """An API token and a calendar feed token of someone else (the Marketing head)."""
    from cadence import services as cadence_services
    from revops import services
    from revops.models import Door

    owner = ctx.users["marketing_head"]
    api_token, _ = services.api_token_create(actor=owner, door=Door.CLI, user=owner,
                                             name="theirs", scope=ApiToken.Scope.WRITE)
    feed_token, _ = cadence_services.feed_token_create(user=owner, actor=owner, door=Door.CLI)
    return {"api_token": api_token, "feed_token": feed_token}


def _revoked(model, pk):
    return model.objects.get(pk=pk).revoked_at is not None


def _letters(row):
    from raci import selectors

    return dict(selectors.letters_of(selectors.rows_for_grid().get(pk=row.pk)))


RITUAL_UI_FORM = {
    "name": "Funnel review", "horizon": "weekly", "layer": "process", "purpose": "",
    "owner": "", "owner_person": "", "attendees": [], "duration_minutes": "45",
    "output": "Stage conversion", "output_section": "", "agenda": "", "active": "on",
    "timezone": "America/New_York", "schedule_mode": "picker", "at": "11:00",
    "weekday": "WE", "monthly_mode": "day", "month_day": "1", "nth": "1",
    "quarter_month": "1", "rrule": "", "reminder_minutes": "30", "grace_hours": "",
}

RITUAL_CONSOLE_FORM = {
    "name": "Systems standup", "horizon": "weekly", "layer": "systems", "purpose": "",
    "owner_person": "", "duration_minutes": 30, "output": "Change queue",
    "output_section": "", "agenda": "", "timezone": "Europe/Berlin",
    "rrule": "FREQ=WEEKLY;BYDAY=TH;BYHOUR=10;BYMINUTE=0", "active": "on",
    "reminder_lead": "01:00:00", "grace": "",
    "occurrences-TOTAL_FORMS": 0, "occurrences-INITIAL_FORMS": 0,
}

RITUAL_API = {
    "name": "Monday forecast call", "horizon": "weekly", "layer": "insights",
    "duration_minutes": 45, "output": "Committed forecast",
    "rrule": "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0", "timezone": "America/New_York",
}


def _csv(ctx, state):
    """The matrix as exported, plus one new row: importing it adds that row."""
    from raci import selectors

    text = selectors.csv_export(state["matrix"])
    text = text if isinstance(text, str) else text.decode()
    header = text.splitlines()[0].split(",")
    new = {"layer": "process", "name": "Imported activity", "description": "",
           ctx.target.slug: "A", "revops": "R"}
    return text.rstrip("\n") + "\n" + ",".join(new.get(col, "") for col in header) + "\n"


def _row_ui_form(ctx, name="Pipeline review"):
    data = {"name": name, "layer": "process", "description": ""}
    for f in Function.objects.all():
        data[f"letter_{f.slug}"] = {ctx.target.slug: "A", "revops": "R"}.get(f.slug, "")
    return data


def _edit_ui(state, ctx, **changes):
    from cadence.forms import initial_for

    r = state["ritual"]
    data = {**RITUAL_UI_FORM, "name": r.name, "owner": r.owner_id, "output": r.output,
            "weekday": "MO", "at": "09:00", "timezone": r.timezone, **changes}
    assert initial_for(r)["schedule_mode"] == "picker"
    return data


# The actions ------------------------------------------------------------------------------

ACTIONS = {}


def action(name, who, setup, probe, token_scope=ApiToken.Scope.WRITE, **doors):
    ACTIONS[name] = Action(name, who, setup, probe, doors, token_scope)


# Definitions.
action(
    "definition-create", OWNED, _none,
    lambda ctx, s: Definition.objects.filter(owner=ctx.target).count(),
    ui=(lambda c, ctx, s: c.post("/definitions/new/", {
        "term": "Matrix term", "layer": "process", "owner": ctx.target.pk,
        "body": "What it means."}), {302}, {403}),
    api=(lambda c, ctx, s: c.post("/api/v1/definitions/", {
        "term": "Matrix term", "layer": "process", "owner": ctx.target.slug,
        "body": "What it means."}, format="json"), {201}, {403}),
    # console: none. Definitions are written on their page or through the API.
    service=lambda a, ctx, s: runbook_services.definition_create(
        term="Matrix term", body="What it means.", layer="process", owner=ctx.target,
        actor=a, door=CLI),
)
action(
    "definition-revise", OWNED, _definition,
    lambda ctx, s: Definition.objects.get(pk=s["definition"].pk).revision,
    ui=(lambda c, ctx, s: c.post(f"/definitions/{s['definition'].slug}/revise/", {
        "body": "New words.", "base_revision": 1}), {302}, {403}),
    api=(lambda c, ctx, s: c.post(f"/api/v1/definitions/{s['definition'].pk}/revisions/", {
        "body": "New words.", "base_revision": 1}, format="json"), {201}, {403}),
    # console: none. A revision needs the text it is based on: the page or the API.
    service=lambda a, ctx, s: runbook_services.definition_revise(
        definition=s["definition"], body="New words.", base_revision=1, actor=a, door=CLI),
)
action(
    "definition-review", OWNED, _definition,
    lambda ctx, s: DefinitionReview.objects.filter(definition=s["definition"]).count(),
    ui=(lambda c, ctx, s: c.post(f"/definitions/{s['definition'].slug}/review/", {
        "note": "still true"}), {302}, {403}),
    api=(lambda c, ctx, s: c.post(f"/api/v1/definitions/{s['definition'].pk}/reviews/", {
        "note": "still true"}, format="json"), {201}, {403}),
    # The action skips definitions that are not the user's, with an error message.
    console=(lambda c, ctx, s: admin_action(c, "/admin/runbook/definition/",
                                            "mark_definitions_reviewed",
                                            s["definition"].pk), {302}, {302}),
    service=lambda a, ctx, s: runbook_services.definition_review(
        definition=s["definition"], actor=a, door=CLI),
)
action(
    "definition-agree", SIGNER, _definition,
    _agreements,
    ui=(lambda c, ctx, s: c.post(f"/definitions/{s['definition'].slug}/agree/", {
        "function": ctx.target.slug, "revision": 1}), {302}, {403}),
    api=(lambda c, ctx, s: c.post(f"/api/v1/definitions/{s['definition'].pk}/agreements/", {
        "function": ctx.target.slug}, format="json"), {201}, {403}),
    # The console action agrees for the function the user heads, never another; a lead
    # (who heads nothing) is refused with an error message.
    console=(lambda c, ctx, s: admin_action(c, "/admin/runbook/definition/",
                                            "agree_to_definitions",
                                            s["definition"].pk), {302}, {302}),
    service=lambda a, ctx, s: runbook_services.definition_agree(
        definition=s["definition"], function=ctx.target, actor=a, door=CLI),
)

# Run book.
action(
    "section-revise", OWNED, _section,
    lambda ctx, s: Section.objects.get(pk=s["section"].pk).revision,
    ui=(lambda c, ctx, s: c.post(f"/runbook/sections/{s['section'].pk}/edit/", {
        "body": "# Process\n\nNew text.", "summary": "matrix",
        "base_revision": s["section"].revision}), {302}, {403}),
    api=(lambda c, ctx, s: c.post(f"/api/v1/sections/{s['section'].pk}/revisions/", {
        "body": "# Process\n\nNew text.", "summary": "matrix",
        "base_revision": s["section"].revision, "mark_reviewed": False}, format="json"),
        {201}, {403}),
    # console: none. The section change form has no body field and revisions are
    # read-only there (RevisionAdmin has no add/change): text is written in the UI or API.
    service=lambda a, ctx, s: runbook_services.section_revise(
        section=s["section"], body="# Process\n\nNew text.", summary="matrix",
        base_revision=s["section"].revision, mark_reviewed=False, actor=a, door=CLI),
)
action(
    "section-review", OWNED, _section,
    lambda ctx, s: Review.objects.filter(section=s["section"]).count(),
    ui=(lambda c, ctx, s: c.post(f"/runbook/sections/{s['section'].pk}/review/",
                                 {"note": "still true"}), {302}, {403}),
    api=(lambda c, ctx, s: c.post(f"/api/v1/sections/{s['section'].pk}/reviews/",
                                  {"note": "still true"}, format="json"), {201}, {403}),
    # The action skips sections that are not the user's, with an error message.
    console=(lambda c, ctx, s: admin_action(c, "/admin/runbook/section/", "mark_reviewed",
                                            s["section"].pk), {302}, {302}),
    service=lambda a, ctx, s: runbook_services.section_review(
        section=s["section"], note="still true", actor=a, door=CLI),
)
action(
    "concern-raise", READER, _section,
    lambda ctx, s: Concern.objects.filter(section=s["section"]).count(),
    ui=(lambda c, ctx, s: c.post(f"/runbook/sections/{s['section'].pk}/concerns/",
                                 {"reason": "Looks out of date"}), {302}, {403}),
    api=(lambda c, ctx, s: c.post(f"/api/v1/sections/{s['section'].pk}/concerns/",
                                  {"reason": "Looks out of date"}, format="json"), {201}, {403}),
    # console: none. Concerns are read-only there (ConcernAdmin has no add/change).
    service=lambda a, ctx, s: runbook_services.concern_raise(
        section=s["section"], reason="Looks out of date", actor=a, door=CLI),
)
action(
    "section-title", OWNED, _section,
    lambda ctx, s: Section.objects.get(pk=s["section"].pk).title,
    # ui: none. The UI edits a section's text only; title and owner are API/console fields.
    api=(lambda c, ctx, s: c.patch(f"/api/v1/sections/{s['section'].pk}/",
                                   {"title": "Renamed"}, format="json"), {200}, {403}),
    console=(lambda c, ctx, s: c.post(
        f"/admin/runbook/section/{s['section'].pk}/change/",
        admin_form(ctx.lead_client, f"/admin/runbook/section/{s['section'].pk}/change/",
                   title="Renamed")), {302}, {403}),
    service=lambda a, ctx, s: runbook_services.section_update(
        section=s["section"], title="Renamed", actor=a, door=CLI),
)
action(
    "section-owner", LEADS, _section,
    lambda ctx, s: Section.objects.get(pk=s["section"].pk).owner_id,
    api=(lambda c, ctx, s: c.patch(f"/api/v1/sections/{s['section'].pk}/",
                                   {"owner": ctx.other.slug}, format="json"), {200}, {403}),
    # A head's own section: the owner field is read-only for them, so the posted owner
    # is ignored (302, nothing handed away); another function's section: 403.
    console=(lambda c, ctx, s: c.post(
        f"/admin/runbook/section/{s['section'].pk}/change/",
        admin_form(ctx.lead_client, f"/admin/runbook/section/{s['section'].pk}/change/",
                   owner=ctx.other.pk)), {302}, {302, 403}),
    service=lambda a, ctx, s: runbook_services.section_update(
        section=s["section"], owner=ctx.other, actor=a, door=CLI),
)
action(
    "runbook-create", LEADS, _none,
    lambda ctx, s: Runbook.objects.count(),
    ui=(lambda c, ctx, s: c.post("/runbook/new/", {"title": "PLG run book"}), {302}, {403}),
    api=(lambda c, ctx, s: c.post("/api/v1/runbooks/", {"title": "PLG run book"},
                                  format="json"), {201}, {403}),
    console=(lambda c, ctx, s: c.post("/admin/runbook/runbook/add/", {
        "title": "PLG run book", "motion": ""}), {302}, {403}),
    service=lambda a, ctx, s: runbook_services.runbook_create(
        title="PLG run book", actor=a, door=CLI),
)
action(
    "runbook-change", LEADS, _section,
    lambda ctx, s: Runbook.objects.get(pk=s["runbook"].pk).title,
    # ui/api: none (run books are created there; their sections change).
    console=(lambda c, ctx, s: c.post(
        f"/admin/runbook/runbook/{s['runbook'].pk}/change/",
        admin_form(ctx.lead_client, f"/admin/runbook/runbook/{s['runbook'].pk}/change/",
                   title="Renamed run book")), {302}, {403}),
    service=lambda a, ctx, s: runbook_services.runbook_update(
        runbook=s["runbook"], title="Renamed run book", actor=a, door=CLI),
)
action(
    "release-create", LEADS, _section,
    lambda ctx, s: Release.objects.filter(runbook=s["runbook"]).count(),
    ui=(lambda c, ctx, s: c.post(f"/runbook/{s['runbook'].pk}/releases/",
                                 {"name": "2026-Q1 refresh"}), {302}, {403}),
    api=(lambda c, ctx, s: c.post(f"/api/v1/runbooks/{s['runbook'].pk}/releases/",
                                  {"name": "2026-Q1 refresh"}, format="json"), {201}, {403}),
    # console: none. Releases are read-only there (ReleaseAdmin has no add).
    service=lambda a, ctx, s: runbook_services.release_create(
        runbook=s["runbook"], name="2026-Q1 refresh", actor=a, door=CLI),
)

# RACI.
action(
    "cell-set", LEADS, _row,
    lambda ctx, s: _letters(s["row"]).get("cs", ""),
    ui=(lambda c, ctx, s: c.post(f"/raci/rows/{s['row'].pk}/cells/cs/", {"letter": "C"},
                                 HTTP_HX_REQUEST="true"), {200}, {403}),
    api=(lambda c, ctx, s: c.patch(f"/api/v1/raci/rows/{s['row'].pk}/", {
        "cells": {ctx.target.slug: "A", "revops": "R", "cs": "C"}}, format="json"),
        {200}, {403}),
    console=(lambda c, ctx, s: c.post(
        f"/admin/raci/row/{s['row'].pk}/change/",
        admin_form(ctx.lead_client, f"/admin/raci/row/{s['row'].pk}/change/",
                   letter_cs="C")), {302}, {403}),
    service=lambda a, ctx, s: raci_services.cell_set(
        row=s["row"], function=Function.objects.get(slug="cs"), letter="C", actor=a, door=CLI),
)
action(
    "row-create", LEADS, _row,
    lambda ctx, s: Row.objects.filter(matrix=s["matrix"]).count(),
    ui=(lambda c, ctx, s: c.post(f"/raci/{s['matrix'].pk}/rows/new/", _row_ui_form(ctx)),
        {302}, {403}),
    api=(lambda c, ctx, s: c.post("/api/v1/raci/rows/", {
        "matrix": s["matrix"].pk, "name": "Pipeline review", "layer": "process",
        "cells": {ctx.target.slug: "A", "revops": "R"}}, format="json"), {201}, {403}),
    console=(lambda c, ctx, s: c.post("/admin/raci/row/add/", {
        "matrix": s["matrix"].pk, "position": 100, **_row_ui_form(ctx)}), {302}, {403}),
    service=lambda a, ctx, s: raci_services.row_create(
        matrix=s["matrix"], name="Pipeline review", layer="process",
        cells={ctx.target.slug: "A", "revops": "R"}, actor=a, door=CLI),
)
action(
    "row-edit", LEADS, _row,
    lambda ctx, s: Row.objects.get(pk=s["row"].pk).name,
    ui=(lambda c, ctx, s: c.post(f"/raci/rows/{s['row'].pk}/edit/",
                                 _row_ui_form(ctx, name="Renamed activity")), {302}, {403}),
    api=(lambda c, ctx, s: c.patch(f"/api/v1/raci/rows/{s['row'].pk}/",
                                   {"name": "Renamed activity"}, format="json"), {200}, {403}),
    console=(lambda c, ctx, s: c.post(
        f"/admin/raci/row/{s['row'].pk}/change/",
        admin_form(ctx.lead_client, f"/admin/raci/row/{s['row'].pk}/change/",
                   name="Renamed activity")), {302}, {403}),
    service=lambda a, ctx, s: raci_services.row_update(
        row=s["row"], name="Renamed activity", actor=a, door=CLI),
)
action(
    "row-move", LEADS, _two_rows,
    lambda ctx, s: list(Row.objects.filter(matrix=s["matrix"]).order_by("position")
                        .values_list("name", flat=True)),
    # ui only: the API and console set ``position`` (covered by row-edit's write rule).
    ui=(lambda c, ctx, s: c.post(f"/raci/rows/{s['row'].pk}/move/", {"direction": "down"}),
        {302}, {403}),
    service=lambda a, ctx, s: raci_services.row_move(
        row=s["row"], direction="down", actor=a, door=CLI),
)
action(
    "row-delete", LEADS, _row,
    lambda ctx, s: Row.objects.filter(pk=s["row"].pk).exists(),
    ui=(lambda c, ctx, s: c.post(f"/raci/rows/{s['row'].pk}/delete/"), {302}, {403}),
    api=(lambda c, ctx, s: c.delete(f"/api/v1/raci/rows/{s['row'].pk}/"), {204}, {403}),
    console=(lambda c, ctx, s: c.post(f"/admin/raci/row/{s['row'].pk}/delete/",
                                      {"post": "yes"}), {302}, {403}),
    service=lambda a, ctx, s: raci_services.row_delete(row=s["row"], actor=a, door=CLI),
)
action(
    "row-reassign", LEADS, _row,
    lambda ctx, s: Row.objects.get(pk=s["row"].pk).accountable_id,
    ui=(lambda c, ctx, s: c.post(f"/raci/rows/{s['row'].pk}/reassign/", {
        "to": "cs", "letter": "A", "previous_becomes": "R"}), {302}, {403}),
    api=(lambda c, ctx, s: c.post(f"/api/v1/raci/rows/{s['row'].pk}/reassign/", {
        "to": "cs", "previous_becomes": "R"}, format="json"), {200}, {403}),
    # console: none. Reassigning is a grid/API gesture; the console's row form sets letters
    # (covered by cell-set/console).
    service=lambda a, ctx, s: raci_services.row_reassign(
        row=s["row"], to=Function.objects.get(slug="cs"), previous_becomes="R", actor=a,
        door=CLI),
)
action(
    "signoff", SIGNER, _row,
    lambda ctx, s: SignOff.objects.filter(matrix=s["matrix"], function=ctx.target).count(),
    # The UI refuses a sign-off as every other write: the 403 page.
    ui=(lambda c, ctx, s: c.post(f"/raci/{s['matrix'].pk}/signoff/", {
        "function": ctx.target.slug, "version": _version(s)}), {302}, {403}),
    api=(lambda c, ctx, s: c.post(f"/api/v1/raci/matrices/{s['matrix'].pk}/signoffs/", {
        "function": ctx.target.slug}, format="json"), {201}, {403}),
    # The console action signs for the function(s) the user heads, never another: a lead
    # (who heads nothing) is not offered it (the changelist comes back, 200); a Sales
    # head's click signs Sales, not Marketing.
    console=(lambda c, ctx, s: admin_action(c, "/admin/raci/matrix/", "sign_off",
                                            s["matrix"].pk), {302}, {200, 302}),
    service=lambda a, ctx, s: raci_services.signoff_create(
        matrix=s["matrix"], function=ctx.target, actor=a, door=CLI),
)
action(
    "matrix-create", LEADS, _none,
    lambda ctx, s: _matrices(),
    ui=(lambda c, ctx, s: c.post("/raci/new/", {"title": "PLG RACI"}), {302}, {403}),
    api=(lambda c, ctx, s: c.post("/api/v1/raci/matrices/", {"title": "PLG RACI"},
                                  format="json"), {201}, {403}),
    console=(lambda c, ctx, s: c.post("/admin/raci/matrix/add/", {"title": "PLG RACI"}),
             {302}, {403}),
    service=lambda a, ctx, s: raci_services.matrix_create(
        title="PLG RACI", actor=a, door=CLI),
)
action(
    "matrix-make-current", LEADS, _two_matrices,
    lambda ctx, s: _current_matrix(),
    ui=(lambda c, ctx, s: c.post(f"/raci/{s['matrix'].pk}/current/"), {302}, {403}),
    service=lambda a, ctx, s: raci_services.matrix_update(
        matrix=s["matrix"], is_current=True, actor=a, door=CLI),
)
action(
    "matrix-change", LEADS, _row,
    lambda ctx, s: _matrices(),
    # ui: "make current" is the UI's only change to a matrix (covered here by the title).
    # api: none (matrices are created and read; rows change them).
    console=(lambda c, ctx, s: c.post(
        f"/admin/raci/matrix/{s['matrix'].pk}/change/",
        admin_form(ctx.lead_client, f"/admin/raci/matrix/{s['matrix'].pk}/change/",
                   title="Renamed RACI")), {302}, {403}),
    service=lambda a, ctx, s: raci_services.matrix_update(
        matrix=s["matrix"], title="Renamed RACI", actor=a, door=CLI),
)
action(
    "csv-import", LEADS, _row,
    lambda ctx, s: sorted(Row.objects.filter(matrix=s["matrix"]).values_list("name", flat=True)),
    # The UI's confirm step (the one that writes), posted directly.
    ui=(lambda c, ctx, s: c.post(f"/raci/{s['matrix'].pk}/import/", {
        "confirm": "1", "text": _csv(ctx, s), "version": _version(s)}), {302}, {403}),
    api=(lambda c, ctx, s: c.post(f"/api/v1/raci/matrices/{s['matrix'].pk}/import/", {
        "file": SimpleUploadedFile("raci.csv", _csv(ctx, s).encode(), "text/csv")},
        format="multipart"), {200}, {403}),
    # console: none. Import lives in the UI and the API only.
    service=lambda a, ctx, s: raci_services.matrix_import(
        matrix=s["matrix"], text=_csv(ctx, s), actor=a, door=CLI),
)

# Cadence.
action(
    "ritual-create", OWNED, _none,
    lambda ctx, s: _rituals(),
    # A head offering another function as owner gets the form back with the error (200).
    ui=(lambda c, ctx, s: c.post("/cadence/rituals/new/", {
        **RITUAL_UI_FORM, "owner": ctx.target.pk}), {302}, {400, 403}),
    api=(lambda c, ctx, s: c.post("/api/v1/rituals/", {**RITUAL_API, "owner": ctx.target.slug},
                                  format="json"), {201}, {403}),
    console=(lambda c, ctx, s: c.post("/admin/cadence/ritual/add/", {
        **RITUAL_CONSOLE_FORM, "owner": ctx.target.pk}), {302}, {200, 403}),
    service=lambda a, ctx, s: cadence_services.ritual_create(
        owner=ctx.target, **{k: v for k, v in RITUAL_API.items() if k != "owner"},
        actor=a, door=CLI),
)
action(
    "ritual-change", OWNED, _ritual,
    lambda ctx, s: _ritual_row(s),
    ui=(lambda c, ctx, s: c.post(f"/cadence/rituals/{s['ritual'].pk}/edit/",
                                 _edit_ui(s, ctx, name="Renamed call")), {302}, {403}),
    api=(lambda c, ctx, s: c.patch(f"/api/v1/rituals/{s['ritual'].pk}/",
                                   {"name": "Renamed call"}, format="json"), {200}, {403}),
    console=(lambda c, ctx, s: c.post(
        f"/admin/cadence/ritual/{s['ritual'].pk}/change/",
        admin_form(ctx.lead_client, f"/admin/cadence/ritual/{s['ritual'].pk}/change/",
                   name="Renamed call")), {302}, {403}),
    service=lambda a, ctx, s: cadence_services.ritual_update(
        ritual=s["ritual"], name="Renamed call", actor=a, door=CLI),
)
action(
    # A head giving their own ritual to another function: refused (leads may).
    "ritual-move", LEADS, _ritual,
    lambda ctx, s: _ritual_row(s),
    ui=(lambda c, ctx, s: c.post(f"/cadence/rituals/{s['ritual'].pk}/edit/",
                                 _edit_ui(s, ctx, owner=ctx.other.pk)), {302}, {400, 403}),
    api=(lambda c, ctx, s: c.patch(f"/api/v1/rituals/{s['ritual'].pk}/",
                                   {"owner": ctx.other.slug}, format="json"), {200}, {403}),
    console=(lambda c, ctx, s: c.post(
        f"/admin/cadence/ritual/{s['ritual'].pk}/change/",
        admin_form(ctx.lead_client, f"/admin/cadence/ritual/{s['ritual'].pk}/change/",
                   owner=ctx.other.pk)), {302}, {200, 403}),
    service=lambda a, ctx, s: cadence_services.ritual_update(
        ritual=s["ritual"], owner=ctx.other, actor=a, door=CLI),
)
action(
    "ritual-delete", OWNED, _ritual,
    lambda ctx, s: _rituals(),
    # ui: none. The cadence UI has no delete; a ritual is deactivated in its edit form.
    api=(lambda c, ctx, s: c.delete(f"/api/v1/rituals/{s['ritual'].pk}/"), {204}, {403}),
    console=(lambda c, ctx, s: c.post(f"/admin/cadence/ritual/{s['ritual'].pk}/delete/",
                                      {"post": "yes"}), {302}, {403}),
    service=lambda a, ctx, s: cadence_services.ritual_delete(ritual=s["ritual"], actor=a, door=CLI),
)
action(
    # The changelist's bulk "Delete selected" (confirmed): checked per selected ritual.
    "ritual-delete-selected", OWNED, _ritual,
    lambda ctx, s: _rituals(),
    console=(lambda c, ctx, s: admin_action(c, "/admin/cadence/ritual/", "delete_selected",
                                            s["ritual"].pk, post="yes"), {302}, {403}),
)
action(
    "occurrence-record", OWNED, _ritual,
    lambda ctx, s: _occurrence_row(s),
    ui=(lambda c, ctx, s: c.post(f"/cadence/occurrences/{s['occurrence'].pk}/", {
        "status": "held", "notes": "Forecast committed"}), {302}, {403}),
    api=(lambda c, ctx, s: c.post(f"/api/v1/occurrences/{s['occurrence'].pk}/record/", {
        "status": "held", "notes": "Forecast committed"}, format="json"), {200}, {403}),
    # The action skips occurrences that are not the user's, with an error message.
    console=(lambda c, ctx, s: admin_action(c, "/admin/cadence/occurrence/", "record_held",
                                            s["occurrence"].pk), {302}, {302}),
    service=lambda a, ctx, s: cadence_services.occurrence_record(
        occurrence=s["occurrence"], status="held", notes="Forecast committed", actor=a,
        door=CLI),
)

def _open_action(ctx):
    """A ritual of the target function whose held occurrence left an action item for a
    person who is none of the roles (so only the ritual's rights count here)."""
    from tests.factories import UserFactory

    state = _ritual(ctx)
    cadence_services.occurrence_record(
        occurrence=state["occurrence"], status="held", actor=None, door=CLI,
        actions=[{"text": "Send the call sheet", "owner": UserFactory(username="doer"),
                  "due": ctx.now.date()}])
    return {**state, "action": state["occurrence"].actions.get()}


def _action_row(ctx, s):
    from cadence.models import ActionItem

    a = ActionItem.objects.get(pk=s["action"].pk)
    return (a.state, a.closed_by_id, a.drop_reason)


action(
    "action-done", OWNED, _open_action, _action_row,
    ui=(lambda c, ctx, s: c.post(f"/cadence/actions/{s['action'].pk}/done/"), {302}, {403}),
    api=(lambda c, ctx, s: c.post(f"/api/v1/actions/{s['action'].pk}/done/"), {200}, {403}),
    # The action skips items that are not the user's to close, with an error message.
    console=(lambda c, ctx, s: admin_action(c, "/admin/cadence/actionitem/", "mark_done",
                                            s["action"].pk), {302}, {302}),
    service=lambda a, ctx, s: cadence_services.action_complete(
        action=s["action"], actor=a, door=CLI),
)
action(
    "action-drop", OWNED, _open_action, _action_row,
    ui=(lambda c, ctx, s: c.post(f"/cadence/actions/{s['action'].pk}/drop/",
                                 {"reason": "Not needed"}), {302}, {403}),
    api=(lambda c, ctx, s: c.post(f"/api/v1/actions/{s['action'].pk}/drop/",
                                  {"reason": "Not needed"}, format="json"), {200}, {403}),
    service=lambda a, ctx, s: cadence_services.action_drop(
        action=s["action"], reason="Not needed", actor=a, door=CLI),
)

# Core.
action(
    "function-change", LEADS, _none,
    lambda ctx, s: Function.objects.get(pk=ctx.target.pk).name,
    # ui: none. Functions are managed in the API and the console.
    api=(lambda c, ctx, s: c.patch(f"/api/v1/functions/{ctx.target.slug}/",
                                   {"name": "Renamed"}, format="json"), {200}, {403}),
    console=(lambda c, ctx, s: c.post(
        f"/admin/revops/function/{ctx.target.pk}/change/",
        admin_form(ctx.lead_client, f"/admin/revops/function/{ctx.target.pk}/change/",
                   name="Renamed")), {302}, {403}),
    service=lambda a, ctx, s: core_services.function_update(
        function=ctx.target, name="Renamed", actor=a, door=CLI),
)
action(
    "function-create", LEADS, _none,
    lambda ctx, s: Function.objects.count(),
    api=(lambda c, ctx, s: c.post("/api/v1/functions/", {
        "slug": "partners", "name": "Partners", "position": 70}, format="json"), {201}, {403}),
    console=(lambda c, ctx, s: c.post("/admin/revops/function/add/", {
        "slug": "partners", "name": "Partners", "position": 70, "head": ""}), {302}, {403}),
    service=lambda a, ctx, s: core_services.function_create(
        slug="partners", name="Partners", position=70, actor=a, door=CLI),
)
action(
    "webhook-create", LEADS, _none,
    lambda ctx, s: Webhook.objects.count(),
    # ui: none.
    api=(lambda c, ctx, s: c.post("/api/v1/webhooks/", {
        "url": "https://hooks.example.com/revops", "events": ["section.stale"]},
        format="json"), {201}, {403}),
    console=(lambda c, ctx, s: c.post("/admin/revops/webhook/add/", {
        "url": "https://hooks.example.com/revops", "events": '["section.stale"]',
        "secret": "s3cret", "active": "on"}), {302}, {403}),
    service=lambda a, ctx, s: core_services.webhook_create(
        url="https://hooks.example.com/revops", events=["section.stale"], actor=a, door=CLI),
)
action(
    "webhook-change", LEADS, _webhook,
    lambda ctx, s: Webhook.objects.get(pk=s["webhook"].pk).active,
    api=(lambda c, ctx, s: c.patch(f"/api/v1/webhooks/{s['webhook'].pk}/", {"active": False},
                                   format="json"), {200}, {403}),
    console=(lambda c, ctx, s: c.post(
        f"/admin/revops/webhook/{s['webhook'].pk}/change/",
        {**admin_form(ctx.lead_client, f"/admin/revops/webhook/{s['webhook'].pk}/change/"),
         "active": ""}), {302}, {403}),
    service=lambda a, ctx, s: core_services.webhook_update(
        webhook=s["webhook"], active=False, actor=a, door=CLI),
)
action(
    "channel-create", LEADS, _none,
    lambda ctx, s: Channel.objects.count(),
    ui=(lambda c, ctx, s: c.post("/channels/", CHANNEL_NEW), {302}, {403}),
    api=(lambda c, ctx, s: c.post("/api/v1/channels/", {**CHANNEL_NEW, "active": True},
                                  format="json"), {201}, {403}),
    console=(lambda c, ctx, s: c.post("/admin/revops/channel/add/", CHANNEL_NEW), {302}, {403}),
    service=lambda a, ctx, s: core_services.channel_create(
        name="#forecast", kind="slack", url=CHANNEL_NEW["url"], events=["occurrence.missed"],
        actor=a, door=CLI),
)
action(
    "channel-change", LEADS, _channel,
    lambda ctx, s: _channel_state(s),
    ui=(lambda c, ctx, s: c.post(f"/channels/{s['channel'].pk}/", {
        **admin_form(ctx.lead_client, f"/admin/revops/channel/{s['channel'].pk}/change/"),
        "active": ""}), {302}, {403}),
    api=(lambda c, ctx, s: c.patch(f"/api/v1/channels/{s['channel'].pk}/", {"active": False},
                                   format="json"), {200}, {403}),
    console=(lambda c, ctx, s: c.post(
        f"/admin/revops/channel/{s['channel'].pk}/change/",
        {**admin_form(ctx.lead_client, f"/admin/revops/channel/{s['channel'].pk}/change/"),
         "active": ""}), {302}, {403}),
    service=lambda a, ctx, s: core_services.channel_update(
        channel=s["channel"], active=False, actor=a, door=CLI),
)
action(
    "channel-delete", LEADS, _channel,
    lambda ctx, s: _channel_state(s),
    ui=(lambda c, ctx, s: c.post(f"/channels/{s['channel'].pk}/delete/"), {302}, {403}),
    api=(lambda c, ctx, s: c.delete(f"/api/v1/channels/{s['channel'].pk}/"), {204}, {403}),
    console=(lambda c, ctx, s: c.post(f"/admin/revops/channel/{s['channel'].pk}/delete/",
                                      {"post": "yes"}), {302}, {403}),
    service=lambda a, ctx, s: core_services.channel_delete(
        channel=s["channel"], actor=a, door=CLI),
)
action(
    "token-for-other", LEADS, _none,
    lambda ctx, s: ApiToken.objects.filter(user=ctx.users["marketing_head"]).count(),
    # api: none (the contract has no token endpoint).
    console=(lambda c, ctx, s: c.post("/admin/revops/apitoken/add/", {
        "user": ctx.users["marketing_head"].pk, "name": "BI sync", "scope": "write",
        "expires_at": ""}), {302}, {403}),
    service=lambda a, ctx, s: core_services.api_token_create(
        user=ctx.users["marketing_head"], name="BI sync", scope="write", actor=a, door=CLI),
)
action(
    # The UI's token page makes tokens for the signed-in user only: a crafted ``user``
    # field is ignored, whoever posts it (the token is made for the poster).
    "token-for-other-ui", NOBODY, _none,
    lambda ctx, s: ApiToken.objects.filter(user=ctx.users["marketing_head"]).count(),
    ui=(lambda c, ctx, s: c.post("/accounts/tokens/", {
        "user": ctx.users["marketing_head"].pk, "name": "BI sync", "scope": "write"}),
        {302}, {200}),
)



def _profiles():
    return sorted(Profile.objects.values_list("user__username", "time_zone"))


action(
    # Everyone signed in sets the zone their own pages are shown in.
    "profile-own", READER, _none,
    lambda ctx, s: _profiles(),
    ui=(lambda c, ctx, s: c.post("/accounts/profile/", {"time_zone": "Europe/London"}),
        {302}, {403}),
    # api: none (the contract has no "me" endpoint). console: leads use "profile-other".
    service=lambda a, ctx, s: core_services.profile_update(
        user=a, time_zone="Europe/London", actor=a, door=CLI),
)
action(
    "profile-other", LEADS, _none,
    lambda ctx, s: _profiles(),
    console=(lambda c, ctx, s: c.post("/admin/revops/profile/add/", {
        "user": ctx.users["marketing_head"].pk, "time_zone": "Europe/London"}),
        {302}, {403}),
    service=lambda a, ctx, s: core_services.profile_update(
        user=ctx.users["marketing_head"], time_zone="Europe/London", actor=a, door=CLI),
)
action(
    # The profile page changes the signed-in user's zone only: a crafted ``user`` field
    # is ignored, whoever posts it (the poster's own zone is set, nobody else's).
    "profile-other-ui", NOBODY, _none,
    lambda ctx, s: Profile.objects.filter(user=ctx.users["marketing_head"]).count(),
    ui=(lambda c, ctx, s: c.post("/accounts/profile/", {
        "user": ctx.users["marketing_head"].pk, "time_zone": "Europe/London"}),
        {302}, {302}),
)

def _rituals():
    from cadence.models import Ritual

    return sorted(Ritual.objects.values_list("name", "owner_id"))


def _ritual_row(state):
    from cadence.models import Ritual

    r = Ritual.objects.get(pk=state["ritual"].pk)
    return (r.name, r.owner_id, r.rrule, r.active, r.sequence)


def _occurrence_row(state):
    from cadence.models import Occurrence

    o = Occurrence.objects.get(pk=state["occurrence"].pk)
    return (o.status, o.notes, o.recorded_by_id)


def _matrices():
    from raci.models import Matrix

    return sorted(Matrix.objects.values_list("title", flat=True))


action(
    "api-token-revoke", LEADS, _others_tokens,
    lambda ctx, s: _revoked(ApiToken, s["api_token"].pk),
    console=(lambda c, ctx, s: admin_action(c, "/admin/revops/apitoken/", "revoke",
                                            s["api_token"].pk), {302}, {200, 403}),
    service=lambda a, ctx, s: core_services.api_token_revoke(
        token=s["api_token"], actor=a, door=CLI),
)
action(
    # The tokens page revokes the signed-in user's own tokens only: someone else's is 404.
    "api-token-revoke-ui", NOBODY, _others_tokens,
    lambda ctx, s: _revoked(ApiToken, s["api_token"].pk),
    ui=(lambda c, ctx, s: c.post(f"/accounts/tokens/{s['api_token'].pk}/revoke/"),
        {302}, {404}),
)


def _feed_token_model():
    from cadence.models import FeedToken

    return FeedToken


action(
    "feed-token-revoke", LEADS, _others_tokens,
    lambda ctx, s: _revoked(_feed_token_model(), s["feed_token"].pk),
    console=(lambda c, ctx, s: admin_action(c, "/admin/cadence/feedtoken/", "revoke",
                                            s["feed_token"].pk), {302}, {200, 403}),
    service=lambda a, ctx, s: cadence_services.feed_token_revoke(
        token=s["feed_token"], actor=a, door=CLI),
)


# The model as a whole.
def _leaver(ctx):
    """Someone leaving (they own a target-function ritual in person and hold an API token)
    and their successor."""
    from cadence.models import Ritual
    from tests.cadence.factories import ritual
    from tests.factories import UserFactory

    leaver, heir = UserFactory(username="leaver"), UserFactory(username="heir")
    made = ritual(owner=ctx.target, owner_person=leaver)
    core_services.api_token_create(actor=None, door=CLI, user=leaver, name="sync",
                                   scope=ApiToken.Scope.READ)
    return {"leaver": leaver, "heir": heir, "ritual": Ritual.objects.get(pk=made.pk)}


def _handed_over(ctx, s):
    from cadence.models import Ritual

    return (Ritual.objects.get(pk=s["ritual"].pk).owner_person_id,
            ApiToken.objects.filter(user=s["leaver"], revoked_at__isnull=True).count())


action(
    "person-handover", LEADS, _leaver,
    _handed_over,
    ui=(lambda c, ctx, s: c.post("/people/leaver/handover/", {"to": "heir"}), {302}, {403}),
    api=(lambda c, ctx, s: c.post("/api/v1/people/leaver/handover/", {"to": "heir"},
                                  format="json"), {200}, {403}),
    # console: none. The hand-over is a page and an endpoint of the model as a whole.
    service=lambda a, ctx, s: overview_services.person_hand_over(
        person=s["leaver"], successor=s["heir"], actor=a, door=CLI),
)
# The model as a whole (issue 12): bootstrap from a motion template and model-file import.
def _bootstrapped():
    return sorted(Runbook.objects.values_list("title", flat=True))


def _model_document(ctx):
    """A minimal model file: this installation's functions, nothing else yet."""
    import json

    return {"document": json.dumps({
        "format": "revops-model/1", "exported_at": "2026-03-01T00:00:00+00:00",
        "fiscal_year_start_month": 1, "people": [],
        "functions": [{"slug": f.slug, "name": f.name, "position": f.position, "head": None}
                      for f in Function.objects.ordered()],
        "runbooks": [], "raci": [], "rituals": []})}


def _imports():
    from revops.models import AuditEntry

    return AuditEntry.objects.filter(action="import", object_type="model").count()


def _model_upload(state):
    return SimpleUploadedFile("model.json", state["document"].encode(), "application/json")


action(
    "model-bootstrap", LEADS, _none,
    lambda ctx, s: _bootstrapped(),
    ui=(lambda c, ctx, s: c.post("/setup/", {"motion": "sales-led",
                                             "fiscal_year_start_month": "1"}), {201}, {403}),
    api=(lambda c, ctx, s: c.post("/api/v1/bootstrap/", {"motion": "sales-led"},
                                  format="json"), {201}, {403}),
    # console: none. Bootstrapping is a page, an endpoint and a command.
    service=lambda a, ctx, s: _bootstrap_service(a),
)
action(
    "model-import", LEADS, _model_document,
    lambda ctx, s: _imports(),
    # ui, console: none. The file is imported through the API or the command.
    api=(lambda c, ctx, s: c.post("/api/v1/model/import/", {"file": _model_upload(s)},
                                  format="multipart"), {201}, {403}),
    service=lambda a, ctx, s: _import_service(a, s),
)


def _bootstrap_service(actor):
    from overview import bootstrap

    return bootstrap.bootstrap(motion="sales-led", actor=actor, door=CLI)


def _import_service(actor, state):
    import json

    from overview import model_file

    return model_file.import_model(document=json.loads(state["document"]), actor=actor,
                                   door=CLI)


# Change control (issue 31): a governed definition of the target function, in the layer
# its row makes the target Accountable for, and a proposal the lead opened on it. The
# target's head approves, rejects and (once applied) acknowledges; the proposer (a
# lead) withdraws; anyone signed in comments. The pages' doors are the same services.
# Kept above the maturity actions: the rows the last setup builds stay until the module
# ends, and the generated service-door cases after ``test_access`` expect no model.
def _proposal(ctx, *, applied=False):
    from changes import services as changes_services
    from tests.factories import UserFactory

    Function.objects.filter(slug="revops").update(head=UserFactory(username="revops-holder"))
    m = raci_factories.matrix()
    raci_factories.row(m, "Process and workflow", {ctx.target.slug: "A"})
    definition = runbook_services.definition_create(
        term="Governed term", body="What it means.", layer="process", owner=ctx.target,
        actor=None, door=Door.CLI)
    proposal = changes_services.proposal_open(
        item=definition, fields={"body": "What it means now."}, reason="Clearer.",
        actor=ctx.users["lead"], door=Door.CLI)
    if applied:
        changes_services.proposal_approve(proposal=proposal, actor=ctx.target.head,
                                          door=Door.CLI)
    return {"definition": definition, "proposal": proposal}


def _proposal_state(ctx, s):
    from changes.models import Proposal

    return Proposal.objects.filter(item_id=s["definition"].pk).values_list(
        "pk", "state", "fields").order_by("pk").last()


def _proposal_talk(ctx, s):
    from changes.models import Acknowledgement, Comment

    return (Comment.objects.filter(proposal=s["proposal"]).count(),
            Acknowledgement.objects.filter(item_id=s["definition"].pk).count())


def _on_proposal(verb, data=None):
    return lambda c, ctx, s: c.post(f"/api/v1/proposals/{s['proposal'].pk}/{verb}/",
                                    data or {}, format="json")


def _changes():
    from changes import services as changes_services

    return changes_services


action(
    "proposal-open", OWNED, _proposal, _proposal_state,
    api=(lambda c, ctx, s: c.post("/api/v1/proposals/", {
        "kind": "definition", "item": s["definition"].pk, "fields": {"body": "Other."},
        "reason": "Because."}, format="json"), {201}, {403}),
    service=lambda a, ctx, s: _changes().proposal_open(
        item=s["definition"], fields={"body": "Other."}, reason="Because.", actor=a,
        door=CLI),
)
action(
    "proposal-approve", SIGNER, _proposal, _proposal_state,
    api=(_on_proposal("approve", {"note": "Yes."}), {200}, {403}),
    service=lambda a, ctx, s: _changes().proposal_approve(proposal=s["proposal"], actor=a,
                                                          door=CLI),
)
action(
    "proposal-reject", SIGNER, _proposal, _proposal_state,
    api=(_on_proposal("reject", {"note": "No."}), {200}, {403}),
    service=lambda a, ctx, s: _changes().proposal_reject(proposal=s["proposal"], note="No.",
                                                         actor=a, door=CLI),
)
action(
    "proposal-withdraw", LEADS, _proposal, _proposal_state,
    api=(_on_proposal("withdraw"), {200}, {403}),
    service=lambda a, ctx, s: _changes().proposal_withdraw(proposal=s["proposal"], actor=a,
                                                           door=CLI),
)
action(
    "proposal-comment", READER, _proposal, _proposal_talk,
    api=(_on_proposal("comment", {"body": "Noted."}), {201}, {403}),
    service=lambda a, ctx, s: _changes().proposal_comment(proposal=s["proposal"],
                                                          body="Noted.", actor=a, door=CLI),
)
action(
    "proposal-acknowledge", SIGNER, lambda ctx: _proposal(ctx, applied=True), _proposal_talk,
    api=(_on_proposal("acknowledge"), {201}, {403}),
    service=lambda a, ctx, s: _changes().acknowledge(item=s["definition"], actor=a,
                                                     door=CLI),
)


# The quarterly maturity assessment (issue 19 §2): leads record it, and a second one for
# the quarter updates it. console: none — it is a page and an endpoint of the model as a
# whole, like the hand-over.
MATURITY = {"people": 4, "process": 6, "data": 2, "technology": 5,
            "people_evidence": "RevOps reports to the CRO.",
            "process_evidence": "Hand-offs have SLAs.",
            "data_evidence": "Lead source is free text.",
            "technology_evidence": "One owner for integrations."}


def _assessed(ctx):
    overview_services.maturity_assess(actor=None, door=CLI, **{**MATURITY, "data": 1})
    return {}


def _assessments(ctx, s):
    from overview.models import MaturityAssessment

    return sorted(MaturityAssessment.objects.values_list("quarter_start", "data"))


for _name, _setup in (("maturity-assess", _none), ("maturity-update", _assessed)):
    action(
        _name, LEADS, _setup, _assessments,
        ui=(lambda c, ctx, s: c.post("/maturity/", MATURITY), {302}, {403}),
        api=(lambda c, ctx, s: c.post("/api/v1/maturity/", MATURITY, format="json"),
             {200, 201}, {403}),
        service=lambda a, ctx, s: overview_services.maturity_assess(
            actor=a, door=CLI, **MATURITY),
    )


# The organisation's settings (issue 26 §4): leads change the fiscal year's first month.
# console: none — it is a page and an endpoint, with a preview before the change.
def _fiscal_month(ctx, s):
    from revops import fiscal

    return fiscal.start_month()


action(
    "settings-update", LEADS, _none, _fiscal_month,
    ui=(lambda c, ctx, s: c.post("/settings/", {"fiscal_year_start_month": "4"}), {302},
        {403}),
    api=(lambda c, ctx, s: c.patch("/api/v1/settings/", {"fiscal_year_start_month": 4},
                                   format="json"), {200}, {403}),
    service=lambda a, ctx, s: overview_services.organisation_update(
        actor=a, door=CLI, fiscal_year_start_month=4),
)


# The scorecard (issue 32): a value is sent for a metric its owner answers for; the push
# endpoints take a metrics:write token (the write_token role's, here) and no other.
def _metric(ctx):
    definition = runbook_services.definition_create(
        term="Matrix metric", body="A number.", layer="insights", owner=ctx.target,
        actor=None, door=Door.CLI)
    metric = insights_services.metric_create(
        definition=definition, unit="count", owner=ctx.target, target=10, actor=None,
        door=Door.CLI)
    return {"metric": metric}


def _metric_values(ctx, s):
    return list(MetricValue.objects.filter(metric=s["metric"]).values_list("period", "value"))


def _off_track(ctx):
    state = _metric(ctx)
    state["item"] = OffTrack.objects.create(metric=state["metric"], since="2026-W08",
                                            latest="2026-W09")
    return state


def _off_track_reason(ctx, s):
    return OffTrack.objects.get(pk=s["item"].pk).reason


action(
    "metric-value-send", OWNED, _metric, _metric_values,
    token_scope=ApiToken.Scope.METRICS_WRITE,
    api=(lambda c, ctx, s: c.put(f"/api/v1/metrics/{s['metric'].slug}/values/2026-W09/",
                                 {"value": 12}, format="json"), {201}, {403}),
    # console: none. Values come from the API, the ritual's page or a file.
    service=lambda a, ctx, s: insights_services.value_record(
        metric=s["metric"], period="2026-W09", value=12, actor=a, door=CLI),
)
action(
    "metric-values-bulk", OWNED, _metric, _metric_values,
    token_scope=ApiToken.Scope.METRICS_WRITE,
    api=(lambda c, ctx, s: c.post("/api/v1/metrics/values/", {"values": [
        {"metric": s["metric"].slug, "period": "2026-W09", "value": 12}]}, format="json"),
        {200}, {403}),
    service=lambda a, ctx, s: insights_services.values_record_many(
        lines=[{"metric": s["metric"].slug, "period": "2026-W09", "value": 12}], actor=a,
        door=CLI),
)
action(
    "off-track-note", OWNED, _off_track, _off_track_reason,
    ui=(lambda c, ctx, s: c.post(f"/scorecard/off-track/{s['item'].pk}/note/",
                                 {"reason": "Two sellers left."}), {302}, {403}),
    service=lambda a, ctx, s: insights_services.off_track_note(
        item=s["item"], reason="Two sellers left.", actor=a, door=CLI),
)
