// Metric definitions: what is counted, over which table, filtered by CEL, grouped and windowed.
import { z } from 'zod';
import { keySchema, localizedTextSchema } from '../definition/field-schema';
import { isoDurationSchema } from '../time/iso-duration';

/** Built-in formulas (PLAYBOOKS A6, B3, B5, B6); their meaning is in `formulas.ts`. */
export const builtinFormulas = [
  'lai',
  'health_score',
  'channel_effectiveness',
  'first_response_median',
  'stage_dwell',
  'action_fullness',
  'collaboration_density',
  'contribution_share',
  'response_within',
] as const;
export type BuiltinFormula = (typeof builtinFormulas)[number];

const eventTypeSchema = z.string().regex(/^[a-z][a-z0-9_.]{0,62}$/, 'must look like follow_up');

/** Tunables of the built-in formulas; every one has the PLAYBOOKS default. */
export const formulaParamsSchema = z
  .object({
    /** Behaviour-event types that count as a valid follow-up action (default `follow_up`). */
    actionTypes: z.array(eventTypeSchema).min(1).max(50).optional(),
    /** Payload key of a follow-up naming the decision role reached (default `role`). */
    roleKey: keySchema.optional(),
    /** Payload key naming the user who performed an action (default `actor`). */
    actorKey: keySchema.optional(),
    freshDays: z.number().int().min(1).max(365).optional(),
    actionDays: z.number().int().min(1).max(365).optional(),
    minActions: z.number().int().min(1).max(100).optional(),
    minRoles: z.number().int().min(1).max(20).optional(),
    /** Fields whose filling makes a lead's information complete (health score). */
    completenessFields: z.array(keySchema).max(100).optional(),
    /** Channel field (channel effectiveness; default `source`). */
    channelField: keySchema.optional(),
    /** Grade field and the grade that counts as effective (default `need_grade` = `A`). */
    gradeField: keySchema.optional(),
    grade: z.string().min(1).max(100).optional(),
    /** Hours within which a first follow-up counts as on time (response_within; default 72). */
    withinHours: z.number().min(0).max(10_000).optional(),
    /** LAI: read the daily snapshots (group by `owner` or `day`) instead of computing live. */
    snapshot: z.boolean().optional(),
    /** LAI: an owner whose daily LAI falls below this gets the 线索急救包 first-aid kit (A6). */
    firstAidBelow: z.number().min(0).max(100).optional(),
    /** Only this stage (stage dwell). */
    stage: keySchema.optional(),
    /** Points per action event type (contribution shares), e.g. `{ "demo": 20 }`. */
    credits: z.record(eventTypeSchema, z.number().min(0).max(10_000)).optional(),
    /** Contribution shares: the number or money field holding the deal's bonus to split (B5). */
    bonusField: keySchema.optional(),
    /** Contribution shares: stages in which a deal counts as closed and its bonus is split. */
    closedStages: z.array(keySchema).min(1).max(50).optional(),
  })
  .strict();
export type FormulaParams = z.infer<typeof formulaParamsSchema>;

export const measureSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('count') }).strict(),
  z.object({ kind: z.literal('count_distinct'), field: keySchema }).strict(),
  z.object({ kind: z.enum(['sum', 'avg', 'min', 'max', 'median']), field: keySchema }).strict(),
  z.object({ kind: z.literal('percentile'), field: keySchema, p: z.number().gt(0).lt(1) }).strict(),
  /** Share (0..1) of the filtered records for which `numerator` holds. */
  z.object({ kind: z.literal('ratio'), numerator: z.string().min(1).max(5_000) }).strict(),
  z
    .object({
      kind: z.literal('builtin'),
      formula: z.enum(builtinFormulas),
      params: formulaParamsSchema.optional(),
    })
    .strict(),
]);
export type Measure = z.infer<typeof measureSchema>;

/**
 * A group-by dimension: a field or system column (`owner`, `stage`), optionally bucketed in time
 * (`created_at:week`). Weeks start on Monday in Asia/Shanghai.
 */
export const groupBySchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}(:(day|week|month))?$/, 'must be field or field:day|week|month');

export const metricSchema = z
  .object({
    key: keySchema,
    label: localizedTextSchema,
    description: localizedTextSchema.optional(),
    table: keySchema,
    measure: measureSchema,
    /** CEL over `record` (and `labels`), bool: which records count. */
    filter: z.string().min(1).max(5_000).optional(),
    /** Only records whose `field` lies within `window` back from now. */
    time: z
      .object({ field: keySchema.default('created_at'), window: isoDurationSchema })
      .strict()
      .optional(),
    groupBy: z.array(groupBySchema).max(3).optional(),
    unit: z.enum(['count', 'percent', 'hours', 'days', 'money', 'number', 'score']).optional(),
  })
  .strict();
export type MetricDefinition = z.infer<typeof metricSchema>;

/** A sandbox label: a CEL predicate applied to every stored record (backfill) and to new ones. */
export const metricLabelSchema = z
  .object({
    key: keySchema,
    label: localizedTextSchema,
    table: keySchema,
    predicate: z.string().min(1).max(5_000),
  })
  .strict();
export type MetricLabel = z.infer<typeof metricLabelSchema>;
