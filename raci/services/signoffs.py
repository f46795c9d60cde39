"""Sign-offs: a function's head signs the matrix's current version for it."""

from django.core.exceptions import ValidationError
from django.db import transaction

from raci import rules, selectors
from raci.models import SignOff
from raci.services.versions import VersionMoved, lock_matrix
from revops import audit, events, policy
from revops.errors import Refused
from revops.models import Function


@transaction.atomic
def signoff_create(*, matrix, actor, door, function=None, version=None):
    """The head of ``function`` signs off the matrix's current version for it.

    Without ``function`` the one function the actor heads is used. ``version``, when
    given, must be the current one (VersionMoved otherwise): you sign what you saw.
    Signing a version one has already signed returns that sign-off (a successor after a
    hand-over signs again: the former head's sign-off no longer counts).
    """
    policy.require_head(actor)  # before the input is read, like the pages and the API
    user = audit.user_or_none(actor)
    if user is None:
        raise Refused("A sign-off is given by a function's head in person, not by the system.")
    headed = list(Function.objects.filter(head=user).order_by("position"))
    if function is None:
        if not headed:
            raise Refused(policy.SIGN_OFF_REFUSED)
        if len(headed) > 1:
            raise ValidationError({"function": (
                f"You head {rules.names_and(f.name for f in headed)}; say which one you "
                f"are signing off for.")})
        function = headed[0]
    policy.require_sign_off(actor, function)
    matrix = lock_matrix(matrix)
    if version is not None and int(version) != matrix.version:
        raise VersionMoved(matrix=matrix, expected=version)
    existing = SignOff.objects.filter(matrix=matrix, function=function,
                                      version=matrix.version, signed_by=user).first()
    if existing:
        return existing
    signoff = SignOff.objects.create(
        matrix=matrix, function=function, version=matrix.version, signed_by=user,
        signed_by_name=actor.get_username(), snapshot=selectors.snapshot(matrix),
    )
    audit.record(actor=actor, door=door, action="sign_off", obj=signoff,
                 changes={"function": [None, function.name], "version": [None, matrix.version]})
    events.emit("raci.signed_off", {
        "matrix": matrix.pk, "version": matrix.version, "function": function.slug,
        "signed_by": actor.get_username(),
    })
    return signoff
