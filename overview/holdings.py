"""The departure drill: everything a person holds that would be orphaned if they left.

Through the functions they head: the run-book sections those functions own, the RACI
rows where they are A or R, the rituals they own; in person: the current-version
sign-offs they gave, the rituals naming them as owner, the open action items they owe,
the occurrences still to record (due, or in the coming month), their API and calendar
feed tokens and the webhooks they registered. And the readiness impact: which
Friday-test checks would fail if they were gone.

``holdings_of`` reads each app through its models and selectors in a fixed number of
queries, whatever the size of the model.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.urls import reverse

from cadence import selectors as cadence_selectors
from raci import selectors as raci_selectors
from revops.listing import FirstOf
from revops.models import ApiToken, Function, Webhook
from runbook import selectors as runbook_selectors

# The page lists at most this many occurrences still to record (the count is exact):
# those already due and not recorded, and those of the coming month.
OCCURRENCES_SHOWN = 20
RECORD_AHEAD = timedelta(days=30)
# The readiness impact names this many of the sections that would lose their head.
TITLES_NAMED = 10


@dataclass
class RowHeld:
    row: object  # a RACI row
    letter: str  # the strongest letter one of their functions holds: A/R, A or R
    function: Function

    @property
    def id(self):
        return self.row.pk

    @property
    def name(self):
        return self.row.name


@dataclass
class RitualHeld:
    ritual: object  # a ritual
    by_function: bool  # owned by a function they head
    in_person: bool  # names them as the owning person

    @property
    def id(self):
        return self.ritual.pk

    @property
    def name(self):
        return self.ritual.name


@dataclass
class Impact:
    code: str
    message: str
    url: str = ""


@dataclass
class Holdings:
    person: object
    functions: list
    deputyships: list = field(default_factory=list)
    sections: list = field(default_factory=list)
    sections_by_function: dict = field(default_factory=dict)  # {function id: how many}
    definitions: list = field(default_factory=list)
    agreements: list = field(default_factory=list)
    raci_rows: list = field(default_factory=list)
    matrix: object = None
    signoffs: list = field(default_factory=list)
    rituals: list = field(default_factory=list)
    occurrences: list = field(default_factory=list)
    occurrences_count: int = 0
    actions: list = field(default_factory=list)  # open action items they owe
    api_tokens: list = field(default_factory=list)
    feed_tokens: list = field(default_factory=list)
    webhooks: list = field(default_factory=list)
    readiness_impact: list = field(default_factory=list)

    @property
    def user(self):
        return self.person.get_username()

    @property
    def rituals_in_person(self):
        return [r for r in self.rituals if r.in_person]

    @property
    def empty(self):
        return not (self.functions or self.deputyships or self.sections or self.definitions
                    or self.agreements or self.raci_rows or self.signoffs or self.rituals
                    or self.actions or self.api_tokens or self.feed_tokens or self.webhooks)


def _raci(matrix, function_ids, by_id):
    """``[RowHeld]`` of the current matrix, in grid order, in two queries."""
    if matrix is None or not function_ids:
        return []
    held = {}
    rows = raci_selectors.rows_held_by(matrix=matrix, function_ids=function_ids)
    order = []
    for row in rows:
        order.append(row.pk)
        if row.accountable_id in function_ids:
            held[row.pk] = RowHeld(row, row.accountable_letter, by_id[row.accountable_id])
    for cell in raci_selectors.responsible_cells(matrix=matrix, function_ids=function_ids):
        # A row where one of their functions is A already shows the stronger letter.
        held.setdefault(cell.row_id, RowHeld(cell.row, "R", by_id[cell.function_id]))
    return [held[pk] for pk in order if pk in held]


def holdings_of(person, *, today, now, page=False):
    """What ``person`` holds, with the readiness impact of their departure. For a
    ``page``, the sections are the first ``LISTED`` with their count (``FirstOf``): a
    head of a function owning 14,000 sections is shown 50 of them, not sent them all."""
    functions = list(Function.objects.filter(head=person).order_by("position", "slug"))
    by_id = {f.pk: f for f in functions}
    function_ids = set(by_id)
    holdings = Holdings(person=person, functions=functions)
    holdings.deputyships = list(Function.objects.filter(deputy=person)
                                .select_related("head").order_by("position", "slug"))

    if function_ids:
        owned = runbook_selectors.sections_with_state(today=today).filter(
            owner_id__in=function_ids)
        holdings.sections = FirstOf(owned) if page else list(owned)
        holdings.sections_by_function = runbook_selectors.live_section_counts(
            function_ids=function_ids)
        holdings.definitions = list(runbook_selectors.definitions_headed_by(person=person))
    holdings.agreements = list(runbook_selectors.agreements_by(person=person))
    holdings.matrix = raci_selectors.current_matrix()
    holdings.raci_rows = _raci(holdings.matrix, function_ids, by_id)
    if holdings.matrix is not None:
        holdings.signoffs = list(raci_selectors.signoffs_of_current_version_by(
            matrix=holdings.matrix, person=person))

    rituals = cadence_selectors.rituals_held_by(person=person, function_ids=function_ids,
                                                now=now)
    holdings.rituals = [
        RitualHeld(r, r.owner_id in function_ids, r.owner_person_id == person.pk)
        for r in rituals
    ]
    holdings.actions = list(cadence_selectors.open_actions_of(person=person))
    to_record = cadence_selectors.occurrences_to_record_by(
        person=person, function_ids=function_ids, before=now + RECORD_AHEAD)
    holdings.occurrences = list(
        to_record.select_related("ritual").order_by("scheduled_for")[:OCCURRENCES_SHOWN]
    )
    holdings.occurrences_count = to_record.count()

    holdings.api_tokens = [t for t in ApiToken.objects.filter(user=person, revoked_at__isnull=True)
                           if t.is_usable]
    holdings.feed_tokens = [t for t in cadence_selectors.feed_tokens(user=person)
                            if t.is_usable]
    holdings.webhooks = list(Webhook.objects.filter(created_by=person).order_by("id"))
    holdings.readiness_impact = readiness_impact(holdings)
    return holdings


def _count(n, word, plural=None):
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def readiness_impact(holdings):
    """The Friday-test checks that would fail if ``holdings.person`` were gone."""
    fix = reverse("person", args=[holdings.user]) + "#handover"
    impact = []
    for function in holdings.functions:
        sections = holdings.sections_by_function.get(function.pk, 0)
        rituals = [r for r in holdings.rituals if r.ritual.owner_id == function.pk]
        accountable = [r for r in holdings.raci_rows
                       if r.function == function and r.letter != "R"]
        parts = [f"{_count(sections, 'section')} and {_count(len(rituals), 'ritual')} "
                 "unowned"]
        if accountable:
            parts.append(f"nobody to answer for {_count(len(accountable), 'RACI row')}")
        impact.append(Impact("departed_head",
                             f"{function.name} would have no head: " + "; ".join(parts) + ".",
                             fix))
    if holdings.sections:
        named = [s.title for s in list(holdings.sections)[:TITLES_NAMED]]
        more = len(holdings.sections) - len(named)
        impact.append(Impact(
            "sections_owned",
            "Sections owned by a function with no head: " + ", ".join(named)
            + (f" and {more} more" if more else "") + ".", fix))
    counted = [s for s in holdings.signoffs if s.function.head_id == holdings.person.pk]
    if counted:
        impact.append(Impact(
            "raci_signed_off",
            f"RACI version {holdings.matrix.version} would lose the sign-off of "
            + ", ".join(s.function.name for s in counted) + ".",
            reverse("raci:index")))
    in_person = holdings.rituals_in_person
    if in_person:
        # Not a Friday-test check of its own, but the same kind of orphan.
        impact.append(Impact(
            "ritual_owner_person",
            f"{_count(len(in_person), 'ritual')} would name a person who has left as owner: "
            + ", ".join(r.name for r in in_person) + ".", fix))
    return impact
