// Turns a cell into a field's JSON value: numbers from "1,234.5", 是/否 booleans, Excel dates, option labels.
import type { FieldDefinition, OptionDefinition } from '../../runtime/definition/field-schema';
import type { LocalizedText } from '../../runtime/localized-text';
import { cellText, type Cell } from './cell-value';
import { text } from './import-errors';

/** A cell after its column's transform: `split_list` turns it into a list of texts. */
export type MappedCell = Cell | readonly string[];

export type Converted =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly code: string; readonly message: LocalizedText };

export type CellConverter = (cell: MappedCell) => Converted;

/** Wall-clock times without an offset are read in China Standard Time, like the rest of Baton. */
const wallClockOffsetMinutes = 8 * 60;
/** Separators of list cells: ASCII and full-width commas and semicolons, the ideographic 、, newlines. */
const listSeparator = /\s*[,，;；、\n]\s*/;

const booleans = new Map<string, boolean>(
  Object.entries({
    是: true,
    否: false,
    yes: true,
    no: false,
    y: true,
    n: false,
    true: true,
    false: false,
    t: true,
    f: false,
    '1': true,
    '0': false,
    对: true,
    错: false,
    '√': true,
    '×': false,
  }),
);

/**
 * A converter for one field; option lookups are built once. `options` are the select options
 * (or a table's stages, for the `stage` column).
 * @example converterFor({ key: 'budget', type: 'number', label })('1,234.5') // { ok: true, value: 1234.5 }
 */
export function converterFor(
  field: FieldDefinition,
  options: readonly OptionDefinition[] = [],
): CellConverter {
  switch (field.type) {
    case 'number':
    case 'money':
      return (cell) => toNumber(scalar(cell));
    case 'integer':
      return (cell) => {
        const n = toNumber(scalar(cell));
        return n.ok && !Number.isInteger(n.value)
          ? fail('NOT_AN_INTEGER', cell, '不是整数', 'is not a whole number')
          : n;
      };
    case 'boolean':
      return (cell) => toBoolean(scalar(cell));
    case 'date':
      return (cell) => toDate(scalar(cell));
    case 'datetime':
      return (cell) => toDateTime(scalar(cell));
    case 'select': {
      const lookup = optionLookup(options);
      return (cell) => toOption(lookup, cellText(scalar(cell)));
    }
    case 'multi_select': {
      const lookup = optionLookup(options);
      return (cell) => {
        const values: string[] = [];
        for (const item of toList(cell)) {
          const option = toOption(lookup, item);
          if (!option.ok) return option;
          if (!values.includes(option.value as string)) values.push(option.value as string);
        }
        return { ok: true, value: values };
      };
    }
    case 'tags':
      return (cell) => ({ ok: true, value: [...new Set(toList(cell))] });
    case 'attachments':
      // Ids as the database prints them, so stored values and their audit snapshot agree.
      return (cell) => ({
        ok: true,
        value: [...new Set(toList(cell).map((v) => v.toLowerCase()))],
      });
    case 'json':
      return (cell) => toJson(scalar(cell));
    case 'relation':
      return (cell) => ({ ok: true, value: cellText(scalar(cell)).trim() });
    case 'user':
      return (cell) => ({ ok: true, value: cellText(scalar(cell)).trim().toLowerCase() });
    default:
      return (cell) => ({ ok: true, value: cellText(scalar(cell)) });
  }
}

/** Splits a list cell; a list from the `split_list` transform is taken as it is. */
export function toList(cell: MappedCell): string[] {
  if (cell === null) return [];
  if (Array.isArray(cell)) return cell.filter((v) => v !== '');
  return cellText(cell as Cell)
    .split(listSeparator)
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** Full-width digits, letters and punctuation (as typed with a Chinese IME) as ASCII. */
export function halfWidth(value: string): string {
  return value
    .replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ');
}

function scalar(cell: MappedCell): Cell {
  return Array.isArray(cell) ? cell.join(',') : (cell as Cell);
}

function toNumber(cell: Cell): Converted {
  if (typeof cell === 'number') return { ok: true, value: cell };
  if (typeof cell === 'string') {
    const t = halfWidth(cell)
      .trim()
      .replace(/[\s,_]/g, '')
      .replace(/^[¥$€£]/, '');
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return { ok: true, value: Number(t) };
  }
  return fail('INVALID_NUMBER', cell, '不是数字', 'is not a number');
}

function toBoolean(cell: Cell): Converted {
  if (typeof cell === 'boolean') return { ok: true, value: cell };
  const found = booleans.get(halfWidth(cellText(cell)).trim().toLowerCase());
  return found === undefined
    ? fail('INVALID_BOOLEAN', cell, '不是是/否', 'is not yes/no')
    : { ok: true, value: found };
}

const dateText =
  /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]+(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2})(?:\.\d+)?秒?)?)?$/;

/** Wall-clock parts of a date cell, or undefined. */
function wallClock(cell: Cell): Date | undefined {
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? undefined : cell;
  if (typeof cell === 'number') return fromSerial(cell);
  if (typeof cell !== 'string') return undefined;
  const t = halfWidth(cell).trim();
  if (/^\d{5}(\.\d+)?$/.test(t)) return fromSerial(Number(t));
  const m = dateText.exec(t);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => (v === undefined ? 0 : Number(v))) as number[];
  const date = new Date(Date.UTC(y!, mo! - 1, d!, h, mi, s));
  // Date.UTC rolls 2026-02-30 over into March; a real calendar date reads back the same.
  if (date.getUTCMonth() !== mo! - 1 || date.getUTCDate() !== d || h! > 23 || mi! > 59 || s! > 59)
    return undefined;
  return date;
}

/** Excel's day count (1900 date system): serial 1 is 1900-01-01, and it believes 1900-02-29 existed. */
function fromSerial(serial: number): Date | undefined {
  if (!(serial >= 1 && serial < 2958466)) return undefined;
  const base = serial < 61 ? Date.UTC(1899, 11, 31) : Date.UTC(1899, 11, 30);
  return new Date(base + Math.round(serial * 86_400_000));
}

function toDate(cell: Cell): Converted {
  const date = wallClock(cell);
  return date
    ? { ok: true, value: date.toISOString().slice(0, 10) }
    : fail('INVALID_DATE', cell, '不是日期（如 2026-11-20）', 'is not a date (e.g. 2026-11-20)');
}

function toDateTime(cell: Cell): Converted {
  if (typeof cell === 'string' && /[T ]\d{1,2}:\d{2}.*(Z|[+-]\d{2}:?\d{2})$/i.test(cell.trim())) {
    const at = new Date(cell.trim());
    if (!Number.isNaN(at.getTime())) return { ok: true, value: at.toISOString() };
  }
  const date = wallClock(cell);
  return date
    ? {
        ok: true,
        value: new Date(date.getTime() - wallClockOffsetMinutes * 60_000).toISOString(),
      }
    : fail(
        'INVALID_DATETIME',
        cell,
        '不是日期时间（如 2026-11-20 08:30）',
        'is not a date and time (e.g. 2026-11-20 08:30)',
      );
}

function toJson(cell: Cell): Converted {
  if (typeof cell !== 'string')
    return { ok: true, value: cell instanceof Date ? cellText(cell) : cell };
  try {
    return { ok: true, value: JSON.parse(cell) as unknown };
  } catch {
    return fail('INVALID_JSON', cell, '不是有效的 JSON', 'is not valid JSON');
  }
}

type OptionLookup = ReadonlyMap<string, string>;

/** Values first, then zh-CN and en labels, compared without case and surrounding blanks. */
function optionLookup(options: readonly OptionDefinition[]): OptionLookup {
  const lookup = new Map<string, string>();
  const add = (key: string, value: string) => {
    const k = halfWidth(key).trim().toLowerCase();
    if (!lookup.has(k)) lookup.set(k, value);
  };
  for (const o of options) lookup.set(o.value, o.value);
  for (const o of options) add(o.value, o.value);
  for (const o of options) add(o.label['zh-CN'], o.value);
  for (const o of options) add(o.label.en, o.value);
  return lookup;
}

function toOption(lookup: OptionLookup, raw: string): Converted {
  const value = lookup.get(raw) ?? lookup.get(halfWidth(raw).trim().toLowerCase());
  return value !== undefined
    ? { ok: true, value }
    : fail('NOT_AN_OPTION', raw, '不是可选项', 'is not one of the options');
}

function fail(code: string, cell: MappedCell, zh: string, en: string): Converted {
  const shown = Array.isArray(cell) ? cell.join(',') : cellText(cell as Cell);
  const quoted = shown.length > 40 ? `${shown.slice(0, 40)}…` : shown;
  return { ok: false, code, message: text(`「${quoted}」${zh}`, `"${quoted}" ${en}`) };
}
