"""Proposals made the way the product makes them: through the services."""

from changes import services
from revops.models import Door


def propose(item, by, *, body="A lead that asked for a demo.", reason="Sales only works "
            "demo requests.", **kwargs):
    fields = kwargs.pop("fields", {"body": body})
    return services.proposal_open(item=item, fields=fields, reason=reason, actor=by,
                                  door=Door.UI, **kwargs)
