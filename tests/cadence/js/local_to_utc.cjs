// Place local wall-clock times with one VTIMEZONE the way Thunderbird-family clients do
// (Mozilla's ical.js). Prints "<local> <UTC ISO>" per time.
// usage: node local_to_utc.cjs <ical.js dir> <local ISO>... < vtimezone.ics
const ICAL = require(require("path").join(process.argv[2], "node_modules/ical.js/dist/ical.es5.cjs"));
const text = require("fs").readFileSync(0, "utf8");
const zone = new ICAL.Timezone(new ICAL.Component(ICAL.parse(text)));
for (const local of process.argv.slice(3)) {
  const time = ICAL.Time.fromDateTimeString(local);
  time.zone = zone;
  console.log(local, new Date(time.toUnixTime() * 1000).toISOString());
}
