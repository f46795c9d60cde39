"""The iCalendar feed, built for the clients people really use.

- One VEVENT per ritual with a stable ``UID`` and the ritual's RRULE; ``SEQUENCE`` is
  the ritual's change counter, so clients replace their copy on every change.
- ``DTSTART`` carries the ritual's zone (``TZID``) and a ``VTIMEZONE`` for every zone
  used, in the conventional form (see ``tzrules``): Outlook shifts times without one.
- A skipped occurrence stays visible as an override instance titled "Skipped: …"
  (Google hides cancelled instances).
- Occurrences kept from an earlier schedule (or of an inactive ritual) are single
  events of their own, so the feed expands to exactly the occurrences we hold.
"""

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from urllib.parse import urlsplit

from dateutil.rrule import rrulestr
from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vDuration,
    vRecur,
)

from cadence import tzrules

PRODID = "-//RevOps operating model//Cadence//EN"
REFRESH = timedelta(hours=1)


def _observance(cls, *, name, offset_from, offset_to, transition):
    parts, at = tzrules.rrule_parts(transition)
    rule = ";".join(f"{k}={v}" for k, v in parts.items())
    first = rrulestr(rule, dtstart=datetime(1970, 1, 1)).after(datetime(1970, 1, 1), inc=True)
    block = cls()
    block.add("TZNAME", name)
    block.add("TZOFFSETFROM", offset_from)
    block.add("TZOFFSETTO", offset_to)
    block.add("DTSTART", first + at)
    block.add("RRULE", vRecur.from_ical(rule))
    return block


def vtimezone(name):
    """A VTIMEZONE for the IANA zone ``name``: one DAYLIGHT and one STANDARD observance
    with yearly RRULEs, or one STANDARD block for a zone without DST."""
    return Timezone.from_ical(_vtimezone(name, date.today().year))


@cache
def _vtimezone(name, year):
    """The conventional block, checked against zoneinfo for this year and the next two.

    Where the zone's footer rule does not describe the coming years (Casablanca's
    listed Ramadan changes) or no yearly RRULE can say it (Cairo's "day after the last
    Thursday" may fall in the next month), icalendar's transition list is used instead:
    a correct calendar beats a conventional one.
    """
    start, end = date(year, 1, 1), date(year + 3, 1, 1)
    try:
        block = _conventional_vtimezone(name)
    except ValueError:
        block = None
    if block is None or not _agrees(block, name, start, end):
        block = Timezone.from_tzid(name, first_date=start, last_date=end)
    return block.to_ical()


def _agrees(block, name, start, end):
    ours, real = block.to_tz(lookup_tzid=False), zoneinfo.ZoneInfo(name)
    moment = datetime.combine(start, time(0), tzinfo=UTC)
    stop = datetime.combine(end, time(0), tzinfo=UTC)
    while moment < stop:
        if moment.astimezone(ours).utcoffset() != moment.astimezone(real).utcoffset():
            return False
        moment += timedelta(hours=6)
    return True


def _conventional_vtimezone(name):
    rule = tzrules.current_rule(name)
    block = Timezone()
    block.add("TZID", name)
    block.add("X-LIC-LOCATION", name)
    if not rule.has_dst:
        standard = TimezoneStandard()
        standard.add("TZNAME", rule.std_name)
        standard.add("TZOFFSETFROM", rule.std_offset)
        standard.add("TZOFFSETTO", rule.std_offset)
        standard.add("DTSTART", datetime(1970, 1, 1))
        block.add_component(standard)
        return block
    summer = {"name": rule.dst_name, "offset_from": rule.std_offset,
              "offset_to": rule.dst_offset, "transition": rule.dst_start}
    winter = {"name": rule.std_name, "offset_from": rule.dst_offset,
              "offset_to": rule.std_offset, "transition": rule.dst_end}
    if rule.dst_offset < rule.std_offset:
        # Dublin's "negative DST" (IST is standard, GMT the winter change): clients
        # expect DAYLIGHT to be the later offset, as tzdata's rearguard format writes it.
        summer, winter = winter, summer
    block.add_component(_observance(TimezoneDaylight, **summer))
    block.add_component(_observance(TimezoneStandard, **winter))
    return block


def _host(site_url):
    return urlsplit(site_url).hostname or "revops.invalid"


def _local(moment, tz):
    """A wall-clock time in the ritual's zone, as icalendar writes it with ``TZID``."""
    return moment.astimezone(tz)


def _base_event(ritual, *, uid, summary, start, site_url):
    event = Event()
    event.add("UID", uid)
    event.add("DTSTAMP", ritual.updated_at.astimezone(UTC))
    event.add("CREATED", ritual.created_at.astimezone(UTC))
    event.add("LAST-MODIFIED", ritual.updated_at.astimezone(UTC))
    event.add("SEQUENCE", ritual.sequence)
    event.add("SUMMARY", summary)
    event.add("DTSTART", start)
    event.add("DURATION", timedelta(minutes=ritual.duration_minutes))
    link = f"{site_url.rstrip('/')}{ritual.get_absolute_url()}"
    event.add("URL", link)
    description = (ritual.agenda or "").strip()
    if ritual.output:
        description = f"Output: {ritual.output}\n\n{description}".strip()
    event.add("DESCRIPTION", f"{description}\n\n{link}".strip())
    event.add("CATEGORIES", [ritual.get_horizon_display()])
    return event


def ritual_events(ritual, occurrences, *, site_url):
    """The VEVENTs of one ritual. ``occurrences`` need only be those the rule does not
    describe by itself: skipped ones and ones from before the current schedule."""
    host = _host(site_url)
    tz = ritual.tz
    events = []
    schedule = ritual.schedule()
    first = schedule.upcoming(schedule.starts_at, 1) if ritual.active else []
    if first:
        master = _base_event(ritual, uid=f"ritual-{ritual.pk}@{host}", summary=ritual.name,
                             start=first[0], site_url=site_url)
        master.add("RRULE", vRecur.from_ical(schedule.rule))
        events.append(master)
    for occurrence in occurrences:
        start = _local(occurrence.scheduled_for, tz)
        skipped = occurrence.status == "skipped"
        summary = f"Skipped: {ritual.name}" if skipped else ritual.name
        in_rule = bool(first) and occurrence.scheduled_for >= ritual.schedule_start and bool(
            schedule.between(occurrence.scheduled_for,
                             occurrence.scheduled_for + timedelta(seconds=1)))
        if in_rule:
            if not skipped:
                continue
            event = _base_event(ritual, uid=f"ritual-{ritual.pk}@{host}", summary=summary,
                                start=start, site_url=site_url)
            event.add("RECURRENCE-ID", start)
        else:
            event = _base_event(ritual, uid=f"occurrence-{occurrence.pk}@{host}",
                                summary=summary, start=start, site_url=site_url)
        if skipped:
            event.add("TRANSP", "TRANSPARENT")
        events.append(event)
    return events


def feed(rituals, occurrences_by_ritual, *, name, site_url):
    """The whole ``text/calendar`` body for ``rituals``."""
    cal = Calendar()
    cal.add("PRODID", PRODID)
    cal.add("VERSION", "2.0")
    cal.add("CALSCALE", "GREGORIAN")
    cal.add("METHOD", "PUBLISH")
    cal.add("X-WR-CALNAME", name)
    cal.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("X-PUBLISHED-TTL", vDuration(REFRESH))
    events = []
    for ritual in rituals:
        events.extend(ritual_events(ritual, occurrences_by_ritual.get(ritual.pk, ()),
                                    site_url=site_url))
    zones = sorted({str(e["DTSTART"].dt.tzinfo) for e in events})
    for zone_name in zones:
        cal.add_component(vtimezone(zone_name))
    for event in events:
        cal.add_component(event)
    return cal.to_ical()
