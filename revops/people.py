"""How a person is named wherever the app shows one, whether they can sign in yet, and
the row locks every write that names a person takes."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from revops.models import ExternalIdentity

HELD_BY_ACTIVE = ("Nothing is held by someone who cannot sign in: a seat, a deputyship or "
                  "a ritual goes to an active person.")


def name_of(user):
    """Full name, falling back to the username; '' for nobody (a system write, a deleted
    account), so a template can say ``|default:"system"``."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def awaiting_first_sign_in(user):
    """True for someone who has no way in yet: no usable password, no identity at a
    single sign-on provider, never signed in — an invited head before they accept.

    Such a person may be given a one-time link to choose a password (or to join their
    provider identity): it gives them nothing a sign-in of theirs would not. Anyone else
    already has a way in, and a link for them would be a password reset nobody asked
    for."""
    return (not user.has_usable_password() and user.last_login is None
            and not ExternalIdentity.objects.filter(user=user).exists())


def lock_people(*people):
    """Lock the rows of ``people`` in id order, the one order every write that locks
    people uses, so two crossed hand-overs (a → b and b → a) queue instead of
    deadlocking. ``FOR NO KEY UPDATE``: rows that merely refer to a person (an audit
    entry naming its actor) do not wait for it. Returns them fresh, in the order given."""
    ids = [p.pk for p in people]
    locked = {u.pk: u for u in get_user_model().objects.select_for_update(no_key=True)
              .filter(pk__in=ids).order_by("pk")}
    return [locked[pk] for pk in ids]


def lock_active(named):
    """Lock the people a write is about to give something to (``named``: ``(field,
    person)`` pairs, ``None`` for nobody) and refuse, keyed by each field, any who is
    deactivated. The rows are locked as the hand-over locks them (``lock_people``), so a
    deactivating hand-over and this write queue: whichever comes second sees the first's
    result — the hand-over moves what was just given, or the giving is refused. Call it
    before locking the row that receives the person, as the hand-over does."""
    named = [(field, person) for field, person in named if person is not None]
    if not named:
        return
    locked = dict(zip((p.pk for _, p in named), lock_people(*(p for _, p in named)), strict=True))
    errors = {}
    for field, person in named:
        if not locked[person.pk].is_active:
            errors.setdefault(field, [
                f"“{person.get_username()}” is deactivated. {HELD_BY_ACTIVE}"])
    if errors:
        raise ValidationError(errors)
