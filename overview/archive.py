"""The archive: models set aside when a model was replaced (``bootstrap --replace``, an
import with replace), by date, newest first. Each archived run book, matrix and ritual
stays readable and exportable at its own page; none is counted, scanned, briefed or
searched by default (``?include=archived`` on search and the API's lists)."""

from dataclasses import dataclass, field

from cadence import selectors as cadence_selectors
from raci import selectors as raci_selectors
from runbook import selectors as runbook_selectors


@dataclass
class ArchivedModel:
    archived_at: object
    runbooks: list = field(default_factory=list)
    matrices: list = field(default_factory=list)
    rituals: list = field(default_factory=list)


def archived_models():
    """``[ArchivedModel]``, the latest archive first: what one replace set aside shares
    its moment. Three queries, whatever the size of the archive."""
    models = {}

    def model(at):
        return models.setdefault(at, ArchivedModel(at))

    for book in runbook_selectors.archived_runbooks():
        model(book.archived_at).runbooks.append(book)
    for matrix in raci_selectors.archived_matrices():
        model(matrix.archived_at).matrices.append(matrix)
    for ritual in cadence_selectors.archived_rituals():
        model(ritual.archived_at).rituals.append(ritual)
    return [models[at] for at in sorted(models, reverse=True)]
