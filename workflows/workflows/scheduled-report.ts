// Workflows started by Temporal Schedules: a report delivery and the daily LAI recompute.
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type * as reportActivities from '../activities/report-activities';

type ReportActivities = ReturnType<typeof reportActivities.createReportActivities>;

const { deliverScheduledReport, recomputeDailyLai } = proxyActivities<ReportActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { maximumAttempts: 5, initialInterval: '10 seconds' },
});

export interface ScheduledReportInput {
  readonly spaceKey: string;
  readonly reportKey: string;
}

/** Computes and delivers one report; the run's workflow id keys the deliveries (no duplicates). */
export async function scheduledReportWorkflow(input: ScheduledReportInput): Promise<void> {
  await deliverScheduledReport({ ...input, runKey: workflowInfo().workflowId });
}

/** The daily LAI recompute of a space (A6). */
export async function dailyLaiWorkflow(input: { readonly spaceKey: string }): Promise<void> {
  await recomputeDailyLai(input);
}
