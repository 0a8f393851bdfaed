// Scheduled flows: a per-space execution that keeps Temporal Schedules in line with each publish,
// and the workflow every schedule fires, which starts the flow through the outbox.
import { condition, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type * as activities from '../activities/schedule-activities';
import type { FlowScheduleTick } from '../flow-schedule-names';
import { outboxEventSignal } from '../shared';

type ScheduleActivities = ReturnType<typeof activities.createScheduleActivities>;

const { syncSpaceSchedules, startScheduledTick } = proxyActivities<ScheduleActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** How long the execution idles before completing; the next publish starts a new run. */
const idleTimeout = '5 minutes';

/**
 * Receives one `flows.schedules` outbox signal per publish and syncs the space's schedules. Several
 * publishes in a row collapse into one sync of the latest version.
 */
export async function flowSchedulesWorkflow(start: { spaceKey: string }): Promise<void> {
  const seen = new Set<string>();
  let pending = false;
  setHandler(outboxEventSignal, (event) => {
    if (seen.has(event.seq)) return;
    seen.add(event.seq);
    pending = true;
  });
  for (;;) {
    if (!(await condition(() => pending, idleTimeout))) return;
    pending = false;
    await syncSpaceSchedules(start.spaceKey);
  }
}

/** One firing: the workflow id is unique per firing, so it names the tick. */
export async function flowScheduleTickWorkflow(
  tick: FlowScheduleTick,
): Promise<{ started: number; skipped: boolean; truncated: boolean }> {
  return startScheduledTick({
    ...tick,
    tickId: workflowInfo().workflowId,
    at: new Date().toISOString(),
  });
}
