// Metrics over hidden fields: a number grouped, filtered or summed over a field the viewer's role
// hides would reveal it, so such a metric is refused (or, on a dashboard, left out).
import type { AppDefinition } from '../../runtime/definition/definition-schema';
import type { MetricDefinition } from '../../runtime/metrics/metric-schema';
import { resolveParams } from '../../runtime/metrics/formulas';
import { BatonError } from '../errors';
import type { TableAccess } from './table-access';

/** `record.x`, `record["x"]`, `record['x']` and `labels.x` references in a CEL expression. */
const reference = /\b(record|labels)\s*(?:\.\s*([A-Za-z_]\w*)|\[\s*(['"])([A-Za-z_]\w*)\3\s*\])/g;

/**
 * The record fields a CEL expression reads, following `labels.x` into the published label's
 * predicate (a label is a stored answer to that predicate).
 * @example celFields('record.ip != "" && labels.vip', definition) // ['ip', …fields of label vip]
 */
export function celFields(expression: string, definition: AppDefinition, seen = new Set<string>()) {
  const fields = new Set<string>();
  for (const match of expression.matchAll(reference)) {
    const name = match[2] ?? match[4]!;
    if (match[1] === 'record') {
      fields.add(name);
      continue;
    }
    if (seen.has(name)) continue;
    seen.add(name);
    const label = definition.metricLabels?.find((l) => l.key === name);
    if (label) for (const f of celFields(label.predicate, definition, seen)) fields.add(f);
  }
  return fields;
}

/**
 * Every record field a metric reads with the given group-by: the measured field, the filter,
 * the time window's field, the group-by dimensions and the fields a built-in formula is told to use.
 */
export function metricFields(
  metric: MetricDefinition,
  definition: AppDefinition,
  groupBy: readonly string[] = metric.groupBy ?? [],
): Set<string> {
  const fields = new Set<string>();
  const measure = metric.measure;
  if ('field' in measure) fields.add(measure.field);
  if (measure.kind === 'ratio')
    for (const f of celFields(measure.numerator, definition)) fields.add(f);
  if (measure.kind === 'builtin') {
    const p = resolveParams(measure.params);
    if (measure.formula === 'health_score') for (const f of p.completenessFields) fields.add(f);
    if (measure.formula === 'channel_effectiveness') {
      fields.add(p.channelField);
      fields.add(p.gradeField);
    }
    // Contribution shares split a closed deal's bonus field among the people who worked it.
    if (measure.params?.bonusField) fields.add(measure.params.bonusField);
  }
  if (metric.filter) for (const f of celFields(metric.filter, definition)) fields.add(f);
  if (metric.time) fields.add(metric.time.field);
  for (const dimension of groupBy) fields.add(dimension.split(':')[0]!);
  return fields;
}

/**
 * The designed fields among `fields` the viewer may not read on every record of the table (what a
 * metric must not use). Names that are no field (a snapshot's `day` dimension) are not fields.
 */
export function hiddenFieldsOf(
  access: TableAccess,
  definition: AppDefinition,
  fields: Iterable<string>,
): string[] {
  if (access.bypass) return [];
  const table = definition.tables.find((t) => t.key === access.key);
  const designed = new Set((table?.fields ?? []).map((f) => f.key));
  return [...fields].filter((f) => designed.has(f) && !access.alwaysReadable.has(f));
}

/** A metric or predicate would read fields hidden from the viewer. */
export class MetricFieldsHiddenError extends BatonError {
  constructor(what: string, fields: readonly string[]) {
    super(
      'METRIC_FIELDS_HIDDEN',
      403,
      `${what} uses fields hidden from your role (${fields.join(', ')}); its figures would reveal them / ${what} 用到了您的角色不可见的字段（${fields.join('、')}），不能为您计算`,
      { fields },
    );
  }
}

/**
 * Refuses a metric (with this group-by) that reads a field the viewer may not read.
 * @example assertMetricReadable(access.table(metric.table), metric, definition, ['owner'])
 */
export function assertMetricReadable(
  access: TableAccess,
  metric: MetricDefinition,
  definition: AppDefinition,
  groupBy?: readonly string[],
): void {
  const hidden = hiddenFieldsOf(access, definition, metricFields(metric, definition, groupBy));
  if (hidden.length > 0) throw new MetricFieldsHiddenError(`metric "${metric.key}"`, hidden);
}

/** Refuses a CEL predicate (a label preview) that reads a field the viewer may not read. */
export function assertPredicateReadable(
  access: TableAccess,
  predicate: string,
  definition: AppDefinition,
): void {
  const hidden = hiddenFieldsOf(access, definition, celFields(predicate, definition));
  if (hidden.length > 0) throw new MetricFieldsHiddenError('the predicate', hidden);
}
