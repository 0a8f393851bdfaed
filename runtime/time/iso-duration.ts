// ISO 8601 durations in definitions ('PT240M', 'P3D'): parsed strictly, measured in ms, shown to people.
import { z } from 'zod';
import type { Locale } from '../localized-text';

/** The parts of a duration; every one of fixed length (a day is 24 h, a week 7 days). */
export interface IsoDuration {
  readonly weeks: number;
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  /** May carry up to three decimals ('PT0.5S'). */
  readonly seconds: number;
}

export type IsoDurationResult =
  | { readonly ok: true; readonly value: IsoDuration }
  | { readonly ok: false; readonly message: string };

const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;
/** Longest duration a definition may hold: 100 years of days. */
const MAX_DAYS = 36_500;

type Unit = keyof IsoDuration;
// Designators in the order ISO 8601 requires them, each with the part of the string it belongs to.
const designators: readonly {
  readonly letter: string;
  readonly time: boolean;
  readonly unit: Unit;
}[] = [
  { letter: 'W', time: false, unit: 'weeks' },
  { letter: 'D', time: false, unit: 'days' },
  { letter: 'H', time: true, unit: 'hours' },
  { letter: 'M', time: true, unit: 'minutes' },
  { letter: 'S', time: true, unit: 'seconds' },
];

const refuse = (text: string, why: string): IsoDurationResult => ({
  ok: false,
  message: `"${text}" is not a supported ISO 8601 duration: ${why}`,
});

/**
 * Parses an ISO 8601 duration of weeks, days, hours, minutes and seconds. Calendar months and
 * years have no fixed length and are refused, as are negative, lower-case and spaced forms.
 * @example parseIsoDuration('PT1H30M') // { ok: true, value: { weeks: 0, days: 0, hours: 1, minutes: 30, seconds: 0 } }
 * @example parseIsoDuration('P1M') // { ok: false, message: '… use days instead, e.g. P30D …' }
 */
export function parseIsoDuration(text: string): IsoDurationResult {
  if (text === '') return refuse(text, 'it is empty; write e.g. PT240M or P3D');
  if (/\s/.test(text)) return refuse(text, 'it contains spaces');
  if (text.startsWith('-') || text.startsWith('+')) {
    return refuse(text, 'durations cannot be signed; write a positive duration such as PT1H');
  }
  if (text !== text.toUpperCase()) {
    return refuse(text, `designators are upper-case: write "${text.toUpperCase()}"`);
  }
  if (!text.startsWith('P')) return refuse(text, 'it must start with "P", e.g. PT24H');

  const parts: Record<Unit, number> = { weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 };
  const token = /(\d+)(?:([.,])(\d*))?([A-Z])/y;
  let inTime = false;
  let next = 0; // index into `designators` of the earliest one still allowed
  let any = false;
  let at = 1;
  while (at < text.length) {
    if (text[at] === 'T') {
      if (inTime) return refuse(text, '"T" appears twice');
      inTime = true;
      at++;
      if (at === text.length || text[at] === 'T') {
        return refuse(text, '"T" must be followed by hours, minutes or seconds, e.g. PT30M');
      }
      continue;
    }
    token.lastIndex = at;
    const m = token.exec(text);
    if (!m) {
      const rest = text.slice(at);
      if (/^\d+(?:[.,]\d*)?$/.test(rest)) return refuse(text, `the number ${rest} has no unit`);
      return refuse(text, `unexpected "${text[at] ?? ''}" at position ${at + 1}`);
    }
    const [whole, digits = '', separator, fraction = '', letter = ''] = m;
    if (letter === 'Y') {
      return refuse(text, 'years have no fixed length; use days instead, e.g. P365D');
    }
    if (letter === 'M' && !inTime) {
      return refuse(
        text,
        'months have no fixed length; use days instead, e.g. P30D (for minutes write PT…M)',
      );
    }
    const index = designators.findIndex((d) => d.letter === letter && d.time === inTime);
    if (index === -1) {
      const known = designators.find((d) => d.letter === letter);
      if (!known) return refuse(text, `"${letter}" is not a designator (use W, D, H, M or S)`);
      return refuse(
        text,
        known.time
          ? `${known.unit} belong after "T": write PT${digits}${letter}`
          : `${known.unit} come before "T": write P${digits}${letter}`,
      );
    }
    if (index < next) {
      return refuse(text, 'parts are repeated or out of order (the order is W, D, T, H, M, S)');
    }
    const designator = designators[index];
    if (!designator) return refuse(text, 'unknown designator');
    if (separator !== undefined) {
      if (designator.unit !== 'seconds') {
        return refuse(
          text,
          `only seconds may have a fraction; write ${designator.unit} as whole numbers`,
        );
      }
      if (separator === ',') return refuse(text, 'write the decimal separator as "." (PT0.5S)');
      if (fraction.length === 0 || fraction.length > 3) {
        return refuse(text, 'seconds take one to three decimals (millisecond precision)');
      }
    }
    parts[designator.unit] = Number(separator === undefined ? digits : `${digits}.${fraction}`);
    next = index + 1;
    any = true;
    at += whole.length;
  }
  if (!any) return refuse(text, 'it has no parts; write e.g. PT240M or P3D');
  const value: IsoDuration = parts;
  if (durationMs(value) > MAX_DAYS * DAY_MS) {
    return refuse(text, `it is longer than ${MAX_DAYS} days`);
  }
  return { ok: true, value };
}

/**
 * The length of a parsed duration in milliseconds.
 * @example durationMs({ weeks: 0, days: 0, hours: 4, minutes: 0, seconds: 0 }) // 14_400_000
 */
export function durationMs(duration: IsoDuration): number {
  return Math.round(
    duration.weeks * WEEK_MS +
      duration.days * DAY_MS +
      duration.hours * HOUR_MS +
      duration.minutes * MINUTE_MS +
      duration.seconds * SECOND_MS,
  );
}

/** An ISO 8601 duration in a definition, e.g. the 240-minute first-response SLA 'PT240M'. */
export const isoDurationSchema = z
  .string()
  .superRefine((text, ctx) => {
    const parsed = parseIsoDuration(text);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
  })
  .meta({
    description: 'ISO 8601 duration of weeks, days, hours, minutes, seconds (no months or years)',
    examples: ['PT240M', 'PT24H', 'P3D', 'PT1H30M'],
  });

const unitLabels: Readonly<Record<Locale, readonly [string, string, string, string]>> = {
  'zh-CN': ['天', '小时', '分钟', '秒'],
  en: ['d', 'h', 'min', 's'],
};

/**
 * A duration for people: days, hours, minutes and seconds that are not zero.
 * @example formatDuration(16_200_000, 'en') // '4 h 30 min'
 * @example formatDuration(14_400_000, 'zh-CN') // '4 小时'
 */
export function formatDuration(ms: number, locale: Locale): string {
  if (!Number.isFinite(ms)) throw new RangeError(`cannot format a duration of ${ms} ms`);
  const [dayLabel, hourLabel, minuteLabel, secondLabel] = unitLabels[locale];
  const total = Math.round(Math.abs(ms));
  const days = Math.floor(total / DAY_MS);
  const hours = Math.floor((total % DAY_MS) / HOUR_MS);
  const minutes = Math.floor((total % HOUR_MS) / MINUTE_MS);
  const seconds = (total % MINUTE_MS) / SECOND_MS; // up to three decimals, printed as they are
  const shown = [
    [days, dayLabel],
    [hours, hourLabel],
    [minutes, minuteLabel],
    [seconds, secondLabel],
  ]
    .filter(([n]) => n !== 0)
    .map(([n, label]) => `${n} ${label}`);
  const text = shown.length > 0 ? shown.join(' ') : `0 ${secondLabel}`;
  return ms < 0 && total > 0 ? `-${text}` : text;
}
