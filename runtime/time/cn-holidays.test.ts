import { describe, expect, it } from 'vitest';
import { epochDayOf, weekdayOfEpochDay } from '../cel/calendar';
import { businessCalendarSchema } from './business-calendar';
import {
  cnHolidayDates,
  cnHolidays2025,
  cnHolidays2026,
  cnMakeUpDates,
  defaultCnCalendar,
} from './cn-holidays';

const weekday = (date: string): number => weekdayOfEpochDay(epochDayOf(date) as number);
const lengths = (periods: typeof cnHolidays2025) => periods.map((p) => cnHolidayDates([p]).length);

describe('cn holiday lists', () => {
  it('match the length of every 2025 holiday in the notice', () => {
    // 元旦 1, 春节 8, 清明 3, 劳动节 5, 端午 3, 国庆/中秋 8.
    expect(lengths(cnHolidays2025)).toEqual([1, 8, 3, 5, 3, 8]);
    expect(cnMakeUpDates(cnHolidays2025)).toEqual([
      '2025-01-26',
      '2025-02-08',
      '2025-04-27',
      '2025-09-28',
      '2025-10-11',
    ]);
  });

  it('match the length of every 2026 holiday in the notice', () => {
    // 元旦 3, 春节 9, 清明 3, 劳动节 5, 端午 3, 中秋 3, 国庆 7.
    expect(lengths(cnHolidays2026)).toEqual([3, 9, 3, 5, 3, 3, 7]);
    expect(cnMakeUpDates(cnHolidays2026)).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ]);
  });

  it('only ever make people work on a weekend, and never on a holiday', () => {
    const holidays = new Set(cnHolidayDates());
    for (const date of cnMakeUpDates()) {
      expect([6, 7], date).toContain(weekday(date));
      expect(holidays.has(date), date).toBe(false);
    }
  });
});

describe('defaultCnCalendar', () => {
  it('is a valid calendar: Mon–Fri 09:00–18:00 in Asia/Shanghai with both years', () => {
    const calendar = defaultCnCalendar();
    expect(businessCalendarSchema.parse(calendar)).toEqual(calendar);
    expect(calendar.timeZone).toBe('Asia/Shanghai');
    expect(calendar.weeklyHours.sat).toBeUndefined();
    expect(calendar.holidays).toContain('2025-10-06');
    expect(calendar.holidays).toContain('2026-02-23');
    expect(calendar.makeUpDays).toContainEqual({
      date: '2026-10-10',
      hours: [{ from: '09:00', to: '18:00' }],
    });
  });

  it('hands out a fresh object each time', () => {
    const a = defaultCnCalendar();
    a.holidays.push('2027-01-01');
    expect(defaultCnCalendar().holidays).not.toContain('2027-01-01');
  });
});
