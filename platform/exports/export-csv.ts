// CSV text for exports: RFC 4180 quoting, CRLF rows, and a UTF-8 BOM so Excel reads Chinese correctly.

/** Starts every CSV Baton writes; Excel takes a BOM-less file for the local ANSI code page. */
export const utf8Bom = '\ufeff';

/**
 * One CSV field: quoted when it holds a comma, quote, CR or LF. A leading `=`, `+`, `-` or `@` is
 * prefixed with `'` so a spreadsheet does not run it as a formula (CSV injection).
 * @example csvField('a,"b"') // '"a,""b"""'
 */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  // Numbers and phone numbers (+86 138…, -5) stay as they are.
  const safe = /^[=+\-@\t\r]/.test(value) && !/^[+-]?[\d(]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** A CSV row ending in CRLF. */
export function csvRow(
  values: ReadonlyArray<string | number | boolean | null | undefined>,
): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
