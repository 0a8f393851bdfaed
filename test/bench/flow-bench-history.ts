// Where an execution's time goes, read from its Temporal history: server, task queue, worker, activity.
import type { Client } from '@temporalio/client';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import protos from '@temporalio/proto';
import { pool, quantile } from './flow-bench-load';

// CommonJS: the namespace comes from the default export under ESM.
const { EventType } = protos.temporal.api.enums.v1;
type HistoryEvent = protos.temporal.api.history.v1.IHistoryEvent;

/** One execution's history, as `fetchHistory()` gives it and replays take it. */
export interface FetchedHistory {
  readonly workflowId: string;
  readonly history: protos.temporal.api.history.v1.IHistory;
}

/** Event times (epoch ms) of one execution; `…AfterTimer` ones follow its first fired timer. */
export interface ExecutionTimes {
  readonly started: number;
  readonly firstTaskStarted?: number;
  readonly firstTaskCompleted?: number;
  /** The last workflow task completed before any timer fired: the execution waits on its timer. */
  readonly waitingSince?: number;
  readonly timerFired?: number;
  readonly taskStartedAfterTimer?: number;
  readonly taskCompletedAfterTimer?: number;
  readonly activityScheduledAfterTimer?: number;
  readonly activityStartedAfterTimer?: number;
  readonly activityCompletedAfterTimer?: number;
}

function eventMs(time: HistoryEvent['eventTime']): number {
  return Number(time?.seconds ?? 0) * 1000 + Math.floor((time?.nanos ?? 0) / 1e6);
}

/** Reads the history of each workflow id (up to 32 at a time). */
export async function fetchHistories(
  client: Client,
  workflowIds: readonly string[],
): Promise<FetchedHistory[]> {
  return pool(workflowIds.length, 32, async (i) => ({
    workflowId: workflowIds[i]!,
    history: await client.workflow.getHandle(workflowIds[i]!).fetchHistory(),
  }));
}

/** The event times of one history. */
export function executionTimes({ history }: FetchedHistory): ExecutionTimes {
  const times: Record<string, number> = {};
  const first = (key: string, at: number) => (times[key] ??= at);
  for (const event of history.events ?? []) {
    const at = eventMs(event.eventTime);
    const afterTimer = times.timerFired !== undefined;
    switch (event.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
        first('started', at);
        break;
      case EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED:
        first(afterTimer ? 'taskStartedAfterTimer' : 'firstTaskStarted', at);
        break;
      case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
        first(afterTimer ? 'taskCompletedAfterTimer' : 'firstTaskCompleted', at);
        if (!afterTimer) times.waitingSince = at;
        break;
      case EventType.EVENT_TYPE_TIMER_FIRED:
        first('timerFired', at);
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        if (afterTimer) first('activityScheduledAfterTimer', at);
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
        if (afterTimer) first('activityStartedAfterTimer', at);
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
        if (afterTimer) first('activityCompletedAfterTimer', at);
        break;
    }
  }
  return times as unknown as ExecutionTimes;
}

/**
 * Replays histories with a workflow bundle and returns the CPU ms per history: what the workflow
 * code and the SDK cost without the server. Throws on a replay failure.
 */
export async function replayCpuMs(
  bundle: WorkflowBundleWithSourceMap,
  histories: readonly FetchedHistory[],
): Promise<number> {
  const cpuMs = async (batch: readonly FetchedHistory[]) => {
    const before = process.cpuUsage();
    for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, batch)) {
      if (result.error) throw result.error;
    }
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000;
  };
  // A replay worker loads the bundle first; one history alone measures that, and it is taken off.
  const setup = await cpuMs(histories.slice(0, 1));
  return ((await cpuMs(histories)) - setup) / (histories.length - 1);
}

/** Events per history, on average. */
export function meanEvents(histories: readonly FetchedHistory[]): number {
  const total = histories.reduce((sum, h) => sum + (h.history.events?.length ?? 0), 0);
  return total / histories.length;
}

/** Every `step`-th item, so a sample spreads over the whole run. */
export function spreadSample<T>(items: readonly T[], size: number): T[] {
  const step = Math.max(1, Math.floor(items.length / size));
  return items.filter((_, i) => i % step === 0).slice(0, size);
}

/** "p50 / p99" of the differences `to − from` over the executions that have both. */
export function spanQuantiles(
  rows: readonly ExecutionTimes[],
  from: (t: ExecutionTimes) => number | undefined,
  to: (t: ExecutionTimes) => number | undefined,
): string {
  const spans = rows.flatMap((t) => {
    const [a, b] = [from(t), to(t)];
    return a === undefined || b === undefined ? [] : [b - a];
  });
  if (spans.length === 0) return '–';
  return `${Math.round(quantile(spans, 0.5))} / ${Math.round(quantile(spans, 0.99))} ms`;
}
