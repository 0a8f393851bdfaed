// Metrics and dashboards API: metric values, dashboards with threshold colours, drill-down to the
// records behind a number, live refresh over SSE, the metric sandbox and scheduled reports.
//
// ── API contract (stable; the dashboard UI in designer/src/dashboards builds against it) ──────────
// Definitions (runtime/metrics/metric-schema.ts, dashboard-schema.ts) live in the app definition:
//   metrics:    [{ key, label: {zh-CN,en}, table, measure, filter?: CEL, time?: { field, window },
//                  groupBy?: string[], unit?: 'count'|'percent'|'hours'|'days'|'money'|'number' }]
//     measure = { kind:'count' } | { kind:'count_distinct', field } | { kind:'sum'|'avg'|'min'|'max', field }
//             | { kind:'median', field } | { kind:'percentile', field, p: 0..1 }
//             | { kind:'ratio', numerator: CEL }          (share of filtered records, 0..1)
//             | { kind:'builtin', formula: 'lai'|'health_score'|'channel_effectiveness'|
//                 'first_response_median'|'stage_dwell'|'action_fullness'|'collaboration_density'|
//                 'contribution_share', params?: {...} }
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
import { OpenAPIHono } from '@hono/zod-openapi';

/** Routes of the metrics and dashboards API (filled in by issue 10's backend). */
export function dashboardRoutes() {
  return new OpenAPIHono();
}
