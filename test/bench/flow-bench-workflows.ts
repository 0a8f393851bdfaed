// The flow benchmark's baseline: a hand-written workflow that does only what a one-timer flow must.
import { proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import { durationMsOrThrow } from '../../runtime/flows/flow-clock';
import type { FlowStart } from '../../workflows/flow-start';
import { outboxEventSignal } from '../../workflows/shared';
import type * as activities from './flow-bench-activities';

type BenchActivities = ReturnType<typeof activities.createBenchActivities>;

// The same activity options as the interpreter's effects.
const { recordFired } = proxyActivities<BenchActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** When the flow's first node would fire: an escalation's first level, a wait, or a wait_until timeout. */
function firstDueMs(start: FlowStart, now: number): number {
  const node = start.flow.nodes[0];
  if (node?.type === 'escalation') return now + durationMsOrThrow(node.levels[0]!.after);
  if (node?.type === 'wait') return now + durationMsOrThrow(node.duration);
  if (node?.type === 'wait_until') {
    const base = node.from ? start.record[node.from] : undefined;
    const from = typeof base === 'string' ? Date.parse(base) : now;
    return from + durationMsOrThrow(node.timeout);
  }
  return now;
}

/**
 * Takes the interpreter's start arguments and signal, sleeps until the flow's first timer would
 * fire, then runs one activity. The benchmark registers it under the interpreter's type name on a
 * task queue of its own, so the outbox relay starts it exactly as it starts a real flow.
 */
export async function minimalFlowWorkflow(start: FlowStart): Promise<void> {
  setHandler(outboxEventSignal, () => {});
  const due = firstDueMs(start, Date.now());
  await sleep(Math.max(0, due - Date.now()));
  await recordFired(start, new Date(due).toISOString());
}

export { minimalFlowWorkflow as flowInterpreterWorkflow };
