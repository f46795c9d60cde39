"""What a proposed change touches besides its item, shown before the approver decides:
for a definition, the sections that link it as [[term]], the rituals whose output or
agenda mention it and the releases that pinned its old text; for every item, the RACI
rows of its layer; and what higher apps add in the slot ``changes.impact`` (metrics
built on a definition, once the scorecard exists). A fixed number of queries."""

from dataclasses import dataclass, field

from cadence import selectors as cadence_selectors
from raci import selectors as raci_selectors
from revops import registry
from runbook import selectors as runbook_selectors


@dataclass(frozen=True)
class Impact:
    sections: list = field(default_factory=list)
    rituals: list = field(default_factory=list)
    releases: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    panels: list = field(default_factory=list)

    @property
    def count(self):
        return (len(self.sections) + len(self.rituals) + len(self.releases) + len(self.rows)
                + len(self.panels))


def impact_of(proposal, obj):
    """What ``proposal`` (about ``obj``, its item as it is now) touches."""
    term = proposal.item_label if proposal.kind == "definition" else None
    matrix = raci_selectors.current_matrix()
    rows = (list(raci_selectors.rows_for_grid(matrix=matrix, layer=proposal.layer))
            if matrix is not None and proposal.layer else [])
    return Impact(
        sections=list(runbook_selectors.sections_linking(term)) if term else [],
        rituals=list(cadence_selectors.rituals_mentioning(term)) if term else [],
        releases=list(runbook_selectors.releases_pinning(term)) if term else [],
        rows=[row for row in rows if not (proposal.kind == "row" and row.pk == proposal.item_id)],
        panels=registry.panels("changes.impact", item=obj, proposal=proposal),
    )
