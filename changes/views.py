"""Change control's pages: propose a change to a governed item, a proposal with its diff
and impact, the change log at /changes/. Each write calls one service; a refusal or a
conflict is answered by the shared error pages (revops.middleware)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from changes import items, selectors, services
from changes.forms import (
    CommentForm,
    DecisionForm,
    LogFilterForm,
    ProposalForm,
    RevertForm,
)
from changes.impact import impact_of
from changes.models import State
from revops.http import form_errors
from revops.models import Door
from runbook import diffs

LOG_PAGE = 100


def _item(kind, pk):
    item_kind = items.KINDS.get(kind)
    obj = item_kind.get(pk) if item_kind else None
    if obj is None:
        raise Http404("No such item.")
    return item_kind, obj


def _proposal(pk):
    proposal = selectors.proposal_detail(pk)
    if proposal is None:
        raise Http404("No such proposal.")
    return proposal


@login_required
@require_http_methods(["GET", "POST"])
def propose(request, kind, pk):
    """The edit form of a governed item: what it says now, to change into a proposal."""
    item_kind, obj = _item(kind, pk)
    item_kind.require_may_propose(request.user, obj)
    current = item_kind.current(obj)
    form = ProposalForm(request.POST or None, kind=kind,
                        initial=ProposalForm.initial_from(current))
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            proposal = services.proposal_open(
                item=obj, fields=form.proposed(), reason=form.cleaned_data["reason"],
                effective_on=form.cleaned_data["effective_on"], actor=request.user,
                door=Door.UI)
            messages.success(request, f"Proposed a change to “{proposal.item_label}”.")
            return redirect("changes:proposal", pk=proposal.pk)
    return render(request, "changes/propose.html", {
        "form": form, "label": item_kind.label(obj), "item_url": item_kind.url(obj),
        "kind": kind, "approver": selectors.approver_for_item(item_kind.layer(obj),
                                                              request.user),
    }, status=400 if form.errors else 200)


@login_required
def proposal(request, pk, *, rebase_form=None, status=200):
    """A proposal: what it changes (the diff), what else it touches (the impact), what
    the Consulted said, and the decisions the reader may take."""
    proposal = _proposal(pk)
    item_kind = items.KINDS[proposal.kind]
    obj = item_kind.get(proposal.item_id)
    approver = selectors.approver_of(proposal)
    user = request.user
    undecided = proposal.state in (State.OPEN, State.APPROVED)
    mine = proposal.proposer_id == user.pk
    out_of_date = selectors.is_out_of_date(proposal, obj)
    if rebase_form is None and undecided and mine and obj is not None:
        current = item_kind.current(obj)
        rebase_form = ProposalForm(kind=proposal.kind, initial={
            **ProposalForm.initial_from({**current, **proposal.fields}),
            "reason": proposal.reason, "effective_on": proposal.effective_on})
    coverage = selectors.coverage(kind=proposal.kind, item_id=proposal.item_id,
                                  layer=proposal.layer)
    return render(request, "changes/proposal.html", {
        "proposal": proposal,
        "item_url": item_kind.url(obj) if obj is not None else "",
        "changes": _field_diffs(proposal),
        "impact": impact_of(proposal, obj) if obj is not None else None,
        "approver": approver,
        "may_decide": proposal.state == State.OPEN and approver is not None
        and approver.pk == user.pk,
        "may_withdraw": undecided and mine,
        "out_of_date": out_of_date,
        "rebase_form": rebase_form,
        "decision_form": DecisionForm(),
        "comment_form": CommentForm(),
        "revert_form": RevertForm(),
        "coverage": coverage,
        "may_acknowledge": any(p.pk == user.pk for p in coverage.waiting),
    }, status=status)


def _field_diffs(proposal):
    """``(field, diff lines)`` of each field the proposal changes, against its base."""
    changed = []
    for name in items.KINDS[proposal.kind].fields:
        before, after = proposal.base.get(name), proposal.fields.get(name)
        if before == after:
            continue
        if isinstance(after, dict):
            before = "\n".join(f"{k}: {v}" for k, v in sorted((before or {}).items()))
            after = "\n".join(f"{k}: {v}" for k, v in sorted(after.items()))
        changed.append((name, diffs.lines(before or "", after or "")))
    return changed


@login_required
@require_POST
def proposal_update(request, pk):
    """The proposer brings the proposal up to date, or completes a draft."""
    found = _proposal(pk)
    form = ProposalForm(request.POST, kind=found.kind)
    if form.is_valid():
        with form_errors(form):
            services.proposal_update(proposal=found, fields=form.proposed(),
                                     reason=form.cleaned_data["reason"],
                                     effective_on=form.cleaned_data["effective_on"],
                                     actor=request.user, door=Door.UI)
            messages.success(request, "The proposal is up to date with the item.")
            return redirect("changes:proposal", pk=pk)
    return proposal(request, pk, rebase_form=form, status=400)


def _decide(request, pk, decide, done):
    found = _proposal(pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        decide(proposal=found, note=form.cleaned_data.get("note", ""), actor=request.user,
               door=Door.UI)
    except ValidationError as error:
        messages.error(request, " ".join(m for ms in error.message_dict.values() for m in ms))
    else:
        messages.success(request, done)
    return redirect("changes:proposal", pk=pk)


@login_required
@require_POST
def proposal_approve(request, pk):
    return _decide(request, pk, services.proposal_approve, "Approved.")


@login_required
@require_POST
def proposal_reject(request, pk):
    return _decide(request, pk, services.proposal_reject, "Rejected.")


@login_required
@require_POST
def proposal_withdraw(request, pk):
    services.proposal_withdraw(proposal=_proposal(pk), actor=request.user, door=Door.UI)
    messages.success(request, "Withdrawn.")
    return redirect("changes:proposal", pk=pk)


@login_required
@require_POST
def proposal_comment(request, pk):
    found = _proposal(pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        with form_errors(form):
            services.proposal_comment(proposal=found, body=form.cleaned_data["body"],
                                      objection=form.cleaned_data["objection"],
                                      actor=request.user, door=Door.UI)
            messages.success(request, "Comment added.")
            return redirect("changes:proposal", pk=pk)
    messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
    return redirect("changes:proposal", pk=pk)


@login_required
@require_POST
def acknowledge(request, kind, pk):
    """ "I read version N" of an item, from its page or a proposal's."""
    item_kind, obj = _item(kind, pk)
    acknowledgement = services.acknowledge(item=obj, actor=request.user, door=Door.UI)
    messages.success(request, f"You acknowledged version {acknowledgement.version} of "
                              f"“{item_kind.label(obj)}”.")
    return redirect(item_kind.url(obj))


@login_required
@require_POST
def proposal_revert(request, pk):
    """Propose putting back what an applied change replaced."""
    found = _proposal(pk)
    form = RevertForm(request.POST)
    form.is_valid()
    try:
        revert = services.proposal_revert(proposal=found, reason=form.cleaned_data["reason"],
                                          actor=request.user, door=Door.UI)
    except ValidationError as error:
        messages.error(request, " ".join(m for ms in error.message_dict.values() for m in ms))
        return redirect("changes:proposal", pk=pk)
    messages.success(request, "Proposed reverting the change.")
    return redirect("changes:proposal", pk=revert.pk)


@login_required
def change_log(request):
    """Every applied change, newest first, filtered by layer, item and person."""
    form = LogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    person = None
    if filters.get("person"):
        person = get_user_model().objects.filter(username=filters["person"]).first()
        if person is None:
            form.add_error("person", "No one has that username.")
    log = selectors.change_log(layer=filters.get("layer", ""), kind=filters.get("kind", ""),
                               item=filters.get("item"), person=person)
    if form.errors:
        log = log.none()
    shown = list(log[:LOG_PAGE])
    return render(request, "changes/log.html", {
        "form": form, "log": shown, "more": len(shown) == LOG_PAGE,
        "open": list(selectors.proposals().filter(state__in=(State.OPEN, State.APPROVED))[:50]),
        "today": timezone.localdate(), "revert_form": RevertForm(),
    }, status=400 if form.errors else 200)

