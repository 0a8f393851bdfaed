import { describe, expect, it } from 'vitest';
import {
  dateOf,
  dateOfEpochDay,
  epochDayOf,
  isTimeZone,
  weekdayOf,
  weekdayOfEpochDay,
} from './calendar';

describe('dateOf and weekdayOf', () => {
  it('read the calendar in Asia/Shanghai unless told otherwise', () => {
    const instant = new Date('2025-03-02T16:00:00Z'); // Monday 00:00 in Shanghai
    expect(dateOf(instant)).toBe('2025-03-03');
    expect(weekdayOf(instant)).toBe(1);
    expect(dateOf(instant, 'UTC')).toBe('2025-03-02');
    expect(weekdayOf(instant, 'UTC')).toBe(7);
  });

  it('knows real time zones from made-up ones', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('epoch days', () => {
  it('round-trip real dates and refuse impossible ones', () => {
    expect(epochDayOf('1970-01-01')).toBe(0);
    expect(dateOfEpochDay(epochDayOf('2024-02-29') as number)).toBe('2024-02-29');
    expect(dateOfEpochDay(epochDayOf('0050-06-15') as number)).toBe('0050-06-15');
    expect(epochDayOf('2025-02-29')).toBeNull();
    expect(epochDayOf('2025-13-01')).toBeNull();
    expect(epochDayOf('0000-01-01')).toBeNull();
    expect(epochDayOf('2025-3-1')).toBeNull();
  });

  it('give ISO weekdays, including before 1970', () => {
    expect(weekdayOfEpochDay(0)).toBe(4); // Thursday
    expect(weekdayOfEpochDay(epochDayOf('2025-03-09') as number)).toBe(7);
    expect(weekdayOfEpochDay(epochDayOf('1969-12-29') as number)).toBe(1);
  });
});
