// The app definition: one versioned JSON document per space holding everything an admin designs.
import { z } from 'zod';
import { flowSchema } from '../flows/flow-schema';
import { formSchema } from '../forms/form-schema';
import { dashboardSchema, reportSchema } from '../metrics/dashboard-schema';
import { metricLabelSchema, metricSchema } from '../metrics/metric-schema';
import { intakeSourceSchema } from '../intake/intake-schema';
import { roleSchema } from '../permissions/role-schema';
import { rulesSchema } from '../rules/rules-schema';
import { fieldSchema, keySchema, localizedTextSchema, optionSchema } from './field-schema';

/** A CEL check on a table's records, refused with its message when it evaluates false. */
export const validationRuleSchema = z
  .object({
    key: keySchema,
    /** CEL over `record`; must be bool. */
    cel: z.string().min(1).max(5_000),
    message: localizedTextSchema,
    /** Field the error is reported on; the record as a whole when absent. */
    field: keySchema.optional(),
  })
  .strict();

/** A field removed from the definition: its column and data stay until purged. */
export const retiredFieldSchema = z
  .object({ field: fieldSchema, retiredInVersion: z.number().int().min(1) })
  .strict();

export const stageSchema = z
  .object({ key: keySchema, label: localizedTextSchema, color: z.string().optional() })
  .strict();

export const tableSchema = z
  .object({
    key: keySchema,
    label: localizedTextSchema,
    description: localizedTextSchema.optional(),
    /** Field shown when a record is referenced (relation pickers, expansions). */
    titleField: keySchema.optional(),
    fields: z.array(fieldSchema).min(1).max(300),
    validations: z.array(validationRuleSchema).max(100).optional(),
    /** Ordered stages of the record's `stage` system column. */
    stages: z.array(stageSchema).max(50).optional(),
    /** Maintained by publish: fields removed from the definition whose data is kept. */
    retiredFields: z.array(retiredFieldSchema).optional(),
  })
  .strict();

/** A table removed from the definition: its PostgreSQL table and rows stay until purged. */
export const retiredTableSchema = z
  .object({ table: tableSchema, retiredInVersion: z.number().int().min(1) })
  .strict();

export const appDefinitionSchema = z
  .object({
    formatVersion: z.literal(1),
    /** Named option lists shared by select fields, rules and templates. */
    lists: z.record(keySchema, z.array(optionSchema).max(5_000)).optional(),
    tables: z.array(tableSchema).max(200),
    /** Forms laid out over a table's fields: sections, columns, visibility (runtime/forms). */
    forms: z.array(formSchema).max(200).optional(),
    /** Normalizers, dedupe, tagging, scorecards, assignment and stage gates (runtime/rules). */
    rules: rulesSchema.optional(),
    flows: z.array(flowSchema).max(200).optional(),
    /** Intake sources: signed webhooks that create records (runtime/intake). */
    intake: z.array(intakeSourceSchema).max(50).optional(),
    /** Metrics computed from records and recorded events (runtime/metrics). */
    metrics: z.array(metricSchema).max(500).optional(),
    /** Metric-sandbox labels: CEL predicates backfilled onto stored records. */
    metricLabels: z.array(metricLabelSchema).max(100).optional(),
    /** Dashboards of widgets bound to metrics, with thresholds and threshold actions. */
    dashboards: z.array(dashboardSchema).max(100).optional(),
    /** Scheduled reports (Temporal Schedules) delivered in-app and by e-mail. */
    reports: z.array(reportSchema).max(50).optional(),
    /** Roles of the space: definition editing, table rights with row scopes, field lists (runtime/permissions). */
    roles: z.array(roleSchema).max(100).optional(),
    /** Maintained by publish: tables removed from the definition whose data is kept. */
    retiredTables: z.array(retiredTableSchema).optional(),
  })
  .strict();

export type AppDefinition = z.infer<typeof appDefinitionSchema>;
export type TableDefinition = z.infer<typeof tableSchema>;
export type ValidationRule = z.infer<typeof validationRuleSchema>;
export type RetiredField = z.infer<typeof retiredFieldSchema>;
export type RetiredTable = z.infer<typeof retiredTableSchema>;

/** The definition of a space nobody has designed yet. */
export function emptyDefinition(): AppDefinition {
  return { formatVersion: 1, tables: [] };
}

/** The definition's JSON Schema (draft 2020-12), for Monaco's raw mode and for integrators. */
export function appDefinitionJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(appDefinitionSchema, { target: 'draft-2020-12', io: 'input' }) as Record<
    string,
    unknown
  >;
}
