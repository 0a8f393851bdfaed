// Activities of scheduled reports and the daily LAI recompute.
import type { Db } from '../../platform/db/database';
import type { Logger } from '../../platform/logger';
import { recomputeLai } from '../../platform/metrics/lai-job';
import type { NotificationDeps } from '../../platform/notifications/send-notification';
import { deliverReport } from '../../platform/reports/report-service';

export interface ReportActivityDeps {
  readonly db: Db;
  readonly notifications: Omit<NotificationDeps, 'db'>;
  readonly logger: Logger;
}

/**
 * Builds the report activities around injected dependencies.
 * @example Worker.create({ activities: createReportActivities({ db, notifications, logger }), ... })
 */
export function createReportActivities(deps: ReportActivityDeps) {
  return {
    async deliverScheduledReport(input: {
      readonly spaceKey: string;
      readonly reportKey: string;
      readonly runKey: string;
    }): Promise<void> {
      const delivery = await deliverReport(
        { db: deps.db, ...deps.notifications },
        input.spaceKey,
        input.reportKey,
        input.runKey,
      );
      deps.logger.info('report delivered', { ...delivery });
    },
    async recomputeDailyLai(input: { readonly spaceKey: string }): Promise<void> {
      const snapshots = await recomputeLai(deps.db, input.spaceKey);
      deps.logger.info('LAI recomputed', { space: input.spaceKey, snapshots });
    },
  };
}
