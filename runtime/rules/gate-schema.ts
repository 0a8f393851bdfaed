// Stage gates: what must hold before a record may move into a stage (动作锁).
import { z } from 'zod';
import { keySchema, localizedTextSchema } from '../definition/field-schema';
import { celSourceSchema } from './rule-common-schema';

const mimePattern = /^[a-z]+\/([a-z0-9.+-]+|\*)$/;

/** Each listed field must have a value (non-blank text, non-empty list). */
export const fieldsRequirementSchema = z
  .object({
    kind: z.literal('fields'),
    fields: z.array(keySchema).min(1).max(50),
    message: localizedTextSchema.optional(),
  })
  .strict();

/** At least `min` files in an attachments field, counting only files of the MIME type if given. */
export const attachmentRequirementSchema = z
  .object({
    kind: z.literal('attachment'),
    field: keySchema,
    /** `application/pdf` or a family such as `image/*`. */
    mime: z.string().regex(mimePattern).optional(),
    min: z.number().int().min(1).max(100).optional(),
    message: localizedTextSchema.optional(),
  })
  .strict();

/** At least `min` completed tasks or follow-ups of a kind, counted by the platform. */
export const completedRequirementSchema = z
  .object({
    kind: z.literal('completed'),
    /** What is counted, e.g. `follow_up`; the platform supplies the count in the gate facts. */
    what: keySchema,
    min: z.number().int().min(1).max(1_000),
    label: localizedTextSchema.optional(),
    message: localizedTextSchema.optional(),
  })
  .strict();

/** A CEL condition over `record` with the message shown while it is false. */
export const celRequirementSchema = z
  .object({ kind: z.literal('cel'), cel: celSourceSchema, message: localizedTextSchema })
  .strict();

export const gateRequirementSchema = z.discriminatedUnion('kind', [
  fieldsRequirementSchema,
  attachmentRequirementSchema,
  completedRequirementSchema,
  celRequirementSchema,
]);

export const gateSchema = z
  .object({
    key: keySchema,
    label: localizedTextSchema.optional(),
    table: keySchema,
    /** The stage being entered. */
    to: keySchema,
    /** Only transitions from these stages; any stage (and none) when absent. */
    from: z.array(keySchema).min(1).max(50).optional(),
    require: z.array(gateRequirementSchema).min(1).max(50),
  })
  .strict();

export type Gate = z.infer<typeof gateSchema>;
export type GateRequirement = z.infer<typeof gateRequirementSchema>;
