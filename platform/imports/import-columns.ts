// The columns an import writes into a designed table, with their storage, SQL types and JSON forms.
import type { FieldDefinition } from '../../runtime/definition/field-schema';
import { storageOf, type FieldStorage } from '../../runtime/definition/field-storage';
import { quoteIdentifier as q } from '../../runtime/identifiers';
import { columnType } from '../definitions/column-sql';
import type { TableContext } from '../records/table-context';

export interface ImportColumn {
  readonly key: string;
  /** Quoted identifier. */
  readonly ref: string;
  readonly storage: FieldStorage;
  readonly sqlType: string;
  readonly field?: FieldDefinition;
}

const cache = new WeakMap<TableContext, ImportColumn[]>();

/**
 * Every column a created record gets a value for: designed fields (computed ones too, they are
 * stored) except auto-numbers, which the database fills, plus `owner` and `stage`.
 */
export function importColumns(context: TableContext): readonly ImportColumn[] {
  const cached = cache.get(context);
  if (cached) return cached;
  const columns: ImportColumn[] = context.table.fields
    .filter((f) => f.type !== 'auto_number')
    .map((field) => ({
      key: field.key,
      ref: q(field.key),
      storage: storageOf(field),
      sqlType: columnType(field),
      field,
    }));
  columns.push(
    { key: 'owner', ref: 'owner', storage: 'uuid', sqlType: 'uuid' },
    { key: 'stage', ref: 'stage', storage: 'text', sqlType: 'text' },
  );
  cache.set(context, columns);
  return columns;
}

/** The SQL type of a match key (a designed field, `owner` or `stage`). */
export function keyColumn(context: TableContext, key: string): ImportColumn {
  const column = importColumns(context).find((c) => c.key === key);
  if (!column) throw new Error(`"${key}" is not an importable column`);
  return column;
}

/**
 * Keys of the audit snapshot only the database knows exactly: auto-numbers (it draws them) and
 * money (it rounds to cents). The rest of the snapshot is written from the prepared values.
 */
export function databaseSnapshotKeys(context: TableContext): ReadonlySet<string> {
  return new Set(
    context.table.fields
      .filter((f) => f.type === 'auto_number' || storageOf(f) === 'numeric')
      .map((f) => f.key),
  );
}

/**
 * SQL building (part of) the audit snapshot of a stored row the way the API writes it: non-null
 * fields as JSON, timestamps as ISO-8601 UTC, dates as YYYY-MM-DD. `alias` names the row source
 * (e.g. `ins`); `only` limits the keys (all of owner, stage and the designed fields by default).
 */
export function snapshotSql(
  context: TableContext,
  alias: string,
  only?: ReadonlySet<string>,
): string {
  const keys = [
    { ref: 'owner', key: 'owner', storage: 'uuid' as FieldStorage },
    { ref: 'stage', key: 'stage', storage: 'text' as FieldStorage },
    ...context.table.fields.map((f) => ({ ref: q(f.key), key: f.key, storage: storageOf(f) })),
  ].filter((k) => !only || only.has(k.key));
  if (keys.length === 0) return `'{}'::jsonb`;
  const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;
  const json = (c: (typeof keys)[number]) => {
    const ref = `${alias}.${c.ref}`;
    if (c.storage === 'timestamptz')
      return `to_jsonb(to_char(${ref} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;
    if (c.storage === 'date') return `to_jsonb(to_char(${ref}, 'YYYY-MM-DD'))`;
    return `to_jsonb(${ref})`;
  };
  // jsonb_build_object takes at most 100 arguments: build in chunks and concatenate.
  const chunks: string[] = [];
  for (let i = 0; i < keys.length; i += 40) {
    const pairs = keys.slice(i, i + 40).map((c) => `${literal(c.key)}, ${json(c)}`);
    chunks.push(`jsonb_build_object(${pairs.join(', ')})`);
  }
  const nulls = keys.map((c) => `case when ${alias}.${c.ref} is null then ${literal(c.key)} end`);
  return `((${chunks.join(' || ')}) - array_remove(array[${nulls.join(', ')}]::text[], null))`;
}
