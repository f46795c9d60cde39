"""The glossary's pages (``/definitions/``): the list, a definition with its history,
and its writes (create, revise, review, agree), each calling one service."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from revops import policy, registry
from revops.http import form_errors
from revops.models import Door
from runbook import diffs, glossary, selectors, services
from runbook.forms import (
    AgreeForm,
    DefinitionForm,
    DefinitionReviseForm,
    ReviewForm,
)
from runbook.models import Layer


@login_required
def definitions(request):
    """Every definition grouped by layer, with its review and agreement state; ``?q=``
    narrows by term or formula."""
    query = request.GET.get("q", "").strip()[:80]
    listed = selectors.definitions_with_state(today=timezone.localdate())
    if query:
        listed = listed.filter(Q(term__icontains=query) | Q(formula__icontains=query))
    by_layer = {label: [] for label in Layer.labels}
    for definition in listed:
        by_layer[definition.get_layer_display()].append(definition)
    return render(request, "runbook/definitions.html", {
        "layers": [(label, items) for label, items in by_layer.items() if items],
        "query": query,
        "can_create": policy.can_create_owned(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def definition_create(request):
    policy.require_create_owned(request.user)
    form = DefinitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            definition = services.definition_create(actor=request.user, door=Door.UI,
                                                    **form.cleaned_data)
            messages.success(request, f"Defined “{definition.term}”.")
            return redirect("definitions:detail", key=definition.slug)
    return render(request, "runbook/definition_form.html", {"form": form},
                  status=400 if form.errors else 200)


def _definition(key):
    lookup = {"pk": int(key)} if key.isdigit() else {"slug": key}
    return get_object_or_404(
        selectors.definitions_with_state(today=timezone.localdate()), **lookup)


@login_required
def definition_detail(request, key):
    return _definition_page(request, _definition(key))


def _definition_page(request, definition, *, revise_form=None, conflict=None, status=200):
    current = selectors.definition_current_revision(definition)
    agreements = selectors.agreements_for(definition)
    can_change = policy.can_change(request.user, definition)
    governed = registry.panels("item.governed", item=definition, user=request.user)
    if revise_form is None and can_change and not governed:
        revise_form = DefinitionReviseForm(initial={
            "body": current.body if current else "", "formula": definition.formula,
            "base_revision": definition.revision})
    return render(request, "runbook/definition.html", {
        "definition": definition,
        "current": current,
        "body_html": glossary.linked(current.body_html if current else ""),
        "agreements": agreements,
        "to_agree": [row for row in agreements if not row["current"]
                     and policy.can_sign_off(request.user, row["function"])],
        "revisions": list(selectors.definition_revisions_for(definition)[:50]),
        "reviews": list(definition.reviews.select_related("reviewer")[:20]),
        "can_change": can_change,
        # Change control's panel: a governed definition is revised through a proposal.
        "governed": governed[0] if governed else None,
        "revise_form": revise_form,
        "review_form": ReviewForm(),
        "conflict": conflict,
    }, status=status)


@login_required
@require_POST
def definition_revise(request, key):
    definition = _definition(key)
    policy.require_change(request.user, definition)
    form = DefinitionReviseForm(request.POST)
    if form.is_valid():
        # A revision based on an older one is this page's own answer: the merge.
        try:
            with form_errors(form):
                services.definition_revise(definition=definition, actor=request.user,
                                           door=Door.UI, **form.cleaned_data)
                messages.success(request, f"Saved revision {definition.revision} of "
                                          f"“{definition.term}”.")
                return redirect("definitions:detail", key=definition.slug)
        except services.RevisionConflict as error:
            conflict = diffs.merge_context(error, form.cleaned_data["body"])
            form = DefinitionReviseForm(initial={**form.cleaned_data,
                                                 "base_revision": error.current.number})
            return _definition_page(request, definition, revise_form=form, conflict=conflict,
                                    status=409)
    return _definition_page(request, definition, revise_form=form, status=400)


@login_required
@require_POST
def definition_review(request, key):
    definition = _definition(key)
    policy.require_change(request.user, definition)
    form = ReviewForm(request.POST)
    if form.is_valid():
        services.definition_review(definition=definition, actor=request.user, door=Door.UI,
                                   note=form.cleaned_data["note"])
        messages.success(request, f"Marked “{definition.term}” as reviewed.")
    else:
        messages.error(request, "The note is too long.")
    return redirect("definitions:detail", key=definition.slug)


@login_required
@require_POST
def definition_agree(request, key):
    """The head of an agreeing function confirms the revision they read."""
    definition = _definition(key)
    policy.require_head(request.user)
    form = AgreeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the function you agree for.")
        return redirect("definitions:detail", key=definition.slug)
    try:
        services.definition_agree(definition=definition, actor=request.user, door=Door.UI,
                                  **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(m for ms in error.message_dict.values() for m in ms))
    except services.RevisionConflict:
        messages.error(request, f"“{definition.term}” changed while you were reading it: "
                                f"read revision {definition.revision} and agree again.")
    else:
        messages.success(request, f"{form.cleaned_data['function'].name} agrees to revision "
                                  f"{definition.revision} of “{definition.term}”.")
    return redirect("definitions:detail", key=definition.slug)
