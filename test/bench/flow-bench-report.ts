// The flow benchmark's markdown: headline figures, CPU per execution, and where the time goes.
import type { CpuSample } from './flow-bench-cpu';
import { spanQuantiles, type ExecutionTimes } from './flow-bench-history';

export interface StartsResult {
  readonly records: number;
  readonly createPerSecond: number;
  readonly startsPerSecond: number;
  readonly lagP50: number;
  readonly lagP99: number;
  /** From the last execution start until no workflow task or activity was pending. */
  readonly catchUpSeconds: number;
  /** From the first record created until the worker caught up. */
  readonly secondsToSettle: number;
  /** CPU ms per execution, from the first record to the worker catching up. */
  readonly cpu: CpuSample;
  readonly load: number;
  /** A spread sample of the executions, with their record's commit time. */
  readonly sample: ReadonlyArray<ExecutionTimes & { readonly createdAt: number }>;
  /** History events per execution once it waits on its timer. */
  readonly events: number;
}

export interface TimersResult {
  readonly timers: number;
  readonly armedBeforeDue: boolean;
  readonly fired: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** CPU ms per timer, from just before the due instant until every one had fired. */
  readonly cpu: CpuSample;
  readonly load: number;
  readonly due: number;
  readonly sample: readonly ExecutionTimes[];
  /** History events per completed execution. */
  readonly events: number;
  /** CPU ms to replay one completed execution's history in this process (workflow code + SDK). */
  readonly replayMs: number;
}

export interface PathResult {
  readonly starts: StartsResult;
  readonly timers: TimersResult;
}

const ms = (x: number) => `${Math.round(x)} ms`;
const rate = (x: number) => `${x.toFixed(1)}/s`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const cpuMs = (x: number) => `${x.toFixed(1)} ms`;
const total = (c: CpuSample) => c.node + c.temporal + c.postgres;

/** Headline table; the last column is how many times the interpreter costs the baseline. */
export function headlineTable(i: PathResult, b: PathResult): string {
  const row = (name: string, a: string, c: string, r = '') => `| ${name} | ${a} | ${c} | ${r} |`;
  const cpuRows = (what: string, x: CpuSample, y: CpuSample) => [
    row(
      `CPU per ${what}: Node (app, relay, workers, load)`,
      cpuMs(x.node),
      cpuMs(y.node),
      ratio(x.node, y.node),
    ),
    row(
      `CPU per ${what}: Temporal server`,
      cpuMs(x.temporal),
      cpuMs(y.temporal),
      ratio(x.temporal, y.temporal),
    ),
    row(
      `CPU per ${what}: PostgreSQL`,
      cpuMs(x.postgres),
      cpuMs(y.postgres),
      ratio(x.postgres, y.postgres),
    ),
    row(`CPU per ${what}: total`, cpuMs(total(x)), cpuMs(total(y)), ratio(total(x), total(y))),
  ];
  const [s, t] = [i.starts, b.starts];
  const [u, v] = [i.timers, b.timers];
  return [
    '| measure | interpreter | baseline workflow | interpreter ÷ baseline |',
    '|---|---|---|---|',
    row(`**starts** (${s.records} records)`, '', ''),
    row(
      'records created via API',
      rate(s.createPerSecond),
      rate(t.createPerSecond),
      ratio(t.createPerSecond, s.createPerSecond) + ' slower',
    ),
    row(
      'executions started (first commit → last start)',
      rate(s.startsPerSecond),
      rate(t.startsPerSecond),
      ratio(t.startsPerSecond, s.startsPerSecond) + ' slower',
    ),
    row(
      'start lag p50 (created_at → execution start)',
      ms(s.lagP50),
      ms(t.lagP50),
      ratio(s.lagP50, t.lagP50),
    ),
    row('start lag p99', ms(s.lagP99), ms(t.lagP99), ratio(s.lagP99, t.lagP99)),
    row(
      'worker caught up (last start → nothing pending)',
      `${s.catchUpSeconds.toFixed(1)} s`,
      `${t.catchUpSeconds.toFixed(1)} s`,
    ),
    ...cpuRows('execution started', s.cpu, t.cpu),
    row(
      'history events once waiting on the timer',
      s.events.toFixed(1),
      t.events.toFixed(1),
      ratio(s.events, t.events),
    ),
    row('machine load average (1 min) at the end', s.load.toFixed(1), t.load.toFixed(1)),
    row(`**timers** (${u.timers} due at one instant)`, '', ''),
    row(
      'fired / all armed before due',
      `${u.fired} / ${u.armedBeforeDue ? 'yes' : 'NO'}`,
      `${v.fired} / ${v.armedBeforeDue ? 'yes' : 'NO'}`,
    ),
    row('timer lateness p50 (timeline row − due)', ms(u.p50), ms(v.p50), ratio(u.p50, v.p50)),
    row('timer lateness p99', ms(u.p99), ms(v.p99), ratio(u.p99, v.p99)),
    row('timer lateness max', ms(u.max), ms(v.max), ratio(u.max, v.max)),
    ...cpuRows('timer fired', u.cpu, v.cpu),
    row(
      'history events of a completed execution',
      u.events.toFixed(1),
      v.events.toFixed(1),
      ratio(u.events, v.events),
    ),
    row(
      'CPU to replay a completed history (workflow code + SDK, no server)',
      cpuMs(u.replayMs),
      cpuMs(v.replayMs),
      ratio(u.replayMs, v.replayMs),
    ),
    row('machine load average (1 min) at the end', u.load.toFixed(1), v.load.toFixed(1)),
  ].join('\n');
}

/** p50 / p99 of each step, read from the histories of a sample of executions. */
export function breakdownTable(i: PathResult, b: PathResult): string {
  type Row = [string, (x: any) => number | undefined, (x: any) => number | undefined];
  const starts: Row[] = [
    ['record created_at → execution started (relay)', (x) => x.createdAt, (x) => x.started],
    [
      'execution started → first workflow task started (queue)',
      (x) => x.started,
      (x) => x.firstTaskStarted,
    ],
    [
      'first workflow task started → completed (worker)',
      (x) => x.firstTaskStarted,
      (x) => x.firstTaskCompleted,
    ],
    [
      'execution started → waiting on its timer (all tasks and activities done)',
      (x) => x.started,
      (x) => x.waitingSince,
    ],
  ];
  const timers: Row[] = [
    ['due → timer fired (server)', (x) => x.due, (x) => x.timerFired],
    [
      'timer fired → workflow task started (queue)',
      (x) => x.timerFired,
      (x) => x.taskStartedAfterTimer,
    ],
    [
      'workflow task started → completed (worker)',
      (x) => x.taskStartedAfterTimer,
      (x) => x.taskCompletedAfterTimer,
    ],
    [
      'activity scheduled → started (queue)',
      (x) => x.activityScheduledAfterTimer,
      (x) => x.activityStartedAfterTimer,
    ],
    [
      'activity started → completed (worker, PostgreSQL)',
      (x) => x.activityStartedAfterTimer,
      (x) => x.activityCompletedAfterTimer,
    ],
    ['due → activity completed', (x) => x.due, (x) => x.activityCompletedAfterTimer],
  ];
  const withDue = (r: TimersResult) => r.sample.map((x) => ({ ...x, due: r.due }));
  const lines = (rows: Row[], a: readonly unknown[], c: readonly unknown[]) =>
    rows.map(
      ([name, from, to]) =>
        `| ${name} | ${spanQuantiles(a as never, from, to)} | ${spanQuantiles(c as never, from, to)} |`,
    );
  return [
    `| step (p50 / p99 over ${i.starts.sample.length} starts, ${i.timers.sample.length} timers per path) | interpreter | baseline workflow |`,
    '|---|---|---|',
    ...lines(starts, i.starts.sample, b.starts.sample),
    ...lines(timers, withDue(i.timers), withDue(b.timers)),
  ].join('\n');
}
