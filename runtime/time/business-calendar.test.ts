import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  addBusinessTime,
  businessCalendarSchema,
  businessTimeBetween,
  isWorkingTime,
  nextOpening,
} from './business-calendar';
import { defaultCnCalendar } from './cn-holidays';
import { durationMs, parseIsoDuration } from './iso-duration';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const nineToSix = [{ from: '09:00', to: '18:00' }];
const withLunch = [
  { from: '09:00', to: '12:00' },
  { from: '13:30', to: '18:00' },
];

/** Shanghai wall time 'YYYY-MM-DD HH:MM' as an instant. */
const sh = (wall: string): Date => new Date(`${wall.replace(' ', 'T')}:00+08:00`);

function calendar(
  overrides: Partial<z.input<typeof businessCalendarSchema>> = {},
  hours = nineToSix,
) {
  return businessCalendarSchema.parse({
    label: { 'zh-CN': '测试日历', en: 'Test calendar' },
    weeklyHours: { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours },
    ...overrides,
  });
}

function iso(text: string): number {
  const parsed = parseIsoDuration(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return durationMs(parsed.value);
}

describe('addBusinessTime', () => {
  it('lands PT240M from Friday 16:00 on Monday 11:00 with 09:00–18:00 hours (2 h + 2 h)', () => {
    // 2025-03-07 is a Friday: 16:00–18:00 counts 2 h, the weekend none, Monday 09:00–11:00 the rest.
    expect(addBusinessTime(sh('2025-03-07 16:00'), iso('PT240M'), calendar())).toEqual(
      sh('2025-03-10 11:00'),
    );
  });

  it('adds plainly 4 hours of elapsed time for comparison, landing on Friday evening', () => {
    const start = sh('2025-03-07 16:00');
    expect(new Date(start.getTime() + iso('PT240M'))).toEqual(sh('2025-03-07 20:00'));
  });

  it('skips the lunch break between two intervals', () => {
    const cal = calendar({}, withLunch);
    expect(addBusinessTime(sh('2025-03-10 10:00'), iso('PT4H'), cal)).toEqual(
      sh('2025-03-10 15:30'),
    );
    expect(addBusinessTime(sh('2025-03-07 16:00'), iso('PT240M'), cal)).toEqual(
      sh('2025-03-10 11:00'),
    );
    expect(addBusinessTime(sh('2025-03-10 11:00'), iso('PT1H30M'), cal)).toEqual(
      sh('2025-03-10 14:00'),
    );
  });

  it('starts the clock at the next opening when started outside working hours', () => {
    const cal = calendar({}, withLunch);
    expect(addBusinessTime(sh('2025-03-08 10:00'), iso('PT1H'), cal)).toEqual(
      sh('2025-03-10 10:00'),
    );
    expect(addBusinessTime(sh('2025-03-10 07:15'), iso('PT1H'), cal)).toEqual(
      sh('2025-03-10 10:00'),
    );
    expect(addBusinessTime(sh('2025-03-10 12:15'), iso('PT30M'), cal)).toEqual(
      sh('2025-03-10 14:00'),
    );
    expect(addBusinessTime(sh('2025-03-10 21:00'), iso('PT1H'), cal)).toEqual(
      sh('2025-03-11 10:00'),
    );
    expect(addBusinessTime(sh('2025-03-08 10:00'), 0, cal)).toEqual(sh('2025-03-10 09:00'));
  });

  it('stops at closing time when the duration ends exactly there', () => {
    expect(addBusinessTime(sh('2025-03-07 16:00'), iso('PT2H'), calendar())).toEqual(
      sh('2025-03-07 18:00'),
    );
  });

  it('skips a holiday and works a make-up Saturday with its own hours', () => {
    const cal = calendar({
      holidays: ['2025-03-10'],
      makeUpDays: [{ date: '2025-03-08', hours: [{ from: '10:00', to: '15:00' }] }],
    });
    // Friday 16:00–18:00 (2 h), Saturday 10:00–12:00 (2 h).
    expect(addBusinessTime(sh('2025-03-07 16:00'), iso('PT4H'), cal)).toEqual(
      sh('2025-03-08 12:00'),
    );
    // Saturday 10:00–15:00 (5 h), Sunday off, Monday holiday, Tuesday 09:00–10:00.
    expect(addBusinessTime(sh('2025-03-08 09:00'), iso('PT6H'), cal)).toEqual(
      sh('2025-03-11 10:00'),
    );
  });

  it('follows the 2025 Spring Festival: make-up Sunday before, eight days off, make-up Saturday after', () => {
    const cn = defaultCnCalendar();
    expect(addBusinessTime(sh('2025-01-24 16:00'), iso('PT4H'), cn)).toEqual(
      sh('2025-01-26 11:00'),
    );
    expect(addBusinessTime(sh('2025-01-27 16:00'), iso('PT4H'), cn)).toEqual(
      sh('2025-02-05 11:00'),
    );
    expect(addBusinessTime(sh('2025-02-07 17:00'), iso('PT2H'), cn)).toEqual(
      sh('2025-02-08 10:00'),
    );
  });

  it('skips whole days for long durations: 30 working days from 3 March 2025 end on 14 April', () => {
    // 20 days in March, 31 Mar–3 Apr makes 24, Qingming (4 Apr) is off, 7–11 Apr makes 29, 14 Apr the 30th.
    expect(addBusinessTime(sh('2025-03-03 09:00'), 30 * 9 * HOUR, defaultCnCalendar())).toEqual(
      sh('2025-04-14 18:00'),
    );
  });

  it('reads hours in the calendar zone, through a daylight-saving change', () => {
    const berlin = calendar({ timeZone: 'Europe/Berlin' });
    // Friday 28 March 2025 16:00 CET; clocks go forward on Sunday 30 March.
    expect(addBusinessTime(new Date('2025-03-28T15:00:00Z'), iso('PT3H'), berlin)).toEqual(
      new Date('2025-03-31T08:00:00Z'), // Monday 10:00 CEST
    );
  });

  it('refuses negative durations and invalid dates', () => {
    expect(() => addBusinessTime(sh('2025-03-07 16:00'), -1, calendar())).toThrow(RangeError);
    expect(() => addBusinessTime(new Date(NaN), 1, calendar())).toThrow(RangeError);
  });
});

describe('businessTimeBetween', () => {
  it('counts only working time and is signed', () => {
    const cal = calendar({}, withLunch);
    expect(businessTimeBetween(sh('2025-03-07 16:00'), sh('2025-03-10 11:00'), cal)).toBe(4 * HOUR);
    expect(businessTimeBetween(sh('2025-03-10 11:00'), sh('2025-03-07 16:00'), cal)).toBe(
      -4 * HOUR,
    );
    expect(businessTimeBetween(sh('2025-03-08 08:00'), sh('2025-03-09 20:00'), cal)).toBe(0);
    expect(businessTimeBetween(sh('2025-03-10 11:00'), sh('2025-03-10 14:00'), cal)).toBe(
      90 * MINUTE,
    );
  });

  it('is the inverse of addBusinessTime', () => {
    const calendars = [calendar({}, withLunch), defaultCnCalendar()];
    const starts = ['2025-01-24 16:00', '2025-03-08 10:00', '2025-03-10 12:15', '2025-09-30 17:59'];
    const durations = ['PT0S', 'PT0.5S', 'PT1M', 'PT240M', 'PT24H', 'P3D', 'P1W', 'P30D'];
    for (const cal of calendars) {
      for (const start of starts) {
        for (const duration of durations) {
          const end = addBusinessTime(sh(start), iso(duration), cal);
          expect(businessTimeBetween(sh(start), end, cal), `${start} + ${duration}`).toBe(
            iso(duration),
          );
        }
      }
    }
  });

  it('measures a day with a daylight-saving jump as the hours that really passed', () => {
    const allDay = [{ from: '00:00', to: '24:00' }];
    const berlin = calendar({
      timeZone: 'Europe/Berlin',
      weeklyHours: { sun: allDay },
    });
    const saturday = new Date('2025-03-28T23:00:00Z'); // Saturday 00:00 CET
    const monday = new Date('2025-03-30T22:00:00Z'); // Monday 00:00 CEST
    expect(businessTimeBetween(saturday, monday, berlin)).toBe(23 * HOUR);
  });
});

describe('isWorkingTime and nextOpening', () => {
  it('include an interval start and exclude its end', () => {
    const cal = calendar({}, withLunch);
    expect(isWorkingTime(sh('2025-03-10 09:00'), cal)).toBe(true);
    expect(isWorkingTime(sh('2025-03-10 12:00'), cal)).toBe(false);
    expect(isWorkingTime(sh('2025-03-10 12:30'), cal)).toBe(false);
    expect(isWorkingTime(sh('2025-03-10 13:30'), cal)).toBe(true);
    expect(isWorkingTime(sh('2025-03-08 10:00'), cal)).toBe(false);
    expect(nextOpening(sh('2025-03-10 12:30'), cal)).toEqual(sh('2025-03-10 13:30'));
    expect(nextOpening(sh('2025-03-10 10:00'), cal)).toEqual(sh('2025-03-10 10:00'));
    expect(nextOpening(sh('2025-03-07 18:00'), cal)).toEqual(sh('2025-03-10 09:00'));
  });

  it('know the 2025 National Day holiday and its make-up Saturday', () => {
    const cn = defaultCnCalendar();
    expect(isWorkingTime(sh('2025-10-06 10:00'), cn)).toBe(false); // 中秋, inside 1–8 Oct
    expect(isWorkingTime(sh('2025-10-11 10:00'), cn)).toBe(true); // Saturday worked
    expect(nextOpening(sh('2025-09-30 18:30'), cn)).toEqual(sh('2025-10-09 09:00'));
  });
});

describe('businessCalendarSchema', () => {
  const base = {
    label: { 'zh-CN': '日历', en: 'Calendar' },
    weeklyHours: { mon: nineToSix },
  };
  const messages = (input: unknown) =>
    (businessCalendarSchema.safeParse(input).error?.issues ?? []).map(
      (i) => `${i.path.join('.')}: ${i.message}`,
    );

  it('defaults to Asia/Shanghai with no holidays or make-up days', () => {
    const parsed = businessCalendarSchema.parse(base);
    expect(parsed.timeZone).toBe('Asia/Shanghai');
    expect(parsed.holidays).toEqual([]);
    expect(parsed.makeUpDays).toEqual([]);
  });

  it('refuses overlapping, reversed and malformed intervals', () => {
    const hours = [
      { from: '09:00', to: '12:00' },
      { from: '11:00', to: '18:00' },
    ];
    expect(messages({ ...base, weeklyHours: { mon: hours } })).toEqual([
      'weeklyHours.mon.1.from: must start at or after 12:00: intervals go in order without overlapping',
    ]);
    expect(messages({ ...base, weeklyHours: { mon: [{ from: '18:00', to: '09:00' }] } })).toEqual([
      'weeklyHours.mon.0.to: must end after it starts (intervals cannot cross midnight)',
    ]);
    expect(
      messages({ ...base, weeklyHours: { mon: [{ from: '9:00', to: '24:01' }] } }),
    ).toHaveLength(2);
  });

  it('refuses a calendar that never opens, an unknown zone and contradictory dates', () => {
    expect(messages({ ...base, weeklyHours: {} })).toEqual([
      'weeklyHours: needs working hours on at least one weekday, or the clock would never run',
    ]);
    expect(messages({ ...base, timeZone: 'Mars/Olympus' })).toEqual([
      'timeZone: must be an IANA time zone known to Intl, e.g. Asia/Shanghai',
    ]);
    expect(
      messages({
        ...base,
        holidays: ['2025-02-30', '2025-10-11'],
        makeUpDays: [{ date: '2025-10-11', hours: nineToSix }],
      }),
    ).toEqual([
      'holidays.0: must be a real date YYYY-MM-DD, e.g. 2025-10-01',
      'makeUpDays.0.date: 2025-10-11 is listed both as a holiday and as a make-up day',
    ]);
    expect(
      messages({
        ...base,
        holidays: ['2025-10-11'],
        makeUpDays: [
          { date: '2025-10-11', hours: nineToSix },
          { date: '2025-10-11', hours: nineToSix },
        ],
      }),
    ).toEqual([
      'makeUpDays.0.date: 2025-10-11 is listed both as a holiday and as a make-up day',
      'makeUpDays.1.date: 2025-10-11 is listed both as a holiday and as a make-up day',
      'makeUpDays.1.date: 2025-10-11 is listed twice as a make-up day',
    ]);
  });
});
