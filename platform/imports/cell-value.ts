// A spreadsheet cell reduced to what imports care about: text, a number, a boolean, a date or empty.

/** Dates are instants whose UTC parts are the wall-clock reading of the sheet (exceljs's convention). */
export type Cell = string | number | boolean | Date | null;

/**
 * Normalises an exceljs cell value: formulas give their result, rich text and hyperlinks their
 * text, error cells (#N/A) and blank text become empty.
 * @example normaliseCell({ richText: [{ text: '张' }, { text: '伟' }] }) // '张伟'
 */
export function normaliseCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.trim() === '' ? null : value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean' || value instanceof Date) return value;
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) {
      return normaliseCell(
        (v.richText as Array<{ text?: string }>).map((r) => r.text ?? '').join(''),
      );
    }
    if ('result' in v) return normaliseCell(v.result);
    if ('formula' in v || 'sharedFormula' in v) return null;
    if ('error' in v) return null;
    if (typeof v.text === 'string') return normaliseCell(v.text);
  }
  return normaliseCell(String(value));
}

/** A cell as text, the way a person would read it (dates as YYYY-MM-DD or YYYY-MM-DD HH:mm:ss). */
export function cellText(cell: Cell): string {
  if (cell === null) return '';
  if (cell instanceof Date) {
    const iso = cell.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', ' ');
  }
  if (typeof cell === 'number') return numberText(cell);
  return String(cell);
}

/** A number without exponent notation for integers up to 21 digits (phone numbers, ids). */
export function numberText(n: number): string {
  return Number.isInteger(n) && Math.abs(n) < 1e21 ? n.toFixed(0) : String(n);
}
