// Next fire times of a time trigger's properties, for the timeline.
// crontab: five fields (minute hour day month weekday) with *, lists,
// ranges and steps; calendar: the RRULE's FREQ and INTERVAL from DTSTART
// or start_time. Times are wall-clock times of the trigger's time zone
// (UTC when it has none).

const RANGES = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 7]];
const NAMES = {jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
  sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6};

function parseField(text, [lo, hi]) {
  const set = new Set();
  for (const part of text.toLowerCase().split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText ? parseInt(stepText, 10) : 1;
    let from = lo, to = hi;
    if (range !== '*') {
      const [a, b] = range.split('-').map((v) => (v in NAMES ? NAMES[v] : parseInt(v, 10)));
      if (Number.isNaN(a)) throw new Error(`bad crontab field ${text}`);
      from = a;
      to = b === undefined ? (stepText ? hi : a) : b;
    }
    for (let v = from; v <= to; v += step) set.add(v);
  }
  return set;
}

// Offset (ms) of zone at a UTC instant.
function zoneOffset(zone, utcMs) {
  if (!zone || zone === 'UTC') return 0;
  const parts = {};
  for (const p of new Intl.DateTimeFormat('en-US', {timeZone: zone, hourCycle: 'h23', year: 'numeric',
    month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric'}).formatToParts(new Date(utcMs))) {
    parts[p.type] = parseInt(p.value, 10);
  }
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) - utcMs;
}

function wallToUtc(zone, wallMs) {
  return wallMs - zoneOffset(zone, wallMs - zoneOffset(zone, wallMs));
}

function parseWall(text) {
  if (!text) return null;
  const m = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d)(?::(\d\d))?/.exec(text) || /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)?/.exec(text);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0)) : null;
}

function cronTimes(pattern, zone, fromWall, count, horizonDays) {
  const fields = pattern.trim().split(/\s+/);
  if (fields.length !== 5) throw new Error('a crontab pattern has five fields');
  const [mins, hours, days, months, dows] = fields.map((f, i) => parseField(f, RANGES[i]));
  if (dows.has(7)) dows.add(0);
  const anyDay = fields[2] === '*', anyDow = fields[4] === '*';
  const out = [];
  const start = new Date(fromWall);
  let day = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate());
  for (let i = 0; i < horizonDays && out.length < count; i++, day += 86400000) {
    const d = new Date(day);
    if (!months.has(d.getUTCMonth() + 1)) continue;
    const domOk = days.has(d.getUTCDate()), dowOk = dows.has(d.getUTCDay());
    const dayOk = anyDay && anyDow ? true : anyDay ? dowOk : anyDow ? domOk : domOk || dowOk;
    if (!dayOk) continue;
    for (const hr of [...hours].sort((a, b) => a - b)) {
      for (const mn of [...mins].sort((a, b) => a - b)) {
        const wall = day + hr * 3600000 + mn * 60000;
        if (wall > fromWall) out.push(new Date(wallToUtc(zone, wall)));
        if (out.length >= count) return out;
      }
    }
  }
  return out;
}

const FREQ = {SECONDLY: 1000, MINUTELY: 60000, HOURLY: 3600000, DAILY: 86400000, WEEKLY: 604800000};
const DRAWN_PARTS = new Set(['FREQ', 'INTERVAL', 'COUNT', 'WKST']);

// The engine's rule starts at start_time (a DTSTART of the pattern does
// not count); rules with BY... parts are not drawn (null), never guessed.
function calendarTimes(pattern, props, zone, fromWall, count) {
  const text = pattern.replace(/\\n/g, '\n');
  const rule = /RRULE:([^\r\n]+)/.exec(text);
  if (!rule) throw new Error('no RRULE');
  const parts = Object.fromEntries(rule[1].split(';').filter(Boolean).map((kv) => kv.split('=')));
  for (const key of Object.keys(parts)) if (!DRAWN_PARTS.has(key)) throw new Error(`${key} is not drawn`);
  const step = FREQ[parts.FREQ];
  if (!step) throw new Error(`FREQ ${parts.FREQ} is not drawn`);
  const interval = step * (parseInt(parts.INTERVAL || '1', 10) || 1);
  const anchor = parseWall(props.start_time);
  if (anchor === null) throw new Error('no start_time');
  const limit = parts.COUNT ? parseInt(parts.COUNT, 10) : Infinity;
  const out = [];
  let k = anchor > fromWall ? 0 : Math.floor((fromWall - anchor) / interval) + 1;
  for (; out.length < count && k < limit; k++) out.push(new Date(wallToUtc(zone, anchor + k * interval)));
  return out;
}

export function nextFires(props, count = 5, now = Date.now(), horizonDays = 400) {
  const zone = props.timezone || 'UTC';
  let fromWall = now + zoneOffset(zone, now);
  const start = parseWall(props.start_time);
  if (start && start > fromWall) fromWall = start - 1;
  const end = parseWall(props.end_time);
  const times = props.format === 'calendar'
    ? calendarTimes(props.pattern || '', props, zone, fromWall, count)
    : cronTimes(props.pattern || '', zone, fromWall, count, horizonDays);
  return end ? times.filter((t) => t.getTime() + zoneOffset(zone, t.getTime()) <= end) : times;
}
