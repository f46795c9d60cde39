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
from datetime import UTC, date, datetime, timedelta
from functools import cache
from urllib.parse import urlsplit

from dateutil.rrule import rrulestr
from django.urls import reverse
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
    with yearly RRULEs, or one STANDARD block for a zone without DST; where no yearly
    rule says the coming three years, every change of offset in them, listed."""
    return Timezone.from_ical(_vtimezone(name, date.today().year))


@cache
def _vtimezone(name, year):
    """The conventional block, checked against zoneinfo for this year and the next two.

    Where the zone's footer rule does not describe the coming years (Casablanca's
    listed Ramadan changes) or no yearly RRULE can say it (Cairo's "day after the last
    Thursday" may fall in the next month), each change of those years is listed
    instead: a correct calendar beats a conventional one.
    """
    zone = zoneinfo.ZoneInfo(name)
    start = datetime(year, 1, 1, tzinfo=UTC)
    end = start.replace(year=year + 3)
    changes = tzrules.offset_changes(zone, start, end)
    try:
        block = _conventional_vtimezone(name)
    except ValueError:
        block = None
    if block is None or not _agrees(block, zone, start, end, changes):
        block = _listed_vtimezone(name, zone, start, changes)
    return block.to_ical()


def _agrees(block, zone, start, end, changes):
    """Whether ``block`` gives ``zone``'s offset at each change of either (and the minute
    before it) and at noon on the 1st of each of the 36 months from ``start``."""
    ours = block.to_tz(lookup_tzid=False)
    monthly = [start.replace(year=start.year + n // 12, month=n % 12 + 1, hour=12)
               for n in range(36)]
    changes = {*changes, *tzrules.offset_changes(ours, start, end)}
    moments = [*monthly, *changes, *(change - timedelta(minutes=1) for change in changes)]
    return all(moment.astimezone(ours).utcoffset() == moment.astimezone(zone).utcoffset()
               for moment in moments)


def _listed_vtimezone(name, zone, start, changes):
    """One observance for the offset at ``start`` and one per change after it. An
    observance starts at the local time *before* the change, read with its
    TZOFFSETFROM (RFC 5545 3.6.5): Cairo's clocks go from 00:00 to 01:00, so 00:00."""
    block = Timezone()
    block.add("TZID", name)
    block.add("X-LIC-LOCATION", name)
    first = start.astimezone(zone)
    # DAYLIGHT is the later offset, as for Dublin above: Casablanca's Ramadan hour back
    # is tzdata's negative DST, and clients read the rearguard form.
    winter = min([first.utcoffset(), *(change.astimezone(zone).utcoffset()
                                       for change in changes)])
    block.add_component(_listed_observance(first, first, first.replace(tzinfo=None), winter))
    for change in changes:
        before = (change - timedelta(minutes=1)).astimezone(zone)
        local = (change + before.utcoffset()).replace(tzinfo=None)
        block.add_component(_listed_observance(before, change.astimezone(zone), local, winter))
    return block


def _listed_observance(before, after, local_start, winter):
    observance = (TimezoneDaylight() if after.utcoffset() > winter
                  else TimezoneStandard())
    observance.add("TZNAME", after.tzname())
    observance.add("TZOFFSETFROM", before.utcoffset())
    observance.add("TZOFFSETTO", after.utcoffset())
    observance.add("DTSTART", local_start)
    return observance


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


def _base_event(ritual, *, uid, summary, start, site_url, occurrence=None):
    """One VEVENT. Its description links the meeting's page (carried action items, the
    outcome, recording): the occurrence's own for an event of one occurrence; for the
    recurring event, which stands for them all, the ritual's ``now/`` address, which
    opens the occurrence of the moment."""
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
    site = site_url.rstrip("/")
    meeting = site + (occurrence.get_absolute_url() if occurrence is not None
                      else reverse("cadence:ritual_now", args=[ritual.pk]))
    event.add("DESCRIPTION", f"{description}\n\nThis meeting (open action items, "
                             f"decisions, recording): {meeting}\n\n{link}".strip())
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
                                start=start, site_url=site_url, occurrence=occurrence)
            event.add("RECURRENCE-ID", start)
        else:
            event = _base_event(ritual, uid=f"occurrence-{occurrence.pk}@{host}",
                                summary=summary, start=start, site_url=site_url,
                                occurrence=occurrence)
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
