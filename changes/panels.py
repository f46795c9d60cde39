"""What change control shows on the pages of the apps below: on a governed item's own
page (slot ``item.governed``: a section, a definition, a ritual, a RACI row's form) that
it is governed, how to propose a change, the proposals open on it and who acknowledged
its last change; on a governed matrix's page (slot ``raci.grid``) how its rows change."""

from django.urls import reverse

from changes import items, selectors
from revops.errors import Refused


def governed_item(*, item, user, **_context):
    kind = items.kind_of(item)
    if kind is None or not kind.governed(item):
        return None
    try:
        kind.require_may_propose(user, item)
        propose_url = reverse("changes:propose", args=[kind.kind, item.pk])
    except Refused:
        propose_url = ""
    coverage = selectors.coverage(kind=kind.kind, item_id=item.pk, layer=kind.layer(item))
    return {
        "title": "Change control", "anchor": "change-control",
        "template": "changes/_item_panel.html",
        "propose_url": propose_url,
        "open": list(selectors.open_proposals_for(kind.kind, item.pk)),
        "coverage": coverage,
        "may_acknowledge": any(person.pk == user.pk for person in coverage.waiting),
        "acknowledge_url": reverse("changes:acknowledge", args=[kind.kind, item.pk]),
        "log_url": f"{reverse('changes:log')}?kind={kind.kind}&item={item.pk}",
    }


def governed_matrix(*, matrix, **_context):
    """On a governed matrix's page (slot ``raci.grid``): its rows change by proposal."""
    if matrix is None or not matrix.governed:
        return None
    return {"title": "Change control", "anchor": "change-control",
            "template": "changes/_matrix_panel.html",
            "log_url": f"{reverse('changes:log')}?kind=row"}
