// Activities of scheduled flows: Temporal Schedules synced from the definition, ticks turned into starts.
import { Context } from '@temporalio/activity';
import type { Db } from '../../platform/db/database';
import { startScheduledFlow, syncFlowSchedules } from '../../platform/flows/flow-schedules';
import type { Logger } from '../../platform/logger';
import type { FlowScheduleTick } from '../flow-schedule-names';

export interface ScheduleActivityDeps {
  readonly db: Db;
  readonly logger: Logger;
}

/**
 * Builds the schedule activities; they reach Temporal through the worker's own client.
 * @example Worker.create({ activities: createScheduleActivities({ db, logger }), … })
 */
export function createScheduleActivities({ db, logger }: ScheduleActivityDeps) {
  return {
    /** Schedules of the space's latest published version: created, updated, deleted. */
    async syncSpaceSchedules(spaceKey: string): Promise<void> {
      const context = Context.current();
      const result = await syncFlowSchedules(db, context.client, spaceKey, context.info.taskQueue);
      logger.info('flow schedules synced', { space: spaceKey, ...result });
    },

    /** Starts the flow of one tick for every matching record, exactly once per tick. */
    async startScheduledTick(
      tick: FlowScheduleTick & { readonly tickId: string; readonly at: string },
    ) {
      const result = await startScheduledFlow(db, tick);
      if (result.truncated)
        logger.warn('scheduled flow matched more records than one tick starts', { ...tick });
      return result;
    },
  };
}
