// A space's lifecycle execution: applies the space's outbox events, each exactly once in effect.
import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type * as activities from '../activities/space-activities';
import { outboxEventSignal, type OutboxEvent } from '../shared';

const { activateSpace } = proxyActivities<ReturnType<typeof activities.createSpaceActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** How long the execution idles before completing; a later event starts a new run. */
const idleTimeout = '5 minutes';

/**
 * Receives `outboxEvent` signals and applies them in order. Duplicate deliveries of the same
 * sequence number are dropped here, and the activity is idempotent on the sequence number too,
 * so a redelivery after this run has completed is harmless.
 */
export async function spaceLifecycleWorkflow(): Promise<void> {
  const pending: OutboxEvent[] = [];
  const seen = new Set<string>();
  setHandler(outboxEventSignal, (event) => {
    if (seen.has(event.seq)) return;
    seen.add(event.seq);
    pending.push(event);
  });
  for (;;) {
    const woke = await condition(() => pending.length > 0, idleTimeout);
    if (!woke) return;
    const event = pending.shift();
    if (event?.topic === 'space.created') {
      await activateSpace({ seq: event.seq, spaceId: String(event.payload.spaceId) });
    }
  }
}
