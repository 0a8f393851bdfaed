// The designer's simulator: drives the interpreter's step function with a virtual clock and a script.
import type { CompiledFlow } from './compile-flow';
import { stepFlow } from './flow-step';
import type { FlowClock, FlowCommand, FlowEvent, FlowState, RecordSnapshot } from './flow-types';

/** Something that happens during a simulation; `at` is an instant or an offset such as `PT250M`. */
export type ScriptedEvent =
  | {
      readonly at: string;
      readonly type: 'record';
      readonly set: Readonly<Record<string, unknown>>;
    }
  | {
      readonly at: string;
      readonly type: 'verdict';
      readonly verdict: 'valid' | 'needs_info' | 'invalid';
      readonly reason?: string;
      readonly note?: string;
      readonly by?: string;
    }
  | { readonly at: string; readonly type: 'task_done'; readonly by?: string };

export interface SimulationScript {
  readonly record: RecordSnapshot;
  /** When the execution starts (ISO). */
  readonly start: string;
  readonly events?: readonly ScriptedEvent[];
  /** Stop here even if timers are still pending (default: 90 days after start). */
  readonly until?: string;
}

export interface TraceEntry {
  readonly at: string;
  readonly kind: string;
  readonly node: string | null;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface SimulationResult {
  /** Timeline entries as the real execution writes them, with their virtual times. */
  readonly trace: readonly TraceEntry[];
  readonly commands: ReadonlyArray<{ readonly at: string; readonly command: FlowCommand }>;
  readonly state: FlowState;
}

/**
 * Plays a script against a flow. Updates, assignments and HTTP calls succeed at once; an update or
 * assignment changes the virtual record and the flow hears of it, as it would through the outbox.
 * @example simulateFlow(compiled, { record, start: '2026-11-20T01:00:00Z', events: [{ at: 'PT250M', type: 'record', set: { first_contact_at: '…' } }] }, clock)
 */
export function simulateFlow(
  compiled: CompiledFlow,
  script: SimulationScript,
  clock: FlowClock,
): SimulationResult {
  const start = new Date(script.start).toISOString();
  const until = script.until
    ? new Date(script.until).toISOString()
    : clock.add(start, 'P90D', false);
  const scripted = (script.events ?? [])
    .map((e) => ({
      ...e,
      at: e.at.startsWith('P') ? clock.add(start, e.at, false) : new Date(e.at).toISOString(),
    }))
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const trace: TraceEntry[] = [];
  const commands: Array<{ at: string; command: FlowCommand }> = [];
  let record: RecordSnapshot = script.record;
  let state: FlowState | undefined;

  const feed = (event: FlowEvent) => {
    const queue: FlowEvent[] = [event];
    while (queue.length > 0) {
      const next = queue.shift()!;
      const result = stepFlow(compiled, state, next, clock);
      state = result.state;
      for (const command of result.commands) {
        commands.push({ at: next.now, command });
        if (command.type === 'timeline')
          trace.push({ at: next.now, kind: command.kind, node: command.node, data: command.data });
        const effect = simulateEffect(command, record);
        if (effect) {
          record = effect;
          queue.push({ type: 'record', record, now: next.now });
        }
        if (command.type === 'update' || command.type === 'assign' || command.type === 'http') {
          queue.push({ type: 'result', command: command.key, ok: true, now: next.now });
        }
      }
    }
  };

  feed({ type: 'start', record, now: start });
  for (let guard = 0; guard < 10_000 && state?.status === 'running'; guard++) {
    const timer = Object.entries(state.timers).sort(([, a], [, b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    )[0];
    const event = scripted[0];
    if (!timer && !event) break;
    if (event && (!timer || event.at <= timer[1])) {
      scripted.shift();
      if (event.at > until) break;
      if (event.type === 'record') {
        record = { ...record, ...event.set };
        feed({ type: 'record', record, now: event.at });
      } else if (event.type === 'verdict') {
        feed({
          type: 'verdict',
          verdict: event.verdict,
          reason: event.reason,
          note: event.note,
          by: event.by,
          now: event.at,
        });
      } else {
        feed({ type: 'task_done', by: event.by, now: event.at });
      }
    } else if (timer) {
      if (timer[1] > until) break;
      feed({ type: 'timer', timer: timer[0], now: timer[1] });
    }
  }
  return { trace, commands, state: state! };
}

function simulateEffect(command: FlowCommand, record: RecordSnapshot): RecordSnapshot | undefined {
  if (command.type === 'update') return { ...record, ...command.set };
  if (command.type === 'assign' && command.to.startsWith('pool:'))
    return { ...record, owner: null, pool: command.to.slice(5) };
  return undefined;
}
