// The one workflow that runs every flow: a thin driver around runtime/flows' pure step function.
import {
  ApplicationFailure,
  condition,
  continueAsNew,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { compileFlow } from '../../runtime/flows/compile-flow';
import { createFlowClock } from '../../runtime/flows/flow-clock';
import { stepFlow } from '../../runtime/flows/flow-step';
import type { FlowCommand, FlowEvent, FlowState } from '../../runtime/flows/flow-types';
import type * as activities from '../activities/flow-activities';
import type { FlowStart } from '../flow-start';
import { outboxEventSignal } from '../shared';

type FlowActivities = ReturnType<typeof activities.createFlowActivities>;

const effects = proxyActivities<FlowActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
// Timeline rows, freezes and tasks are single PostgreSQL writes: a local activity saves the round
// trip through the task queue (and two workflow tasks) per batch.
const local = proxyLocalActivities<FlowActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});
const http = proxyActivities<FlowActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 1 },
});

/** Matches workflows/flow-start `defaultHistoryLimit` (values only from the runtime may be imported). */
const defaultHistoryLimit = 10_000;
/** Sequence numbers carried into a continued run; older ones cannot be redelivered by then. */
const seenCarried = 1_000;

/** A batch of effects that only write Baton's own tables goes through the local activity. */
const localEffect = (command: FlowCommand) =>
  command.type === 'timeline' || command.type === 'freeze' || command.type === 'task';

/**
 * Runs one record's execution of one flow. Record changes, handover verdicts and task completions
 * arrive as outbox signals (deduplicated by sequence number); timers are the state's own deadlines.
 * A long execution continues as new with its state, seen sequence numbers and unhandled events.
 */
export async function flowInterpreterWorkflow(start: FlowStart): Promise<FlowState> {
  const compiled = compileFlow(start.flow, start.fields);
  if (!compiled.ok) {
    throw ApplicationFailure.create({
      message: `flow ${start.flowKey} does not compile`,
      nonRetryable: true,
      details: [compiled.issues],
    });
  }
  const clock = createFlowClock(start.calendar);
  const inbox: FlowEvent[] = [...(start.resume?.inbox ?? [])];
  const seen = new Set<string>(start.resume?.seen ?? []);
  const now = () => new Date().toISOString();

  setHandler(outboxEventSignal, (event) => {
    if (seen.has(event.seq)) return;
    seen.add(event.seq);
    const payload = event.payload;
    if (event.topic === 'record.updated')
      inbox.push({ type: 'record', record: payload.record as Record<string, unknown>, now: now() });
    else if (event.topic === 'handover.verdict') {
      inbox.push({
        type: 'verdict',
        verdict: payload.verdict as 'valid' | 'needs_info' | 'invalid',
        reason: payload.reason as string | undefined,
        note: payload.note as string | undefined,
        by: payload.by as string | undefined,
        now: now(),
      });
    } else if (event.topic === 'task.completed')
      inbox.push({ type: 'task_done', by: payload.by as string | undefined, now: now() });
  });

  let state: FlowState | undefined = start.resume?.state;
  const run = async (event: FlowEvent) => {
    const result = stepFlow(compiled.value, state, event, clock);
    state = result.state;
    await perform(result.commands);
  };

  /** Side effects in order; awaited commands report back as `result` events before anything else. */
  const perform = async (commands: readonly FlowCommand[]) => {
    let batch: FlowCommand[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const commands = batch;
      batch = [];
      if (commands.every(localEffect)) await local.applyFlowEffects(start, commands);
      else await effects.applyFlowEffects(start, commands);
    };
    for (const command of commands) {
      if (command.type === 'timer' || command.type === 'cancel_timer') continue;
      if (command.type === 'update' || command.type === 'assign' || command.type === 'http') {
        await flush();
        const outcome =
          command.type === 'http'
            ? await http.runFlowHttp(start, command)
            : await effects.runFlowCommand(start, command);
        inbox.unshift({
          type: 'result',
          command: command.key,
          ok: outcome.ok,
          detail: outcome.detail,
          now: now(),
        });
      } else batch.push(command);
    }
    await flush();
  };

  const historyLimit = start.historyLimit ?? defaultHistoryLimit;
  const tooLong = () => {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength >= historyLimit;
  };

  if (!state) await run({ type: 'start', record: start.record, now: now() });
  while (state?.status === 'running') {
    if (tooLong()) {
      await continueAsNew<typeof flowInterpreterWorkflow>({
        ...start,
        record: state.record,
        resume: { state, seen: [...seen].slice(-seenCarried), inbox: [...inbox] },
      });
    }
    const next = Object.entries(state.timers).sort(([, a], [, b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    )[0];
    if (inbox.length === 0) {
      if (next)
        await condition(() => inbox.length > 0, Math.max(0, Date.parse(next[1]) - Date.now()));
      else await condition(() => inbox.length > 0);
    }
    const event = inbox.shift();
    if (event) await run(event);
    else if (next) await run({ type: 'timer', timer: next[0], now: now() });
  }
  return state!;
}
