// Starter-pack templates: an app definition with typed parameters and demo people, shipped as data.
import { z } from 'zod';
import { localizedTextSchema } from '../definition/field-schema';
import { isoDurationSchema } from '../time/iso-duration';

export const parameterTypes = [
  'duration',
  'integer',
  'number',
  'string',
  'string_list',
  'boolean',
] as const;
export type ParameterType = (typeof parameterTypes)[number];

/** A parameter name as placeholders spell it: `{{params.first_response}}`. */
export const parameterNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, 'must match ^[a-z][a-z0-9_]{0,62}$');

/** A template key is also its folder name under `templates/`: `medical-device`. */
export const templateKeySchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, 'must match ^[a-z][a-z0-9-]{0,62}$');

const semverSchema = z
  .string()
  .regex(
    /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/,
    'must be a semantic version such as 1.0.0',
  );

const common = {
  label: localizedTextSchema,
  description: localizedTextSchema.optional(),
};
const finite = z.number().finite();
const count = z.number().int().min(0);

/**
 * One parameter. `min`/`max` bound the value (integer, number), the length (duration, as ISO
 * text), the number of characters (string) or of items (string_list).
 */
export const templateParameterSchema = z.discriminatedUnion('type', [
  z
    .object({
      ...common,
      type: z.literal('duration'),
      default: isoDurationSchema,
      min: isoDurationSchema.optional(),
      max: isoDurationSchema.optional(),
    })
    .strict(),
  z
    .object({
      ...common,
      type: z.literal('integer'),
      default: z.number().int(),
      min: z.number().int().optional(),
      max: z.number().int().optional(),
    })
    .strict(),
  z
    .object({
      ...common,
      type: z.literal('number'),
      default: finite,
      min: finite.optional(),
      max: finite.optional(),
    })
    .strict(),
  z
    .object({
      ...common,
      type: z.literal('string'),
      default: z.string().max(10_000),
      min: count.optional(),
      max: count.optional(),
    })
    .strict(),
  z
    .object({
      ...common,
      type: z.literal('string_list'),
      default: z.array(z.string().max(1_000)).max(1_000),
      min: count.optional(),
      max: count.optional(),
    })
    .strict(),
  z.object({ ...common, type: z.literal('boolean'), default: z.boolean() }).strict(),
]);

/** A space role as the people API spells it: no spaces, `@`, `:` or `,`. */
const roleSchema = z
  .string()
  .regex(/^[^\s@:,]{1,63}$/u, 'must be 1–63 characters without spaces, "@", ":" or ","');
const placeSchema = z.string().trim().min(1).max(50);

/** A person the pack installs so that assignment, escalation and handover work on day one. */
export const demoUserSchema = z
  .object({
    /** Names the user inside the template (`managerKey` points at it). */
    key: parameterNameSchema,
    /** Users are matched by e-mail address when a pack is installed again. */
    email: z.string().trim().max(254).email(),
    displayName: z.string().trim().min(1).max(200),
    province: placeSchema.nullable().optional(),
    city: placeSchema.nullable().optional(),
    productLines: z.array(z.string().trim().min(1).max(63)).max(50).default([]),
    managerKey: parameterNameSchema.optional(),
    /** Roles in the space the pack is installed into: `rep`, `supervisor`, `market`… */
    roles: z.array(roleSchema).max(20),
  })
  .strict();

export const templateSchema = z
  .object({
    /** Lets editors find the JSON Schema; ignored otherwise. */
    $schema: z.string().max(500).optional(),
    formatVersion: z.literal(1),
    key: templateKeySchema,
    version: semverSchema,
    label: localizedTextSchema,
    description: localizedTextSchema,
    parameters: z.record(parameterNameSchema, templateParameterSchema).default({}),
    /**
     * An app definition in which any string may hold `{{params.name}}`: a whole-string placeholder
     * becomes the typed value (`"lessThan": "{{params.capacity}}"` → `8`); inside longer text the
     * value is written out (`"size(record.roles) >= {{params.min_roles}}"`).
     */
    definition: z.record(z.string(), z.unknown()),
    demoUsers: z.array(demoUserSchema).max(500).optional(),
  })
  .strict();

export type Template = z.infer<typeof templateSchema>;
export type TemplateParameter = z.infer<typeof templateParameterSchema>;
export type DemoUser = z.infer<typeof demoUserSchema>;
/** A parameter's value once resolved: what a whole-string placeholder is replaced by. */
export type ParameterValue = string | number | boolean | readonly string[];

/** The template format's JSON Schema (draft 2020-12), for editors and integrators. */
export function templateJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(templateSchema, { target: 'draft-2020-12', io: 'input' }) as Record<
    string,
    unknown
  >;
}
