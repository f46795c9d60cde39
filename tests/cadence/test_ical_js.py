"""The feed read by Mozilla's ical.js (what Thunderbird-family clients use): its events,
placed with the feed's own VTIMEZONEs, land on exactly the occurrences we hold.

Runs where Node and ical.js are available: set ``ICALJS_DIR`` to a folder where
``npm install ical.js`` was run (see ENVIRONMENT.md); skipped otherwise.
"""

import os
import shutil
import subprocess
import zoneinfo
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from cadence import ical, services, tzrules
from cadence.models import Occurrence
from revops.models import Door
from tests.cadence.factories import ritual as make_ritual

ICALJS_DIR = os.environ.get("ICALJS_DIR", "")
SCRIPT = Path(__file__).parent / "js" / "expand.cjs"
PLACE = Path(__file__).parent / "js" / "local_to_utc.cjs"
NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not (shutil.which("node") and ICALJS_DIR
                            and Path(ICALJS_DIR, "node_modules", "ical.js").is_dir()),
                       reason="needs node and ICALJS_DIR with ical.js installed"),
]


def test_icaljs_expands_the_feed_to_exactly_our_occurrences(client, lead):
    with time_machine.travel(NOW, tick=False) as frozen:
        weekly = make_ritual()
        make_ritual(name="Hygiene", horizon="daily", timezone="Europe/London",
                    rrule="FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=8;BYMINUTE=45",
                    duration_minutes=15)
        make_ritual(name="QBR", horizon="quarterly", timezone="Australia/Sydney",
                    rrule="FREQ=MONTHLY;INTERVAL=3;BYDAY=+2WE;BYHOUR=10;BYMINUTE=0")
        # Chile changes clocks at 24:00 on a Saturday. (Saturday 23:30 on the fall-back
        # night happens twice: RFC 5545 and we take the first, ical.js the second, so
        # this test stays clear of that hour.)
        make_ritual(name="Night shift", horizon="weekly", timezone="America/Santiago",
                    rrule="FREQ=WEEKLY;BYDAY=SA;BYHOUR=21;BYMINUTE=30")
        frozen.shift(timedelta(days=20))
        services.occurrence_record(occurrence=weekly.occurrences.first(), status="held",
                                   actor=lead, door=Door.CLI)
        services.ritual_update(ritual=weekly, actor=lead, door=Door.CLI,
                               rrule="FREQ=WEEKLY;BYDAY=TH;BYHOUR=17;BYMINUTE=0")
        token = services.feed_token_create(user=lead, actor=lead, door=Door.UI)[1]
        body = client.get(f"/cadence/feed/{token}.ics").content
    start, end = NOW - timedelta(days=30), NOW + timedelta(days=360)
    result = subprocess.run(
        ["node", str(SCRIPT), ICALJS_DIR, start.isoformat(), end.isoformat()],
        input=body, capture_output=True, check=True, timeout=60,
    )
    theirs = {datetime.fromisoformat(line.replace("Z", "+00:00"))
              for line in result.stdout.decode().split()}
    ours = set(Occurrence.objects.filter(scheduled_for__gte=start, scheduled_for__lt=end)
               .values_list("scheduled_for", flat=True))
    assert len(ours) > 300
    assert theirs == ours


@pytest.mark.parametrize("name", ["Africa/Cairo", "Africa/Casablanca", "America/New_York",
                                  "America/Santiago", "Europe/Dublin", "Australia/Lord_Howe"])
def test_icaljs_places_local_times_with_our_vtimezone_as_the_zone_database_does(name):
    """Around every change of offset in three years (90 minutes either side, clear of
    any repeated or skipped hour) and at noon on the 1st of every month. Cairo and
    Casablanca are the listed blocks: icalendar's own listing put Cairo's summer and
    Casablanca's Ramadan an hour off in ical.js."""
    zone = zoneinfo.ZoneInfo(name)
    with time_machine.travel(NOW, tick=False):
        block = ical.vtimezone(name).to_ical()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    moments = [start.replace(year=2026 + n // 12, month=n % 12 + 1, hour=12) for n in range(36)]
    for change in tzrules.offset_changes(zone, start, start.replace(year=2029)):
        moments += [change - timedelta(minutes=90), change + timedelta(minutes=90)]
    locals_ = [m.astimezone(zone).replace(tzinfo=None).isoformat() for m in moments]
    result = subprocess.run(["node", str(PLACE), ICALJS_DIR, *locals_], input=block,
                            capture_output=True, check=True, timeout=60)
    theirs = [datetime.fromisoformat(line.split()[1].replace("Z", "+00:00"))
              for line in result.stdout.decode().splitlines()]
    assert theirs == moments
