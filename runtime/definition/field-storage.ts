// How each field type is stored, and which type changes publish can carry out on existing data.
import type { FieldDefinition, FieldType } from './field-schema';

/** Storage classes, one per PostgreSQL column type Baton uses for designed fields. */
export type FieldStorage =
  | 'text'
  | 'double'
  | 'bigint'
  | 'numeric'
  | 'boolean'
  | 'date'
  | 'timestamptz'
  | 'text[]'
  | 'uuid'
  | 'uuid[]'
  | 'jsonb';

const storageByType: Record<Exclude<FieldType, 'computed'>, FieldStorage> = {
  text: 'text',
  long_text: 'text',
  number: 'double',
  integer: 'bigint',
  money: 'numeric',
  boolean: 'boolean',
  date: 'date',
  datetime: 'timestamptz',
  select: 'text',
  multi_select: 'text[]',
  phone: 'text',
  email: 'text',
  url: 'text',
  user: 'uuid',
  relation: 'uuid',
  attachments: 'uuid[]',
  tags: 'text[]',
  json: 'jsonb',
  auto_number: 'text',
};

const storageByResultType = {
  text: 'text',
  number: 'double',
  integer: 'bigint',
  boolean: 'boolean',
  date: 'date',
  datetime: 'timestamptz',
} as const satisfies Record<string, FieldStorage>;

/** The storage class of a field. */
export function storageOf(
  field: Pick<FieldDefinition, 'type'> & { resultType?: string },
): FieldStorage {
  if (field.type === 'computed') {
    return storageByResultType[(field.resultType ?? 'text') as keyof typeof storageByResultType];
  }
  return storageByType[field.type];
}

/** Conversions between storage classes that PostgreSQL can do with a USING cast. */
const castable: Readonly<Record<FieldStorage, readonly FieldStorage[]>> = {
  text: ['double', 'bigint', 'numeric', 'boolean', 'date', 'timestamptz', 'text[]'],
  double: ['bigint', 'numeric', 'text'],
  bigint: ['double', 'numeric', 'text'],
  numeric: ['double', 'bigint', 'text'],
  boolean: ['text'],
  date: ['timestamptz', 'text'],
  timestamptz: ['date', 'text'],
  'text[]': ['text'],
  uuid: [],
  'uuid[]': [],
  jsonb: ['text'],
};

/** Field types whose meaning is tied to other data; they never change type. */
const fixedTypes: ReadonlySet<FieldType> = new Set([
  'relation',
  'user',
  'attachments',
  'auto_number',
]);

export type TypeChange = 'none' | 'same_storage' | 'cast' | 'refused';

/**
 * Classifies a type change of a published field.
 * @example typeChangeOf({ type: 'text' }, { type: 'integer' }) // 'cast'
 */
export function typeChangeOf(from: FieldDefinition, to: FieldDefinition): TypeChange {
  if (from.type === to.type && from.type !== 'computed' && from.type !== 'relation') return 'none';
  if (from.type === 'relation' && to.type === 'relation') {
    return from.table === to.table ? 'none' : 'refused';
  }
  if (fixedTypes.has(from.type) || fixedTypes.has(to.type)) return 'refused';
  if ((from.type === 'computed') !== (to.type === 'computed')) return 'refused';
  const a = storageOf(from);
  const b = storageOf(to);
  if (a === b) return from.type === to.type ? 'none' : 'same_storage';
  return castable[a].includes(b) ? 'cast' : 'refused';
}
