// The SLA of a record read from its flow timeline: the next deadline (escalation step, handover
// acceptance, task due, wait timeout), the escalation level reached and a colour band.
import type { TimelineEntry } from '../api/rep-types';

export type SlaBand = 'green' | 'yellow' | 'red' | 'none';

/** What the next deadline is about, for its label. */
export type DeadlineKind = 'escalation' | 'handover' | 'task' | 'wait';

export interface ActiveTimer {
  readonly flow: string;
  readonly node: string;
  readonly timer: string;
  readonly setAt: string;
  readonly at: string;
}

export interface Sla {
  /** The earliest pending timer, if any. */
  readonly next: (ActiveTimer & { readonly kind: DeadlineKind }) | null;
  /** Milliseconds until `next.at` (negative once overdue); null without a deadline. */
  readonly remainingMs: number | null;
  /** Highest escalation level reached in a still running escalation (0: none). */
  readonly level: number;
  /** An escalation stopped because its condition came to hold. */
  readonly resolved: boolean;
  readonly band: SlaBand;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

function kindOf(timer: string): DeadlineKind {
  if (timer.startsWith('level')) return 'escalation';
  if (timer === 'accept') return 'handover';
  if (timer === 'due' || timer === 'remind') return 'task';
  return 'wait';
}

/** Timers set and not yet fired, cancelled or left behind, replayed from the timeline. */
export function activeTimers(entries: readonly TimelineEntry[]): ActiveTimer[] {
  let timers: ActiveTimer[] = [];
  const drop = (keep: (t: ActiveTimer) => boolean) => (timers = timers.filter(keep));
  for (const e of entries) {
    const flow = str(e.data.flow);
    const node = str(e.data.node);
    switch (e.kind) {
      case 'timer.set':
        drop((t) => !(t.flow === flow && t.node === node && t.timer === str(e.data.timer)));
        timers.push({ flow, node, timer: str(e.data.timer), setAt: e.at, at: str(e.data.at) });
        break;
      case 'node.left':
        drop((t) => !(t.flow === flow && t.node === node));
        break;
      case 'flow.completed':
      case 'flow.failed':
        drop((t) => t.flow !== flow);
        break;
      case 'escalation.level':
        drop(
          (t) =>
            !(t.flow === flow && t.node === node && t.timer === `level${Number(e.data.level)}`),
        );
        break;
      case 'task.overdue':
        drop((t) => !(t.flow === flow && t.node === node && t.timer === 'due'));
        break;
      case 'notification.sent':
        if (e.data.reminder === true)
          drop((t) => !(t.flow === flow && t.node === node && t.timer === 'remind'));
        break;
    }
  }
  return timers;
}

/**
 * Reads the SLA of a record at `now` (ms since the epoch).
 * @example slaOf(entries, Date.now()).band // 'yellow'
 */
export function slaOf(entries: readonly TimelineEntry[], now: number): Sla {
  const timers = activeTimers(entries)
    .filter((t) => !Number.isNaN(Date.parse(t.at)))
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const levels = new Map<string, number>();
  let resolved = false;
  for (const e of entries) {
    const key = `${str(e.data.flow)}/${str(e.data.node)}`;
    if (e.kind === 'escalation.level') levels.set(key, Number(e.data.level) || 0);
    if (e.kind === 'escalation.resolved') resolved = true;
    if (e.kind === 'node.left' || e.kind === 'escalation.resolved') levels.delete(key);
  }
  const level = Math.max(0, ...levels.values());
  const first = timers[0];
  if (!first)
    return { next: null, remainingMs: null, level, resolved, band: level > 0 ? 'red' : 'none' };
  const remainingMs = Date.parse(first.at) - now;
  const windowMs = Math.max(1, Date.parse(first.at) - Date.parse(first.setAt));
  const share = remainingMs / windowMs;
  const band: SlaBand =
    remainingMs <= 0 || level >= 2 || share < 0.25
      ? 'red'
      : level >= 1 || share < 0.5
        ? 'yellow'
        : 'green';
  return { next: { ...first, kind: kindOf(first.timer) }, remainingMs, level, resolved, band };
}

/** `1:05:09`, `4:09` or `-0:12` for overdue. */
export function formatCountdown(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const total = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${sign}${h}:${pad(m)}:${pad(s)}` : `${sign}${m}:${pad(s)}`;
}

/** Most urgent first: overdue and nearest deadlines, then records without a deadline. */
export function byUrgency(a: Sla, b: Sla): number {
  const rank = (s: Sla) => (s.remainingMs === null ? Number.POSITIVE_INFINITY : s.remainingMs);
  return rank(a) - rank(b) || b.level - a.level;
}

/** The handover waiting for this record's verdict, replayed from the timeline; null when none. */
export function pendingHandover(
  entries: readonly TimelineEntry[],
): { readonly flow: string; readonly node: string; readonly since: string } | null {
  let pending: { flow: string; node: string; since: string } | null = null;
  for (const e of entries) {
    const flow = str(e.data.flow);
    const node = str(e.data.node);
    if (e.kind === 'handover.issued') pending = { flow, node, since: e.at };
    else if (
      pending &&
      pending.flow === flow &&
      (e.kind === 'handover.verdict' ||
        e.kind === 'handover.timeout' ||
        e.kind === 'flow.completed' ||
        e.kind === 'flow.failed' ||
        (e.kind === 'node.left' && pending.node === node))
    )
      pending = null;
  }
  return pending;
}
