// The flow interpreter: a pure, deterministic step from (state, event) to (new state, commands).
// The Temporal workflow and the simulator both drive this one function.
import type { LocalizedText } from '../localized-text';
import type { CompiledFlow } from './compile-flow';
import type { FlowNode } from './flow-schema';
import type {
  FlowClock,
  FlowCommand,
  FlowEvent,
  FlowState,
  RecordSnapshot,
  StepResult,
} from './flow-types';

/** Transitions allowed within one step; the validator refuses loops without a wait, this is a backstop. */
const maxTransitions = 200;

type NewCommand = FlowCommand extends infer C
  ? C extends FlowCommand
    ? Omit<C, 'key'>
    : never
  : never;

/**
 * Applies one event. Events that no longer apply (a stale timer, a verdict with no pending handover)
 * change nothing. Never throws on admin data: a CEL expression that cannot be evaluated counts as
 * false and is written to the timeline.
 * @example stepFlow(compiled, undefined, { type: 'start', record, now }, clock).commands
 */
export function stepFlow(
  compiled: CompiledFlow,
  previous: FlowState | undefined,
  event: FlowEvent,
  clock: FlowClock,
): StepResult {
  if (!previous && event.type !== 'start') {
    throw new Error(`a flow execution begins with a start event, not "${event.type}"`);
  }
  const step = new Step(compiled, previous ?? initialState(event), clock, event.now);
  if (previous && previous.status !== 'running') return { state: previous, commands: [] };
  switch (event.type) {
    case 'start':
      if (previous) return { state: previous, commands: [] };
      step.timeline('flow.started', null, { flow: compiled.flow.key });
      step.enter(compiled.start);
      break;
    case 'record':
      step.state = { ...step.state, record: event.record };
      step.onRecordChange();
      break;
    case 'timer':
      if (step.state.timers[event.timer] === undefined) break;
      step.dropTimer(event.timer);
      step.onTimer(event.timer.slice(event.timer.indexOf(':') + 1));
      break;
    case 'verdict':
      step.onVerdict(event);
      break;
    case 'task_done':
      if (step.current()?.type === 'task') {
        step.timeline('task.done', step.state.node, event.by ? { by: event.by } : {});
        step.leave('done');
      }
      break;
    case 'result':
      step.onResult(event.command, event.ok, event.detail);
      break;
  }
  return step.result();
}

function initialState(event: FlowEvent): FlowState {
  return {
    status: 'running',
    node: null,
    enteredAt: event.now,
    record: event.type === 'start' ? event.record : {},
    timers: {},
    level: 0,
    awaiting: null,
    handover: null,
    seq: 0,
  };
}

class Step {
  private readonly commands: FlowCommand[] = [];
  private transitions = 0;

  constructor(
    private readonly flow: CompiledFlow,
    public state: FlowState,
    private readonly clock: FlowClock,
    private readonly now: string,
  ) {}

  result(): StepResult {
    return { state: this.state, commands: this.commands };
  }

  current(): FlowNode | undefined {
    return this.state.node === null ? undefined : this.flow.nodes.get(this.state.node);
  }

  emit(command: NewCommand): string {
    const key = `c${this.state.seq}`;
    this.state = { ...this.state, seq: this.state.seq + 1 };
    this.commands.push({ ...command, key } as FlowCommand);
    return key;
  }

  timeline(kind: string, node: string | null, data: Record<string, unknown> = {}): void {
    this.emit({ type: 'timeline', kind, node, data });
  }

  enter(nodeId: string): void {
    if (++this.transitions > maxTransitions) {
      this.fail(`more than ${maxTransitions} transitions without waiting`);
      return;
    }
    const node = this.flow.nodes.get(nodeId);
    if (!node) {
      this.fail(`edge leads to unknown node "${nodeId}"`);
      return;
    }
    this.state = {
      ...this.state,
      node: nodeId,
      enteredAt: this.now,
      level: 0,
      awaiting: null,
      handover: null,
    };
    this.timeline('node.entered', nodeId, { type: node.type });
    this.onEnter(node);
  }

  leave(outcome: string): void {
    const node = this.current();
    if (!node) return;
    for (const timer of Object.keys(this.state.timers)) {
      if (timer.startsWith(`${node.id}:`)) {
        this.emit({ type: 'cancel_timer', timer });
        this.dropTimer(timer);
      }
    }
    this.timeline('node.left', node.id, { outcome });
    const edges = this.flow.edges.get(node.id) ?? [];
    const edge = edges.find((e) => e.on === outcome) ?? edges.find((e) => e.on === undefined);
    if (!edge) {
      this.complete(outcome);
      return;
    }
    this.enter(edge.to);
  }

  private hasEdge(outcome: string): boolean {
    return (this.flow.edges.get(this.state.node ?? '') ?? []).some((e) => e.on === outcome);
  }

  private complete(outcome: string): void {
    this.state = { ...this.state, status: 'completed', node: null, awaiting: null, handover: null };
    this.timeline('flow.completed', null, { outcome });
  }

  private fail(reason: string): void {
    this.state = { ...this.state, status: 'failed', awaiting: null };
    this.timeline('flow.failed', this.state.node, { reason });
  }

  setTimer(name: string, at: string): void {
    const node = this.state.node!;
    const timer = `${node}:${name}`;
    this.state = { ...this.state, timers: { ...this.state.timers, [timer]: at } };
    this.emit({ type: 'timer', timer, at });
    this.timeline('timer.set', node, { timer: name, at });
  }

  dropTimer(timer: string): void {
    const timers = { ...this.state.timers };
    delete timers[timer];
    this.state = { ...this.state, timers };
  }

  /** Evaluates a compiled condition; failures count as false and are recorded. */
  private holds(key: string): boolean {
    const expression = this.flow.cel.get(key);
    if (!expression) return false;
    const result = expression.evaluate({ record: this.state.record, now: this.now });
    if (result.ok) return result.value === true;
    this.timeline('condition.error', this.state.node, {
      expression: key,
      message: result.issues[0]?.message ?? 'error',
    });
    return false;
  }

  private notify(
    node: string,
    to: string,
    channel: 'inapp' | 'webhook' | 'email',
    title: LocalizedText,
    body: LocalizedText | undefined,
    data: Record<string, unknown> = {},
  ) {
    this.emit({ type: 'notify', node, to, channel, title, body: body ?? null });
    this.timeline('notification.sent', node, { to, channel, ...data });
  }

  private onEnter(node: FlowNode): void {
    const add = (duration: string, business?: boolean, from = this.now) =>
      this.clock.add(from, duration, business ?? false);
    switch (node.type) {
      case 'wait':
        this.setTimer('wait', add(node.duration, node.businessHours));
        return;
      case 'wait_until': {
        if (this.holds(`${node.id}/condition`)) return this.leave('met');
        const base = node.from ? this.state.record[node.from] : undefined;
        const due = add(
          node.timeout,
          node.businessHours,
          typeof base === 'string' ? iso(base) : this.now,
        );
        if (due <= this.now) return this.leave('timeout');
        this.setTimer('timeout', due);
        return;
      }
      case 'branch': {
        const index = node.cases.findIndex((_, i) => this.holds(`${node.id}/case/${i}`));
        return this.leave(index >= 0 ? node.cases[index]!.outcome : 'else');
      }
      case 'update': {
        const set: Record<string, unknown> = {};
        for (const field of Object.keys(node.set)) {
          const result = this.flow.cel
            .get(`${node.id}/set/${field}`)
            ?.evaluate({ record: this.state.record, now: this.now });
          if (!result?.ok)
            return this.fail(
              `cannot compute ${field}: ${result?.issues[0]?.message ?? 'no expression'}`,
            );
          set[field] = result.value;
        }
        this.state = { ...this.state, awaiting: this.emit({ type: 'update', node: node.id, set }) };
        return;
      }
      case 'assign':
        this.state = {
          ...this.state,
          awaiting: this.emit({ type: 'assign', node: node.id, to: node.to }),
        };
        return;
      case 'http':
        this.state = {
          ...this.state,
          awaiting: this.emit({
            type: 'http',
            node: node.id,
            method: node.method,
            url: node.url,
            body: node.body ?? null,
            timeoutMs: node.timeoutMs,
            retries: node.retries,
            map: node.map ?? {},
          }),
        };
        return;
      case 'notify':
        this.notify(node.id, node.to, node.channel, node.title, node.body);
        return this.leave('next');
      case 'escalation':
        if (this.holds(`${node.id}/until`)) return this.leave('resolved');
        this.setTimer('level1', add(node.levels[0]!.after, node.businessHours));
        return;
      case 'handover':
        return this.tryIssueHandover(node);
      case 'task': {
        const dueAt = add(node.due, node.businessHours);
        this.emit({
          type: 'task',
          node: node.id,
          assignee: node.assignee,
          title: node.title,
          dueAt,
        });
        this.timeline('task.created', node.id, { assignee: node.assignee, dueAt });
        this.setTimer('due', dueAt);
        if (node.remindBefore) {
          const remindAt = this.clock.subtract(
            dueAt,
            node.remindBefore,
            node.businessHours ?? false,
          );
          if (remindAt > this.now) this.setTimer('remind', remindAt);
        }
        return;
      }
      case 'end':
        return this.complete('end');
    }
  }

  private tryIssueHandover(node: Extract<FlowNode, { type: 'handover' }>): void {
    const missing = node.senderMust.filter((field) => isEmpty(this.state.record[field]));
    if (missing.length > 0) {
      if (this.state.handover !== 'blocked')
        this.timeline('handover.blocked', node.id, { missing });
      this.state = { ...this.state, handover: 'blocked' };
      return;
    }
    this.state = { ...this.state, handover: 'pending' };
    this.emit({ type: 'freeze', node: node.id, frozen: true });
    this.timeline('handover.issued', node.id, { to: node.to });
    this.notify(node.id, node.to, 'inapp', node.title, node.body);
    this.setTimer(
      'accept',
      this.clock.add(this.now, node.acceptWithin, node.businessHours ?? false),
    );
  }

  onRecordChange(): void {
    const node = this.current();
    if (!node) return;
    if (node.type === 'wait_until' && this.holds(`${node.id}/condition`)) this.leave('met');
    else if (node.type === 'escalation' && this.holds(`${node.id}/until`)) {
      this.timeline('escalation.resolved', node.id, { level: this.state.level });
      this.leave('resolved');
    } else if (node.type === 'handover' && this.state.handover === 'blocked')
      this.tryIssueHandover(node);
  }

  onTimer(name: string): void {
    const node = this.current();
    if (!node) return;
    switch (node.type) {
      case 'wait':
        return this.leave('next');
      case 'wait_until':
        return this.leave(this.holds(`${node.id}/condition`) ? 'met' : 'timeout');
      case 'escalation': {
        if (this.holds(`${node.id}/until`)) return this.leave('resolved');
        const level = Number(name.replace('level', ''));
        const rung = node.levels[level - 1];
        if (!rung) return;
        this.state = { ...this.state, level };
        this.timeline('escalation.level', node.id, { level, to: rung.to, channel: rung.channel });
        this.notify(node.id, rung.to, rung.channel, rung.title, rung.body, { level });
        const next = node.levels[level];
        if (next)
          this.setTimer(
            `level${level + 1}`,
            this.clock.add(this.now, next.after, node.businessHours ?? false),
          );
        else if (this.hasEdge('exhausted')) this.leave('exhausted');
        return;
      }
      case 'handover':
        if (name !== 'accept') return;
        this.emit({ type: 'freeze', node: node.id, frozen: false });
        this.timeline(
          'handover.timeout',
          node.id,
          node.onTimeout ? { returnedTo: node.onTimeout } : {},
        );
        if (node.onTimeout) this.emit({ type: 'assign', node: node.id, to: node.onTimeout });
        return this.leave('timeout');
      case 'task':
        if (name === 'remind') {
          this.notify(node.id, node.assignee, 'inapp', node.title, node.body, { reminder: true });
          return;
        }
        this.timeline('task.overdue', node.id);
        if (this.hasEdge('overdue')) this.leave('overdue');
        return;
      default:
        return;
    }
  }

  onVerdict(event: Extract<FlowEvent, { type: 'verdict' }>): void {
    const node = this.current();
    if (node?.type !== 'handover' || this.state.handover !== 'pending') return;
    this.emit({ type: 'freeze', node: node.id, frozen: false });
    this.timeline('handover.verdict', node.id, {
      verdict: event.verdict,
      ...(event.reason ? { reason: event.reason } : {}),
      ...(event.note ? { note: event.note } : {}),
      ...(event.by ? { by: event.by } : {}),
    });
    this.leave(event.verdict);
  }

  onResult(command: string, ok: boolean, detail: string | undefined): void {
    const node = this.current();
    if (!node || this.state.awaiting !== command) return;
    this.state = { ...this.state, awaiting: null };
    if (!ok) this.timeline('node.error', node.id, { message: detail ?? 'failed' });
    if (node.type === 'http') return this.leave(ok ? 'ok' : 'failed');
    if (!ok && node.type === 'update') return this.fail(detail ?? 'update refused');
    this.leave('next');
  }
}

function isEmpty(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    value === '' ||
    (Array.isArray(value) && value.length === 0)
  );
}

function iso(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

export type { RecordSnapshot };
