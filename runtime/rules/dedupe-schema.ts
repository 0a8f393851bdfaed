// Dedupe rules: which normalised fields identify "the same lead" within a time window, and what then.
import { z } from 'zod';
import { keySchema, localizedTextSchema } from '../definition/field-schema';
import { positiveDurationSchema, recipientSchema, tagSchema } from './rule-common-schema';

export const dedupeOutcomes = ['mark_returning', 'block', 'allow_flagged'] as const;
export type DedupeOutcomeKind = (typeof dedupeOutcomes)[number];

export const dedupeRuleSchema = z
  .object({
    key: keySchema,
    label: localizedTextSchema.optional(),
    table: keySchema,
    /** Fields that must all be equal (after normalisation) for two records to match. */
    keys: z.array(keySchema).min(1).max(5),
    /** How far back a match counts, from the new record's arrival: `P30D`. */
    window: positiveDurationSchema,
    /**
     * `mark_returning`: keep the record, link it to the original and give it the original's owner
     * (no new owner is chosen); `block`: refuse the record; `allow_flagged`: keep it, tagged and
     * linked, and let assignment run as usual.
     */
    outcome: z.enum(dedupeOutcomes),
    /** Relation field (to the same table) that receives the original record's id. */
    linkField: keySchema.optional(),
    /** Tag added to a matching record, e.g. 复访线索. */
    tag: tagSchema.optional(),
    /** Who is told about a match, e.g. `original_owner`. */
    notify: recipientSchema.optional(),
    /** Shown when `block` refuses a record; a generic message otherwise. */
    message: localizedTextSchema.optional(),
  })
  .strict();

export type DedupeRule = z.infer<typeof dedupeRuleSchema>;
