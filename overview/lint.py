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

from dataclasses import dataclass

from django.urls import reverse

from cadence import selectors as cadence_selectors
from raci import rules as raci_rules
from raci import selectors as raci_selectors
from revops import people
from revops.models import Layer
from runbook import selectors as runbook_selectors

CROSS_CODES = ("accountable_without_ritual", "ritual_owner_not_on_layer",
               "section_owner_not_on_layer", "departed_head")
# What the Friday test counts as a gap: a layer nobody answering for it looks at on a
# rhythm, or a layer's section owned by a function with no part in that layer. (A
# ritual run by a function that is only consulted is worth a look, not a failed test.)
DISAGREEMENT_CODES = ("accountable_without_ritual", "section_owner_not_on_layer")


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
    url = reverse("raci:matrix", args=[matrix.pk]) if matrix else reverse("raci:index")
    return [
        Finding(f.code, f.severity, f.message,
                f"row:{f.row}" if f.row is not None else f"function:{f.function}",
                f"{url}#{f.anchor}")
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


def _layer_findings(matrix, rows, by_id):
    labels = dict(Layer.choices)
    on_layer = _on_layer(rows)
    rituals = list(cadence_selectors.rituals_with_owning_function())
    sections = list(runbook_selectors.live_sections_of_kinds(kinds=Layer.values))
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
    for section in sections:
        if section.owner.slug not in on_layer.get(section.kind, ()):
            findings.append(Finding(
                "section_owner_not_on_layer", "warning",
                f"{section.title} in {section.runbook.title} is owned by "
                f"{section.owner.name}, which has neither R nor A on any "
                f"{labels[section.kind]} row of the RACI.",
                f"section:{section.pk}", reverse("runbook:section", args=[section.pk])))
    return findings


def findings():
    """Every finding over the model: the RACI's lint first, then the cross-checks.

    Without a current matrix there is no layer to check against: only the people
    findings (departed head, no head) remain."""
    function_list = raci_selectors.functions()
    matrix = raci_selectors.current_matrix()
    rows = list(raci_selectors.rows_for_grid(matrix=matrix)) if matrix else []
    raci = raci_rules.lint(
        [raci_rules.LintRow(r.id, r.name, raci_selectors.letters_of(r)) for r in rows],
        raci_selectors.columns(function_list))
    result = _raci_findings(raci, matrix)
    if matrix is not None:
        result += _layer_findings(matrix, rows, {f.pk: f for f in function_list})
    return result + _departed(function_list)


def cross_checks():
    """The findings only this lint makes (the RACI page and panel show the rest)."""
    return [f for f in findings() if f.is_cross_check]


def panel(*, matrix=None, **_context):
    """The cross-checks as a panel, for the dashboard and the RACI page (where they
    concern the current matrix only: an older one's page goes without)."""
    if matrix is not None and not matrix.is_current:
        return None
    return {"title": "Cross-checks: RACI, cadence and run book",
            "template": "overview/_cross_checks.html", "findings": cross_checks(),
            "anchor": "cross-checks",
            "checked": matrix is not None or raci_selectors.current_matrix() is not None}
