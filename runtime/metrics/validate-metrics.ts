// Cross-reference checks of metrics, sandbox labels, dashboards and reports at publish.
import { checkCel } from '../cel/compile-cel';
import type { AppDefinition, TableDefinition } from '../definition/definition-schema';
import { issue, type DefinitionIssue } from '../definition/definition-issue';
import { celToSql } from './cel-to-sql';
import { isNumeric, isTemporal, metricFields, recordResolver } from './metric-columns';
import type { FlowDefinition } from '../flows/flow-schema';
import { nodeNeedsRecord } from '../flows/validate-flow';
import type { MetricDefinition } from './metric-schema';

type Path = (string | number)[];

/**
 * Every problem of the definition's metrics, labels, dashboards and reports, with JSON pointers.
 * @example validateMetrics(definition) // [{ pointer: '/metrics/0/table', code: 'UNKNOWN_TABLE', … }]
 */
export function validateMetrics(definition: AppDefinition): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const tables = new Map(definition.tables.map((t) => [t.key, t]));
  const labels = new Set((definition.metricLabels ?? []).map((l) => l.key));
  unique(
    (definition.metricLabels ?? []).map((l) => l.key),
    ['metricLabels'],
    'label',
    issues,
  );
  definition.metricLabels?.forEach((label, i) => {
    const table = tableOrIssue(tables, label.table, ['metricLabels', i, 'table'], issues);
    if (table)
      filterIssues(table, label.predicate, labels, ['metricLabels', i, 'predicate'], issues);
  });

  const metrics = new Map((definition.metrics ?? []).map((m) => [m.key, m]));
  unique(
    (definition.metrics ?? []).map((m) => m.key),
    ['metrics'],
    'metric',
    issues,
  );
  definition.metrics?.forEach((metric, i) =>
    checkMetric(tables, labels, metric, ['metrics', i], issues),
  );

  const flows = new Map((definition.flows ?? []).map((f) => [f.key, f]));
  unique(
    (definition.dashboards ?? []).map((d) => d.key),
    ['dashboards'],
    'dashboard',
    issues,
  );
  definition.dashboards?.forEach((dashboard, d) => {
    unique(
      dashboard.widgets.map((w) => w.key),
      ['dashboards', d, 'widgets'],
      'widget',
      issues,
    );
    dashboard.widgets.forEach((widget, w) => {
      const at: Path = ['dashboards', d, 'widgets', w];
      const metric = metrics.get(widget.metric);
      if (!metric) {
        issues.push(
          issue(
            [...at, 'metric'],
            'UNKNOWN_METRIC',
            `no metric "${widget.metric}"`,
            `没有指标「${widget.metric}」`,
          ),
        );
      } else if (widget.groupBy && !isLaiSnapshot(metric)) {
        const table = tables.get(metric.table);
        if (table)
          widget.groupBy.forEach((g, k) => checkGroupBy(table, g, [...at, 'groupBy', k], issues));
      }
      if (widget.position.x + widget.position.w > 12) {
        issues.push(
          issue(
            [...at, 'position'],
            'WIDGET_OFF_GRID',
            `the widget reaches column ${widget.position.x + widget.position.w}, beyond the 12-column grid`,
            `组件超出 12 列网格（到第 ${widget.position.x + widget.position.w} 列）`,
          ),
        );
      }
      const t = widget.thresholds;
      if (t && (t.direction === 'lower_is_better' ? t.green > t.yellow : t.green < t.yellow)) {
        issues.push(
          issue(
            [...at, 'thresholds'],
            'THRESHOLDS_ORDER',
            t.direction === 'lower_is_better'
              ? 'green must be at most yellow when lower is better'
              : 'green must be at least yellow when higher is better',
            t.direction === 'lower_is_better'
              ? '越低越好时绿色阈值不能高于黄色阈值'
              : '越高越好时绿色阈值不能低于黄色阈值',
          ),
        );
      }
      widget.actions?.forEach((action, a) =>
        thresholdActionIssues(flows.get(action.startFlow), action, [...at, 'actions', a], issues),
      );
      if (widget.actions?.length && !t) {
        issues.push(
          issue(
            [...at, 'actions'],
            'ACTIONS_WITHOUT_THRESHOLDS',
            'threshold actions need thresholds',
            '阈值动作需要先设置阈值',
          ),
        );
      }
    });
  });

  const dashboards = new Set((definition.dashboards ?? []).map((d) => d.key));
  unique(
    (definition.reports ?? []).map((r) => r.key),
    ['reports'],
    'report',
    issues,
  );
  definition.reports?.forEach((report, r) => {
    if (!dashboards.has(report.dashboard)) {
      issues.push(
        issue(
          ['reports', r, 'dashboard'],
          'UNKNOWN_DASHBOARD',
          `no dashboard "${report.dashboard}"`,
          `没有看板「${report.dashboard}」`,
        ),
      );
    }
    if (!isTimeZone(report.timezone)) {
      issues.push(
        issue(
          ['reports', r, 'timezone'],
          'UNKNOWN_TIME_ZONE',
          `unknown time zone "${report.timezone}"`,
          `未知时区「${report.timezone}」`,
        ),
      );
    }
  });
  return issues;
}

function checkMetric(
  tables: ReadonlyMap<string, TableDefinition>,
  labels: ReadonlySet<string>,
  metric: MetricDefinition,
  at: Path,
  issues: DefinitionIssue[],
): void {
  const table = tableOrIssue(tables, metric.table, [...at, 'table'], issues);
  if (!table) return;
  const fields = new Map(metricFields(table).map((f) => [f.key, f]));
  const measure = metric.measure;
  if ('field' in measure) {
    const field = fields.get(measure.field);
    if (!field) unknownField(table, measure.field, [...at, 'measure', 'field'], issues);
    else if (measure.kind !== 'count_distinct' && !isNumeric(field) && !isTemporal(field)) {
      issues.push(
        issue(
          [...at, 'measure', 'field'],
          'FIELD_NOT_NUMERIC',
          `${measure.kind} needs a number field; "${measure.field}" is ${field.type}`,
          `${measure.kind} 需要数值字段；「${measure.field}」是 ${field.type}`,
        ),
      );
    }
  }
  if (measure.kind === 'ratio')
    filterIssues(table, measure.numerator, labels, [...at, 'measure', 'numerator'], issues);
  if (measure.kind === 'builtin') {
    const p = measure.params ?? {};
    const named: Array<[string | undefined, Path]> = [
      [
        p.channelField ?? (measure.formula === 'channel_effectiveness' ? 'source' : undefined),
        ['channelField'],
      ],
      [
        p.gradeField ?? (measure.formula === 'channel_effectiveness' ? 'need_grade' : undefined),
        ['gradeField'],
      ],
      ...(p.completenessFields ?? []).map((f, k): [string, Path] => [f, ['completenessFields', k]]),
    ];
    for (const [key, path] of named) {
      if (key !== undefined && !fields.has(key))
        unknownField(table, key, [...at, 'measure', 'params', ...path], issues);
    }
    bonusIssues(table, p, [...at, 'measure', 'params'], issues);
  }
  if (metric.filter) filterIssues(table, metric.filter, labels, [...at, 'filter'], issues);
  if (metric.time) {
    const field = fields.get(metric.time.field);
    if (!field) unknownField(table, metric.time.field, [...at, 'time', 'field'], issues);
    else if (!isTemporal(field)) {
      issues.push(
        issue(
          [...at, 'time', 'field'],
          'FIELD_NOT_TEMPORAL',
          `a time window needs a date or datetime field; "${metric.time.field}" is ${field.type}`,
          `时间窗口需要日期或时间字段；「${metric.time.field}」是 ${field.type}`,
        ),
      );
    }
  }
  const snapshot = isLaiSnapshot(metric);
  metric.groupBy?.forEach((g, k) => {
    if (snapshot && g !== 'owner' && g !== 'day') {
      issues.push(
        issue(
          [...at, 'groupBy', k],
          'SNAPSHOT_GROUP_BY',
          'LAI snapshots group by owner or day only',
          'LAI 快照只能按负责人或日期分组',
        ),
      );
    } else if (!snapshot) checkGroupBy(table, g, [...at, 'groupBy', k], issues);
  });
}

/** A group-by names a field; a time bucket needs a date or datetime field. */
export function checkGroupBy(
  table: TableDefinition,
  groupBy: string,
  at: Path,
  issues: DefinitionIssue[],
): void {
  const [key = '', bucket] = groupBy.split(':');
  const field = metricFields(table).find((f) => f.key === key);
  if (!field) return unknownField(table, key, at, issues);
  if (bucket && !isTemporal(field)) {
    issues.push(
      issue(
        at,
        'FIELD_NOT_TEMPORAL',
        `"${key}" is not a date or datetime, so it has no ${bucket}`,
        `「${key}」不是日期或时间字段，无法按${bucket}分组`,
      ),
    );
  }
}

function filterIssues(
  table: TableDefinition,
  source: string,
  labels: ReadonlySet<string>,
  at: Path,
  issues: DefinitionIssue[],
): void {
  const celIssues = checkCel(
    source,
    { record: metricFields(table), variables: { labels: 'map<string, bool>' } },
    { expect: 'bool' },
  );
  for (const problem of celIssues) {
    issues.push({ ...issue(at, problem.code, problem.message, problem.message) });
  }
  if (celIssues.length > 0) return;
  const resolve = recordResolver(table, 'r', (key) =>
    labels.has(key) ? { parts: ['true'], kind: 'bool' } : undefined,
  );
  const compiled = celToSql(source, resolve, '1970-01-01T00:00:00Z');
  if (!compiled.ok) {
    issues.push(
      issue(
        at,
        'CEL_NOT_SQL',
        `this filter cannot be computed in the database: ${compiled.message}`,
        `该筛选条件无法在数据库中计算：${compiled.message}`,
      ),
    );
  }
}

function tableOrIssue(
  tables: ReadonlyMap<string, TableDefinition>,
  key: string,
  at: Path,
  issues: DefinitionIssue[],
): TableDefinition | undefined {
  const table = tables.get(key);
  if (!table) issues.push(issue(at, 'UNKNOWN_TABLE', `no table "${key}"`, `没有表「${key}」`));
  return table;
}

function unknownField(
  table: TableDefinition,
  key: string,
  at: Path,
  issues: DefinitionIssue[],
): void {
  issues.push(
    issue(
      at,
      'UNKNOWN_FIELD',
      `no field "${key}" in table "${table.key}"`,
      `表「${table.key}」中没有字段「${key}」`,
    ),
  );
}

function unique(keys: readonly string[], at: Path, what: string, issues: DefinitionIssue[]): void {
  const seen = new Set<string>();
  keys.forEach((key, i) => {
    if (seen.has(key)) {
      issues.push(
        issue(
          [...at, i, 'key'],
          'DUPLICATE_KEY',
          `${what} "${key}" is defined twice`,
          `「${key}」重复定义`,
        ),
      );
    }
    seen.add(key);
  });
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** An LAI metric read from the daily snapshots (grouped by owner or day). */
export function isLaiSnapshot(metric: MetricDefinition): boolean {
  const m = metric.measure;
  return m.kind === 'builtin' && m.formula === 'lai' && m.params?.snapshot === true;
}

/**
 * A threshold action starts its flow for no stored record (the execution's record is the crossing:
 * dashboard, widget, metric, value, colours), so the flow must be started by hand (`manual`) and
 * every node must run without a record.
 */
function thresholdActionIssues(
  flow: FlowDefinition | undefined,
  action: { readonly startFlow: string },
  at: Path,
  issues: DefinitionIssue[],
): void {
  if (!flow) {
    issues.push(
      issue(
        [...at, 'startFlow'],
        'UNKNOWN_FLOW',
        `no flow "${action.startFlow}"`,
        `没有流程「${action.startFlow}」`,
      ),
    );
    return;
  }
  if (flow.trigger.on !== 'manual') {
    issues.push(
      issue(
        [...at, 'startFlow'],
        'THRESHOLD_FLOW_NOT_MANUAL',
        `flow "${flow.key}" starts on ${flow.trigger.on}; a threshold action starts manual flows only`,
        `流程「${flow.key}」的触发方式是 ${flow.trigger.on}；阈值动作只能启动手动触发的流程`,
      ),
    );
  }
  const node = flow.nodes.find(nodeNeedsRecord);
  if (node) {
    issues.push(
      issue(
        [...at, 'startFlow'],
        'NEEDS_RECORD',
        `a threshold action runs flow "${flow.key}" for no record; its node "${node.id}" needs one`,
        `阈值动作启动的流程「${flow.key}」不针对任何记录运行，其节点「${node.id}」需要记录`,
      ),
    );
  }
}

/** B5's bonus split names a number or money field and stages of the metric's table. */
function bonusIssues(
  table: TableDefinition,
  p: NonNullable<Extract<MetricDefinition['measure'], { kind: 'builtin' }>['params']>,
  at: Path,
  issues: DefinitionIssue[],
): void {
  if (p.bonusField !== undefined) {
    const field = table.fields.find((f) => f.key === p.bonusField);
    if (!field) unknownField(table, p.bonusField, [...at, 'bonusField'], issues);
    else if (!['number', 'money', 'integer'].includes(field.type)) {
      issues.push(
        issue(
          [...at, 'bonusField'],
          'FIELD_NOT_NUMERIC',
          `a bonus is split from a number or money field; "${p.bonusField}" is ${field.type}`,
          `奖金须来自数字或金额字段；「${p.bonusField}」是 ${field.type}`,
        ),
      );
    }
  }
  const stages = new Set((table.stages ?? []).map((s) => s.key));
  p.closedStages?.forEach((stage, k) => {
    if (!stages.has(stage)) {
      issues.push(
        issue(
          [...at, 'closedStages', k],
          'UNKNOWN_STAGE',
          `table "${table.key}" has no stage "${stage}"`,
          `表「${table.key}」没有阶段「${stage}」`,
        ),
      );
    }
  });
  if ((p.bonusField === undefined) !== (p.closedStages === undefined)) {
    issues.push(
      issue(
        at,
        'BONUS_SPLIT_INCOMPLETE',
        'a bonus split needs both bonusField and closedStages',
        '奖金拆分需要同时指定 bonusField 与 closedStages',
      ),
    );
  }
}
