// Wall-clock time in an IANA zone: the zone's UTC offset at an instant, and the instant of a local time.
//
// Dates ('YYYY-MM-DD', epoch days, weekdays) come from runtime/cel/calendar.ts; this module adds the
// time of day. Offsets are read from Intl, so daylight-saving rules are exactly the host's tz data.

const DAY_MS = 86_400_000;

// Building a DateTimeFormat is the expensive part of Intl: keep one per zone.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    if (formatters.size >= 64) formatters.clear();
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * The zone's offset from UTC at an instant, in milliseconds (whole seconds).
 * @example offsetAt(Date.UTC(2025, 0, 1), 'Asia/Shanghai') // 28_800_000
 */
export function offsetAt(instantMs: number, timeZone: string): number {
  const fields = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
  let bc = false;
  for (const part of formatterFor(timeZone).formatToParts(instantMs)) {
    if (part.type === 'era') bc = part.value.startsWith('B');
    else if (part.type in fields) fields[part.type as keyof typeof fields] = Number(part.value);
  }
  const wall = new Date(0);
  // setUTCFullYear keeps years 0-99 as written (Date.UTC would map them to 1900-1999).
  wall.setUTCFullYear(bc ? 1 - fields.year : fields.year, fields.month - 1, fields.day);
  wall.setUTCHours(fields.hour % 24, fields.minute, fields.second);
  return wall.getTime() - Math.floor(instantMs / 1000) * 1000;
}

/**
 * The instant at which a zone's clocks show a wall time, given as "wall milliseconds": the local
 * date's epoch day × 86 400 000 plus the milliseconds since local midnight.
 *
 * Like Temporal's `disambiguation: 'compatible'`: a time skipped by a spring-forward gap is read
 * with the offset before the gap (so it lands after it), and a time repeated by a fall-back
 * overlap gives the earlier instant.
 * @example instantOfWallTime(epochDayOf('2025-03-03')! * 86_400_000 + 9 * 3_600_000, 'Asia/Shanghai')
 * // Date.parse('2025-03-03T01:00:00Z')
 */
export function instantOfWallTime(wallMs: number, timeZone: string): number {
  // A zone changes its offset at most once within a day either side of any real instant.
  const before = offsetAt(wallMs - DAY_MS, timeZone);
  const after = offsetAt(wallMs + DAY_MS, timeZone);
  if (before === after) {
    const t = wallMs - before;
    // Rare: two transitions within two days; fall back to what the offset at t itself says.
    return offsetAt(t, timeZone) === before ? t : wallMs - offsetAt(t, timeZone);
  }
  const early = wallMs - before;
  const late = wallMs - after;
  const earlyValid = offsetAt(early, timeZone) === before;
  const lateValid = offsetAt(late, timeZone) === after;
  if (earlyValid && lateValid) return Math.min(early, late);
  if (earlyValid) return early;
  if (lateValid) return late;
  return early;
}
