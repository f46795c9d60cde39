"""What the hand-over pack holds, read in a fixed number of queries: ``build`` gathers
the cover, functions, run-book sections (now or at a release), the RACI, the cadence,
the definitions and the maturity assessments into a ``Pack`` that the HTML page and
the Markdown file both render."""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.paginator import Paginator
from django.http import Http404
from django.utils import timezone

from cadence import adherence
from cadence import charts as cadence_charts
from cadence import selectors as cadence_selectors
from cadence.choices import Horizon, Status
from insights import selectors as insights_selectors
from overview import maturity
from overview import selectors as overview_selectors
from raci import selectors as raci_selectors
from revops import people
from revops.models import Function
from runbook import charts as runbook_charts
from runbook import glossary
from runbook import selectors as runbook_selectors
from runbook.choices import Layer as DefinitionLayer
from runbook.choices import ReviewState

ADHERENCE_WEEKS = 13
# A pack holds at most this many run books: a model of 16,000 made a 114 MB page in a
# minute. A larger model's pack comes in parts, each with the RACI, cadence and the rest.
PACK_RUNBOOKS = 20
NEXT_DATES = 3
# The latest assessment and the quarters before it: two years is enough to see a trend
# and keeps the table small.
MATURITY_QUARTERS = 8
# The scorecard's last few periods: enough to see a trend on paper.
SCORECARD_PERIODS = 4
# Section titles are the third heading level of the pack; their bodies' own headings
# start one level below.
BODY_TOP_LEVEL = 4


def section_anchor(key, kind):
    """A section's id in the pack: its kind for the default run book's, the run book's
    id and its kind for another's (``key`` is "" or that id)."""
    return f"section-{key}-{kind}" if key else f"section-{kind}"


@dataclass
class PackSection:
    number: int
    kind: str
    title: str
    owner: object
    revision: int | None
    state: str
    reviewed_on: object
    reviewed_by: str
    reviewed_revision: int | None
    body: str
    body_html: str
    key: str = ""  # "" for the first run book; the run book's id for the others

    @property
    def anchor(self):
        return section_anchor(self.key, self.kind)

    @property
    def state_label(self):
        return ReviewState(self.state).label if self.state else ""


@dataclass
class PackFunction:
    function: Function
    sections: list = field(default_factory=list)
    rituals: list = field(default_factory=list)
    accountable_rows: int = 0

    @property
    def head(self):
        return self.function.head


@dataclass
class PackRitual:
    ritual: object
    next_dates: list
    held: int = 0
    skipped: int = 0
    missed: int = 0
    updates_anchor: str = ""  # the pack's id of the section it updates, if the pack has it
    open_actions: list = field(default_factory=list)  # what its meetings still owe
    decisions: list = field(default_factory=list)  # decided in the last 13 weeks

    @property
    def adherence(self):
        counted = self.held + self.missed + self.skipped
        if not counted:
            return "no occurrences yet"
        return f"{self.held} held, {self.skipped} skipped, {self.missed} missed"


@dataclass
class Pack:
    today: object
    now: object
    runbook: object
    release: object
    report: object
    functions: list
    sections: list  # every live run book's, each titled with its run book when several
    matrix: object
    grid: dict | None
    cadence: list  # [(label, slug, [PackRitual])]
    freshness_chart: object = None
    adherence_charts: list = field(default_factory=list)
    definitions: list = field(default_factory=list)  # today's, with ``current`` set
    assessments: list = field(default_factory=list)  # [PackMaturity], newest quarter first
    runbooks: list = field(default_factory=list)  # the part's run books, default first
    part: object = None  # the ``Page`` of run books this pack holds (``PACK_RUNBOOKS``)
    scorecard: list = field(default_factory=list)  # insights.selectors.Group, last periods

    @property
    def maturity(self):
        """The latest assessment, or None: a new lead's first question is where the
        model stands and what to work on next."""
        return self.assessments[0] if self.assessments else None

    @property
    def earlier_assessments(self):
        return self.assessments[1:]

    @property
    def definitions_by_layer(self):
        """``[(layer label, [definition])]`` in layer order, empty layers left out."""
        groups = defaultdict(list)
        for d in self.definitions:
            groups[d.get_layer_display()].append(d)
        return [(label, groups[label]) for label in DefinitionLayer.labels if groups[label]]

    @property
    def heading(self):
        """The run book's title, or the run books' when the model has several; the
        part, when the pack comes in parts."""
        if self.part is not None and self.part.has_other_pages():
            return (f"The operating model, part {self.part.number} of "
                    f"{self.part.paginator.num_pages}")
        return " and ".join(b.title for b in self.runbooks) or "The operating model"

    @property
    def title(self):
        return f"Hand-over pack: {self.heading}" if self.runbooks else "Hand-over pack"


@dataclass
class PackMaturity:
    """An assessment as the pack states it: the stage set by the weakest pillar, that
    pillar (all of them on a tie) and the four scores; the stage's priority fix is
    ``stage.priority_fix``."""

    assessment: object

    @property
    def quarter(self):
        return self.assessment.quarter

    @property
    def stage(self):
        return self.assessment.stage

    @property
    def constraint(self):
        return ", ".join(maturity.PILLAR_LABELS[p] for p in self.assessment.constraint_pillars)

    @property
    def scores(self):
        """``[(label, score, is the constraint)]`` in pillar order."""
        weakest = self.assessment.constraint_pillars
        return [(maturity.PILLAR_LABELS[p], getattr(self.assessment, p), p in weakest)
                for p in maturity.PILLARS]


def shift_html_headings(html, *, top=BODY_TOP_LEVEL, prefix=""):
    """Nest a sanitized body's headings below the pack's section title: its highest
    heading becomes level ``top``; ids get ``prefix`` so two sections' anchors never
    collide."""
    levels = [int(n) for n in re.findall(r"<h([1-6])\b", html)]
    if not levels:
        return html
    offset = max(top - min(levels), 0)

    def shift(match):
        return f"<{match.group(1)}h{min(int(match.group(2)) + offset, 6)}"

    html = re.sub(r"<(/?)h([1-6])\b", shift, html)
    if prefix:
        html = html.replace(' id="h-', f' id="{prefix}h-')
    return html


def _release(runbook, number):
    if number is None:
        return None
    release = runbook_selectors.release(runbook=runbook, number=number) if runbook else None
    if release is None:
        raise Http404(f"The run book has no release v{number}.")
    return release


def _pack_section(number, section, pinned, *, key="", several=False, **stamp):
    """One section of the pack: the text of the ``pinned`` revision with its headings
    nested below the section's own, and ``stamp`` (revision number, state and
    last-reviewed fields). With ``several`` run books its title names its run book."""
    prefix = f"{key}-{section.kind}-" if key else f"{section.kind}-"
    return PackSection(
        number=number, kind=section.kind, owner=section.owner,
        title=section.full_title if several else section.title,
        body=pinned.body if pinned else "",
        body_html=shift_html_headings(pinned.body_html if pinned else "", prefix=prefix),
        key=key, **stamp,
    )


def _sections_now(books, today, *, default_id, first=1, several=False):
    """The current sections of ``books`` (one query for them all), numbered from
    ``first``; the default run book's (``default_id``) anchors keep their plain form."""
    now_in = runbook_selectors.sections_with_state(today=today).filter(runbook__in=books)
    sections = list(now_in.order_by("-runbook__is_default", "runbook_id", "position"))
    current = runbook_selectors.current_revisions(now_in)
    return [
        _pack_section(
            n, section, current.get(section.pk), several=several,
            key="" if section.runbook_id == default_id else str(section.runbook_id),
            revision=section.revision or None,
            state=section.review_state, reviewed_on=section.last_reviewed_on,
            reviewed_by=people.name_of(section.last_reviewed_by),
            reviewed_revision=section.last_reviewed_revision,
        )
        for n, section in enumerate(sections, first)
    ]


def _sections_at(release, *, several=False):
    entries = runbook_selectors.release_entries(release).select_related("section__owner",
                                                                         "section__runbook")
    return [
        _pack_section(
            n, entry.section, entry.revision, several=several,
            revision=entry.revision.number if entry.revision else None,
            state=entry.review_state, reviewed_on=entry.last_reviewed_on,
            reviewed_by=entry.last_reviewed_by_name,
            reviewed_revision=entry.last_reviewed_revision,
        )
        for n, entry in enumerate(entries, 1)
    ]


def _cadence(now):
    rituals = [r for r in cadence_selectors.rituals(include_archived=False) if r.active]
    ids = [r.pk for r in rituals]
    upcoming = cadence_selectors.next_times(ritual_ids=ids, now=now, per_ritual=NEXT_DATES)
    tally = cadence_selectors.status_counts(
        ritual_ids=ids, start=now - timedelta(weeks=ADHERENCE_WEEKS), end=now)
    open_actions, decisions = cadence_selectors.outcomes_of(
        ritual_ids=ids, since=now - timedelta(weeks=ADHERENCE_WEEKS))
    groups = {h: [] for h in Horizon.values}
    for ritual in rituals:
        counts = tally[ritual.pk]
        groups[ritual.horizon].append(PackRitual(
            ritual=ritual,
            next_dates=[timezone.localtime(at, ritual.tz) for at in upcoming[ritual.pk]],
            held=counts.get(Status.HELD, 0), skipped=counts.get(Status.SKIPPED, 0),
            missed=counts.get(Status.MISSED, 0),
            open_actions=open_actions[ritual.pk], decisions=decisions[ritual.pk],
        ))
    return [(Horizon(h).label, h, groups[h]) for h in Horizon.values], rituals


def _point_at_sections(cadence, books):
    """Each ritual's "Updates" link: the anchor of its section in the run book that holds
    it (none when that run book is archived, so not in the pack)."""
    keys = {book.pk: "" if i == 0 else str(book.pk) for i, book in enumerate(books)}
    for _, _, rows in cadence:
        for row in rows:
            section = row.ritual.output_section
            if section is not None and section.runbook_id in keys:
                row.updates_anchor = section_anchor(keys[section.runbook_id], section.kind)


def build(*, today, now, release=None, report, part=1):
    """The pack of the live model — every run book, the default first — as of now, or
    with the default run book as of its release number ``release`` (the other run books,
    the RACI and the cadence are today's: they keep no per-release history). A model of
    more than ``PACK_RUNBOOKS`` run books comes in parts (``part``, a number as the
    request gives it; out of range, the nearest), each with the run books of its part
    and the rest of the pack whole."""
    live = runbook_selectors.live_runbooks()
    page = Paginator(live, PACK_RUNBOOKS).get_page(part)
    books = list(page)
    runbook = live.first()  # the default, whichever part this is
    several = page.paginator.count > 1
    pinned = _release(runbook, release)
    default_id = runbook.pk if runbook else None
    if not books:
        sections = []
    elif pinned is not None and page.number == 1:
        sections = _sections_at(pinned, several=several)
        sections += _sections_now(books[1:], today, default_id=default_id,
                                  first=len(sections) + 1, several=several)
    else:
        sections = _sections_now(books, today, default_id=default_id, several=several)
    matrix = raci_selectors.current_matrix()
    grid = raci_selectors.grid(matrix) if matrix is not None else None
    cadence, rituals = _cadence(now)
    _point_at_sections(cadence, books)
    definitions = runbook_selectors.definitions_with_text(today=today)
    terms = {d.slug: d.term for d in definitions}
    for section in sections:
        section.body_html = glossary.link_terms(section.body_html, terms)
    for definition in definitions:
        definition.body_html = glossary.link_terms(
            definition.current.body_html if definition.current else "", terms)

    functions = {f.pk: PackFunction(f) for f in
                 Function.objects.ordered().select_related("head", "deputy")}
    for section in sections:
        if section.owner is not None and section.owner.pk in functions:
            functions[section.owner.pk].sections.append(section)
    for ritual in rituals:
        if ritual.owner_id in functions:
            functions[ritual.owner_id].rituals.append(ritual)
    for row in (grid or {}).get("rows", []):
        if row.accountable_id in functions:
            functions[row.accountable_id].accountable_rows += 1
    return Pack(
        today=today, now=now, runbook=runbook, release=pinned, report=report,
        functions=list(functions.values()), sections=sections, matrix=matrix, grid=grid,
        cadence=cadence, freshness_chart=runbook_charts.freshness_chart(today=today),
        adherence_charts=cadence_charts.adherence_charts(
            adherence.adherence(weeks=ADHERENCE_WEEKS, now=now)),
        definitions=definitions,
        assessments=[PackMaturity(a) for a in
                     overview_selectors.assessments()[:MATURITY_QUARTERS]],
        runbooks=books, part=page,
        scorecard=insights_selectors.scorecard(today=today, periods=SCORECARD_PERIODS),
    )
