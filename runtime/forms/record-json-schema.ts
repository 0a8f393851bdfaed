// Compiles a designed table into the JSON Schema (draft-07) that both the form and the API validate with.
import type { AppDefinition, TableDefinition } from '../definition/definition-schema';
import type { FieldDefinition } from '../definition/field-schema';
import { optionsOf } from '../definition/resolve-options';
import { localize, type Locale } from '../localized-text';

export type JsonSchema = Record<string, unknown>;

/** Field types whose values Baton computes; clients never write them. */
export function isReadOnlyField(field: FieldDefinition): boolean {
  return field.type === 'computed' || field.type === 'auto_number';
}

export interface RecordSchemaOptions {
  readonly locale?: Locale;
  /** `create` lists required fields; `patch` accepts any subset. */
  readonly mode?: 'create' | 'patch';
}

/**
 * The JSON Schema of a record's writable values. Optional fields accept null (clearing a value);
 * unknown properties are refused.
 * @example compileRecordSchema(definition, leadTable, { mode: 'create' }).required // ['name']
 */
export function compileRecordSchema(
  definition: AppDefinition,
  table: TableDefinition,
  options: RecordSchemaOptions = {},
): JsonSchema {
  const locale = options.locale ?? 'en';
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const field of table.fields) {
    if (isReadOnlyField(field)) continue;
    const schema = fieldSchema(definition, field, locale);
    // A patch may send null for a required field; the merged record then reports it as missing.
    properties[field.key] = field.required && options.mode !== 'patch' ? schema : nullable(schema);
    if (field.required && options.mode !== 'patch') required.push(field.key);
  }
  properties.owner = nullable({
    type: 'string',
    format: 'uuid',
    title: locale === 'en' ? 'Owner' : '负责人',
  });
  if (table.stages && table.stages.length > 0) {
    properties.stage = nullable({
      type: 'string',
      title: locale === 'en' ? 'Stage' : '阶段',
      oneOf: table.stages.map((s) => ({ const: s.key, title: localize(s.label, locale) })),
    });
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: localize(table.label, locale),
    type: 'object',
    properties,
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
  };
}

function fieldSchema(
  definition: AppDefinition,
  field: FieldDefinition,
  locale: Locale,
): JsonSchema {
  const base: JsonSchema = { title: localize(field.label, locale) };
  if (field.description) base.description = localize(field.description, locale);
  if ('default' in field && field.default !== undefined) base.default = field.default;
  switch (field.type) {
    case 'text':
      return {
        ...base,
        type: 'string',
        maxLength: field.maxLength ?? 1000,
        ...(field.minLength !== undefined ? { minLength: field.minLength } : {}),
        ...(field.pattern ? { pattern: field.pattern } : {}),
      };
    case 'long_text':
      return { ...base, type: 'string', maxLength: field.maxLength ?? 100_000 };
    case 'number':
    case 'money':
      return {
        ...base,
        type: 'number',
        ...bounds(field.min, field.max, field.type === 'money' ? 1e16 : undefined),
      };
    case 'integer':
      return { ...base, type: 'integer', ...bounds(field.min, field.max, Number.MAX_SAFE_INTEGER) };
    case 'boolean':
      return { ...base, type: 'boolean' };
    case 'date':
      return { ...base, type: 'string', format: 'date' };
    case 'datetime':
      return { ...base, type: 'string', format: 'date-time' };
    case 'select':
      return {
        ...base,
        type: 'string',
        oneOf: optionsOf(field, definition.lists).map((o) => ({
          const: o.value,
          title: localize(o.label, locale),
        })),
      };
    case 'multi_select':
      return {
        ...base,
        type: 'array',
        uniqueItems: true,
        items: {
          type: 'string',
          oneOf: optionsOf(field, definition.lists).map((o) => ({
            const: o.value,
            title: localize(o.label, locale),
          })),
        },
        ...(field.minItems !== undefined ? { minItems: field.minItems } : {}),
        ...(field.maxItems !== undefined ? { maxItems: field.maxItems } : {}),
      };
    case 'phone':
      return { ...base, type: 'string', pattern: '^\\+?[0-9][0-9 ()-]{2,30}$', maxLength: 32 };
    case 'email':
      return { ...base, type: 'string', format: 'email', maxLength: 254 };
    case 'url':
      return { ...base, type: 'string', format: 'uri', pattern: '^https?://', maxLength: 2048 };
    case 'user':
    case 'relation':
      return { ...base, type: 'string', format: 'uuid' };
    case 'attachments':
      return {
        ...base,
        type: 'array',
        uniqueItems: true,
        items: { type: 'string', format: 'uuid' },
        maxItems: field.maxItems ?? 100,
        ...(field.minItems !== undefined ? { minItems: field.minItems } : {}),
      };
    case 'tags':
      return {
        ...base,
        type: 'array',
        uniqueItems: true,
        items: { type: 'string', minLength: 1, maxLength: 100 },
        maxItems: 200,
      };
    case 'json':
      return { ...base };
    case 'computed':
    case 'auto_number':
      return { ...base, readOnly: true };
  }
}

function bounds(min: number | undefined, max: number | undefined, limit?: number): JsonSchema {
  return {
    ...(min !== undefined ? { minimum: min } : limit !== undefined ? { minimum: -limit } : {}),
    ...(max !== undefined ? { maximum: max } : limit !== undefined ? { maximum: limit } : {}),
  };
}

function nullable(schema: JsonSchema): JsonSchema {
  const type = schema.type;
  if (typeof type === 'string') {
    const { oneOf, ...rest } = schema;
    // `oneOf` choices would refuse null; allow it beside them.
    return oneOf
      ? { ...rest, type: [type, 'null'], anyOf: [{ type: 'null' }, { oneOf }] }
      : { ...rest, type: [type, 'null'] };
  }
  return schema;
}
