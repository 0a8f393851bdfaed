// Time arithmetic for flows: plain durations, or working time on the space's business calendar.
import {
  addBusinessTime,
  businessTimeBetween,
  type BusinessCalendar,
} from '../time/business-calendar';
import { durationMs, parseIsoDuration } from '../time/iso-duration';
import type { FlowClock } from './flow-types';

/** Milliseconds of a duration that publish already validated. */
export function durationMsOrThrow(duration: string): number {
  const parsed = parseIsoDuration(duration);
  if (!parsed.ok) throw new Error(`invalid duration "${duration}": ${parsed.message}`);
  return durationMs(parsed.value);
}

/**
 * A clock over a business calendar; `businessHours: false` always adds wall-clock time.
 * @example createFlowClock(defaultCnCalendar()).add('2026-11-20T08:00:00.000Z', 'PT240M', true)
 */
export function createFlowClock(calendar: BusinessCalendar | undefined): FlowClock {
  return {
    add(start, duration, businessHours) {
      const ms = durationMsOrThrow(duration);
      const from = new Date(start);
      const due =
        businessHours && calendar
          ? addBusinessTime(from, ms, calendar)
          : new Date(from.getTime() + ms);
      return due.toISOString();
    },
    subtract(end, duration, businessHours) {
      const ms = durationMsOrThrow(duration);
      const to = new Date(end);
      if (!businessHours || !calendar) return new Date(to.getTime() - ms).toISOString();
      // The latest instant with `ms` of working time before `end`, by bisection over wall time.
      let low = to.getTime() - ms * 4 - 30 * 86_400_000;
      let high = to.getTime();
      while (high - low > 1_000) {
        const mid = Math.floor((low + high) / 2);
        if (businessTimeBetween(new Date(mid), to, calendar) > ms) low = mid;
        else high = mid;
      }
      return new Date(high).toISOString();
    },
  };
}
