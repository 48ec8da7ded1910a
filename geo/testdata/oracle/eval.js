// Differential oracle for geo's opening_hours engine: evaluates values with
// opening_hours.js (npm "opening_hours") at given instants.
// stdin: one JSON object {"values": [...], "instants": [ms since epoch...],
//        "lat": "52.5", "lon": "13.4" (strings: numbers are ignored), "country_code": "de", "state": "Berlin"}
// stdout: one JSON line per value: {"ok": true, "s": "ocu…"} (one letter per
// instant: o open, c closed, u unknown) or {"ok": false, "err": "…"}.
// Run with TZ set to the place's time zone: opening_hours.js works in the
// process's local time.
'use strict';
const OH = require('opening_hours');
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (c) => { input += c; });
process.stdin.on('end', () => {
  const req = JSON.parse(input);
  const nominatim = { lat: req.lat, lon: req.lon, address: { country_code: req.country_code, state: req.state } };
  const dates = req.instants.map((ms) => new Date(ms));
  const out = [];
  for (const v of req.values) {
    let oh;
    try {
      oh = new OH(v, nominatim, { mode: 0 });
    } catch (e) {
      out.push(JSON.stringify({ ok: false, err: String(e).split('\n')[0] }));
      continue;
    }
    let s = '';
    try {
      for (const d of dates) {
        if (oh.getUnknown(d)) s += 'u';
        else s += oh.getState(d) ? 'o' : 'c';
      }
      out.push(JSON.stringify({ ok: true, s }));
    } catch (e) {
      out.push(JSON.stringify({ ok: false, err: 'evaluation: ' + String(e).split('\n')[0] }));
    }
  }
  process.stdout.write(out.join('\n') + '\n');
});
