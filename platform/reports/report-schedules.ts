// Temporal Schedules for a space's reports and its daily LAI recompute: created or updated from the
// published definition, removed when the report is gone, triggered on demand.
import {
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleOptions,
} from '@temporalio/client';
import type { AppDefinition } from '../../runtime/definition/definition-schema';
import type { ReportDefinition } from '../../runtime/metrics/dashboard-schema';
import type { Space } from '../spaces/space-repository';

/** The daily LAI recompute runs at 02:00 Asia/Shanghai. */
export const laiSchedule = { cron: '0 2 * * *', timezone: 'Asia/Shanghai' } as const;

export interface ReportScheduleInfo {
  readonly key: string;
  readonly kind: string;
  readonly label: ReportDefinition['label'];
  readonly cron: string;
  readonly timezone: string;
  readonly scheduleId: string;
  readonly nextRunAt: string | null;
}

export interface ReportScheduler {
  /** Makes the space's schedules match its definition (idempotent). */
  sync(space: Space, definition: AppDefinition): Promise<void>;
  describe(space: Space, definition: AppDefinition): Promise<ReportScheduleInfo[]>;
  /** Runs a report's schedule now; returns the schedule id. */
  trigger(space: Space, definition: AppDefinition, report: ReportDefinition): Promise<string>;
}

/** Schedule ids carry the space id: a space key can be reused after a space is gone. */
export const reportScheduleId = (space: Space, reportKey: string) =>
  `baton/${space.id}/report/${reportKey}`;
export const laiScheduleId = (space: Space) => `baton/${space.id}/lai`;

/**
 * Schedules on `client`, starting workflows on `taskQueue`.
 * @example await createReportScheduler(client, 'baton').sync(space, definition)
 */
export function createReportScheduler(client: Client, taskQueue: string): ReportScheduler {
  const options = (space: Space, report: ReportDefinition): ScheduleOptions => ({
    scheduleId: reportScheduleId(space, report.key),
    spec: { cronExpressions: [report.cron], timezone: report.timezone },
    action: {
      type: 'startWorkflow',
      workflowType: 'scheduledReportWorkflow',
      args: [{ spaceKey: space.key, reportKey: report.key }],
      taskQueue,
      workflowId: `${reportScheduleId(space, report.key)}/run`,
    },
    policies: { overlap: ScheduleOverlapPolicy.BUFFER_ONE, catchupWindow: '1 day' },
    memo: { space: space.key, report: report.key, cron: report.cron },
  });
  const laiOptions = (space: Space): ScheduleOptions => ({
    scheduleId: laiScheduleId(space),
    spec: { cronExpressions: [laiSchedule.cron], timezone: laiSchedule.timezone },
    action: {
      type: 'startWorkflow',
      workflowType: 'dailyLaiWorkflow',
      args: [{ spaceKey: space.key }],
      taskQueue,
      workflowId: `${laiScheduleId(space)}/run`,
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
  });

  const upsert = async (scheduleOptions: ScheduleOptions) => {
    try {
      await client.schedule.create(scheduleOptions);
    } catch (error) {
      if ((error as Error).name !== 'ScheduleAlreadyRunning') throw error;
      await client.schedule.getHandle(scheduleOptions.scheduleId).update((previous) => ({
        ...previous,
        spec: scheduleOptions.spec,
        action: scheduleOptions.action,
      }));
    }
  };
  const remove = async (scheduleId: string) => {
    try {
      await client.schedule.getHandle(scheduleId).delete();
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
    }
  };

  const scheduler: ReportScheduler = {
    async sync(space, definition) {
      const reports = definition.reports ?? [];
      for (const report of reports) await upsert(options(space, report));
      const hasLai = (definition.metrics ?? []).some(
        (m) => m.measure.kind === 'builtin' && m.measure.formula === 'lai',
      );
      if (hasLai || (definition.metricLabels ?? []).length > 0) await upsert(laiOptions(space));
      else await remove(laiScheduleId(space));
      const wanted = new Set(reports.map((r) => reportScheduleId(space, r.key)));
      const prefix = `baton/${space.id}/report/`;
      for await (const summary of client.schedule.list()) {
        if (summary.scheduleId.startsWith(prefix) && !wanted.has(summary.scheduleId)) {
          await remove(summary.scheduleId);
        }
      }
    },
    async describe(space, definition) {
      await scheduler.sync(space, definition);
      return Promise.all(
        (definition.reports ?? []).map(async (report) => {
          const scheduleId = reportScheduleId(space, report.key);
          const description = await client.schedule.getHandle(scheduleId).describe();
          const next = description.info.nextActionTimes[0];
          return {
            key: report.key,
            kind: report.kind,
            label: report.label,
            cron: report.cron,
            timezone: report.timezone,
            scheduleId,
            nextRunAt: next ? next.toISOString() : null,
          };
        }),
      );
    },
    async trigger(space, definition, report) {
      await scheduler.sync(space, definition);
      const scheduleId = reportScheduleId(space, report.key);
      await client.schedule.getHandle(scheduleId).trigger(ScheduleOverlapPolicy.ALLOW_ALL);
      return scheduleId;
    },
  };
  return scheduler;
}
