// Metrics and dashboards API: metric values, dashboards with threshold colours, drill-down to the
// records behind a number, live refresh over SSE, the metric sandbox and scheduled reports.
//
// ── API contract (stable; the dashboard UI in designer/src/dashboards builds against it) ──────────
// Definitions (runtime/metrics/metric-schema.ts, dashboard-schema.ts) live in the app definition:
//   metrics:    [{ key, label: {zh-CN,en}, table, measure, filter?: CEL, time?: { field, window },
//                  groupBy?: string[], unit?: 'count'|'percent'|'hours'|'days'|'money'|'number'|'score' }]
//     measure = { kind:'count' } | { kind:'count_distinct', field } | { kind:'sum'|'avg'|'min'|'max', field }
//             | { kind:'median', field } | { kind:'percentile', field, p: 0..1 }
//             | { kind:'ratio', numerator: CEL }          (share of filtered records, 0..1)
//             | { kind:'builtin', formula: 'lai'|'health_score'|'channel_effectiveness'|
//                 'first_response_median'|'stage_dwell'|'action_fullness'|'collaboration_density'|
//                 'contribution_share'|'response_within', params?: {...} }
//               (params: runtime/metrics/metric-schema.ts formulaParamsSchema; `lai` with
//                params.snapshot reads the daily snapshots: groupBy [] | ['owner'] | ['day'] (trend))
//     groupBy entries: a field key, a system column (owner, stage, created_at), or `field:week` /
//     `field:day` / `field:month` for a time bucket. `region` etc. are just field keys.
//     time.window: ISO 8601 duration ('P30D', 'PT72H') back from now, on time.field (default created_at).
//   dashboards: [{ key, label, refresh?: 'live'|'manual', widgets: [{ key, type:'kpi'|'trend'|'bar'|
//                  'funnel'|'table'|'heatmap', label, metric, groupBy?: string[] (overrides the
//                  metric's), position: { x, y, w, h } (12-column grid),
//                  thresholds?: { direction:'higher_is_better'|'lower_is_better', green, yellow }
//                  (green when value ≥ green (≤ for lower_is_better), yellow when ≥ yellow, else red),
//                  actions?: [{ when:'red'|'yellow'|'green', startFlow: flowKey }] }] }]
//   reports:    [{ key, kind:'team_health'|'rep_diagnosis', label, cron, timezone, dashboard?,
//                  recipients: string[] (recipient specs: 'role:supervisor', 'user:<id>', e-mail) }]
//
// Routes (all JSON; errors are { error: { code, message, details } }):
//   GET  /api/spaces/{space}/metrics
//        → { metrics: MetricDefinition[] }
//   GET  /api/spaces/{space}/metrics/{metric}/values?groupBy=owner,created_at:week&window=P30D
//        → MetricResult = { metric, unit, window: { from, to } | null, groupBy: string[],
//            value: number|null, count: number,
//            groups: [{ key: (string|null)[], label: string[]|null, value: number|null, count }],
//            computedAt }
//   GET  /api/spaces/{space}/metrics/{metric}/records?group=<json array of group key>&window=
//          &limit=50&cursor=
//        → { table, total, records: Record[], nextCursor: string|null }   (drill-down; the records
//          read path applies the caller's permissions, so a viewer sees only records they may read)
//   GET  /api/spaces/{space}/dashboards
//        → { dashboards: [{ key, label, widgetCount }] }
//   GET  /api/spaces/{space}/dashboards/{dashboard}
//        → DashboardValues = { dashboard: DashboardDefinition, computedAt,
//            widgets: [{ key, result: MetricResult, color: 'red'|'yellow'|'green'|null }] }
//   GET  /api/spaces/{space}/dashboards/{dashboard}/widgets/{widget}/records?group=&limit=&cursor=
//        → same shape as the metric drill-down (the widget's metric with the widget's groupBy)
//   GET  /api/spaces/{space}/dashboards/{dashboard}/stream          (text/event-stream)
//        events: `values` (data: DashboardValues) at once and again whenever records of the
//        dashboard's tables (or their events) change, at most once per second; `: ping` comments.
//   POST /api/spaces/{space}/metrics/preview   { table, predicate: CEL, window?, limit? }
//        → { table, total, matched, share, sample: Record[] }            (metric sandbox)
//   POST /api/spaces/{space}/metrics/labels/{label}/backfill   { table, predicate: CEL }
//        → { label, table, labelled, matched, definitionHash }   (labels every stored record so
//          old and new figures share one definition; metrics filter with `labels.<label>`)
//   POST /api/spaces/{space}/metrics/lai/recompute
//        → { leads, lai, freshness, actionDensity, roleCoverage, tookMs }   (the daily job, now)
//   GET  /api/spaces/{space}/reports
//        → { reports: [{ key, kind, label, cron, timezone, scheduleId, nextRunAt }] }
//   POST /api/spaces/{space}/reports/{report}/trigger  → 202 { scheduleId }
// ─────────────────────────────────────────────────────────────────────────────────────────────────
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Database } from '../../db/database';
import { BatonError } from '../../errors';
import type { Logger } from '../../logger';
import {
  createDashboardCache,
  dashboardOrThrow,
  dashboardTables,
  drillDown,
  metricValues,
  openSpaceMetrics,
} from '../../metrics/dashboard-service';
import { recomputeLai } from '../../metrics/lai-job';
import { backfillLabel, previewPredicate } from '../../metrics/metric-sandbox';
import { metricOrThrow } from '../../metrics/metric-service';
import { createRecordChangeHub, type RecordChangeHub } from '../../metrics/record-change-hub';
import { assertPredicateReadable } from '../../permissions/metric-access';
import { assertAdmin, presentRecord } from '../../permissions/record-guard';
import { scopeCondition } from '../../permissions/scope-sql';
import { viewAsHeader } from '../../permissions/request-access';
import { resolveTable } from '../../records/table-context';
import { startReportReconciler } from '../../reports/report-reconciler';
import { startThresholdWatcher } from '../../metrics/threshold-actions';
import type { ReportScheduler } from '../../reports/report-schedules';
import { requestActor } from '../request-actor';
import { errorSchema, jsonContent } from '../schemas';
import { validationHook } from '../validation-hook';

export interface DashboardRouteDeps {
  readonly database: Pick<Database, 'db' | 'sql'>;
  readonly logger?: Logger;
  /** Shared by the process's live streams; by default one is made that LISTENs on first use. */
  readonly changes?: RecordChangeHub;
  /** Pushes at most this often per stream (ms); default 1,000. */
  readonly throttleMs?: number;
  readonly heartbeatMs?: number;
  /** Longest reuse of a cached dashboard answer (ms); default 60,000. */
  readonly cacheMaxAgeMs?: number;
  /** Report schedules on Temporal; the report routes answer 503 without it. */
  readonly reports?: () => ReportScheduler | undefined;
  /** How often new definition versions are synced to report schedules (ms); default 60,000. */
  readonly reconcileEveryMs?: number;
  /**
   * How often every space's threshold actions are evaluated besides after writes (ms); default
   * 60,000; 0 turns the watcher off.
   */
  readonly thresholdEveryMs?: number;
}

const tags = ['dashboards'];
const pathKey = (name: string) =>
  z
    .string()
    .max(63)
    .openapi({ param: { name, in: 'path' } });
const groupQuery = z.string().max(2_000).optional().openapi({
  description: 'JSON array of the group key, e.g. ["浙江", "2026-03-02"]',
});
const groupByQuery = z.string().max(300).optional().openapi({
  description: 'Comma-separated: field, system column or field:day|week|month',
});
const windowQuery = z.string().max(40).optional().openapi({
  description: "ISO 8601 duration back from now (P30D), or 'none' for all time",
});
const resultSchema = z
  .object({
    metric: z.string(),
    unit: z.string().nullable(),
    window: z.object({ from: z.string(), to: z.string() }).nullable(),
    groupBy: z.array(z.string()),
    value: z.number().nullable(),
    count: z.number(),
    groups: z.array(
      z.object({
        key: z.array(z.string().nullable()),
        label: z.array(z.string().nullable()).nullable(),
        value: z.number().nullable(),
        count: z.number(),
        /** Contribution shares with a bonus field: this person's part of the closed deal's bonus. */
        amount: z.number().nullable().optional(),
      }),
    ),
    computedAt: z.string(),
  })
  .openapi('MetricResult');
const dashboardValuesSchema = z
  .object({
    dashboard: z.record(z.string(), z.unknown()),
    computedAt: z.string(),
    widgets: z.array(
      z.object({
        key: z.string(),
        result: resultSchema,
        color: z.enum(['red', 'yellow', 'green']).nullable(),
      }),
    ),
  })
  .openapi('DashboardValues');
const drillSchema = z
  .object({
    table: z.string(),
    total: z.number(),
    records: z.array(z.record(z.string(), z.unknown())),
    nextCursor: z.string().nullable(),
  })
  .openapi('DrillDown');
const drillQuery = z.object({
  group: groupQuery,
  groupBy: groupByQuery,
  window: windowQuery,
  part: z.enum(['all', 'numerator']).default('all'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(2_000).optional(),
});
const notFound = jsonContent(errorSchema, 'No such space, metric, dashboard or widget');
const invalid = jsonContent(errorSchema, 'Invalid query');

const routes = {
  metrics: createRoute({
    method: 'get',
    path: '/api/spaces/{space}/metrics',
    tags,
    summary: 'The published metric definitions',
    request: { params: z.object({ space: pathKey('space') }) },
    responses: {
      200: jsonContent(
        z.object({ metrics: z.array(z.record(z.string(), z.unknown())) }),
        'Metrics',
      ),
      404: notFound,
    },
  }),
  values: createRoute({
    method: 'get',
    path: '/api/spaces/{space}/metrics/{metric}/values',
    tags,
    summary: "A metric's value and groups over the records the caller may read",
    request: {
      params: z.object({ space: pathKey('space'), metric: pathKey('metric') }),
      query: z.object({ groupBy: groupByQuery, window: windowQuery }),
    },
    responses: { 200: jsonContent(resultSchema, 'The numbers'), 400: invalid, 404: notFound },
  }),
  metricRecords: createRoute({
    method: 'get',
    path: '/api/spaces/{space}/metrics/{metric}/records',
    tags,
    summary: 'Drill-down: the records behind a metric value or one of its groups',
    request: {
      params: z.object({ space: pathKey('space'), metric: pathKey('metric') }),
      query: drillQuery,
    },
    responses: { 200: jsonContent(drillSchema, 'A page of records'), 400: invalid, 404: notFound },
  }),
  dashboards: createRoute({
    method: 'get',
    path: '/api/spaces/{space}/dashboards',
    tags,
    summary: 'The published dashboards',
    request: { params: z.object({ space: pathKey('space') }) },
    responses: {
      200: jsonContent(
        z.object({
          dashboards: z.array(
            z.object({
              key: z.string(),
              label: z.record(z.string(), z.string()),
              widgetCount: z.number(),
            }),
          ),
        }),
        'Dashboards',
      ),
      404: notFound,
    },
  }),
  dashboard: createRoute({
    method: 'get',
    path: '/api/spaces/{space}/dashboards/{dashboard}',
    tags,
    summary: "A dashboard's definition with every widget's numbers and threshold colour",
    request: { params: z.object({ space: pathKey('space'), dashboard: pathKey('dashboard') }) },
    responses: { 200: jsonContent(dashboardValuesSchema, 'Values'), 404: notFound },
  }),
  widgetRecords: createRoute({
    method: 'get',
    path: '/api/spaces/{space}/dashboards/{dashboard}/widgets/{widget}/records',
    tags,
    summary: "Drill-down from a widget's number (its metric with the widget's group-by)",
    request: {
      params: z.object({
        space: pathKey('space'),
        dashboard: pathKey('dashboard'),
        widget: pathKey('widget'),
      }),
      query: drillQuery.omit({ groupBy: true }),
    },
    responses: { 200: jsonContent(drillSchema, 'A page of records'), 400: invalid, 404: notFound },
  }),
  stream: createRoute({
    method: 'get',
    path: '/api/spaces/{space}/dashboards/{dashboard}/stream',
    tags,
    summary: "A dashboard's values as Server-Sent Events, pushed again when its records change",
    description:
      'Event `values` (DashboardValues) at once, then after every change of a record or behaviour ' +
      "event of the dashboard's tables, at most once per second.",
    request: { params: z.object({ space: pathKey('space'), dashboard: pathKey('dashboard') }) },
    responses: {
      200: { content: { 'text/event-stream': { schema: z.string() } }, description: 'The stream' },
      404: notFound,
    },
  }),
  preview: createRoute({
    method: 'post',
    path: '/api/spaces/{space}/metrics/preview',
    tags,
    summary: 'Metric sandbox: how many stored records a predicate matches, with a sample',
    request: {
      params: z.object({ space: pathKey('space') }),
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z
              .object({
                table: z.string().max(63),
                predicate: z.string().min(1).max(5_000),
                limit: z.number().int().min(1).max(100).default(10),
              })
              .strict(),
          },
        },
      },
    },
    responses: {
      200: jsonContent(
        z.object({
          table: z.string(),
          total: z.number(),
          matched: z.number(),
          share: z.number().nullable(),
          sample: z.array(z.record(z.string(), z.unknown())),
        }),
        'The preview',
      ),
      400: invalid,
      404: notFound,
    },
  }),
  backfill: createRoute({
    method: 'post',
    path: '/api/spaces/{space}/metrics/labels/{label}/backfill',
    tags,
    summary: 'Label every stored record with a predicate (the published label’s, or the body’s)',
    request: {
      params: z.object({ space: pathKey('space'), label: pathKey('label') }),
      body: {
        required: false,
        content: {
          'application/json': {
            schema: z
              .object({ table: z.string().max(63), predicate: z.string().min(1).max(5_000) })
              .partial()
              .strict(),
          },
        },
      },
    },
    responses: {
      200: jsonContent(
        z.object({
          label: z.string(),
          table: z.string(),
          labelled: z.number(),
          matched: z.number(),
          definitionHash: z.string(),
        }),
        'Labelled',
      ),
      400: invalid,
      403: jsonContent(errorSchema, 'Not an administrator of the space'),
      404: notFound,
    },
  }),
  recompute: createRoute({
    method: 'post',
    path: '/api/spaces/{space}/metrics/lai/recompute',
    tags,
    summary: 'Run the daily LAI recompute now',
    request: { params: z.object({ space: pathKey('space') }) },
    responses: {
      200: jsonContent(z.object({ snapshots: z.array(z.record(z.string(), z.unknown())) }), 'Done'),
      403: jsonContent(errorSchema, 'Not an administrator of the space'),
      404: notFound,
    },
  }),
  reports: createRoute({
    method: 'get',
    path: '/api/spaces/{space}/reports',
    tags,
    summary: 'Scheduled reports and their Temporal schedules',
    request: { params: z.object({ space: pathKey('space') }) },
    responses: {
      200: jsonContent(
        z.object({ reports: z.array(z.record(z.string(), z.unknown())) }),
        'Reports',
      ),
      404: notFound,
      503: jsonContent(errorSchema, 'Temporal is not connected'),
    },
  }),
  trigger: createRoute({
    method: 'post',
    path: '/api/spaces/{space}/reports/{report}/trigger',
    tags,
    summary: "Run a report's schedule now (Temporal schedule trigger)",
    request: { params: z.object({ space: pathKey('space'), report: pathKey('report') }) },
    responses: {
      202: jsonContent(z.object({ scheduleId: z.string() }), 'Triggered'),
      403: jsonContent(errorSchema, 'Not an administrator of the space'),
      404: notFound,
      503: jsonContent(errorSchema, 'Temporal is not connected'),
    },
  }),
};

function parseGroup(text: string | undefined): (string | null)[] | undefined {
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BatonError('QUERY_INVALID', 400, 'group must be a JSON array / group 须为 JSON 数组');
  }
  if (!Array.isArray(parsed) || !parsed.every((v) => v === null || typeof v === 'string')) {
    throw new BatonError(
      'QUERY_INVALID',
      400,
      'group must be a JSON array of strings or nulls / group 须为字符串或 null 组成的 JSON 数组',
    );
  }
  return parsed as (string | null)[];
}

const splitGroupBy = (text: string | undefined) =>
  text === undefined || text === '' ? undefined : text.split(',').map((s) => s.trim());

/** Routes of the metrics, dashboards and reports API. */
export function dashboardRoutes(deps: DashboardRouteDeps) {
  const { db } = deps.database;
  const changes = deps.changes ?? createRecordChangeHub(deps.database, deps.logger);
  const throttleMs = deps.throttleMs ?? 1_000;
  const heartbeatMs = deps.heartbeatMs ?? 15_000;
  const cache = createDashboardCache(changes, { maxAgeMs: deps.cacheMaxAgeMs });
  if (deps.reports) {
    const reports = deps.reports;
    startReportReconciler({
      db,
      scheduler: reports,
      intervalMs: deps.reconcileEveryMs,
      logger: deps.logger,
    });
  }
  if (deps.thresholdEveryMs !== 0) {
    startThresholdWatcher({
      db,
      changes,
      intervalMs: deps.thresholdEveryMs,
      logger: deps.logger,
    });
  }
  const open = (c: Context, space: string) =>
    openSpaceMetrics(db, space, {
      actor: requestActor(c),
      viewAs: c.req.query('viewAs') ?? c.req.header(viewAsHeader) ?? null,
    });
  const scheduler = () => {
    const s = deps.reports?.();
    if (!s) throw new BatonError('TEMPORAL_UNAVAILABLE', 503, 'Temporal is not connected');
    return s;
  };

  return new OpenAPIHono({ defaultHook: validationHook })
    .openapi(routes.metrics, async (c) => {
      const metrics = await open(c, c.req.valid('param').space);
      return c.json({ metrics: metrics.definition.metrics ?? [] }, 200);
    })
    .openapi(routes.values, async (c) => {
      const { space, metric } = c.req.valid('param');
      const query = c.req.valid('query');
      const metrics = await open(c, space);
      const result = await metricValues(db, metrics, metric, {
        groupBy: splitGroupBy(query.groupBy),
        window: query.window,
      });
      return c.json(result, 200);
    })
    .openapi(routes.metricRecords, async (c) => {
      const { space, metric } = c.req.valid('param');
      const query = c.req.valid('query');
      const metrics = await open(c, space);
      const page = await drillDown(db, metrics, metricOrThrow(metrics.definition, metric), {
        ...query,
        groupBy: splitGroupBy(query.groupBy),
        group: parseGroup(query.group),
      });
      return c.json(page, 200);
    })
    .openapi(routes.dashboards, async (c) => {
      const metrics = await open(c, c.req.valid('param').space);
      const dashboards = (metrics.definition.dashboards ?? []).map((d) => ({
        key: d.key,
        label: d.label,
        widgetCount: d.widgets.length,
      }));
      return c.json({ dashboards }, 200);
    })
    .openapi(routes.dashboard, async (c) => {
      const { space, dashboard } = c.req.valid('param');
      const metrics = await open(c, space);
      return c.json(await cache.values(db, metrics, dashboard), 200);
    })
    .openapi(routes.widgetRecords, async (c) => {
      const { space, dashboard, widget } = c.req.valid('param');
      const query = c.req.valid('query');
      const metrics = await open(c, space);
      const found = dashboardOrThrow(metrics.definition, dashboard).widgets.find(
        (w) => w.key === widget,
      );
      if (!found) {
        throw new BatonError('NOT_FOUND', 404, `widget "${widget}" does not exist`, {
          what: 'widget',
          key: widget,
        });
      }
      const metric = metricOrThrow(metrics.definition, found.metric);
      const page = await drillDown(db, metrics, metric, {
        ...query,
        groupBy: found.groupBy ?? metric.groupBy,
        group: parseGroup(query.group),
      });
      return c.json(page, 200);
    })
    .openapi(routes.stream, async (c) => {
      const { space, dashboard } = c.req.valid('param');
      const metrics = await open(c, space);
      const definition = dashboardOrThrow(metrics.definition, dashboard);
      const tables = dashboardTables(metrics.definition, definition);
      return streamSSE(
        c,
        async (stream) => {
          let dirty = true;
          let wake: (() => void) | undefined;
          const unsubscribe = await changes.subscribe(metrics.space.id, tables, () => {
            dirty = true;
            wake?.();
          });
          stream.onAbort(() => wake?.());
          c.req.raw.signal.addEventListener('abort', () => stream.abort(), { once: true });
          try {
            let lastPush = 0;
            while (!stream.aborted && !stream.closed) {
              const wait = dirty ? Math.max(0, lastPush + throttleMs - Date.now()) : heartbeatMs;
              await new Promise<void>((resolve) => {
                const timer = setTimeout(resolve, wait);
                wake = () => {
                  clearTimeout(timer);
                  resolve();
                };
              });
              wake = undefined;
              if (stream.aborted || stream.closed) break;
              if (dirty && Date.now() >= lastPush + throttleMs) {
                dirty = false;
                lastPush = Date.now();
                const values = await cache.values(db, metrics, dashboard);
                await stream.writeSSE({ event: 'values', data: JSON.stringify(values) });
              } else if (!dirty) {
                await stream.write(': ping\n\n');
              }
            }
          } finally {
            unsubscribe();
          }
        },
        async (error) => deps.logger?.error('dashboard stream failed', { error }),
      );
    })
    .openapi(routes.preview, async (c) => {
      const body = c.req.valid('json');
      const metrics = await open(c, c.req.valid('param').space);
      const context = await resolveTable(db, metrics.space.key, body.table);
      const access = metrics.access.table(context.table.key);
      // A predicate over a hidden field would sort records by its value; the sample shows only
      // readable fields, as the records listing does.
      assertPredicateReadable(access, body.predicate, metrics.definition);
      const preview = await previewPredicate(db, context, body.predicate, {
        limit: body.limit,
        scope: scopeCondition(context, access, 'read'),
      });
      return c.json(
        { ...preview, sample: preview.sample.map((r) => presentRecord(access, r)) },
        200,
      );
    })
    .openapi(routes.backfill, async (c) => {
      const { space, label } = c.req.valid('param');
      const body =
        (c.req.valid('json') as { table?: string; predicate?: string } | undefined) ?? {};
      const metrics = await open(c, space);
      assertAdmin(metrics.access, 'metrics');
      const defined = metrics.definition.metricLabels?.find((l) => l.key === label);
      const table = body.table ?? defined?.table;
      const predicate = body.predicate ?? defined?.predicate;
      if (!table || !predicate) {
        throw new BatonError(
          'LABEL_UNDEFINED',
          400,
          `label "${label}" is not published; give table and predicate / 标签「${label}」未发布，请提供 table 与 predicate`,
        );
      }
      const context = await resolveTable(db, metrics.space.key, table);
      return c.json(await backfillLabel(db, context, label, predicate), 200);
    })
    .openapi(routes.recompute, async (c) => {
      const metrics = await open(c, c.req.valid('param').space);
      assertAdmin(metrics.access, 'metrics');
      return c.json({ snapshots: [...(await recomputeLai(db, metrics.space.key))] }, 200);
    })
    .openapi(routes.reports, async (c) => {
      const metrics = await open(c, c.req.valid('param').space);
      const reports = await scheduler().describe(metrics.space, metrics.definition);
      return c.json({ reports: reports.map((r) => ({ ...r })) }, 200);
    })
    .openapi(routes.trigger, async (c) => {
      const { space, report } = c.req.valid('param');
      const metrics = await open(c, space);
      assertAdmin(metrics.access, 'metrics');
      const found = metrics.definition.reports?.find((r) => r.key === report);
      if (!found) {
        throw new BatonError('NOT_FOUND', 404, `report "${report}" does not exist`, {
          what: 'report',
          key: report,
        });
      }
      const scheduleId = await scheduler().trigger(metrics.space, metrics.definition, found);
      return c.json({ scheduleId }, 202);
    });
}
