// Calendar arithmetic for CEL date helpers: instants seen in a time zone, and 'YYYY-MM-DD' dates.

/** Baton's default zone for calendar questions ("which day", "which weekday"). */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

const DAY_MS = 86_400_000;
const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const weekdays: Readonly<Record<string, number>> = {
  Mon: 1,
  Tue: 2,
  Wed: 3,
  Thu: 4,
  Fri: 5,
  Sat: 6,
  Sun: 7,
};

// Building a DateTimeFormat is the expensive part of Intl: keep one per zone.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
    });
    if (formatters.size >= 64) formatters.clear();
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether the IANA time zone name is known to this host's Intl data. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface CalendarDay {
  readonly date: string;
  readonly weekday: number;
}

function calendarDayOf(instant: Date, timeZone: string): CalendarDay {
  let year = '';
  let month = '';
  let day = '';
  let weekday = 0;
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type === 'year') year = part.value.padStart(4, '0');
    else if (part.type === 'month') month = part.value;
    else if (part.type === 'day') day = part.value;
    else if (part.type === 'weekday') weekday = weekdays[part.value] ?? 0;
  }
  return { date: `${year}-${month}-${day}`, weekday };
}

/**
 * The calendar date of an instant in a time zone.
 * @example dateOf(new Date('2025-03-02T17:00:00Z')) // '2025-03-03' (01:00 in Shanghai)
 */
export function dateOf(instant: Date, timeZone: string = DEFAULT_TIME_ZONE): string {
  return calendarDayOf(instant, timeZone).date;
}

/**
 * The ISO weekday (1 = Monday … 7 = Sunday) of an instant in a time zone.
 * @example weekdayOf(new Date('2025-03-02T17:00:00Z')) // 1 (Monday in Shanghai)
 */
export function weekdayOf(instant: Date, timeZone: string = DEFAULT_TIME_ZONE): number {
  return calendarDayOf(instant, timeZone).weekday;
}

/**
 * Days since 1970-01-01 of a real calendar date 'YYYY-MM-DD'; null when malformed or impossible.
 * @example epochDayOf('1970-01-02') // 1
 */
export function epochDayOf(date: string): number | null {
  const m = datePattern.exec(date);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear puts them back.
  check.setUTCFullYear(year);
  if (year < 1 || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return Math.round(check.getTime() / DAY_MS);
}

/** The 'YYYY-MM-DD' date of a day number; the inverse of epochDayOf. */
export function dateOfEpochDay(epochDay: number): string {
  const d = new Date(epochDay * DAY_MS);
  const year = String(d.getUTCFullYear()).padStart(4, '0');
  const month = String(d.getUTCMonth() + 1).padStart(2, '0');
  const day = String(d.getUTCDate()).padStart(2, '0');
  return `${year}-${month}-${day}`;
}

/** The ISO weekday (1 = Monday … 7 = Sunday) of a day number. */
export function weekdayOfEpochDay(epochDay: number): number {
  // 1970-01-01 was a Thursday (4).
  return ((((epochDay + 3) % 7) + 7) % 7) + 1;
}
