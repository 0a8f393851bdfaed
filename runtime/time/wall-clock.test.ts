import { describe, expect, it } from 'vitest';
import { epochDayOf } from '../cel/calendar';
import { instantOfWallTime, offsetAt } from './wall-clock';

const HOUR = 3_600_000;
const wall = (date: string, hours: number): number =>
  (epochDayOf(date) as number) * 86_400_000 + hours * HOUR;

describe('offsetAt', () => {
  it('reads fixed, half-hour and seasonal offsets from Intl', () => {
    expect(offsetAt(Date.parse('2025-07-01T00:00:00Z'), 'Asia/Shanghai')).toBe(8 * HOUR);
    expect(offsetAt(Date.parse('2025-07-01T00:00:00Z'), 'Asia/Kolkata')).toBe(5.5 * HOUR);
    expect(offsetAt(Date.parse('2025-01-15T12:00:00Z'), 'Europe/Berlin')).toBe(HOUR);
    expect(offsetAt(Date.parse('2025-07-15T12:00:00Z'), 'Europe/Berlin')).toBe(2 * HOUR);
    expect(offsetAt(Date.parse('2025-07-15T12:00:00Z'), 'America/New_York')).toBe(-4 * HOUR);
  });
});

describe('instantOfWallTime', () => {
  it('finds the instant a wall time names', () => {
    expect(instantOfWallTime(wall('2025-03-03', 9), 'Asia/Shanghai')).toBe(
      Date.parse('2025-03-03T01:00:00Z'),
    );
    expect(instantOfWallTime(wall('0050-06-15', 12), 'UTC')).toBe(wall('0050-06-15', 12));
  });

  it('moves a time skipped by spring-forward past the gap', () => {
    // Berlin jumps from 02:00 to 03:00 on 30 March 2025; 02:30 is read as 03:30 CEST.
    expect(instantOfWallTime(wall('2025-03-30', 2.5), 'Europe/Berlin')).toBe(
      Date.parse('2025-03-30T01:30:00Z'),
    );
  });

  it('takes the earlier of two instants when fall-back repeats a time', () => {
    // Berlin repeats 02:00–03:00 on 26 October 2025.
    expect(instantOfWallTime(wall('2025-10-26', 2.5), 'Europe/Berlin')).toBe(
      Date.parse('2025-10-26T00:30:00Z'),
    );
  });
});
