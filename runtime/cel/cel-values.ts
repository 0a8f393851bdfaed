// Baton's JSON values <-> cel-js values: ints are BigInt, timestamps Date, durations Duration.
import { celDate } from './cel-date';
import { Duration, UnsignedInt } from '@marcbachmann/cel-js/evaluator';
import type { FieldDefinition } from '../definition/field-schema';
import { epochDayOf } from './calendar';
import { celTypeOfField, type CelType } from './cel-type-of-field';

export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A value that cannot cross between JSON and CEL; `path` names it, e.g. `record.budget`. */
export class CelValueError extends Error {
  readonly code = 'CEL_VALUE';
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'CelValueError';
  }
}

const integerText = /^-?\d{1,19}$/;
const numberText = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
// An offset is required: a local time would depend on the host's zone.
const timestampText =
  /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|z|[+-]\d{2}(?::?\d{2})?)$/;
const durationText = /^(-?\d+(?:\.\d{1,9})?)s$/;
const minTimestamp = -62_135_596_800_000; // 0001-01-01T00:00:00Z
const maxTimestamp = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function fail(path: string, expected: string, value: unknown): never {
  throw new CelValueError(path, `expected ${expected}, got ${describe(value)}`);
}

/** Parses an ISO 8601 instant with an explicit offset (or a Date) into a valid, in-range Date. */
export function toTimestamp(value: unknown, path: string): Date {
  let date: Date | undefined;
  if (value instanceof Date) date = value;
  else if (typeof value === 'string') {
    const m = timestampText.exec(value);
    if (m) {
      const offset = m[3] as string;
      const zone =
        offset === 'Z' || offset === 'z'
          ? 'Z'
          : `${offset.slice(0, 3)}:${offset.length > 3 ? offset.slice(-2) : '00'}`;
      date = new Date(`${m[1]}T${m[2]}${zone}`);
    }
  }
  const ms = date?.getTime();
  if (date === undefined || ms === undefined || !(ms >= minTimestamp && ms <= maxTimestamp)) {
    return fail(path, 'an ISO 8601 timestamp with offset, e.g. 2025-03-01T09:30:00+08:00', value);
  }
  return celDate(ms);
}

function toInt(value: unknown, path: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  // PostgreSQL bigint columns arrive as strings.
  if (typeof value === 'string' && integerText.test(value)) return BigInt(value);
  return fail(path, 'an integer', value);
}

function toDouble(value: unknown, path: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'bigint') return Number(value);
  // PostgreSQL numeric (money) columns arrive as strings.
  if (typeof value === 'string' && numberText.test(value)) return Number(value);
  return fail(path, 'a number', value);
}

function toDuration(value: unknown, path: string): Duration {
  if (value instanceof Duration) return value;
  const m = typeof value === 'string' ? durationText.exec(value) : null;
  if (!m) return fail(path, "a duration such as '90s'", value);
  return Duration.fromMilliseconds(Number(m[1]) * 1000);
}

function toList(value: unknown, element: string, path: string): unknown[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) return fail(path, 'a list', value);
  return value.map((v, i) => jsonToCel(v, element as CelType, `${path}[${i}]`));
}

function toMap(value: unknown, element: string, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(path, 'an object', value);
  }
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  // dyn values pass through unchanged: copy them without building a path per entry.
  if (element === 'dyn') return Object.assign(out, value);
  for (const [k, v] of Object.entries(value))
    out[k] = jsonToCel(v, element as CelType, `${path}.${k}`);
  return out;
}

/**
 * Converts a JSON value to the CEL value of a type. null stays null (lists become []); JSON numbers
 * under `dyn` stay doubles, as in the CEL spec's JSON mapping, so a value's type never depends on
 * whether it happens to be whole. Throws CelValueError.
 * @example jsonToCel(42, 'int', 'count') // 42n
 */
export function jsonToCel(value: unknown, type: CelType, path: string): unknown {
  if (type.startsWith('list<')) return toList(value, type.slice(5, -1), path);
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'dyn':
      return value;
    case 'string':
      return typeof value === 'string' ? value : fail(path, 'a string', value);
    case 'bool':
      return typeof value === 'boolean' ? value : fail(path, 'true or false', value);
    case 'int':
      return toInt(value, path);
    case 'double':
      return toDouble(value, path);
    case 'timestamp':
      return toTimestamp(value, path);
    case 'duration':
      return toDuration(value, path);
    default:
      return toMap(value, type.slice('map<string, '.length, -1), path);
  }
}

function toIdText(value: unknown, path: string): unknown {
  // Record, user and auto numbers are identifiers: numeric ones read as their decimal text.
  return typeof value === 'number' && Number.isSafeInteger(value)
    ? String(value)
    : jsonToCel(value, 'string', path);
}

function toAttachmentIds(value: unknown, path: string): unknown {
  if (!Array.isArray(value)) return jsonToCel(value, 'list<string>', path);
  return value.map((v: unknown, i) => {
    // Attachments may be stored as file descriptors; CEL sees their ids.
    const id = typeof v === 'object' && v !== null && 'id' in v ? v.id : v;
    return jsonToCel(id, 'string', `${path}[${i}]`);
  });
}

/**
 * Converts a field's value in Baton's JSON form to what `record.<key>` is in CEL.
 * Throws CelValueError when the value does not fit the field.
 * @example fieldValueToCel({ key: 'seen_at', type: 'datetime', ... }, '2025-03-01T01:00:00Z', 'record.seen_at') // Date
 */
export function fieldValueToCel(field: FieldDefinition, value: unknown, path: string): unknown {
  switch (field.type) {
    case 'user':
    case 'relation':
    case 'auto_number':
      return value === null || value === undefined ? null : toIdText(value, path);
    case 'attachments':
      return toAttachmentIds(value, path);
    case 'date':
    case 'computed': {
      const converted = jsonToCel(value, celTypeOfField(field), path);
      const isDate = field.type === 'date' || field.resultType === 'date';
      if (isDate && typeof converted === 'string' && epochDayOf(converted) === null) {
        return fail(path, "a date 'YYYY-MM-DD'", value);
      }
      return converted;
    }
    default:
      return jsonToCel(value, celTypeOfField(field), path);
  }
}

/**
 * A record as CEL sees it. Fields convert lazily on first read, so an expression touching two
 * fields of a forty-field table converts two values; absent fields read as null (lists as []).
 */
export abstract class CelRecord extends Map<string, unknown> {
  /** The record in Baton's JSON form, restricted to the table's fields. */
  abstract toJson(): Record<string, JsonValue>;
}

export type CelRecordClass = new (
  raw: Readonly<Record<string, unknown>>,
  name: string,
) => CelRecord;

/** Builds the record class for a table; cel-js maps the class to the table's record type. */
export function createCelRecordClass(fields: readonly FieldDefinition[]): CelRecordClass {
  const byKey = new Map(fields.map((f) => [f.key, f]));
  return class TableRecord extends CelRecord {
    readonly #raw: Readonly<Record<string, unknown>>;
    readonly #name: string;
    constructor(raw: Readonly<Record<string, unknown>>, name: string) {
      super();
      this.#raw = raw;
      this.#name = name;
    }

    override get(key: string): unknown {
      const cached = super.get(key);
      if (cached !== undefined) return cached;
      const field = byKey.get(key);
      if (!field) return undefined;
      // hasOwn: a field named `constructor` must not read Object.prototype.constructor.
      const raw = Object.hasOwn(this.#raw, key) ? this.#raw[key] : null;
      const value = fieldValueToCel(field, raw, `${this.#name}.${key}`);
      super.set(key, value);
      return value;
    }

    toJson(): Record<string, JsonValue> {
      const out: Record<string, JsonValue> = {};
      for (const key of byKey.keys()) out[key] = celToJson(this.get(key));
      return out;
    }
  };
}

const base64Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function base64Of(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += base64Alphabet[(n >> 18) & 63];
    out += base64Alphabet[(n >> 12) & 63];
    out += i + 1 < bytes.length ? base64Alphabet[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.length ? base64Alphabet[n & 63] : '=';
  }
  return out;
}

function objectToJson(value: object): JsonValue {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof CelRecord) return value.toJson();
  if (Array.isArray(value) || value instanceof Set) return Array.from(value, celToJson);
  if (value instanceof Map) {
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of value) out[String(k)] = celToJson(v);
    return out;
  }
  if (value instanceof Duration) return value.toString();
  if (value instanceof UnsignedInt) return celToJson(value.value);
  if (value instanceof Uint8Array) return base64Of(value);
  const tag = Object.prototype.toString.call(value);
  // A CEL type value, e.g. the result of type(x): Type<int>.
  if (tag.startsWith('[object Type<')) return tag.slice('[object Type<'.length, -2);
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(value)) out[k] = celToJson(v);
  return out;
}

/**
 * Converts a CEL result to JSON: ints to numbers (when exactly representable), timestamps to ISO
 * strings, durations to '90s', bytes to base64. Throws CelValueError for NaN, ±Infinity and ints
 * beyond ±2^53, which JSON numbers cannot carry faithfully.
 * @example celToJson([1n, new Date(0)]) // [1, '1970-01-01T00:00:00.000Z']
 */
export function celToJson(value: unknown): JsonValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (Number.isFinite(value)) return value;
      throw new CelValueError('result', `${value} cannot be stored as a number`);
    case 'bigint':
      if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) {
        return Number(value);
      }
      throw new CelValueError('result', `${value} is too large to be stored exactly`);
    case 'object':
      return value === null ? null : objectToJson(value);
    default:
      throw new CelValueError('result', `a ${typeof value} has no JSON form`);
  }
}
