// The rep app's SLA read from a flow timeline: pending timers, levels, bands, urgency order.
import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../designer/src/api/rep-types';
import {
  activeTimers,
  byUrgency,
  formatCountdown,
  pendingHandover,
  slaOf,
} from '../../designer/src/rep/sla';

let seq = 0;
const entry = (kind: string, at: string, data: Record<string, unknown>): TimelineEntry => ({
  id: String(++seq),
  kind,
  at,
  data,
});
const t0 = Date.parse('2026-11-23T08:00:00Z');
const iso = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();
const ladder = { flow: 'golden_4_hours', node: 'ladder' };
const started = [
  entry('node.entered', iso(0), { ...ladder, type: 'escalation' }),
  entry('timer.set', iso(0), { ...ladder, timer: 'level1', at: iso(240) }),
];

describe('rep SLA', () => {
  it('counts down to the first escalation step, green while most of the window is left', () => {
    const sla = slaOf(started, t0 + 60 * 60_000);
    expect(sla.next).toMatchObject({ kind: 'escalation', timer: 'level1', at: iso(240) });
    expect(sla.remainingMs).toBe(180 * 60_000);
    expect(sla.band).toBe('green');
    expect(formatCountdown(sla.remainingMs!)).toBe('3:00:00');
  });

  it('turns yellow past half the window and red in its last quarter or once overdue', () => {
    expect(slaOf(started, t0 + 150 * 60_000).band).toBe('yellow');
    expect(slaOf(started, t0 + 200 * 60_000).band).toBe('red');
    const late = slaOf(started, t0 + 241 * 60_000);
    expect(late.band).toBe('red');
    expect(formatCountdown(late.remainingMs!)).toBe('-1:00');
  });

  it('moves to the next level once one fires and reports the level reached', () => {
    const escalated = [
      ...started,
      entry('escalation.level', iso(240), { ...ladder, level: 1, to: 'owner' }),
      entry('timer.set', iso(240), { ...ladder, timer: 'level2', at: iso(270) }),
    ];
    const sla = slaOf(escalated, t0 + 241 * 60_000);
    expect(sla.next?.timer).toBe('level2');
    expect(sla.level).toBe(1);
    expect(sla.band).toBe('yellow');
    expect(activeTimers(escalated)).toHaveLength(1);
  });

  it('has no deadline once the escalation is resolved and its node left', () => {
    const resolved = [
      ...started,
      entry('escalation.resolved', iso(10), { ...ladder, level: 0 }),
      entry('node.left', iso(10), { ...ladder, outcome: 'resolved' }),
      entry('flow.completed', iso(10), { flow: 'golden_4_hours', node: null }),
    ];
    expect(slaOf(resolved, t0 + 11 * 60_000)).toMatchObject({
      next: null,
      resolved: true,
      level: 0,
      band: 'none',
    });
  });

  it('knows a pending handover until its verdict', () => {
    const handover = { flow: 'handover_contract', node: 'handover' };
    const issued = [
      entry('handover.issued', iso(0), { ...handover, to: 'owner' }),
      entry('timer.set', iso(0), { ...handover, timer: 'accept', at: iso(1440) }),
    ];
    expect(pendingHandover(issued)).toMatchObject({ flow: 'handover_contract' });
    expect(slaOf(issued, t0).next?.kind).toBe('handover');
    const judged = [
      ...issued,
      entry('handover.verdict', iso(5), { ...handover, verdict: 'valid' }),
      entry('node.left', iso(5), { ...handover, outcome: 'valid' }),
    ];
    expect(pendingHandover(judged)).toBeNull();
    expect(slaOf(judged, t0).next).toBeNull();
  });

  it('sorts overdue and nearest deadlines first, records without one last', () => {
    const now = t0 + 100 * 60_000;
    const near = slaOf(
      [entry('timer.set', iso(0), { ...ladder, timer: 'level1', at: iso(110) })],
      now,
    );
    const far = slaOf(started, now);
    const none = slaOf([], now);
    const overdue = slaOf(
      [entry('timer.set', iso(0), { ...ladder, timer: 'level1', at: iso(90) })],
      now,
    );
    expect([none, far, near, overdue].sort(byUrgency)).toEqual([overdue, near, far, none]);
  });
});
