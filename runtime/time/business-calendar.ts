// Working-hours calendars: when a space's clock runs for SLAs (weekly hours, holidays, 调休 days).
import { z } from 'zod';
import {
  dateOf,
  DEFAULT_TIME_ZONE,
  epochDayOf,
  isTimeZone,
  weekdayOfEpochDay,
} from '../cel/calendar';
import { localizedTextSchema } from '../definition/field-schema';
import { instantOfWallTime } from './wall-clock';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** How far a search for working time may look ahead before the calendar is declared closed. */
const MAX_SCAN_DAYS = 366 * 200;

const timeOfDayPattern = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;

const isTime = (s: string): boolean => timeOfDayPattern.test(s);

function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/** A time of day 'HH:MM' on the 24-hour clock; '24:00' ends an interval at midnight. */
export const timeOfDaySchema = z
  .string()
  .regex(timeOfDayPattern, 'must be a time of day HH:MM from 00:00 to 24:00, e.g. 09:00');

/** One stretch of working time within a day, from `from` (inclusive) to `to` (exclusive). */
export const workingIntervalSchema = z
  .object({ from: timeOfDaySchema, to: timeOfDaySchema })
  .strict()
  .refine((i) => !isTime(i.from) || !isTime(i.to) || minutesOf(i.from) < minutesOf(i.to), {
    message: 'must end after it starts (intervals cannot cross midnight)',
    path: ['to'],
  });

/** A day's working intervals, in order and not overlapping (e.g. 09:00–12:00 and 13:30–18:00). */
export const workingHoursSchema = z
  .array(workingIntervalSchema)
  .max(12)
  .superRefine((intervals, ctx) => {
    for (let i = 1; i < intervals.length; i++) {
      const previous = intervals[i - 1];
      const current = intervals[i];
      if (previous && current && minutesOf(current.from) < minutesOf(previous.to)) {
        ctx.addIssue({
          code: 'custom',
          message: `must start at or after ${previous.to}: intervals go in order without overlapping`,
          path: [i, 'from'],
        });
      }
    }
  });

/** A real calendar date 'YYYY-MM-DD'. */
export const calendarDateSchema = z
  .string()
  .refine((s) => epochDayOf(s) !== null, 'must be a real date YYYY-MM-DD, e.g. 2025-10-01');

const weekdayKeys = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type WeekdayKey = (typeof weekdayKeys)[number];

/** Working hours per weekday; a weekday left out is a day off. */
export const weeklyHoursSchema = z
  .object({
    mon: workingHoursSchema.optional(),
    tue: workingHoursSchema.optional(),
    wed: workingHoursSchema.optional(),
    thu: workingHoursSchema.optional(),
    fri: workingHoursSchema.optional(),
    sat: workingHoursSchema.optional(),
    sun: workingHoursSchema.optional(),
  })
  .strict();

/** A date worked with the given hours whatever its weekday says: a 调休 make-up day. */
export const makeUpDaySchema = z
  .object({ date: calendarDateSchema, hours: workingHoursSchema.min(1) })
  .strict();

/**
 * A space's working-hours calendar. Times are wall-clock times in `timeZone`; holidays win over
 * weekly hours, and make-up days replace a date's weekly hours (usually a weekend's none).
 */
export const businessCalendarSchema = z
  .object({
    /** Name shown to people, e.g. 中国大陆工作日 / Mainland China working days. */
    label: localizedTextSchema,
    /** IANA time zone the hours are read in. */
    timeZone: z
      .string()
      .refine(isTimeZone, 'must be an IANA time zone known to Intl, e.g. Asia/Shanghai')
      .default(DEFAULT_TIME_ZONE),
    weeklyHours: weeklyHoursSchema,
    /** Dates off whatever their weekday. */
    holidays: z.array(calendarDateSchema).max(5_000).default([]),
    makeUpDays: z.array(makeUpDaySchema).max(1_000).default([]),
  })
  .strict()
  .superRefine((calendar, ctx) => {
    if (!weekdayKeys.some((k) => (calendar.weeklyHours[k]?.length ?? 0) > 0)) {
      ctx.addIssue({
        code: 'custom',
        message: 'needs working hours on at least one weekday, or the clock would never run',
        path: ['weeklyHours'],
      });
    }
    const holidays = new Set(calendar.holidays);
    const seen = new Set<string>();
    calendar.makeUpDays.forEach((day, i) => {
      if (holidays.has(day.date)) {
        const message = `${day.date} is listed both as a holiday and as a make-up day`;
        ctx.addIssue({ code: 'custom', message, path: ['makeUpDays', i, 'date'] });
      }
      if (seen.has(day.date)) {
        const message = `${day.date} is listed twice as a make-up day`;
        ctx.addIssue({ code: 'custom', message, path: ['makeUpDays', i, 'date'] });
      }
      seen.add(day.date);
    });
  });

/** A validated calendar (defaults applied); the input form is `z.input<typeof …>`. */
export type BusinessCalendar = z.output<typeof businessCalendarSchema>;
export type WorkingInterval = z.output<typeof workingIntervalSchema>;

/** A day's intervals as minutes since local midnight, `[from, to)`. */
type Spans = readonly (readonly [number, number])[];

interface CompiledCalendar {
  readonly timeZone: string;
  /** Index 1 = Monday … 7 = Sunday. */
  readonly weekly: readonly Spans[];
  readonly holidays: ReadonlySet<number>;
  readonly makeUpDays: ReadonlyMap<number, Spans>;
  /** Last epoch day with an exception; after it only the weekly hours apply. */
  readonly lastListedDay: number;
  readonly weeklyOpen: boolean;
}

function spansOf(hours: readonly WorkingInterval[] | undefined): Spans {
  return (hours ?? []).map((i) => [minutesOf(i.from), minutesOf(i.to)] as const);
}

function compile(calendar: BusinessCalendar): CompiledCalendar {
  const weekly = [[], ...weekdayKeys.map((k) => spansOf(calendar.weeklyHours[k]))];
  const holidays = new Set(calendar.holidays.map((d) => epochDayOf(d) ?? NaN));
  const makeUpDays = new Map(
    calendar.makeUpDays.map((d) => [epochDayOf(d.date) ?? NaN, spansOf(d.hours)] as const),
  );
  const listed = [...holidays, ...makeUpDays.keys()].filter((d) => !Number.isNaN(d));
  return {
    timeZone: calendar.timeZone,
    weekly,
    holidays,
    makeUpDays,
    lastListedDay: listed.length > 0 ? Math.max(...listed) : -Infinity,
    weeklyOpen: weekly.some((spans) => spans.length > 0),
  };
}

function spansOn(cal: CompiledCalendar, day: number): Spans {
  if (cal.holidays.has(day)) return [];
  return cal.makeUpDays.get(day) ?? cal.weekly[weekdayOfEpochDay(day)] ?? [];
}

// Local midnights are looked up again and again when many records share a calendar: remember them.
const midnights = new Map<string, number>();

function midnightOf(day: number, timeZone: string): number {
  const key = `${timeZone}|${day}`;
  let t = midnights.get(key);
  if (t === undefined) {
    t = instantOfWallTime(day * DAY_MS, timeZone);
    if (midnights.size >= 8_192) midnights.clear();
    midnights.set(key, t);
  }
  return t;
}

/**
 * The working intervals `[start, end)` as instants, in order, from the one containing `fromMs`
 * (clipped to start there) onwards. Whole days are taken at once, never minute by minute.
 */
function* workingIntervalsFrom(
  fromMs: number,
  calendar: BusinessCalendar,
): Generator<readonly [number, number]> {
  const cal = compile(calendar);
  const zone = cal.timeZone;
  const firstDay = epochDayOf(dateOf(new Date(fromMs), zone));
  if (firstDay === null) throw new RangeError(`instant ${fromMs} is outside the supported years`);
  let dayStart = midnightOf(firstDay, zone);
  for (let day = firstDay; day - firstDay <= MAX_SCAN_DAYS; day++) {
    const spans = spansOn(cal, day);
    const nextStart = midnightOf(day + 1, zone);
    // A 24-hour day has no offset change inside it, so its wall times are plain offsets from midnight.
    const plain = nextStart - dayStart === DAY_MS;
    for (const [from, to] of spans) {
      const start = plain
        ? dayStart + from * MINUTE_MS
        : instantOfWallTime(day * DAY_MS + from * MINUTE_MS, zone);
      const end = plain
        ? dayStart + to * MINUTE_MS
        : instantOfWallTime(day * DAY_MS + to * MINUTE_MS, zone);
      if (end > fromMs && end > start) yield [Math.max(start, fromMs), end];
    }
    if (spans.length === 0 && day > cal.lastListedDay && !cal.weeklyOpen) break;
    dayStart = nextStart;
  }
  throw new RangeError(
    `calendar "${calendar.label.en}" has no working time after ${dateOf(new Date(fromMs), zone)}`,
  );
}

function instantOf(date: Date, name: string): number {
  const t = date.getTime();
  if (Number.isNaN(t)) throw new RangeError(`${name} is an invalid Date`);
  return t;
}

/**
 * The instant at which `durationMs` of working time has elapsed after `start`. Outside working
 * hours the clock starts at the next opening; a duration that ends exactly at closing time gives
 * the closing instant. Durations are elapsed working time: 'P3D' (72 h) is not three working days.
 * @example addBusinessTime(new Date('2025-03-07T16:00+08:00'), 4 * 3_600_000, calendar)
 * // Monday 2025-03-10 11:00 in Shanghai with 09:00–18:00 hours
 */
export function addBusinessTime(start: Date, durationMs: number, calendar: BusinessCalendar): Date {
  const from = instantOf(start, 'start');
  if (!Number.isFinite(durationMs) || durationMs < 0) {
    throw new RangeError(`durationMs must be a finite number ≥ 0, got ${durationMs}`);
  }
  let remaining = durationMs;
  for (const [s, e] of workingIntervalsFrom(from, calendar)) {
    if (remaining <= e - s) return new Date(s + remaining);
    remaining -= e - s;
  }
  throw new RangeError('unreachable: the interval search ends by throwing');
}

/**
 * Working time between two instants, in milliseconds; negative when `b` is before `a`.
 * The inverse of addBusinessTime: `businessTimeBetween(s, addBusinessTime(s, d, c), c) === d`.
 * @example businessTimeBetween(fridayAt16, mondayAt11, calendar) // 14_400_000 (4 h)
 */
export function businessTimeBetween(a: Date, b: Date, calendar: BusinessCalendar): number {
  const from = instantOf(a, 'a');
  const to = instantOf(b, 'b');
  if (to < from) return -businessTimeBetween(b, a, calendar);
  let total = 0;
  for (const [s, e] of workingIntervalsFrom(from, calendar)) {
    if (s >= to) break;
    total += Math.min(e, to) - s;
  }
  return total;
}

/**
 * The first instant at or after `instant` at which the clock runs: `instant` itself during
 * working hours, else the start of the next working interval.
 * @example nextOpening(new Date('2025-03-08T10:00+08:00'), calendar) // Monday 09:00 (Saturday off)
 */
export function nextOpening(instant: Date, calendar: BusinessCalendar): Date {
  return addBusinessTime(instant, 0, calendar);
}

/**
 * Whether the clock runs at `instant` (intervals include their start, exclude their end).
 * @example isWorkingTime(new Date('2025-03-10T12:30+08:00'), calendarWithLunchBreak) // false
 */
export function isWorkingTime(instant: Date, calendar: BusinessCalendar): boolean {
  const t = instantOf(instant, 'instant');
  return nextOpening(instant, calendar).getTime() === t;
}
