"""Human messages for the database constraints that hold our invariants.

Apps register ``{constraint_name: message}`` with ``register``; the API exception
handler, the forms and the admin turn an IntegrityError naming one into that message.
"""

_MESSAGES = {}


def register(messages):
    _MESSAGES.update(messages)


def message_for_integrity_error(exc):
    text = str(exc)
    cause = getattr(exc, "__cause__", None)
    diag = getattr(cause, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if name in _MESSAGES:
        return _MESSAGES[name]
    for known, message in _MESSAGES.items():
        if known in text:
            return message
    return None
