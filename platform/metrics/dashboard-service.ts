// Metrics and dashboards as a viewer sees them: numbers over the records their role may read,
// threshold colours, and drill-downs through the records listing (scope and field rules applied).
import { sql, type RawBuilder } from 'kysely';
import type { AppDefinition } from '../../runtime/definition/definition-schema';
import {
  colorOf,
  type DashboardDefinition,
  type ThresholdColor,
} from '../../runtime/metrics/dashboard-schema';
import type { MetricDefinition } from '../../runtime/metrics/metric-schema';
import type { Db } from '../db/database';
import { getPublished } from '../definitions/definition-store';
import { NotFoundError } from '../errors';
import type { Actor } from '../people/actor';
import { assertMetricReadable, hiddenFieldsOf, metricFields } from '../permissions/metric-access';
import { presentRecord, scopedListQuery } from '../permissions/record-guard';
import { scopeCondition } from '../permissions/scope-sql';
import { resolveSpaceAccess, type SpaceAccess } from '../permissions/space-access';
import { listRecords, type ListQuery } from '../records/record-query';
import type { RecordJson } from '../records/record-values';
import { resolveTable, type TableContext } from '../records/table-context';
import { getSpaceOrThrow, type Space } from '../spaces/space-repository';
import type { RecordChangeHub } from './record-change-hub';
import {
  computeMetric,
  countDrill,
  drillCondition,
  metricOrThrow,
  type DrillQuery,
  type MetricResult,
} from './metric-service';

/** Who asks, and as which role an administrator looks (`viewAs`). */
export interface Viewer {
  readonly actor: Actor;
  readonly viewAs?: string | null;
}

export interface SpaceMetrics {
  readonly space: Space;
  /** The published version the definition is. */
  readonly version: number;
  readonly definition: AppDefinition;
  readonly access: SpaceAccess;
}

/** The space's published definition and the viewer's rights in it. */
export async function openSpaceMetrics(
  db: Db,
  spaceKey: string,
  viewer: Viewer,
): Promise<SpaceMetrics> {
  const space = await getSpaceOrThrow(db, spaceKey);
  const { definition, version } = await getPublished(db, space.id);
  const access = await resolveSpaceAccess(db, viewer.actor, space.id, definition, {
    viewAs: viewer.viewAs ?? null,
  });
  return { space, version, definition, access };
}

async function scoped(db: Db, metrics: SpaceMetrics, metric: MetricDefinition) {
  const context = await resolveTable(db, metrics.space.key, metric.table);
  const access = metrics.access.table(context.table.key);
  return { context, access, scope: scopeCondition(context, access, 'read') };
}

export interface ValuesOptions {
  readonly groupBy?: readonly string[];
  readonly window?: string;
  readonly now?: Date;
}

/** One metric's value and groups over the records the viewer may read. */
export async function metricValues(
  db: Db,
  metrics: SpaceMetrics,
  key: string,
  options: ValuesOptions = {},
): Promise<MetricResult> {
  const metric = metricOrThrow(metrics.definition, key);
  const { context, access, scope } = await scoped(db, metrics, metric);
  assertMetricReadable(access, metric, metrics.definition, options.groupBy);
  return computeMetric(db, { ...options, metric, context, scope, now: options.now ?? new Date() });
}

export interface DrillOptions extends ValuesOptions {
  readonly group?: readonly (string | null)[];
  readonly part?: 'all' | 'numerator';
  readonly limit: number;
  readonly cursor?: string;
}

export interface DrillPage {
  readonly table: string;
  readonly total: number;
  readonly records: RecordJson[];
  readonly nextCursor: string | null;
}

/**
 * The records behind a number, as the records listing returns them to this viewer: the read
 * scope limits the rows and hidden fields are left out.
 */
export async function drillDown(
  db: Db,
  metrics: SpaceMetrics,
  metric: MetricDefinition,
  options: DrillOptions,
): Promise<DrillPage> {
  const { context, access, scope } = await scoped(db, metrics, metric);
  assertMetricReadable(access, metric, metrics.definition, options.groupBy);
  const query: DrillQuery = { ...options, metric, context, scope, now: options.now ?? new Date() };
  const behind = drillCondition(query);
  const listed: Omit<ListQuery, 'limit'> = scopedListQuery(context, access, {
    cursor: options.cursor,
  } as Omit<ListQuery, 'limit'>);
  const combined: RawBuilder<unknown> = listed.scope
    ? sql`(${listed.scope}) and ${behind}`
    : behind;
  const page = await listRecords(db, context, { ...listed, limit: options.limit, scope: combined });
  return {
    table: context.table.key,
    total: await countDrill(db, context, combined),
    records: page.records.map((r) => presentRecord(access, r)),
    nextCursor: page.nextCursor,
  };
}

export interface WidgetValue {
  readonly key: string;
  readonly result: MetricResult;
  readonly color: ThresholdColor | null;
}

export interface DashboardValues {
  readonly dashboard: DashboardDefinition;
  readonly computedAt: string;
  readonly widgets: WidgetValue[];
}

/** The published dashboard `key` or a 404. */
export function dashboardOrThrow(definition: AppDefinition, key: string): DashboardDefinition {
  const dashboard = definition.dashboards?.find((d) => d.key === key);
  if (!dashboard) throw new NotFoundError('dashboard', key);
  return dashboard;
}

/** The tables a dashboard's numbers come from (what the live stream listens to). */
export function dashboardTables(
  definition: AppDefinition,
  dashboard: DashboardDefinition,
): string[] {
  const tables = dashboard.widgets.map(
    (w) => definition.metrics?.find((m) => m.key === w.metric)?.table,
  );
  return [...new Set(tables.filter((t): t is string => t !== undefined))];
}

/**
 * Every widget's numbers and colour, all at one instant. Widgets sharing a metric and group-by
 * share one query.
 */
export async function dashboardValues(
  db: Db,
  metrics: SpaceMetrics,
  key: string,
  now = new Date(),
): Promise<DashboardValues> {
  const dashboard = visibleDashboard(metrics, dashboardOrThrow(metrics.definition, key));
  const contexts = new Map<
    string,
    Promise<{ context: TableContext; scope?: RawBuilder<unknown> }>
  >();
  const results = new Map<string, Promise<MetricResult>>();
  const widgets = await Promise.all(
    dashboard.widgets.map(async (widget) => {
      const metric = metricOrThrow(metrics.definition, widget.metric);
      const groupBy = widget.groupBy ?? metric.groupBy ?? [];
      const cacheKey = `${metric.key}|${groupBy.join(',')}`;
      let result = results.get(cacheKey);
      if (!result) {
        let scopedTable = contexts.get(metric.table);
        if (!scopedTable) {
          scopedTable = scoped(db, metrics, metric);
          contexts.set(metric.table, scopedTable);
        }
        const { context, scope } = await scopedTable;
        result = computeMetric(db, { metric, context, scope, now, groupBy });
        results.set(cacheKey, result);
      }
      const value = await result;
      return { key: widget.key, result: value, color: colorOf(value.value, widget.thresholds) };
    }),
  );
  return { dashboard, computedAt: now.toISOString(), widgets };
}

/**
 * The dashboard as the viewer sees it: widgets whose metric reads a field hidden from them are
 * left out (their figures would reveal it); the metric and drill-down routes refuse them.
 */
function visibleDashboard(
  metrics: SpaceMetrics,
  dashboard: DashboardDefinition,
): DashboardDefinition {
  if (metrics.access.bypass) return dashboard;
  const widgets = dashboard.widgets.filter((widget) => {
    const metric = metrics.definition.metrics?.find((m) => m.key === widget.metric);
    if (!metric) return true;
    const fields = metricFields(metric, metrics.definition, widget.groupBy ?? metric.groupBy);
    return (
      hiddenFieldsOf(metrics.access.table(metric.table), metrics.definition, fields).length === 0
    );
  });
  return widgets.length === dashboard.widgets.length ? dashboard : { ...dashboard, widgets };
}

/** A cached dashboard answer: exact as of `computedAt`, and no write to its tables since. */
export interface DashboardCache {
  /** The cached values when still valid, else computes, stores and answers them. */
  values(db: Db, metrics: SpaceMetrics, key: string): Promise<DashboardValues>;
}

export interface DashboardCacheOptions {
  /**
   * Longest reuse (default 60 s): windows are relative to now, so an answer is recomputed at
   * least this often even when nothing is written.
   */
  readonly maxAgeMs?: number;
  readonly maxEntries?: number;
}

/**
 * Keeps each dashboard's answer per viewer scope until a record or behaviour event of one of its
 * tables changes (the NOTIFY of migration 0020, from any process) or `maxAgeMs` passes. An answer
 * computed while a change arrived is not kept, so a cached answer never predates a write it missed.
 * @example const cache = createDashboardCache(hub); await cache.values(db, metrics, 'ops')
 */
export function createDashboardCache(
  hub: RecordChangeHub,
  options: DashboardCacheOptions = {},
): DashboardCache {
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const maxEntries = options.maxEntries ?? 1_000;
  const entries = new Map<string, { at: number; tables: string[]; values: DashboardValues }>();
  const generations = new Map<string, number>();
  const listening = new Map<string, Promise<unknown>>();

  const topic = (spaceId: string, table: string) => `${spaceId}:${table}`;
  const listen = (spaceId: string, table: string) => {
    const key = topic(spaceId, table);
    let subscribed = listening.get(key);
    if (!subscribed) {
      subscribed = hub.subscribe(spaceId, [table], () => {
        generations.set(key, (generations.get(key) ?? 0) + 1);
        for (const [entryKey, entry] of entries) {
          if (entryKey.startsWith(`${spaceId}|`) && entry.tables.includes(table)) {
            entries.delete(entryKey);
          }
        }
      });
      listening.set(key, subscribed);
    }
    return subscribed;
  };

  return {
    async values(db, metrics, key) {
      const dashboard = dashboardOrThrow(metrics.definition, key);
      const tables = dashboardTables(metrics.definition, dashboard);
      const spaceId = metrics.space.id;
      const access = metrics.access;
      const viewer = access.bypass
        ? `all:${access.viewAs ?? ''}`
        : `${access.userId ?? ''}:${access.roles.join(',')}:${access.viewAs ?? ''}`;
      const entryKey = `${spaceId}|${metrics.version}|${key}|${viewer}|${JSON.stringify(dashboard)}`;
      const cached = entries.get(entryKey);
      if (cached && Date.now() - cached.at < maxAgeMs) return cached.values;
      await Promise.all(tables.map((t) => listen(spaceId, t)));
      const before = tables.map((t) => generations.get(topic(spaceId, t)) ?? 0);
      const at = Date.now();
      const values = await dashboardValues(db, metrics, key, new Date(at));
      const unchanged = tables.every(
        (t, i) => (generations.get(topic(spaceId, t)) ?? 0) === before[i],
      );
      if (unchanged) {
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
        entries.set(entryKey, { at, tables, values });
      }
      return values;
    },
  };
}
