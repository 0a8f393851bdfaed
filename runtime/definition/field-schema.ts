// Field definitions: every field type a designed table can hold, with its options.
import { z } from 'zod';
import { identifierPattern } from '../identifiers';

/** A label or message in zh-CN and en. */
export const localizedTextSchema = z
  .object({ 'zh-CN': z.string().min(1).max(500), en: z.string().min(1).max(500) })
  .strict();

/** A user-chosen key that becomes a PostgreSQL identifier (reserved words are checked later). */
export const keySchema = z.string().regex(identifierPattern, 'must match ^[a-z][a-z0-9_]{0,62}$');

export const optionSchema = z
  .object({
    value: z.string().min(1).max(100),
    label: localizedTextSchema,
    color: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/)
      .optional(),
  })
  .strict();

/** Options inline, or a reference to a named list in the definition's `lists`. */
export const optionsSourceSchema = z.union([
  z.array(optionSchema).min(1).max(1000),
  z.object({ list: keySchema }).strict(),
]);

const base = {
  key: keySchema,
  label: localizedTextSchema,
  description: localizedTextSchema.optional(),
  required: z.boolean().optional(),
  unique: z.boolean().optional(),
  indexed: z.boolean().optional(),
};

const bounded = { min: z.number().finite().optional(), max: z.number().finite().optional() };

export const fieldSchema = z.discriminatedUnion('type', [
  z
    .object({
      ...base,
      type: z.literal('text'),
      default: z.string().max(10_000).optional(),
      minLength: z.number().int().min(0).optional(),
      maxLength: z.number().int().min(1).max(10_000).optional(),
      pattern: z.string().max(500).optional(),
    })
    .strict(),
  z
    .object({
      ...base,
      type: z.literal('long_text'),
      default: z.string().max(100_000).optional(),
      maxLength: z.number().int().min(1).max(1_000_000).optional(),
    })
    .strict(),
  z
    .object({
      ...base,
      ...bounded,
      type: z.literal('number'),
      default: z.number().finite().optional(),
    })
    .strict(),
  z
    .object({
      ...base,
      ...bounded,
      type: z.literal('integer'),
      default: z.number().int().optional(),
    })
    .strict(),
  z
    .object({
      ...base,
      ...bounded,
      type: z.literal('money'),
      currency: z
        .string()
        .regex(/^[A-Z]{3}$/)
        .default('CNY'),
      default: z.number().finite().optional(),
    })
    .strict(),
  z.object({ ...base, type: z.literal('boolean'), default: z.boolean().optional() }).strict(),
  z
    .object({
      ...base,
      type: z.literal('date'),
      default: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
        .optional(),
    })
    .strict(),
  z.object({ ...base, type: z.literal('datetime') }).strict(),
  z
    .object({
      ...base,
      type: z.literal('select'),
      options: optionsSourceSchema,
      default: z.string().optional(),
    })
    .strict(),
  z
    .object({
      ...base,
      type: z.literal('multi_select'),
      options: optionsSourceSchema,
      minItems: z.number().int().min(0).optional(),
      maxItems: z.number().int().min(1).optional(),
      default: z.array(z.string()).optional(),
    })
    .strict(),
  z
    .object({
      ...base,
      type: z.literal('phone'),
      defaultRegion: z
        .string()
        .regex(/^[A-Z]{2}$/)
        .optional(),
    })
    .strict(),
  z.object({ ...base, type: z.literal('email') }).strict(),
  z.object({ ...base, type: z.literal('url') }).strict(),
  z.object({ ...base, type: z.literal('user') }).strict(),
  z
    .object({
      ...base,
      type: z.literal('relation'),
      /** The table this many-to-one relation points at. */
      table: keySchema,
      /** Name under which the target table lists the records pointing at it. */
      reverseKey: keySchema.optional(),
      reverseLabel: localizedTextSchema.optional(),
      onDelete: z.enum(['restrict', 'set_null']).optional(),
    })
    .strict(),
  z
    .object({
      ...base,
      type: z.literal('attachments'),
      accept: z.array(z.string().regex(/^[a-z]+\/([a-z0-9.+-]+|\*)$/)).optional(),
      minItems: z.number().int().min(0).optional(),
      maxItems: z.number().int().min(1).max(100).optional(),
    })
    .strict(),
  z
    .object({ ...base, type: z.literal('tags'), default: z.array(z.string().max(100)).optional() })
    .strict(),
  z.object({ ...base, type: z.literal('json') }).strict(),
  z
    .object({
      ...base,
      type: z.literal('computed'),
      /** CEL over `record`, evaluated and stored on every write. */
      expression: z.string().min(1).max(5_000),
      resultType: z.enum(['text', 'number', 'integer', 'boolean', 'date', 'datetime']),
    })
    .strict(),
  z
    .object({
      ...base,
      type: z.literal('auto_number'),
      prefix: z
        .string()
        .max(20)
        .regex(/^[A-Za-z0-9_-]*$/)
        .optional(),
      padding: z.number().int().min(1).max(12).optional(),
    })
    .strict(),
]);

export type FieldDefinition = z.infer<typeof fieldSchema>;
export type FieldType = FieldDefinition['type'];
export type OptionDefinition = z.infer<typeof optionSchema>;
export type FieldOf<T extends FieldType> = Extract<FieldDefinition, { type: T }>;

/** Every field type, in palette order. */
export const fieldTypes: readonly FieldType[] = fieldSchema.options.map(
  (o) => o.shape.type.value,
) as FieldType[];
