// Expand an iCalendar feed the way Thunderbird-family clients do (Mozilla's ical.js),
// using only the feed's own VTIMEZONE blocks. Prints one UTC instant per line.
// usage: node expand.cjs <ical.js dir> <from ISO> <to ISO> < feed.ics
const ICAL = require(require("path").join(process.argv[2], "node_modules/ical.js/dist/ical.es5.cjs"));
const from = Date.parse(process.argv[3]);
const to = Date.parse(process.argv[4]);
const text = require("fs").readFileSync(0, "utf8");
const root = new ICAL.Component(ICAL.parse(text));
for (const tz of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(tz);
}
const out = [];
for (const vevent of root.getAllSubcomponents("vevent")) {
  if (vevent.hasProperty("recurrence-id")) continue;
  const event = new ICAL.Event(vevent);
  const it = event.iterator();
  for (let next = it.next(); next; next = it.next()) {
    const ms = next.toUnixTime() * 1000;
    if (ms >= to) break;
    if (ms >= from) out.push(new Date(ms).toISOString());
    if (!event.isRecurring()) break;
  }
}
console.log(out.sort().join("\n"));
