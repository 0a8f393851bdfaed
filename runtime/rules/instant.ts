// Instants and durations as milliseconds, the unit every rule computes in.
import { toTimestamp } from '../cel/cel-values';
import { durationMs, parseIsoDuration } from '../time/iso-duration';

/**
 * Milliseconds since the epoch of an instant given as a Date or an ISO 8601 string with an offset
 * (a local time would depend on the host's zone). Throws CelValueError for anything else.
 * @example instantMs('2025-03-01T09:00:00+08:00') // 1740790800000
 */
export function instantMs(value: Date | string, what = 'now'): number {
  return toTimestamp(value, what).getTime();
}

/**
 * Milliseconds of an ISO 8601 duration that the schema already accepted; 0 for anything else.
 * @example isoMs('P30D') // 2_592_000_000
 */
export function isoMs(text: string): number {
  const parsed = parseIsoDuration(text);
  return parsed.ok ? durationMs(parsed.value) : 0;
}
