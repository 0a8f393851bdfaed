// Fits a value a source mapping produced to its field: senders send phone numbers as JSON numbers
// and form-encoded gateways send everything as text, so obvious conversions are made here and the
// record's own validation judges the rest.
import type { FieldDefinition } from '../definition/field-schema';
import { celTypeOfField, type CelType } from '../cel/cel-type-of-field';
import type { LocalizedText } from '../localized-text';

/** The broad shape of a CEL type: what a static check can tell apart. */
type Shape = 'scalar' | 'list' | 'map' | 'dyn';

function shapeOf(type: string): Shape {
  if (type === 'dyn') return 'dyn';
  if (type.startsWith('list')) return 'list';
  if (type.startsWith('map')) return 'map';
  return 'scalar';
}

/**
 * Whether an expression of static type `actual` can ever fill a field of CEL type `target`
 * (after the conversions of `fitValue`); `dyn` on either side is decided at delivery time.
 * @example staticFit('list<string>', 'string') // false
 */
export function staticFit(actual: string, target: CelType): boolean {
  const a = shapeOf(actual);
  const t = shapeOf(target);
  if (a === 'dyn' || t === 'dyn' || a === t || actual === 'null') return true;
  // One text value fills a one-item list field (a tag, an option).
  return t === 'list' && actual === 'string';
}

export type FitResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly message: LocalizedText };

const numeric = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function refuse(value: unknown, field: FieldDefinition, wanted: string): FitResult {
  const got = Array.isArray(value) ? 'a list' : value === null ? 'null' : `a ${typeof value}`;
  return {
    ok: false,
    message: {
      'zh-CN': `字段「${field.key}」需要${wanted}，映射结果是 ${got}`,
      en: `field "${field.key}" needs ${wanted}, the mapping gave ${got}`,
    },
  };
}

/**
 * The value to store for a field, from the JSON value a mapping produced; null stays null.
 * @example fitValue(phoneField, 13800138000) // { ok: true, value: '13800138000' }
 */
export function fitValue(field: FieldDefinition, value: unknown): FitResult {
  if (value === null || value === undefined) return { ok: true, value: null };
  const target = celTypeOfField(field);
  switch (target) {
    case 'string':
    case 'timestamp':
      if (typeof value === 'string') return { ok: true, value };
      if (typeof value === 'number' && Number.isFinite(value)) {
        return { ok: true, value: String(value) };
      }
      return refuse(value, field, target === 'string' ? 'text' : 'a date-time');
    case 'double':
    case 'int':
      if (typeof value === 'number') return { ok: true, value };
      if (typeof value === 'string' && numeric.test(value.trim())) {
        return { ok: true, value: Number(value.trim()) };
      }
      return refuse(value, field, 'a number');
    case 'bool':
      if (typeof value === 'boolean') return { ok: true, value };
      if (value === 'true' || value === '1') return { ok: true, value: true };
      if (value === 'false' || value === '0') return { ok: true, value: false };
      return refuse(value, field, 'true or false');
    case 'list<string>':
      if (typeof value === 'string') return { ok: true, value: value === '' ? [] : [value] };
      if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
        return { ok: true, value };
      }
      return refuse(value, field, 'a list of text');
    default:
      return { ok: true, value };
  }
}
