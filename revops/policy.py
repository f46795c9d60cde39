"""Who may do what: the one place the roles of docs/design.md's "Seats and roles" are decided.

The ``can_*`` questions answer yes or no; the ``require_*`` guards raise ``Refused``.
Every write service calls a guard before anything else, so no door can skip it
(``actor=None`` is the system itself: tasks, migrations, commands, and is never
refused). Doors ask the ``can_*`` questions only to hide a button or scope a list,
and may call the service's guard early so that a refused person is refused before
their input is validated: the service asks again whatever the door did.

Objects that belong to a function (sections, rituals, occurrences…) expose
``owning_function_id``; the policy needs nothing else from the apps.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q

from revops.defaults import LEADS_GROUP, REVOPS_SEAT
from revops.errors import Refused
from revops.models import Function


def _cached(user, attr, compute):
    if not hasattr(user, attr):
        setattr(user, attr, compute())
    return getattr(user, attr)


def is_active_user(user):
    return bool(user and user.is_authenticated and user.is_active)


def lead_rights_q(prefix=""):
    """The people with lead rights, as a ``Q`` over users (``prefix`` reaches users
    through a relation): superusers, members of the leads group (an explicit grant),
    and whoever acts for the RevOps seat (its holder, or its deputy while it is vacant).
    Activity is not part of it: callers add ``is_active``."""
    return (
        Q(**{f"{prefix}is_superuser": True})
        | Q(**{f"{prefix}groups__name": LEADS_GROUP})
        | Q(**{f"{prefix}headed_functions__slug": REVOPS_SEAT})
        | Q(**{f"{prefix}deputy_functions__slug": REVOPS_SEAT,
               f"{prefix}deputy_functions__head__isnull": True})
    )


def seats_acted_for_q(user):
    """The seats (functions) ``user`` acts for, as a ``Q`` over functions: those they
    hold, and those they deputise while vacant."""
    return Q(head=user) | Q(head__isnull=True, deputy=user)


def is_lead(user):
    """RevOps leads may do everything: see ``lead_rights_q``."""
    if not is_active_user(user):
        return False
    if user.is_superuser:
        return True
    return _cached(
        user, "_revops_is_lead",
        lambda: get_user_model().objects.filter(lead_rights_q(), pk=user.pk).exists(),
    )


def headed_function_ids(user):
    """Ids of the functions ``user`` acts as head of: those whose seat they hold, and
    those whose vacant seat they cover as deputy (cached on the user for the request)."""
    if not is_active_user(user):
        return frozenset()
    return _cached(
        user,
        "_revops_headed",
        lambda: frozenset(Function.objects.filter(seats_acted_for_q(user))
                          .values_list("id", flat=True)),
    )


def is_head(user):
    return bool(headed_function_ids(user))


def can_view(user):
    """Every active signed-in user reads everything."""
    return is_active_user(user)


def can_administer(user):
    """Run books, releases, RACI rows, functions, webhooks: RevOps leads only."""
    return is_lead(user)


def can_change(user, obj):
    """Change an object that belongs to a function: leads, or the head of its owner."""
    if is_lead(user):
        return True
    owner_id = getattr(obj, "owning_function_id", None)
    return owner_id is not None and owner_id in headed_function_ids(user)


def can_own(user, function):
    """Give an object (a ritual…) to ``function``: leads, or the head of that function.
    Nobody but a lead may leave it without an owner (``function`` None)."""
    if is_lead(user):
        return True
    function_id = getattr(function, "pk", function)
    return function_id is not None and function_id in headed_function_ids(user)


def can_create_owned(user):
    """Create objects that belong to a function: leads, or the head of any function."""
    return can_administer(user) or is_head(user)


def can_hand_over(user):
    """Move an object (e.g. a run book section) to another function: RevOps leads only."""
    return is_lead(user)


def can_sign_off(user, function):
    """Only the head of a function signs the RACI off for it (or its deputy while the
    seat is vacant)."""
    return is_active_user(user) and function.pk in headed_function_ids(user)


def can_review(user, section, *, ritual=None):
    """Record that a section is still true: whoever may change it; and whoever records
    a held occurrence of ``ritual`` when the ritual's output is this section (that is
    how the cadence keeps the run book's stamps current)."""
    if can_change(user, section):
        return True
    return (
        ritual is not None
        and getattr(ritual, "output_section_id", None) == section.pk
        and can_change(user, ritual)
    )


def can_settle(user, item):
    """Close a to-do (an action item: done or dropped): whoever may change what it
    belongs to, and the person it is assigned to (``assignee_id``)."""
    if can_change(user, item):
        return True
    return is_active_user(user) and getattr(item, "assignee_id", None) == user.pk


def can_raise_concern(user):
    """Say a section looks out of date: every signed-in reader, viewers included."""
    return is_active_user(user)


def can_manage_tokens_of(user, owner):
    """API and calendar feed tokens: their owner, and RevOps leads for anyone."""
    return is_active_user(user) and (user.pk == getattr(owner, "pk", owner) or is_lead(user))


def can_edit_profile_of(user, person):
    """A profile (the zone pages are shown in): its person, and RevOps leads for anyone."""
    return is_active_user(user) and (user.pk == getattr(person, "pk", person) or is_lead(user))


def can_view_holdings_of(user, person):
    """What a person holds (the departure drill): RevOps leads see anyone's, a person
    their own."""
    return is_active_user(user) and (is_lead(user) or user.pk == getattr(person, "pk", person))


# Guards: the same questions, asked by the services. ``actor=None`` is the system. ---------

ADMINISTER_REFUSED = "Only RevOps leads may do this."
CHANGE_REFUSED = "Only RevOps leads and the head of the owning function may do this."
SIGN_OFF_REFUSED = "You head no function, so there is nothing to sign off."
CONSOLE_REFUSED = (
    "The console is for function heads and leads: RevOps leads and the head of each "
    "function. You can read everything in the app itself; ask a RevOps lead if you "
    "should head a function."
)


def _require(actor, allowed, message):
    if actor is not None and not allowed():
        raise Refused(message)


def require_administer(actor):
    _require(actor, lambda: can_administer(actor), ADMINISTER_REFUSED)


def require_change(actor, obj):
    _require(actor, lambda: can_change(actor, obj), CHANGE_REFUSED)


def _lock_row(obj):
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)


def locked_for_change(actor, obj, *, lock=_lock_row):
    """``obj`` re-read under its row lock, once ``actor`` may change it as it is now;
    ``Refused`` otherwise. A guard asked of an instance read earlier could pass on an
    owner that changed since (a hand-over committed between the read and the write), so
    the row is locked and re-read first and the guard runs on that, in one call, before
    the service reads any of its input. ``lock`` re-reads it: by default a new instance
    of the row; a document passes its own, which refreshes the caller's instance.
    Returns the locked row."""
    locked = lock(obj)
    require_change(actor, locked)
    return locked


def require_settle(actor, item):
    _require(actor, lambda: can_settle(actor, item),
             "Only the person it is assigned to, RevOps leads and the head of the "
             "owning function may close this.")


def locked_for_settle(actor, item, *, lock=_lock_row):
    """``locked_for_change`` for closing a to-do: the settle guard, on the locked row."""
    locked = lock(item)
    require_settle(actor, locked)
    return locked


def locked_for_review(actor, document, *, lock, ritual=None, kind="sections"):
    """``locked_for_change`` for recording a review: the review guard, on the locked row."""
    locked = lock(document)
    require_review(actor, locked, ritual=ritual, kind=kind)
    return locked


def require_create_owned(actor):
    _require(actor, lambda: can_create_owned(actor),
             "Only RevOps leads and function heads may do this.")


def require_own(actor, function):
    _require(actor, lambda: can_own(actor, function),
             "You may give this only to a function you head." if function is not None
             else "Only RevOps leads may leave this without an owning function.")


def require_hand_over(actor):
    _require(actor, lambda: can_hand_over(actor),
             "Only RevOps leads may change the owner (hand this to another function).")


def require_review(actor, document, *, ritual=None, kind="sections"):
    """``kind`` names what ``document`` is in the refusal (a section, a definition…):
    the rule is the same for every reviewed document, the wording is not."""
    _require(actor, lambda: can_review(actor, document, ritual=ritual),
             f"You may review only {kind} your function owns, not “{document}”.")


def require_head(actor):
    """Signing for a function at all (a RACI sign-off, a definition's agreement): asked
    before the input says which function; ``require_sign_off`` then asks about it."""
    _require(actor, lambda: is_head(actor), SIGN_OFF_REFUSED)


def require_sign_off(actor, function):
    _require(actor, lambda: can_sign_off(actor, function),
             f"Only the head of {function.name} signs off for it.")


def require_raise_concern(actor):
    _require(actor, lambda: can_raise_concern(actor),
             "Sign in to say that a section looks out of date.")


def require_manage_tokens_of(actor, owner):
    _require(actor, lambda: can_manage_tokens_of(actor, owner),
             "Only the token's owner and RevOps leads may do this.")


def require_edit_profile_of(actor, person):
    _require(actor, lambda: can_edit_profile_of(actor, person),
             "Only the person themselves and RevOps leads may change a profile.")


def require_view_holdings_of(actor, person):
    _require(actor, lambda: can_view_holdings_of(actor, person),
             "Only RevOps leads and the person themselves may see what a person holds.")


ROLE_LABELS = {
    "anonymous": "Signed out",
    "lead": "RevOps lead",
    "head": "Function head",
    "viewer": "Viewer",
}


def role_of(user):
    if not is_active_user(user):
        return "anonymous"
    if is_lead(user):
        return "lead"
    if is_head(user):
        return "head"
    return "viewer"


def ensure_leads_group():
    return Group.objects.get_or_create(name=LEADS_GROUP)[0]
