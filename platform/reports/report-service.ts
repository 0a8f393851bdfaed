// Builds and delivers a scheduled report: the team health report (dashboard figures + top-5 stalled
// opportunities) or the per-rep diagnosis (each widget grouped by owner), in-app and by e-mail.
import { sql } from 'kysely';
import { quoteIdentifier } from '../../runtime/identifiers';
import type { ReportDefinition } from '../../runtime/metrics/dashboard-schema';
import { colorOf } from '../../runtime/metrics/dashboard-schema';
import type { Db } from '../db/database';
import { BatonError, NotFoundError } from '../errors';
import {
  dashboardOrThrow,
  dashboardTables,
  dashboardValues,
  metricValues,
  openSpaceMetrics,
} from '../metrics/dashboard-service';
import { shanghaiDay } from '../metrics/lai-job';
import { metricOrThrow } from '../metrics/metric-service';
import {
  NotificationDeliveryError,
  type DeliveryFailure,
} from '../notifications/notification-errors';
import {
  sendNotification,
  type DeliveryOutcome,
  type NotificationDeps,
  type NotificationRequest,
} from '../notifications/send-notification';
import { systemActor } from '../people/actor';
import { resolveRecipients } from '../people/resolve-recipients';
import { findUser } from '../people/user-repository';
import { hiddenFieldsOf, metricFields } from '../permissions/metric-access';
import { scopeCondition } from '../permissions/scope-sql';
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
 * Each user gets the report as their roles see it: their rows, no widget over a field hidden from
 * them, stalled records they may read; an e-mail address that is nobody's gets the whole space's.
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
  const system = await openSpaceMetrics(db, spaceKey, { actor: systemActor('reports') });
  const report = system.definition.reports?.find((r) => r.key === reportKey);
  if (!report) throw new NotFoundError('report', reportKey);
  const day = shanghaiDay(now);

  const recipients = new Set<string>();
  for (const spec of report.recipients) {
    if (spec.includes('@') && !spec.includes(':')) {
      recipients.add(spec);
      continue;
    }
    const resolved = await resolveRecipients(db, system.space.id, spec, {});
    for (const user of resolved.recipients) recipients.add(user.id);
  }

  let rows = 0;
  const outcomes: DeliveryOutcome[] = [];
  const transient: DeliveryFailure[] = [];
  const send = async (request: NotificationRequest) => {
    try {
      outcomes.push(...(await sendNotification(deps, request)));
    } catch (error) {
      if (!(error instanceof NotificationDeliveryError)) throw error;
      transient.push(...error.failures);
      outcomes.push(...(error.outcomes as DeliveryOutcome[]));
    }
  };
  for (const recipient of recipients) {
    const metrics = await metricsOf(db, spaceKey, recipient, system);
    if (!metrics) continue;
    const built =
      report.kind === 'team_health'
        ? await teamRows(db, metrics, report, now)
        : await repRows(db, metrics, report, now);
    rows = Math.max(rows, built.length);
    const stalled = report.kind === 'team_health' ? await stalledRecords(db, metrics, report) : [];
    const content = await renderReport(report, day, built, stalled);
    const base = {
      spaceId: system.space.id,
      recipients: [recipient],
      title: content.title,
      body: content.text,
    };
    await send({
      ...base,
      idempotencyKey: `report/${reportKey}/${runKey}/inapp`,
      channel: 'inapp',
    });
    await send({
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
  }
  if (transient.length > 0) throw new NotificationDeliveryError(transient, outcomes);
  return {
    report: reportKey,
    day,
    recipients: recipients.size,
    rows,
    failed: outcomes.filter((o) => o.status === 'failed').length,
  };
}

type Metrics = Awaited<ReturnType<typeof openSpaceMetrics>>;

/**
 * The figures `recipient` may see: a user's own permission set, the whole space for an address
 * that is nobody's (an administrator named it), none for someone no longer active.
 */
async function metricsOf(
  db: Db,
  spaceKey: string,
  recipient: string,
  system: Metrics,
): Promise<Metrics | undefined> {
  const user = await findUser(db, recipient);
  if (!user) return recipient.includes('@') ? system : undefined;
  try {
    return await openSpaceMetrics(db, spaceKey, { actor: { kind: 'user', userId: user.id } });
  } catch (error) {
    if (error instanceof BatonError && error.status === 401) return undefined;
    throw error;
  }
}

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
    const fields = metricFields(metric, metrics.definition, ['owner']);
    if (hiddenFieldsOf(metrics.access.table(metric.table), metrics.definition, fields).length > 0)
      continue;
    const result = await metricValues(db, metrics, metric.key, { groupBy: ['owner'], now });
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
  const access = metrics.access.table(table);
  const scope = scopeCondition(context, access, 'read');
  const named =
    context.table.titleField ?? context.table.fields.find((f) => f.type === 'text')?.key;
  // A title the reader may not see is replaced by the record's id.
  const titleField = named && access.alwaysReadable.has(named) ? named : undefined;
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
    where deleted_at is null and stage is not null${scope ? sql` and ${scope}` : sql``}
    order by updated_at asc, id limit 5`.execute(db);
  return result.rows.map((r) => ({
    id: r.id,
    title: r.title ?? r.id,
    stage: r.stage,
    idleDays: Number(r.idle),
  }));
}
