// Builds and delivers a scheduled report: the team health report (dashboard figures + top-5 stalled
// opportunities) or the per-rep diagnosis (each widget grouped by owner), in-app and by e-mail.
import { sql } from 'kysely';
import { quoteIdentifier } from '../../runtime/identifiers';
import type { ReportDefinition } from '../../runtime/metrics/dashboard-schema';
import { colorOf } from '../../runtime/metrics/dashboard-schema';
import type { Db } from '../db/database';
import { NotFoundError } from '../errors';
import {
  dashboardOrThrow,
  dashboardTables,
  dashboardValues,
  openSpaceMetrics,
} from '../metrics/dashboard-service';
import { shanghaiDay } from '../metrics/lai-job';
import { computeMetric, metricOrThrow } from '../metrics/metric-service';
import { sendNotification, type NotificationDeps } from '../notifications/send-notification';
import { systemActor } from '../people/actor';
import { resolveRecipients } from '../people/resolve-recipients';
import { resolveTable } from '../records/table-context';
import { renderReport, type ReportRow, type StalledRow } from './report-content';

export interface ReportDelivery {
  readonly report: string;
  readonly day: string;
  readonly recipients: number;
  readonly rows: number;
  readonly failed: number;
}

/**
 * Computes a report now and delivers it to its recipients in-app and by e-mail (HTML + .xlsx).
 * `runKey` makes deliveries idempotent: a retried activity sends nothing twice.
 * @example await deliverReport({ db, email }, 'meddev', 'weekly_health', 'sched-2026-03-02')
 */
export async function deliverReport(
  deps: NotificationDeps,
  spaceKey: string,
  reportKey: string,
  runKey: string,
  now = new Date(),
): Promise<ReportDelivery> {
  const { db } = deps;
  const metrics = await openSpaceMetrics(db, spaceKey, { actor: systemActor('reports') });
  const report = metrics.definition.reports?.find((r) => r.key === reportKey);
  if (!report) throw new NotFoundError('report', reportKey);
  const day = shanghaiDay(now);
  const rows =
    report.kind === 'team_health'
      ? await teamRows(db, metrics, report, now)
      : await repRows(db, metrics, report, now);
  const stalled = report.kind === 'team_health' ? await stalledRecords(db, metrics, report) : [];
  const content = await renderReport(report, day, rows, stalled);

  const recipients = new Set<string>();
  for (const spec of report.recipients) {
    if (spec.includes('@') && !spec.includes(':')) {
      recipients.add(spec);
      continue;
    }
    const resolved = await resolveRecipients(db, metrics.space.id, spec, {});
    for (const user of resolved.recipients) recipients.add(user.id);
  }
  const base = {
    spaceId: metrics.space.id,
    recipients: [...recipients],
    title: content.title,
    body: content.text,
  };
  const inapp = await sendNotification(deps, {
    ...base,
    idempotencyKey: `report/${reportKey}/${runKey}/inapp`,
    channel: 'inapp',
  });
  const email = await sendNotification(deps, {
    ...base,
    idempotencyKey: `report/${reportKey}/${runKey}/email`,
    channel: 'email',
    html: content.html,
    attachments: [
      {
        filename: content.filename,
        content: content.xlsx,
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      },
    ],
  });
  return {
    report: reportKey,
    day,
    recipients: recipients.size,
    rows: rows.length,
    failed: [...inapp, ...email].filter((o) => o.status === 'failed').length,
  };
}

type Metrics = Awaited<ReturnType<typeof openSpaceMetrics>>;

async function teamRows(
  db: Db,
  metrics: Metrics,
  report: ReportDefinition,
  now: Date,
): Promise<ReportRow[]> {
  const values = await dashboardValues(db, metrics, report.dashboard, now);
  return values.dashboard.widgets.map((widget, i) => {
    const result = values.widgets[i]!.result;
    return {
      rep: null,
      metric: widget.label,
      value: result.value,
      unit: result.unit,
      color: values.widgets[i]!.color,
    };
  });
}

async function repRows(
  db: Db,
  metrics: Metrics,
  report: ReportDefinition,
  now: Date,
): Promise<ReportRow[]> {
  const dashboard = dashboardOrThrow(metrics.definition, report.dashboard);
  const rows: ReportRow[] = [];
  for (const widget of dashboard.widgets) {
    const metric = metricOrThrow(metrics.definition, widget.metric);
    if (metric.measure.kind === 'builtin' && metric.measure.formula === 'contribution_share')
      continue;
    const context = await resolveTable(db, metrics.space.key, metric.table);
    const result = await computeMetric(db, { metric, context, now, groupBy: ['owner'] });
    for (const group of result.groups) {
      rows.push({
        rep: group.label?.[0] ?? group.key[0] ?? '未分配 Unassigned',
        metric: widget.label,
        value: group.value,
        unit: result.unit,
        color: colorOf(group.value, widget.thresholds),
      });
    }
  }
  return rows.sort(
    (a, b) => (a.rep ?? '').localeCompare(b.rep ?? '') || a.metric.en.localeCompare(b.metric.en),
  );
}

/** The five records of the dashboard's first table that have waited longest since their last write. */
async function stalledRecords(
  db: Db,
  metrics: Metrics,
  report: ReportDefinition,
): Promise<StalledRow[]> {
  const dashboard = dashboardOrThrow(metrics.definition, report.dashboard);
  const [table] = dashboardTables(metrics.definition, dashboard);
  if (!table) return [];
  const context = await resolveTable(db, metrics.space.key, table);
  const titleField =
    context.table.titleField ?? context.table.fields.find((f) => f.type === 'text')?.key;
  const title = titleField ? sql.raw(`${quoteIdentifier(titleField)}::text`) : sql`id::text`;
  const result = await sql<{
    id: string;
    title: string | null;
    stage: string | null;
    idle: number;
  }>`
    select id::text as id, ${title} as title, stage,
      extract(epoch from now() - updated_at) / 86400.0 as idle
    from ${sql.raw(context.ref)}
    where deleted_at is null and stage is not null
    order by updated_at asc, id limit 5`.execute(db);
  return result.rows.map((r) => ({
    id: r.id,
    title: r.title ?? r.id,
    stage: r.stage,
    idleDays: Number(r.idle),
  }));
}
