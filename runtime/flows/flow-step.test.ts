import { describe, expect, it } from 'vitest';
import { compileFlow, type CompiledFlow } from './compile-flow';
import { createFlowClock } from './flow-clock';
import type { FlowDefinition } from './flow-schema';
import { simulateFlow } from './simulate-flow';
import { goldenFourHours, handoverContract, leadFields } from './test-flows';

const clock = createFlowClock(undefined);
const start = '2026-11-20T01:00:00.000Z';

function compile(flow: FlowDefinition): CompiledFlow {
  const compiled = compileFlow(flow, leadFields);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.issues));
  return compiled.value;
}

const levels = (trace: ReturnType<typeof simulateFlow>['trace']) =>
  trace
    .filter((t) => t.kind === 'escalation.level')
    .map((t) => [t.at, t.data.level, t.data.to, t.data.channel]);

describe('the golden-4-hours ladder', () => {
  it('notifies rep at 240 min, supervisor at 270 min and director at 330 min', () => {
    const { trace, state } = simulateFlow(
      compile(goldenFourHours),
      { record: { name: '张伟' }, start },
      clock,
    );
    expect(levels(trace)).toEqual([
      ['2026-11-20T05:00:00.000Z', 1, 'owner', 'inapp'],
      ['2026-11-20T05:30:00.000Z', 2, 'owner.manager', 'webhook'],
      ['2026-11-20T06:30:00.000Z', 3, 'owner.manager.manager', 'email'],
    ]);
    expect(state.status).toBe('running');
  });

  it('stops the moment first contact and screening are recorded', () => {
    const { trace, state } = simulateFlow(
      compile(goldenFourHours),
      {
        record: { name: '张伟' },
        start,
        events: [
          { at: 'PT250M', type: 'record', set: { first_contact_at: '2026-11-20T05:05:00Z' } },
          { at: 'PT260M', type: 'record', set: { screening_done: true } },
        ],
      },
      clock,
    );
    expect(levels(trace)).toEqual([['2026-11-20T05:00:00.000Z', 1, 'owner', 'inapp']]);
    expect(trace.find((t) => t.kind === 'escalation.resolved')?.at).toBe(
      '2026-11-20T05:20:00.000Z',
    );
    expect(state.status).toBe('completed');
  });

  it('never escalates a lead contacted before the first deadline', () => {
    const { trace } = simulateFlow(
      compile(goldenFourHours),
      {
        record: { name: '张伟' },
        start,
        events: [
          { at: 'PT10M', type: 'record', set: { first_contact_at: start, screening_done: true } },
        ],
      },
      clock,
    );
    expect(levels(trace)).toEqual([]);
  });
});

describe('the handover contract', () => {
  it('waits for the sender’s obligations before issuing the handover', () => {
    const { trace } = simulateFlow(
      compile(handoverContract),
      {
        record: { name: '张伟' },
        start,
        events: [
          {
            at: 'PT1H',
            type: 'record',
            set: { first_touch_summary: '需要 DR', department: '放射科' },
          },
        ],
        until: '2026-11-20T03:00:00Z',
      },
      clock,
    );
    expect(
      trace.filter((t) => t.kind.startsWith('handover.')).map((t) => [t.kind, t.at, t.data]),
    ).toEqual([
      ['handover.blocked', start, { missing: ['first_touch_summary', 'department'] }],
      ['handover.issued', '2026-11-20T02:00:00.000Z', { to: 'owner' }],
    ]);
  });

  it('returns the lead to the market pool when nobody accepts within 24 h', () => {
    const { commands, trace, state } = simulateFlow(
      compile(handoverContract),
      { record: { name: '张伟', first_touch_summary: 'x', department: '骨科' }, start },
      clock,
    );
    expect(trace.find((t) => t.kind === 'handover.timeout')).toMatchObject({
      at: '2026-11-21T01:00:00.000Z',
      data: { returnedTo: 'pool:market' },
    });
    expect(commands.filter((c) => c.command.type === 'assign').map((c) => c.command)).toEqual([
      expect.objectContaining({ to: 'pool:market' }),
    ]);
    expect(
      commands
        .filter((c) => c.command.type === 'freeze')
        .map((c) => (c.command as { frozen: boolean }).frozen),
    ).toEqual([true, false]);
    expect(state.status).toBe('completed');
  });

  it('sends the lead back to market 72 h after first contact without a second touch', () => {
    const { trace } = simulateFlow(
      compile(handoverContract),
      {
        record: {
          name: '张伟',
          first_touch_summary: 'x',
          department: '骨科',
          first_contact_at: start,
          touch_count: 1,
        },
        start,
        events: [{ at: 'PT2H', type: 'verdict', verdict: 'valid', by: 'rep' }],
      },
      clock,
    );
    const entered = trace.filter((t) => t.kind === 'node.entered').map((t) => [t.node, t.at]);
    expect(entered).toEqual([
      ['handover', start],
      ['second_touch', '2026-11-20T03:00:00.000Z'],
      ['back_to_market', '2026-11-23T01:00:00.000Z'],
    ]);
  });

  it('ignores a verdict when no handover is pending, and stale timers', () => {
    const compiled = compile(handoverContract);
    const { trace } = simulateFlow(
      compiled,
      {
        record: { name: '张伟' },
        start,
        events: [{ at: 'PT1M', type: 'verdict', verdict: 'valid' }],
        until: '2026-11-20T02:00:00Z',
      },
      clock,
    );
    expect(trace.some((t) => t.kind === 'handover.verdict')).toBe(false);
  });
});
