// Reads the rows out of a worksheet's XML as it streams in, without a SAX event per tag.
import type { Readable } from 'node:stream';
import { normaliseCell, type Cell } from './cell-value';

export interface XlsxRow {
  readonly row: number;
  readonly cells: readonly Cell[];
}

/**
 * The rows of a sheet's XML. Sheet data is regular (`<row><c r s t><v>…</v></c></row>`), so rows are
 * cut out of the decoded text with `indexOf` and cells read with one regular expression: a SAX
 * event per tag would make a million-row sheet several times slower and far more garbage-heavy.
 */
export async function* sheetRows(
  stream: Readable,
  strings: readonly string[],
  dates: readonly boolean[],
): AsyncGenerator<XlsxRow> {
  const decoder = new TextDecoder('utf-8');
  let text = '';
  let previous = 0;
  for await (const chunk of stream) {
    text += decoder.decode(chunk as Buffer, { stream: true });
    const rows: XlsxRow[] = [];
    let pos = 0;
    for (;;) {
      const start = findRow(text, pos);
      if (start < 0) {
        // Keep a tail that could be the start of a cut `<row` tag.
        pos = Math.max(pos, text.length - 4);
        break;
      }
      const open = text.indexOf('>', start);
      if (open < 0) {
        pos = start;
        break;
      }
      if (text[open - 1] === '/') {
        pos = open + 1;
        continue;
      }
      const close = text.indexOf('</row>', open);
      if (close < 0) {
        pos = start;
        break;
      }
      const number = /\br="(\d+)"/.exec(text.slice(start, open))?.[1];
      previous = number ? Number(number) : previous + 1;
      const cells = rowCells(text.slice(open + 1, close), strings, dates);
      if (cells.some((c) => c !== null)) rows.push({ row: previous, cells });
      pos = close + 6;
    }
    text = text.slice(pos);
    yield* rows;
  }
}

/** Index of the next `<row` tag (not `<rowBreaks`) at or after `from`, or -1. */
function findRow(text: string, from: number): number {
  for (let at = text.indexOf('<row', from); at >= 0; at = text.indexOf('<row', at + 4)) {
    const next = text[at + 4];
    if (next === undefined) return -1;
    if (next === ' ' || next === '>' || next === '/') return at;
  }
  return -1;
}

const cellPattern = /<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g;

function rowCells(xml: string, strings: readonly string[], dates: readonly boolean[]): Cell[] {
  const cells: Cell[] = [];
  cellPattern.lastIndex = 0;
  for (let m = cellPattern.exec(xml); m; m = cellPattern.exec(xml)) {
    const attributes = m[1]!;
    const ref = /\br="([A-Z]+)/.exec(attributes)?.[1];
    const index = ref ? columnIndex(ref) : cells.length;
    const type = /\bt="(\w+)"/.exec(attributes)?.[1] ?? 'n';
    const style = Number(/\bs="(\d+)"/.exec(attributes)?.[1] ?? 0);
    const body = m[2] ?? '';
    const raw =
      type === 'inlineStr'
        ? [...body.matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>/g)].map((t) => t[1]).join('')
        : (/<v>([\s\S]*?)<\/v>/.exec(body)?.[1] ?? '');
    while (cells.length < index) cells.push(null);
    cells[index] = cellValue(type, unescapeXml(raw), dates[style] ?? false, strings);
  }
  return cells;
}

/** OOXML's `_xHHHH_` escapes of control characters (SAX already decoded the XML entities). */
export function unescapeOoxml(text: string): string {
  return text.includes('_x')
    ? text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) =>
        String.fromCharCode(parseInt(hex, 16)),
      )
    : text;
}

/** XML entities and OOXML's `_xHHHH_` escapes. */
function unescapeXml(text: string): string {
  if (!/[&_]/.test(text)) return text;
  return text
    .replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/&(#x[0-9A-Fa-f]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) =>
      e[0] === '#'
        ? String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1)))
        : ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[e]!,
    );
}

function cellValue(type: string, raw: string, isDate: boolean, strings: readonly string[]): Cell {
  switch (type) {
    case 's':
      return normaliseCell(strings[Number(raw)] ?? null);
    case 'inlineStr':
    case 'str':
      return normaliseCell(raw);
    case 'b':
      return raw === '' ? null : raw === '1';
    case 'e':
      return null;
    case 'd':
      return raw === '' ? null : new Date(raw);
    default: {
      if (raw === '') return null;
      const n = Number(raw);
      if (!Number.isFinite(n)) return normaliseCell(raw);
      // A date cell as exceljs reads it: the instant whose UTC parts are the wall-clock reading.
      return isDate ? new Date(Math.round((n - 25569) * 86_400_000)) : n;
    }
  }
}

/** `AB12` → 27 (0-based column). */
function columnIndex(ref: string): number {
  let n = 0;
  for (const ch of ref) {
    const code = ch.charCodeAt(0);
    if (code < 65 || code > 90) break;
    n = n * 26 + (code - 64);
  }
  return n - 1;
}
