"""Acknowledgements: "I read version N" by the people the change asks."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from changes import items, selectors
from changes.models import Acknowledgement
from revops import audit
from revops.errors import Refused


@transaction.atomic
def acknowledge(*, item, actor, door, version=None, now=None):
    """``actor`` read ``item`` at the version its last meaningful change made. Only the
    people the change asks (the heads of its layer's R, A and C) acknowledge; naming a
    version that is no longer the one to read is a 400 on ``version``."""
    kind = items.kind_of(item)
    if kind is None:
        raise ValidationError({"item": "Only governed items' changes are acknowledged."})
    coverage = selectors.coverage(kind=kind.kind, item_id=item.pk, layer=kind.layer(item))
    if actor is None or actor.pk not in {p.pk for p in (*coverage.acknowledged,
                                                         *coverage.waiting)}:
        raise Refused("Only the heads of the functions Responsible, Accountable or Consulted "
                      "on this item's layer acknowledge its changes.")
    if coverage.version is None:
        raise ValidationError({"version": "No change to this item asks for acknowledgement."})
    if version is not None and str(version) != coverage.version:
        raise ValidationError({"version": f"The version to read is {coverage.version}."})
    if Acknowledgement.objects.filter(kind=kind.kind, item_id=item.pk,
                                      version=coverage.version, person=actor).exists():
        raise ValidationError({"version": f"You have already acknowledged version "
                                          f"{coverage.version}."})
    acknowledgement = Acknowledgement(kind=kind.kind, item_id=item.pk, version=coverage.version,
                                      person=actor, at=now or timezone.now(), door=door)
    acknowledgement.full_clean(validate_constraints=False)
    acknowledgement.save()
    audit.record(actor=actor, door=door, action="acknowledge", obj=acknowledgement,
                 changes={"item": f"{kind.kind} {item.pk}", "version": coverage.version})
    return acknowledgement
