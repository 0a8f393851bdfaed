// The CEL type of each field type: what `record.<key>` is when an expression reads it.
import type { FieldDefinition, FieldOf, FieldType } from '../definition/field-schema';

/** Scalar CEL types Baton exposes, by their short CEL names (`timestamp`, not google.protobuf.…). */
export type CelScalarType = 'bool' | 'int' | 'double' | 'string' | 'timestamp' | 'duration';

/** The CEL types a field, a scope variable or an expected result can have. */
export type CelType =
  | CelScalarType
  | 'dyn'
  | `list<${CelScalarType | 'dyn'}>`
  | `map<string, ${CelScalarType | 'dyn'}>`;

/**
 * A `date` field is the string 'YYYY-MM-DD', not a timestamp: a date is a calendar day, not an
 * instant, so it carries no time zone; ISO dates compare correctly as strings
 * (`record.due_on < date_of(now)`), equal literals directly (`record.due_on == "2025-06-01"`) and
 * round-trip exactly. `add_days`, `weekday` and `days_since` accept date strings too.
 */
const byFieldType: Readonly<Record<Exclude<FieldType, 'computed'>, CelType>> = {
  text: 'string',
  long_text: 'string',
  number: 'double',
  integer: 'int',
  money: 'double',
  boolean: 'bool',
  date: 'string',
  datetime: 'timestamp',
  select: 'string',
  multi_select: 'list<string>',
  phone: 'string',
  email: 'string',
  url: 'string',
  user: 'string',
  relation: 'string',
  attachments: 'list<string>',
  tags: 'list<string>',
  json: 'dyn',
  auto_number: 'string',
};

const byComputedResult: Readonly<Record<FieldOf<'computed'>['resultType'], CelType>> = {
  text: 'string',
  number: 'double',
  integer: 'int',
  boolean: 'bool',
  date: 'string',
  datetime: 'timestamp',
};

/**
 * The CEL type of `record.<key>` for a field.
 * @example celTypeOfField({ key: 'budget', type: 'money', ... }) // 'double'
 */
export function celTypeOfField(field: FieldDefinition): CelType {
  return field.type === 'computed' ? byComputedResult[field.resultType] : byFieldType[field.type];
}

/** The CEL type a computed field's expression must produce. */
export function celTypeOfComputedResult(resultType: FieldOf<'computed'>['resultType']): CelType {
  return byComputedResult[resultType];
}

/**
 * Whether `record.<key>` can be null at run time. Scalars can (an empty field is null, so
 * `record.phone == null` is legal); lists cannot: an empty multi-select, tag or attachment field is
 * `[]`, so `"DR" in record.tags` and `size(record.tags)` never fail on a missing value.
 */
export function isNullableCelType(type: CelType): boolean {
  return !type.startsWith('list<');
}

/** Spelling of a Baton CEL type in cel-js (timestamps and durations are protobuf messages there). */
export function libraryTypeOf(type: CelType): string {
  return type
    .replace('timestamp', 'google.protobuf.Timestamp')
    .replace('duration', 'google.protobuf.Duration');
}

/**
 * How a field is declared to cel-js. Nullable scalars are `dyn<T>`: cel-js still type-checks them
 * as T (`record.budget + "x"` is refused) but accepts null values and `== null` comparisons.
 */
export function libraryFieldTypeOf(field: FieldDefinition): string {
  const type = celTypeOfField(field);
  if (type === 'dyn' || !isNullableCelType(type)) return libraryTypeOf(type);
  return `dyn<${libraryTypeOf(type)}>`;
}

/**
 * A cel-js type name as admins read it: nullable wrappers removed, protobuf names shortened.
 * @example friendlyTypeName('dyn<google.protobuf.Timestamp>') // 'timestamp'
 */
export function friendlyTypeName(name: string): string {
  let out = name
    .replaceAll('google.protobuf.Timestamp', 'timestamp')
    .replaceAll('google.protobuf.Duration', 'duration');
  for (let previous = ''; previous !== out;) {
    previous = out;
    out = out.replace(/dyn<([^<>]*)>/g, '$1');
  }
  if (out === 'list') return 'list<dyn>';
  if (out === 'map') return 'map<dyn, dyn>';
  return out;
}
