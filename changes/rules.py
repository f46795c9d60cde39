"""Change control's pure rules: whether a change alters meaning (and so asks the layer
to acknowledge again), and the working days an acknowledgement may wait."""

from datetime import timedelta

from raci import rules as raci_rules

ACKNOWLEDGE_WITHIN_WORKING_DAYS = 3

# What carries an item's meaning, per kind. A RACI row's follows the sign-off rule
# (``raci.rules.SIGNED_FIELDS``: a description edit keeps the sign-offs, so it keeps the
# acknowledgements too); a ritual's agenda is its running order, not what it decides or
# when it meets.
MEANING = {
    "section": ("body",),
    "definition": ("body", "formula"),
    "row": tuple(name for name in raci_rules.SIGNED_FIELDS if name != "layer"),
    "ritual": ("name", "output", "rrule", "timezone"),
}


def _words(value):
    return " ".join(value.split()) if isinstance(value, str) else value


def alters_meaning(kind, before, after):
    """Whether going from ``before`` to ``after`` (an item's fields) changes what it
    means: a field of its meaning differs beyond spacing and line breaks."""
    return any(_words(before.get(name)) != _words(after.get(name)) for name in MEANING[kind])


def working_days_after(day, count):
    """The date ``count`` working days (Monday to Friday) after ``day``."""
    while count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day
