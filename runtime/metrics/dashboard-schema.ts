// Dashboards (widgets bound to metrics on a 12-column grid, with thresholds) and scheduled reports.
import { z } from 'zod';
import { keySchema, localizedTextSchema } from '../definition/field-schema';
import { groupBySchema } from './metric-schema';

export const widgetTypes = ['kpi', 'trend', 'bar', 'funnel', 'table', 'heatmap'] as const;
export type WidgetType = (typeof widgetTypes)[number];

/**
 * Colour bands: with `higher_is_better` a value ≥ green is green, ≥ yellow is yellow, else red;
 * with `lower_is_better` the comparisons are ≤.
 */
export const thresholdsSchema = z
  .object({
    direction: z.enum(['higher_is_better', 'lower_is_better']).default('higher_is_better'),
    green: z.number().finite(),
    yellow: z.number().finite(),
  })
  .strict();
export type Thresholds = z.infer<typeof thresholdsSchema>;

export const thresholdColors = ['red', 'yellow', 'green'] as const;
export type ThresholdColor = (typeof thresholdColors)[number];

/** What happens when a widget's colour turns to `when`: a flow starts (once per change). */
export const thresholdActionSchema = z
  .object({ when: z.enum(thresholdColors), startFlow: keySchema })
  .strict();

export const gridPositionSchema = z
  .object({
    x: z.number().int().min(0).max(11),
    y: z.number().int().min(0).max(1_000),
    w: z.number().int().min(1).max(12),
    h: z.number().int().min(1).max(50),
  })
  .strict();

export const widgetSchema = z
  .object({
    key: keySchema,
    type: z.enum(widgetTypes),
    label: localizedTextSchema,
    metric: keySchema,
    /** Replaces the metric's own group-by for this widget (a trend groups by a week bucket). */
    groupBy: z.array(groupBySchema).max(3).optional(),
    position: gridPositionSchema,
    thresholds: thresholdsSchema.optional(),
    actions: z.array(thresholdActionSchema).max(10).optional(),
  })
  .strict();
export type WidgetDefinition = z.infer<typeof widgetSchema>;

export const dashboardSchema = z
  .object({
    key: keySchema,
    label: localizedTextSchema,
    description: localizedTextSchema.optional(),
    refresh: z.enum(['live', 'manual']).default('live'),
    widgets: z.array(widgetSchema).max(60),
  })
  .strict();
export type DashboardDefinition = z.infer<typeof dashboardSchema>;

/** Five-field cron (minute hour day month weekday). */
const cronSchema = z
  .string()
  .regex(/^(\S+\s+){4}\S+$/, 'must be a five-field cron expression, e.g. "0 9 * * MON"');

export const reportSchema = z
  .object({
    key: keySchema,
    kind: z.enum(['team_health', 'rep_diagnosis']),
    label: localizedTextSchema,
    /** The dashboard whose widgets the report tabulates. */
    dashboard: keySchema,
    cron: cronSchema,
    timezone: z.string().min(1).max(64).default('Asia/Shanghai'),
    /** Recipient specs (`role:supervisor`, `user:<id>`, `owner.manager`) or e-mail addresses. */
    recipients: z.array(z.string().min(1).max(200)).min(1).max(50),
  })
  .strict();
export type ReportDefinition = z.infer<typeof reportSchema>;

/**
 * The colour of a value under thresholds; null without thresholds or value.
 * @example colorOf(82, { direction: 'higher_is_better', green: 80, yellow: 75 }) // 'green'
 */
export function colorOf(
  value: number | null,
  thresholds: Thresholds | undefined,
): ThresholdColor | null {
  if (value === null || thresholds === undefined) return null;
  const better =
    thresholds.direction === 'lower_is_better'
      ? (a: number, b: number) => a <= b
      : (a: number, b: number) => a >= b;
  if (better(value, thresholds.green)) return 'green';
  if (better(value, thresholds.yellow)) return 'yellow';
  return 'red';
}
