"""The browser UI of the run book. Views ask the policy, call one service and render;
the rules live in services, rules and selectors. Refusals and conflicts are answered
once for every page (``revops.middleware.ErrorPageMiddleware``), a service's
validation errors on its form (``revops.http.form_errors``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from revops import policy, registry, rendering
from revops.http import form_errors
from revops.models import Door
from runbook import diffs, documents, export, glossary, selectors, services
from runbook.forms import (
    ConcernForm,
    ReleaseForm,
    ReviewForm,
    RunbookForm,
    SectionEditForm,
)
from runbook.models import Release, Runbook, Section


def _section(pk):
    """A section, archived or not: an archived one reads as it was (search and the archive
    link to it), and its services refuse any write with a 409."""
    return get_object_or_404(
        selectors.sections_with_state(today=timezone.localdate(), include_archived=True), pk=pk
    )


@login_required
def index(request):
    """The default run book; with none yet, leads are offered to create one."""
    runbook = selectors.default_runbook()
    if runbook is None:
        return render(request, "runbook/empty.html", {"can_create": policy.can_administer(
            request.user)})
    return _runbook_page(request, runbook)


RUNBOOKS_PER_PAGE = 50


@login_required
def runbook_list(request):
    """Every live run book, a page at a time (a model may hold thousands)."""
    page = Paginator(selectors.runbooks(), RUNBOOKS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "runbook/runbook_list.html", {
        "page": page, "can_administer": policy.can_administer(request.user)})


@login_required
def runbook_detail(request, pk):
    return _runbook_page(request, get_object_or_404(Runbook, pk=pk))


def _runbook_page(request, runbook):
    today = timezone.localdate()
    sections = list(selectors.sections_with_state(runbook=runbook, today=today))
    return render(
        request,
        "runbook/runbook.html",
        {
            "runbook": runbook,
            "sections": sections,
            "switcher": selectors.runbook_switcher(runbook),
            "latest_release": selectors.releases_for(runbook).first(),
            "can_administer": policy.can_administer(request.user),
            # An archived run book is read-only: its services refuse, so no button offers.
            "changeable": set() if runbook.archived_at else {
                s.pk for s in sections if policy.can_change(request.user, s)},
            "today": today,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def runbook_create(request):
    policy.require_administer(request.user)
    form = RunbookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            runbook = services.runbook_create(actor=request.user, door=Door.UI, **form.cleaned_data)
            messages.success(request, f"Created “{runbook.title}” with its six sections.")
            return redirect("runbook:runbook", pk=runbook.pk)
    return render(request, "runbook/runbook_form.html", {"form": form},
                  status=400 if form.errors else 200)


CONCERNS_SHOWN = 20


@login_required
def section_detail(request, pk):
    return _section_page(request, _section(pk))


def _section_page(request, section, *, concern_form=None):
    concerns = list(selectors.concerns_for(section)[:CONCERNS_SHOWN])
    current = selectors.current_revision(section)
    live = section.runbook.archived_at is None
    governed = live and registry.panels("item.governed", item=section, user=request.user)
    return render(
        request,
        "runbook/section.html",
        {
            "section": section,
            "current": current,
            "body_html": glossary.linked(current.body_html if current else ""),
            "revisions": list(selectors.revisions_for(section)[:50]),
            "reviews": list(selectors.reviews_for(section)),
            "can_change": live and policy.can_change(request.user, section),
            # Change control's panel: a governed section is edited through a proposal.
            "governed": governed[0] if governed else None,
            "review_form": ReviewForm(),
            "concerns": concerns,
            "has_open_concern": any(c.is_open and c.raised_by_id == request.user.pk
                                    for c in concerns),
            "can_raise_concern": live and policy.can_raise_concern(request.user),
            "concern_form": concern_form or ConcernForm(),
        },
        status=400 if concern_form is not None and concern_form.errors else 200,
    )


@login_required
@require_POST
def section_concern(request, pk):
    """Raise a concern ("this looks out of date"): any signed-in reader."""
    section = _section(pk)
    policy.require_raise_concern(request.user)
    form = ConcernForm(request.POST)
    if form.is_valid():
        with form_errors(form):
            services.concern_raise(section=section, actor=request.user, door=Door.UI,
                                   reason=form.cleaned_data["reason"])
            messages.success(request, f"Thank you: {section.owner.name} is told that "
                                      f"“{section.title}” looks out of date.")
            return redirect("runbook:section", pk=section.pk)
    return _section_page(request, section, concern_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def section_edit(request, pk):
    section = _section(pk)
    policy.require_change(request.user, section)
    governed = registry.panels("item.governed", item=section, user=request.user)
    if governed and request.method == "GET":
        # A governed section's edit form is the proposal form.
        return redirect(governed[0]["propose_url"])
    conflict = None
    if request.method == "POST":
        form = SectionEditForm(request.POST)
        if form.is_valid():
            # A revision based on an older one is this page's own answer: the merge.
            try:
                with form_errors(form):
                    services.section_revise(
                        section=section, actor=request.user, door=Door.UI, **form.cleaned_data
                    )
                    messages.success(request,
                                     f"Saved revision {section.revision} of “{section}”.")
                    return redirect("runbook:section", pk=section.pk)
            except services.RevisionConflict as error:
                conflict = diffs.merge_context(error, form.cleaned_data["body"])
                form = SectionEditForm(
                    initial={**form.cleaned_data, "base_revision": conflict["theirs"].number}
                )
    else:
        current = selectors.current_revision(section)
        form = SectionEditForm(
            initial={"body": current.body if current else "", "base_revision": section.revision}
        )
    return render(
        request,
        "runbook/section_edit.html",
        {"section": section, "form": form, "conflict": conflict},
        status=409 if conflict else (400 if form.errors else 200),
    )


@login_required
@require_POST
def section_preview(request, pk):
    """htmx: the sanitized rendering of the text being edited."""
    section = get_object_or_404(Section, pk=pk)
    policy.require_change(request.user, section)
    body = request.POST.get("body", "")
    try:
        documents.validate_body(body)
    except ValidationError as error:
        html = ""
        problems = [m for ms in error.message_dict.values() for m in ms]
    else:
        html = rendering.render(body)
        problems = []
    return HttpResponse(
        render_to_string("runbook/_preview.html", {"html": html, "problems": problems}, request)
    )


@login_required
@require_http_methods(["GET", "POST"])
def section_review(request, pk):
    section = _section(pk)
    policy.require_change(request.user, section)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            services.section_review(
                section=section, actor=request.user, door=Door.UI, note=form.cleaned_data["note"]
            )
            messages.success(request, f"Marked “{section.title}” as reviewed.")
            return redirect("runbook:section", pk=section.pk)
    return render(request, "runbook/section_review.html", {"section": section, "form": form},
                  status=400 if form.errors else 200)


@login_required
def revision_detail(request, pk, number):
    section = _section(pk)
    revision = selectors.revision(section, number)
    if revision is None:
        raise Http404(f"This section has no revision {number}.")
    return render(
        request, "runbook/revision.html", {"section": section, "revision": revision}
    )


@login_required
def section_diff(request, pk):
    """Compare any two revisions: ``?from=m&to=n`` (defaults: the last two)."""
    section = _section(pk)
    errors = {}
    numbers = {}
    defaults = {"from": max(section.revision - 1, 1), "to": section.revision}
    for key, default in defaults.items():
        raw = request.GET.get(key, str(default))
        try:
            numbers[key] = int(raw)
        except ValueError:
            errors[key] = f"“{raw}” is not a revision number."
    old = selectors.revision(section, numbers["from"]) if "from" in numbers else None
    new = selectors.revision(section, numbers["to"]) if "to" in numbers else None
    for key, found in (("from", old), ("to", new)):
        if key in numbers and found is None:
            errors[key] = (
                f"This section has no revision {numbers[key]} (it has 1 to {section.revision})."
            )
    return render(
        request,
        "runbook/diff.html",
        {
            "section": section,
            "old": old,
            "new": new,
            "errors": errors,
            "lines": diffs.lines(old.body, new.body) if old and new else [],
            "numbers": range(section.revision, 0, -1),
        },
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def releases(request, pk):
    runbook = get_object_or_404(Runbook, pk=pk)
    form = ReleaseForm(request.POST or None)
    if request.method == "POST":
        policy.require_administer(request.user)
        if form.is_valid():
            with form_errors(form):
                release = services.release_create(
                    runbook=runbook, actor=request.user, door=Door.UI, **form.cleaned_data
                )
                messages.success(request, f"Released {release.label} “{release.name}”.")
                if release.warnings:
                    kinds = ", ".join(w["kind"] for w in release.warnings)
                    messages.warning(
                        request, f"Released with sections not reviewed in time: {kinds}."
                    )
                return redirect("runbook:release", pk=runbook.pk, number=release.number)
    return render(
        request,
        "runbook/releases.html",
        {
            "runbook": runbook,
            "releases": list(selectors.releases_for(runbook)),
            "form": form,
            "can_administer": policy.can_administer(request.user),
        },
        status=400 if form.errors else 200,
    )


def _release(runbook_pk, number):
    return get_object_or_404(
        Release.objects.select_related("runbook", "created_by"), runbook_id=runbook_pk,
        number=number,
    )


@login_required
def release_detail(request, pk, number):
    release = _release(pk, number)
    return render(
        request,
        "runbook/release.html",
        {"release": release, "runbook": release.runbook,
         "entries": list(selectors.release_entries(release).select_related("section__owner"))},
    )


@login_required
def release_compare(request, pk):
    """Two releases side by side: which sections changed, with the diff of each."""
    runbook = get_object_or_404(Runbook, pk=pk)
    errors = {}
    chosen = {}
    for key in ("a", "b"):
        raw = request.GET.get(key, "")
        if raw.lstrip("v").isdecimal():
            chosen[key] = int(raw.lstrip("v"))
        else:
            errors[key] = f"Choose a release of this run book (got “{raw or 'nothing'}”)."
    comparison = None
    if not errors:
        try:
            comparison = selectors.release_comparison(runbook=runbook, **chosen)
        except ValidationError as error:
            errors = {key: " ".join(messages) for key, messages in error.message_dict.items()}
    return render(
        request,
        "runbook/release_compare.html",
        {"runbook": runbook, "releases": list(selectors.releases_for(runbook)),
         "chosen": chosen, "comparison": comparison,
         "errors": errors if request.GET else {}},
        status=400 if errors and request.GET else 200,
    )


def _markdown_response(document):
    response = HttpResponse(
        export.as_markdown(document), content_type="text/markdown; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{document.filename}.md"'
    return response


@login_required
def export_markdown(request, pk):
    return _markdown_response(export.runbook_document(get_object_or_404(Runbook, pk=pk)))


@login_required
def export_print(request, pk):
    document = export.runbook_document(get_object_or_404(Runbook, pk=pk))
    return _print(request, document)


@login_required
def release_markdown(request, pk, number):
    return _markdown_response(export.release_document(_release(pk, number)))


@login_required
def release_print(request, pk, number):
    document = export.release_document(_release(pk, number))
    return _print(request, document)


def _print(request, document):
    """The print page, its ``[[term]]`` links resolved for all sections in one query."""
    terms = glossary.known(*(s.body_html for s in document.sections))
    for section in document.sections:
        section.body_html = glossary.link_terms(section.body_html, terms)
    return render(request, "runbook/print.html", {"document": document})
