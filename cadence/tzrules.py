"""A zone's *current* DST rule, for VTIMEZONE blocks in the conventional form.

The last line of a TZif (v2+) file is a POSIX TZ string such as
``EST5EDT,M3.2.0,M11.1.0``: the rule in force now and from now on. Calendar clients
read one ``DAYLIGHT`` and one ``STANDARD`` observance with yearly RRULEs best (it is
what Outlook and vzic write); long RDATE lists, which tools that walk the zoneinfo
transitions produce, are misread by some parsers. ``dateutil.tz.tzstr`` reads the
simple strings but not the ``<+03>-3`` names or the extended hours (``/26``, ``/-1``)
that current tzdata uses, so the few lines of the POSIX grammar we need live here.
"""

import importlib.resources
import re
import zoneinfo
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # February: every year has 28
WEEKDAYS = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")  # POSIX counts from Sunday = 0

_NAME = r"(?:<[^>]+>|[A-Za-z]{3,})"
_OFFSET = r"[+-]?\d{1,3}(?::\d{1,2}(?::\d{1,2})?)?"
_POSIX = re.compile(
    rf"^(?P<std>{_NAME})(?P<stdoff>{_OFFSET})"
    rf"(?:(?P<dst>{_NAME})(?P<dstoff>{_OFFSET})?"
    rf"(?:,(?P<start>[^,]+),(?P<end>[^,]+))?)?$"
)
_DATE = re.compile(rf"^M(?P<m>\d{{1,2}})\.(?P<w>[1-5])\.(?P<d>[0-6])(?:/(?P<t>{_OFFSET}))?$")


@dataclass(frozen=True)
class Transition:
    """A yearly change: the ``week``-th (5 = last) ``weekday`` of ``month`` at ``at``
    after local midnight, in the wall-clock time in force before the change. ``at`` may
    be negative or beyond 24 hours (RFC 8536 extension)."""

    month: int
    week: int
    weekday: int
    at: timedelta


@dataclass(frozen=True)
class PosixZone:
    std_name: str
    std_offset: timedelta  # from UTC, east positive (the POSIX sign reversed)
    dst_name: str | None = None
    dst_offset: timedelta | None = None
    dst_start: Transition | None = None
    dst_end: Transition | None = None

    @property
    def has_dst(self):
        return self.dst_start is not None


def _seconds(text):
    sign = -1 if text.startswith("-") else 1
    pieces = [int(p) for p in text.lstrip("+-").split(":")]
    pieces += [0] * (3 - len(pieces))
    return sign * (pieces[0] * 3600 + pieces[1] * 60 + pieces[2])


def _transition(text):
    match = _DATE.match(text)
    if not match:
        raise ValueError(f"unsupported POSIX transition {text!r} (only Mm.w.d)")
    at = _seconds(match["t"]) if match["t"] else 2 * 3600
    return Transition(int(match["m"]), int(match["w"]), int(match["d"]), timedelta(seconds=at))


def parse(text):
    """A POSIX TZ string as a ``PosixZone``."""
    match = _POSIX.match(text.strip())
    if not match:
        raise ValueError(f"unreadable POSIX TZ string {text!r}")
    std_offset = timedelta(seconds=-_seconds(match["stdoff"]))
    if not match["dst"]:
        return PosixZone(match["std"].strip("<>"), std_offset)
    dst_offset = (timedelta(seconds=-_seconds(match["dstoff"])) if match["dstoff"]
                  else std_offset + timedelta(hours=1))
    if not match["start"]:
        # POSIX leaves the default rule to the implementation; tzdata always writes it.
        raise ValueError(f"POSIX TZ string {text!r} has DST but no rule")
    return PosixZone(match["std"].strip("<>"), std_offset, match["dst"].strip("<>"),
                     dst_offset, _transition(match["start"]), _transition(match["end"]))


def _tzif_bytes(name):
    for root in zoneinfo.TZPATH:
        path = Path(root, name)
        if path.is_file():
            return path.read_bytes()
    resource = importlib.resources.files("tzdata.zoneinfo").joinpath(*name.split("/"))
    return resource.read_bytes()


def posix_string(name):
    """The POSIX TZ footer of the zone's TZif file (v2+ files always carry one)."""
    data = _tzif_bytes(name)
    if not data.startswith(b"TZif") or data[4:5] < b"2":
        raise ValueError(f"zone {name!r} has no POSIX footer (TZif version 1)")
    footer = data.rstrip(b"\n").rsplit(b"\n", 1)[-1]
    return footer.decode("ascii")


def current_rule(name):
    return parse(posix_string(name))


def rrule_parts(transition):
    """The yearly RRULE parts and local time of day for a transition.

    A time beyond the day (``M3.4.4/26``: 02:00 the day after the fourth Thursday) moves
    the weekday and the window of month days with it, as vzic writes it:
    ``BYDAY=FR;BYMONTHDAY=23,24,25,26,27,28,29``.
    """
    days, rest = divmod(transition.at, timedelta(days=1))
    parts = {"FREQ": "YEARLY", "BYMONTH": str(transition.month)}
    if days == 0:
        week = -1 if transition.week == 5 else transition.week
        parts["BYDAY"] = f"{week}{WEEKDAYS[transition.weekday]}"
        return parts, rest
    if transition.week == 5:
        first = -7 + days
        month_days = list(range(first, first + 7))
        if max(month_days) >= 0:
            raise ValueError("a last-week transition moved into the next month")
    else:
        first = 7 * (transition.week - 1) + 1 + days
        month_days = list(range(first, first + 7))
        if min(month_days) < 1 or max(month_days) > _MONTH_DAYS[transition.month - 1]:
            raise ValueError("a transition moved out of its month")
    parts["BYDAY"] = WEEKDAYS[(transition.weekday + days) % 7]
    parts["BYMONTHDAY"] = ",".join(map(str, month_days))
    return parts, rest


def offset_changes(zone, start, end):
    """The instants (aware, UTC) in ``[start, end)`` at which ``zone``'s offset from UTC
    changes, to the minute: found day by day, then narrowed by halving. zoneinfo keeps
    its transitions to itself; asking it for offsets is the public way to find them."""
    minute = timedelta(minutes=1)
    found = []
    day = start
    while day < end:
        after = min(day + timedelta(days=1), end)
        offset = day.astimezone(zone).utcoffset()
        if after.astimezone(zone).utcoffset() != offset:
            low, high = day, after  # the change happens in (low, high]
            while high - low > minute:
                middle = low + max((high - low) // 2 // minute, 1) * minute
                if middle.astimezone(zone).utcoffset() == offset:
                    low = middle
                else:
                    high = middle
            found.append(high)
        day = after
    return found
