"""One lint over the whole model: the RACI's own lint, plus the cross-checks that only
make sense with the RACI, the cadence, the run book and the people side by side.

- ``accountable_without_ritual``: the function that answers for a layer (its A on the
  RACI, see ``raci.selectors.layer_accountables``) owns no active ritual serving it —
  nobody looks at that layer on a rhythm;
- ``ritual_owner_not_on_layer``: a ritual's owner has neither R nor A on any row of
  the ritual's layer — it runs a meeting about work it neither does nor answers for;
- ``section_owner_not_on_layer``: the same for the owner of a layer's run-book section;
- ``departed_head``: a function's head can no longer sign in;
- ``function_without_head`` and the rest of the RACI lint (``raci.rules.lint``).

``findings()`` runs a fixed number of queries, whatever the size of the model. Each
finding names its ``subject`` as ``kind:key`` (``function:sales``, ``row:12``,
``ritual:3``, ``section:7``, ``layer:process``).
"""

from collections import Counter
from dataclasses import dataclass, field

from django.urls import reverse

from cadence import selectors as cadence_selectors
from raci import rules as raci_rules
from raci import selectors as raci_selectors
from revops import people, summaries
from revops.models import Layer
from revops.words import plural
from runbook import selectors as runbook_selectors

CROSS_CODES = ("accountable_without_ritual", "ritual_owner_not_on_layer",
               "section_owner_not_on_layer", "departed_head")
# What the Friday test counts as a gap: a layer nobody answering for it looks at on a
# rhythm, or a layer's section owned by a function with no part in that layer. (A
# ritual run by a function that is only consulted is worth a look, not a failed test.)
DISAGREEMENT_CODES = ("accountable_without_ritual", "section_owner_not_on_layer")
# A count of findings of each cross-check code, as the panel words it.
CODE_NOUNS = {
    "accountable_without_ritual": ("accountable function without a ritual",
                                   "accountable functions without a ritual"),
    "ritual_owner_not_on_layer": ("ritual owned off its layer", "rituals owned off their layer"),
    "section_owner_not_on_layer": ("section owned off its layer",
                                   "sections owned off their layer"),
    "departed_head": ("departed head", "departed heads"),
}
# A page lists this many findings at most; the API lists them all.
PAGE_CAP = 50


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str  # "warning" or "error"
    message: str
    subject: str
    url: str = ""

    @property
    def is_cross_check(self):
        return self.code in CROSS_CODES


def _raci_findings(findings, matrix):
    """A finding about a row links to the grid's page that draws it; one about a function
    to its column, in the header of every page."""
    url = reverse("raci:matrix", args=[matrix.pk]) if matrix else reverse("raci:index")
    return [
        Finding(f.code, f.severity, f.message,
                f"row:{f.row}" if f.row is not None else f"function:{f.function}",
                reverse("raci:row_in_grid", args=[f.row]) if f.row is not None
                else f"{url}#{f.anchor}")
        for f in findings
    ]


def _departed(function_list):
    return [
        Finding("departed_head", "error",
                f"{f.name}'s head, {people.name_of(f.head)}, can "
                f"no longer sign in: hand over what they held.",
                f"function:{f.slug}", reverse("person", args=[f.head.get_username()]))
        for f in function_list if f.head is not None and not f.head.is_active
    ]


def _on_layer(rows):
    """``{layer: {function slugs with R, A or A/R on a row of it}}``."""
    on = {}
    for row in rows:
        slugs = on.setdefault(row.layer, set())
        slugs.update(slug for slug, letter in raci_selectors.letters_of(row).items()
                     if letter in raci_rules.RESPONSIBLE_LETTERS + raci_rules.ACCOUNTABLE_LETTERS)
    return on


def _owners_by_kind(on_layer, function_list):
    """``{layer: ids of the functions on it}`` for every layer, for the section check
    made in SQL (a layer without rows has nobody on it)."""
    ids = {f.slug: f.pk for f in function_list}
    return {layer: {ids[slug] for slug in on_layer.get(layer, ()) if slug in ids}
            for layer in Layer.values}


def _layer_findings(matrix, on_layer, by_id):
    """The layer checks but the sections': they are as many as the layers and rituals."""
    labels = dict(Layer.choices)
    rituals = list(cadence_selectors.rituals_with_owning_function())
    findings = []
    served = {(r.owner_id, r.layer) for r in rituals}
    for layer, function_id in raci_selectors.layer_accountables(matrix).items():
        function = by_id[function_id]
        if (function_id, layer) not in served:
            findings.append(Finding(
                "accountable_without_ritual", "warning",
                f"{function.name} is accountable for {labels[layer]} but owns no active "
                f"ritual serving that layer.",
                f"function:{function.slug}", reverse("cadence:ritual_create")))
    for ritual in rituals:
        if ritual.owner.slug not in on_layer.get(ritual.layer, ()):
            findings.append(Finding(
                "ritual_owner_not_on_layer", "warning",
                f"{ritual.name} is owned by {ritual.owner.name}, which has neither R nor A "
                f"on any {labels[ritual.layer]} row of the RACI.",
                f"ritual:{ritual.pk}", ritual.get_absolute_url()))
    return findings


def _section_findings(sections):
    """``section_owner_not_on_layer`` for rows of ``live_sections_owned_off``."""
    labels = dict(Layer.choices)
    return [Finding(
        "section_owner_not_on_layer", "warning",
        f"{s['title']} in {s['runbook_title']} is owned by {s['owner_name']}, which has "
        f"neither R nor A on any {labels[s['kind']]} row of the RACI.",
        f"section:{s['pk']}", reverse("runbook:section", args=[s["pk"]]))
        for s in sections]


@dataclass(frozen=True)
class Summary:
    """What a page shows of the lint: the number of findings per code and the findings
    in ``findings()`` order, the sections' only up to a cap (they grow with the model;
    the rest are counted, and listed in full by the API)."""
    counts: dict
    findings: list
    checked: bool  # there is a current matrix to check the layers against
    sections_off_layer: dict = field(default_factory=dict)  # {(layer, function id): n}

    def total(self, codes):
        return sum(self.counts.get(code, 0) for code in codes)

    def first(self, codes, limit=PAGE_CAP):
        return [f for f in self.findings if f.code in codes][:limit]


def _lint(*, section_cap):
    """``Summary`` of the whole lint with at most ``section_cap`` section findings listed
    (``None``: all of them), the sections counted by one grouped query when capped."""
    function_list = raci_selectors.functions()
    matrix = raci_selectors.current_matrix()
    rows = list(raci_selectors.rows_for_grid(matrix=matrix)) if matrix else []
    raci = raci_rules.lint(
        [raci_rules.LintRow(r.id, r.name, raci_selectors.letters_of(r)) for r in rows],
        raci_selectors.columns(function_list))
    result = _raci_findings(raci, matrix)
    off = {}
    if matrix is not None:
        on_layer = _on_layer(rows)
        result += _layer_findings(matrix, on_layer, {f.pk: f for f in function_list})
        owners = _owners_by_kind(on_layer, function_list)
        sections = runbook_selectors.live_sections_owned_off(owners_by_kind=owners)
        if section_cap is not None:
            sections = sections[:section_cap]
            off = runbook_selectors.live_sections_owned_off_counts(owners_by_kind=owners)
        result += _section_findings(sections)
    result += _departed(function_list)
    counts = Counter(f.code for f in result)
    if section_cap is not None and off:
        counts["section_owner_not_on_layer"] = sum(off.values())
    return Summary(dict(counts), result, matrix is not None, off)


def findings():
    """Every finding over the model: the RACI's lint first, then the cross-checks.

    Without a current matrix there is no layer to check against: only the people
    findings (departed head, no head) remain."""
    return _lint(section_cap=None).findings


@summaries.summary
def summary(*, cap=PAGE_CAP):
    """The lint as pages read it: every count, the section findings only up to ``cap``
    (a query with a LIMIT, and one grouped count), whatever the size of the model; kept
    until the model changes (``revops.summaries``)."""
    return _lint(section_cap=cap)


def panel(*, matrix=None, checks=None, **_context):
    """The cross-checks as a panel, for the dashboard and the RACI page (where they
    concern the current matrix only: an older one's page goes without): the first
    ``PAGE_CAP`` findings and how many there are, all of them in the API. ``checks``:
    the page's own ``summary()`` when it reads it for something else too."""
    if matrix is not None and not matrix.is_current:
        return None
    checks = checks if checks is not None else summary()
    total = checks.total(CROSS_CODES)
    return {"title": "Cross-checks: RACI, cadence and run book",
            "template": "overview/_cross_checks.html", "findings": checks.first(CROSS_CODES),
            "total": f"{total:,}", "count": total, "capped": total > PAGE_CAP, "cap": PAGE_CAP,
            "counts": [f"{checks.counts[c]:,} {plural(checks.counts[c], *CODE_NOUNS[c])}"
                       for c in CROSS_CODES if checks.counts.get(c)],
            "api_url": reverse("lint"), "anchor": "cross-checks",
            "checked": checks.checked}
