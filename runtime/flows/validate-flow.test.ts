import { describe, expect, it } from 'vitest';
import type { AppDefinition } from '../definition/definition-schema';
import { validateDefinition } from '../definition/validate-definition';
import type { FlowDefinition } from './flow-schema';
import { goldenFourHours, handoverContract, leadFields } from './test-flows';

const l = (en: string) => ({ 'zh-CN': en, en });
const app = (...flows: FlowDefinition[]): AppDefinition => ({
  formatVersion: 1,
  lists: { invalid_reasons: [{ value: 'left', label: l('Contact left') }] },
  tables: [{ key: 'lead', label: l('Lead'), fields: leadFields }],
  flows,
});
const codes = (definition: AppDefinition) => {
  const result = validateDefinition(definition);
  return result.ok ? [] : result.issues.map((i) => [i.pointer, i.code]);
};

describe('flow validation at publish', () => {
  it('accepts the starter flows', () => {
    expect(codes(app(goldenFourHours, handoverContract))).toEqual([]);
  });

  it('reports unreachable nodes, unknown outcomes and missing outcome edges', () => {
    const flow: FlowDefinition = {
      ...handoverContract,
      nodes: [...handoverContract.nodes, { id: 'orphan', type: 'end' }],
      edges: [
        ...handoverContract.edges.filter((e) => !(e.from === 'second_touch' && e.on === 'timeout')),
        { from: 'handover', to: 'done', on: 'maybe' },
      ],
    };
    expect(codes(app(flow))).toEqual(
      expect.arrayContaining([
        ['/flows/0/nodes/4', 'UNREACHABLE_NODE'],
        ['/flows/0/edges/5/on', 'UNKNOWN_OUTCOME'],
        ['/flows/0/nodes/1', 'MISSING_OUTCOME_EDGE'],
      ]),
    );
  });

  it('refuses a loop that never waits', () => {
    const flow: FlowDefinition = {
      ...goldenFourHours,
      key: 'spin',
      nodes: [
        { id: 'a', type: 'notify', to: 'owner', channel: 'inapp', title: l('a') },
        { id: 'b', type: 'branch', cases: [{ when: 'true', outcome: 'again' }] },
      ],
      edges: [
        { from: 'a', to: 'b' },
        { from: 'b', to: 'a', on: 'again' },
        { from: 'b', to: 'a', on: 'else' },
      ],
    };
    expect(codes(app(flow))).toEqual([['/flows/0/edges', 'LOOP_WITHOUT_WAIT']]);
  });

  it('type-checks conditions against the table and names the position', () => {
    const flow: FlowDefinition = {
      ...goldenFourHours,
      nodes: [
        {
          ...goldenFourHours.nodes[0]!,
          until: 'record.first_contact_at != null && record.no_such_field',
        } as FlowDefinition['nodes'][number],
      ],
    };
    const result = validateDefinition(app(flow));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues[0]).toMatchObject({
        pointer: '/flows/0/nodes/0/until',
        code: 'CEL_TYPE',
      });
      expect(result.issues[0]?.message.en).toMatch(/line 1, column \d+: .*no_such_field/);
    }
  });

  it('type-checks an update trigger over old and new values', () => {
    const flow: FlowDefinition = {
      ...goldenFourHours,
      trigger: { on: 'record.updated', when: 'old.touch_count != record.nope' },
    };
    expect(codes(app(flow))).toEqual([['/flows/0/trigger/when', 'CEL_TYPE']]);
    const fine: FlowDefinition = {
      ...goldenFourHours,
      trigger: { on: 'record.updated', when: 'old.touch_count != record.touch_count' },
    };
    expect(codes(app(fine))).toEqual([]);
  });

  it('refuses a malformed duration with a precise message', () => {
    const flow = structuredClone(goldenFourHours);
    (flow.nodes[0] as { levels: { after: string }[] }).levels[0]!.after = '4 hours';
    expect(codes(app(flow))).toEqual([['/flows/0/nodes/0/levels/0/after', 'INVALID']]);
  });

  it('checks triggers: the form, the schedule time zone and filter, record-less scheduled nodes', () => {
    const form = {
      key: 'entry',
      label: l('Entry'),
      table: 'lead',
      sections: [{ key: 'main', label: l('Main'), items: [{ field: 'name' }] }],
    };
    const hold = [{ id: 'hold', type: 'wait' as const, duration: 'PT1H' }];
    const flows: FlowDefinition[] = [
      { ...goldenFourHours, key: 'by_form', trigger: { on: 'form.submitted', form: 'nope' } },
      {
        ...goldenFourHours,
        key: 'tz',
        trigger: {
          on: 'schedule',
          cron: '0 9 * * MON',
          timeZone: 'Mars/Olympus',
          filter: 'record.nme == 1',
        },
        nodes: hold,
        edges: [],
      },
      {
        ...goldenFourHours,
        key: 'weekly',
        trigger: { on: 'schedule', cron: '0 9 * * MON', timeZone: 'Asia/Shanghai' },
      },
      {
        ...goldenFourHours,
        key: 'ok',
        trigger: { on: 'form.submitted', form: 'entry' },
      },
    ];
    expect(codes({ ...app(...flows), forms: [form] })).toEqual([
      ['/flows/0/trigger/form', 'UNKNOWN_FORM'],
      ['/flows/1/trigger/timeZone', 'UNKNOWN_TIME_ZONE'],
      ['/flows/1/trigger/filter', expect.any(String)],
      ['/flows/2/nodes/0', 'NEEDS_RECORD'],
    ]);
  });
});
