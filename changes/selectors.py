"""Reads of change control for pages, the API and the brief, each a fixed number of
queries whatever the number of proposals."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from changes import items, routing, rules
from changes.models import Acknowledgement, Comment, Proposal, State


def proposals():
    """Proposals with what every list shows: people loaded, objections counted."""
    return (Proposal.objects.select_related("proposer", "decided_by", "reverts")
            .annotate(objections=Count("comments", filter=Q(comments__objection=True)))
            .order_by("-opened_at", "-id"))


def proposal_detail(pk):
    return (proposals().prefetch_related(
        Prefetch("comments", queryset=Comment.objects.select_related("author", "function")))
        .filter(pk=pk).first())


def change_log(*, layer="", kind="", item=None, person=None):
    """Every applied change, newest first, filtered by layer, item kind and id, and a
    person (who proposed or approved it)."""
    log = proposals().filter(state=State.APPLIED).order_by("-applied_at", "-id")
    if layer:
        log = log.filter(layer=layer)
    if kind:
        log = log.filter(kind=kind)
    if item is not None:
        log = log.filter(item_id=item)
    if person is not None:
        log = log.filter(Q(proposer=person) | Q(decided_by=person))
    return log


def applied_since(moment):
    """The changes applied since ``moment``, oldest first."""
    return change_log().filter(applied_at__gte=moment).order_by("applied_at", "id")


def open_proposals_for(kind, item_id):
    return proposals().filter(kind=kind, item_id=item_id, state__in=(
        State.OPEN, State.APPROVED)).order_by("opened_at", "id")


def approver_of(proposal):
    """Who decides ``proposal`` as the seats stand now (None: nobody but its proposer)."""
    return routing.routing_for(proposal.layer).approver(proposal.proposer)


def out_of_date(proposals):
    """``{proposal id: whether it is out of date}``: each undecided proposal's item read
    in one batch per kind, so a page of proposals costs the same whatever its size."""
    undecided = [p for p in proposals if p.state in (State.OPEN, State.APPROVED)]
    found = dict.fromkeys((p.pk for p in proposals), False)
    for name, kind in items.KINDS.items():
        wanted = [p for p in undecided if p.kind == name]
        if wanted:
            objs = kind.many([p.item_id for p in wanted])
            found.update({p.pk: is_out_of_date(p, objs.get(p.item_id)) for p in wanted})
    return found


def approver_for_item(layer, proposer):
    """Who would decide a change ``proposer`` proposes to an item of ``layer``."""
    return routing.routing_for(layer).approver(proposer)


def is_out_of_date(proposal, obj):
    """Whether the item moved on since ``proposal`` was written (only an undecided one can
    be)."""
    if proposal.state not in (State.OPEN, State.APPROVED) or obj is None:
        return False
    return items.KINDS[proposal.kind].version(obj) != proposal.base_version


@dataclass(frozen=True)
class Coverage:
    """Who of the layer's R, A and C read the version the last meaningful change made."""

    version: str | None
    since: object
    acknowledged: tuple
    waiting: tuple

    @property
    def expected(self):
        return len(self.acknowledged) + len(self.waiting)


def coverage(*, kind, item_id, layer):
    """The acknowledgement coverage of an item: the version to read (that of its last
    change that altered meaning; None when no change asked for one), who read it, who has
    not. A fixed number of queries (the routing's and two)."""
    last = (Proposal.objects.filter(kind=kind, item_id=item_id, state=State.APPLIED,
                                    meaningful=True)
            .order_by("-applied_at", "-id").values("applied_version", "applied_at").first())
    if last is None:
        return Coverage(version=None, since=None, acknowledged=(), waiting=())
    route = routing.routing_for(layer)
    people = route.heads(route.acknowledging)
    read = set(Acknowledgement.objects.filter(
        kind=kind, item_id=item_id, version=last["applied_version"]).values_list(
        "person_id", flat=True))
    return Coverage(version=last["applied_version"], since=last["applied_at"],
                    acknowledged=tuple(p for p in people if p.pk in read),
                    waiting=tuple(p for p in people if p.pk not in read))


def _last_meaningful_changes():
    """Each item's last applied change that altered meaning."""
    latest = {}
    for proposal in (Proposal.objects.filter(state=State.APPLIED, meaningful=True)
                     .order_by("applied_at", "id")):
        latest[(proposal.kind, proposal.item_id)] = proposal
    return list(latest.values())


def _readers(changes):
    """``(proposal, people asked, people still to acknowledge)`` for each of ``changes``:
    a query per layer at most, and one for the acknowledgements."""
    if not changes:
        return []
    read = set(Acknowledgement.objects.filter(
        item_id__in={p.item_id for p in changes}).values_list("kind", "item_id", "version",
                                                               "person_id"))
    asked = {}
    found = []
    for proposal in changes:
        if proposal.layer not in asked:
            route = routing.routing_for(proposal.layer)
            asked[proposal.layer] = route.heads(route.acknowledging)
        people = asked[proposal.layer]
        found.append((proposal, people, [person for person in people if (
            proposal.kind, proposal.item_id, proposal.applied_version, person.pk)
            not in read]))
    return found


def acknowledgements_overdue(*, today):
    """``(proposal, people still to acknowledge)`` for each item whose last change that
    altered meaning was applied more than three working days before ``today`` and is not
    acknowledged by all it asks. A query per layer at most, whatever the items."""
    due = [p for p in _last_meaningful_changes() if today > rules.working_days_after(
        timezone.localdate(p.applied_at), rules.ACKNOWLEDGE_WITHIN_WORKING_DAYS)]
    return [(proposal, waiting) for proposal, _, waiting in _readers(due) if waiting]


def acknowledgements_given():
    """``(given, asked)`` over every item's last change that altered meaning: how many of
    the acknowledgements it asks of its layer's R, A and C people have been given."""
    asked = given = 0
    for _, people, waiting in _readers(_last_meaningful_changes()):
        asked += len(people)
        given += len(people) - len(waiting)
    return given, asked


def awaiting_decision():
    """``{approver id: [open proposals]}``, the approver routed as the seats stand now."""
    waiting = {}
    routes = {}
    for proposal in proposals().filter(state=State.OPEN).order_by("opened_at", "id"):
        if proposal.layer not in routes:
            routes[proposal.layer] = routing.routing_for(proposal.layer)
        approver = routes[proposal.layer].approver(proposal.proposer)
        if approver is not None:
            waiting.setdefault(approver.pk, []).append(proposal)
    return waiting
