"""Acknowledgements: "I read version N" by the people the change asks."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from changes import selectors
from changes.models import Acknowledgement
from revops import audit
from revops.errors import Refused


@transaction.atomic
def acknowledge(*, kind, item_id, layer, actor, door, version=None, now=None):
    """``actor`` read the item at the version its last meaningful change made. Only the
    people the change asks (the heads of its layer's R, A and C) acknowledge; naming a
    version that is no longer the one to read is a 400 on ``version``."""
    coverage = selectors.coverage(kind=kind, item_id=item_id, layer=layer)
    if actor is None or actor.pk not in {p.pk for p in (*coverage.acknowledged,
                                                         *coverage.waiting)}:
        raise Refused("Only the heads of the functions Responsible, Accountable or Consulted "
                      "on this item's layer acknowledge its changes.")
    if coverage.version is None:
        raise ValidationError({"version": "No change to this item asks for acknowledgement."})
    if version is not None and str(version) != coverage.version:
        raise ValidationError({"version": f"The version to read is {coverage.version}."})
    if Acknowledgement.objects.filter(kind=kind, item_id=item_id, version=coverage.version,
                                      person=actor).exists():
        raise ValidationError({"version": f"You have already acknowledged version "
                                          f"{coverage.version}."})
    acknowledgement = Acknowledgement(kind=kind, item_id=item_id, version=coverage.version,
                                      person=actor, at=now or timezone.now(), door=door)
    acknowledgement.full_clean(validate_constraints=False)
    acknowledgement.save()
    audit.record(actor=actor, door=door, action="acknowledge", obj=acknowledgement,
                 changes={"item": f"{kind} {item_id}", "version": coverage.version})
    return acknowledgement
