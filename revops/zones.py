"""Time zones as people read them: which IANA names are real, and how to say one.

Rituals run in their own zone and each person reads the product in theirs; both are
checked against the same list, and both are named the same way on every page.
"""

import zoneinfo
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError

# Files in the zoneinfo directory that are not zones anyone lives in.
NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})


@lru_cache(maxsize=1)
def known_zones():
    return frozenset(zoneinfo.available_timezones()) - NOT_ZONES


def unknown_zone_message(name):
    return f"Unknown time zone {name!r}: use an IANA name such as Europe/Paris."


def validate_time_zone(name):
    """The model validator: an IANA name the server's zoneinfo knows."""
    if name not in known_zones():
        raise ValidationError(unknown_zone_message(name), code="unknown_zone")


def default_zone():
    return settings.TIME_ZONE


def words(name):
    """``America/New_York`` → "New York time"; UTC stays "UTC". The city is what people
    say ("09:00 London time"); the region prefix adds nothing they would miss."""
    name = str(name)
    if name in {"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Zulu", "Etc/Zulu", "GMT", "Etc/GMT"}:
        return "UTC"
    if "/" not in name or name.startswith("Etc/"):
        return name
    return f"{name.rsplit('/', 1)[-1].replace('_', ' ')} time"
