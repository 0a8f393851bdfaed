// PostgreSQL column types, cast expressions and index names for designed fields.
import { quoteIdentifier as q } from '../../runtime/identifiers';
import type { FieldDefinition } from '../../runtime/definition/field-schema';
import { storageOf, type FieldStorage } from '../../runtime/definition/field-storage';

const sqlTypes: Record<FieldStorage, string> = {
  text: 'text',
  double: 'double precision',
  bigint: 'bigint',
  numeric: 'numeric(18,2)',
  boolean: 'boolean',
  date: 'date',
  timestamptz: 'timestamptz',
  'text[]': 'text[]',
  uuid: 'uuid',
  'uuid[]': 'uuid[]',
  jsonb: 'jsonb',
};

/** The column type of a field, e.g. `numeric(18,2)` for money. */
export function columnType(field: FieldDefinition): string {
  return sqlTypes[storageOf(field)];
}

/** `"schema"."table"`. */
export function tableRef(schema: string, table: string): string {
  return `${q(schema)}.${q(table)}`;
}

/**
 * The USING expression converting a column between storage classes. Text sources are trimmed and
 * blanks become NULL; lists split on ASCII and full-width commas and semicolons.
 */
export function castExpression(column: string, from: FieldStorage, to: FieldStorage): string {
  const c = q(column);
  if (from === 'text') {
    if (to === 'text[]') {
      return `case when nullif(btrim(${c}), '') is null then null else regexp_split_to_array(btrim(${c}), '\\s*[,，;；]\\s*') end`;
    }
    return `nullif(btrim(${c}), '')::${sqlTypes[to]}`;
  }
  if (to === 'text') {
    if (from === 'text[]') return `array_to_string(${c}, ', ')`;
    if (from === 'jsonb') return `${c} #>> '{}'`;
    return `${c}::text`;
  }
  if (from === 'timestamptz' && to === 'date') return `(${c} at time zone 'Asia/Shanghai')::date`;
  if (to === 'bigint' && from !== 'bigint') return `round(${c})::bigint`;
  return `${c}::${sqlTypes[to]}`;
}

/** Whether existing values might fail the cast (only text parsing can). */
export function castCanFail(from: FieldStorage, to: FieldStorage): boolean {
  return from === 'text' && to !== 'text[]';
}

/** SQL type name as `pg_input_is_valid` expects it. */
export function sqlTypeName(storage: FieldStorage): string {
  return sqlTypes[storage];
}

/**
 * A deterministic index name within PostgreSQL's 63-byte limit: long names are cut and suffixed
 * with a hash so two long fields never collide.
 */
export function indexName(table: string, field: string, unique: boolean): string {
  const name = `${table}__${field}__${unique ? 'ux' : 'ix'}`;
  if (name.length <= 63) return name;
  return `${name.slice(0, 54)}_${fnv1a(name)}`;
}

/** Name of the sequence behind an auto-number field. */
export function sequenceName(table: string, field: string): string {
  const name = `${table}__${field}__seq`;
  return name.length <= 63 ? name : `${name.slice(0, 54)}_${fnv1a(name)}`;
}

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
