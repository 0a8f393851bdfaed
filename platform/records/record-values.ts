// Converts between stored column values and the JSON a record is read and written as.
import type { FieldDefinition } from '../../runtime/definition/field-schema';
import { storageOf } from '../../runtime/definition/field-storage';

/** Columns every record carries, in the order they are returned. */
export const systemFields = [
  'id',
  'version',
  'created_at',
  'created_by',
  'updated_at',
  'updated_by',
  'owner',
  'stage',
  'deleted_at',
] as const;

export type RecordJson = Record<string, unknown>;

/** A stored row as JSON: numbers as numbers, timestamps as ISO strings, dates as YYYY-MM-DD. */
export function rowToRecord(
  row: Record<string, unknown>,
  fields: readonly FieldDefinition[],
): RecordJson {
  const record: RecordJson = {
    id: row.id,
    version: row.version,
    created_at: iso(row.created_at),
    created_by: row.created_by ?? null,
    updated_at: iso(row.updated_at),
    updated_by: row.updated_by ?? null,
    owner: row.owner ?? null,
    stage: row.stage ?? null,
    deleted_at: iso(row.deleted_at),
  };
  for (const field of fields) record[field.key] = fromColumn(field, row[field.key]);
  return record;
}

/** One stored value as JSON. */
export function fromColumn(field: FieldDefinition, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (storageOf(field)) {
    case 'bigint':
    case 'numeric':
    case 'double':
      return typeof value === 'number' ? value : Number(value);
    case 'timestamptz':
      return iso(value);
    case 'date':
      return value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
    default:
      return value;
  }
}

/** One JSON value as a column parameter. */
export function toColumn(field: FieldDefinition, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  const storage = storageOf(field);
  if (storage === 'jsonb') return JSON.stringify(value);
  if (storage === 'timestamptz') return new Date(String(value));
  return value;
}

function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}
