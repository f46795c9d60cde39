"""Who may do what: the one place the roles of DESIGN.md §5 are decided.

UI views, DRF permissions and admin ``has_*_permission`` methods all ask here.
Objects that belong to a function (sections, rituals, occurrences…) expose
``owning_function_id``; the policy needs nothing else from the apps.
"""

from django.contrib.auth.models import Group

from revops.defaults import LEADS_GROUP


def _cached(user, attr, compute):
    if not hasattr(user, attr):
        setattr(user, attr, compute())
    return getattr(user, attr)


def is_active_user(user):
    return bool(user and user.is_authenticated and user.is_active)


def is_lead(user):
    """RevOps leads (and superusers) may do everything."""
    if not is_active_user(user):
        return False
    if user.is_superuser:
        return True
    return _cached(
        user, "_revops_is_lead", lambda: user.groups.filter(name=LEADS_GROUP).exists()
    )


def headed_function_ids(user):
    """Ids of the functions ``user`` heads (cached on the user for the request)."""
    if not is_active_user(user):
        return frozenset()
    return _cached(
        user,
        "_revops_headed",
        lambda: frozenset(user.headed_functions.values_list("id", flat=True)),
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
    """Only the head of a function signs the RACI off for it."""
    return is_active_user(user) and function.head_id == user.pk


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
