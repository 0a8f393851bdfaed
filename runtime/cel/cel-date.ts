// Dates handed to cel-js, made recognisable in every host.

/**
 * A Date whose `constructor` is the global `Date`. cel-js tells a timestamp apart by constructor
 * identity, and in Temporal's workflow sandbox the global `Date` is a deterministic wrapper whose
 * instances still report the original Date as their constructor; without this, a record's
 * datetime field would be "Unsupported type: Date" inside workflows and fine everywhere else.
 * @example celDate(Date.parse('2026-11-20T01:00:00Z'))
 */
export function celDate(ms: number): Date {
  const date = new Date(ms);
  if (date.constructor !== Date) {
    Object.defineProperty(date, 'constructor', {
      value: Date,
      enumerable: false,
      configurable: true,
    });
  }
  return date;
}
