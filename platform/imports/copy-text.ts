// Encodes values in PostgreSQL's COPY text format and streams lines into a `copy … from stdin`.
import { once } from 'node:events';
import type postgres from 'postgres';
import type { FieldStorage } from '../../runtime/definition/field-storage';

/** Lines are sent in chunks of about this many characters. */
const chunkChars = 256 * 1024;

/**
 * One JSON value as COPY text for a column of `storage` (null for SQL NULL, before escaping).
 * @example columnText('text[]', ['a', 'b"c']) // '{"a","b\\"c"}'
 */
export function columnText(storage: FieldStorage | 'uuid', value: unknown): string | null {
  if (value === null || value === undefined) return null;
  switch (storage) {
    case 'boolean':
      return value ? 't' : 'f';
    case 'jsonb':
      return JSON.stringify(value);
    case 'text[]':
    case 'uuid[]':
      return arrayLiteral(value as readonly unknown[]);
    default:
      return String(value);
  }
}

/** A row as one COPY text line (tab-separated, `\N` for NULL, newline-terminated). */
export function copyLine(values: ReadonlyArray<string | null>): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) line += '\t';
    line += v === null || v === undefined ? '\\N' : escape(v);
  }
  return line + '\n';
}

/**
 * Runs `statement` (a `copy … from stdin`) and writes the lines, respecting backpressure.
 * @example await copyLines(conn, 'copy pg_temp.stage (a, b) from stdin', [copyLine(['1', null])])
 */
export async function copyLines(
  conn: postgres.Sql,
  statement: string,
  lines: Iterable<string>,
): Promise<void> {
  const stream = await conn.unsafe(statement).writable();
  const finished = once(stream, 'finish');
  let chunk = '';
  try {
    for (const line of lines) {
      chunk += line;
      if (chunk.length >= chunkChars) {
        if (!stream.write(chunk)) await once(stream, 'drain');
        chunk = '';
      }
    }
    stream.end(chunk);
    await finished;
  } catch (error) {
    stream.destroy(error as Error);
    throw error;
  }
}

function escape(value: string): string {
  if (!/[\\\n\r\t]/.test(value)) return value;
  return value.replace(/[\\\n\r\t]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t',
  );
}

function arrayLiteral(items: readonly unknown[]): string {
  return `{${items.map((i) => `"${String(i).replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}
