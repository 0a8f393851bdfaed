// Assignment rules: who may take a record, how much they may carry, and how one of them is picked.
import { z } from 'zod';
import { keySchema, localizedTextSchema } from '../definition/field-schema';
import { celSourceSchema, recipientSchema } from './rule-common-schema';

export const assignmentStrategies = ['least_loaded', 'round_robin', 'weighted'] as const;
export type AssignmentStrategy = (typeof assignmentStrategies)[number];

/** A candidate is eligible only while their metric is below `lessThan`. */
export const capacitySchema = z
  .object({
    /**
     * `open_records`: records of the rule's table the user owns that are not deleted and not in
     * one of `closedStages`. The platform counts it (under a lock) and passes it as `openCount`.
     */
    metric: z.literal('open_records'),
    lessThan: z.number().int().min(1).max(100_000),
    closedStages: z.array(keySchema).max(50).optional(),
  })
  .strict();

export const assignmentEntrySchema = z
  .object({
    key: keySchema,
    label: localizedTextSchema.optional(),
    /** CEL over `record`: the entry applies only when it holds. Default: always. */
    when: celSourceSchema.optional(),
    /**
     * CEL over `user` (the candidate's attributes) and `record`, e.g.
     * `user.region.province == record.province && record.product_line in user.product_lines`.
     */
    candidates: celSourceSchema,
    capacity: capacitySchema.optional(),
    /**
     * `least_loaded`: fewest open records; `round_robin`: longest wait since the last assignment
     * by this rule; `weighted`: smallest assigned/weight ratio. Ties go to the longest wait, then
     * the smallest user id, so the choice is deterministic.
     */
    strategy: z.enum(assignmentStrategies),
  })
  .strict();

export const assignmentRuleSchema = z
  .object({
    key: keySchema,
    label: localizedTextSchema.optional(),
    table: keySchema,
    /** Tried in order; the first applicable entry with an eligible candidate wins. */
    entries: z.array(assignmentEntrySchema).min(1).max(50),
    /** Where a record goes when no entry finds anybody. */
    fallback: z.object({ pool: keySchema, notify: recipientSchema.optional() }).strict(),
  })
  .strict();

export type AssignmentRule = z.infer<typeof assignmentRuleSchema>;
export type AssignmentEntry = z.infer<typeof assignmentEntrySchema>;
