// Scorecards: points from record conditions and behaviour events, bands, and threshold actions.
import { z } from 'zod';
import { keySchema, localizedTextSchema } from '../definition/field-schema';
import { celSourceSchema, positiveDurationSchema, recipientSchema } from './rule-common-schema';

const pointsSchema = z.number().finite().min(-1_000).max(1_000);

/** Points while a CEL condition over `record` holds. */
export const fieldScoreRuleSchema = z
  .object({
    key: keySchema,
    label: localizedTextSchema,
    kind: z.literal('field'),
    when: celSourceSchema,
    points: pointsSchema,
  })
  .strict();

/** Points per behaviour event of a type, optionally filtered by CEL over `payload` (and `record`). */
export const eventScoreRuleSchema = z
  .object({
    key: keySchema,
    label: localizedTextSchema,
    kind: z.literal('event'),
    /** Event type, e.g. `email_reply`, `whitepaper_download`. */
    event: z.string().regex(/^[a-z][a-z0-9_.]{0,62}$/),
    /** CEL over `payload` (the event's data) and `record`, e.g. `contains_any(payload.text, ["预算"])`. */
    where: celSourceSchema.optional(),
    points: pointsSchema,
    /** `once`: the rule scores at most one event; `each` (default): every matching event scores. */
    count: z.enum(['once', 'each']).optional(),
    /** Most points (in absolute value) this rule contributes. */
    cap: z.number().finite().positive().optional(),
    /** An event's points halve every this long: `P14D`. */
    halfLife: positiveDurationSchema.optional(),
  })
  .strict();

export const scoreRuleSchema = z.discriminatedUnion('kind', [
  fieldScoreRuleSchema,
  eventScoreRuleSchema,
]);

/** A band starts at `min` (inclusive) and runs to the next band's `min`. */
export const scoreBandSchema = z
  .object({
    key: keySchema,
    label: localizedTextSchema,
    min: z.number().finite(),
    color: z.string().regex(/^#[0-9a-fA-F]{6}$/),
  })
  .strict();

/** Something the platform does when a threshold is crossed; data, never code. */
export const thresholdActionSchema = z.union([
  z
    .object({
      notify: recipientSchema,
      /** `last_events:3` attaches the last three scoring behaviours. */
      include: z
        .string()
        .regex(/^last_events:([1-9]|[1-4][0-9]|50)$/, 'must be last_events:N, N from 1 to 50')
        .optional(),
      message: localizedTextSchema.optional(),
    })
    .strict(),
  z.object({ startFlow: keySchema }).strict(),
]);

export const scoreThresholdSchema = z
  .object({
    key: keySchema,
    label: localizedTextSchema.optional(),
    /** Fires once when the score rises to `reaches` (from below), or when it enters a band. */
    when: z.union([
      z.object({ reaches: z.number().finite() }).strict(),
      z.object({ band: keySchema }).strict(),
    ]),
    actions: z.array(thresholdActionSchema).min(1).max(10),
  })
  .strict();

export const scorecardSchema = z
  .object({
    key: keySchema,
    label: localizedTextSchema,
    table: keySchema,
    /** Number field the score is stored in (optional: a card can be computed on read only). */
    field: keySchema.optional(),
    /** Text or select field the band key is stored in. */
    bandField: keySchema.optional(),
    /** The score never goes below `min` or above `max`. */
    min: z.number().finite().optional(),
    max: z.number().finite().optional(),
    rules: z.array(scoreRuleSchema).min(1).max(100),
    /** Ascending by `min`; a score below the first band's `min` is in the first band. */
    bands: z.array(scoreBandSchema).min(1).max(10),
    thresholds: z.array(scoreThresholdSchema).max(20).optional(),
  })
  .strict();

export type Scorecard = z.infer<typeof scorecardSchema>;
export type ScoreRule = z.infer<typeof scoreRuleSchema>;
export type ScoreBand = z.infer<typeof scoreBandSchema>;
export type ScoreThreshold = z.infer<typeof scoreThresholdSchema>;
export type ThresholdAction = z.infer<typeof thresholdActionSchema>;
