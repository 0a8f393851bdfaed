import { beforeAll, describe, expect, it } from 'vitest';
import { compileFlow } from '../../runtime/flows/compile-flow';
import { createFlowClock } from '../../runtime/flows/flow-clock';
import { simulateFlow, type SimulationScript } from '../../runtime/flows/simulate-flow';
import { compileRulesOrThrow } from '../../runtime/rules/compile-rules';
import { checkGate } from '../../runtime/rules/gate';
import { runRulePipeline } from '../../runtime/rules/pipeline';
import type { AppDefinition } from '../../runtime/definition/definition-schema';
import type { Template } from '../../runtime/templates/template-schema';
import {
  instantiateOrThrow,
  literalDurations,
  loadPack,
  parameterUses,
  untranslated,
} from '../pack-checks';

/** Every duration shrunk to seconds, as the flow tests run the pack. */
const shrunk = {
  first_response: 'PT2S',
  supervisor_after: 'PT1S',
  director_after: 'PT1S',
  accept_within: 'PT3S',
  info_within: 'PT3S',
  second_touch_within: 'PT5S',
  dedupe_window: 'PT1M',
  capacity: 2,
};
const start = '2026-11-20T01:00:00.000Z';
const clock = createFlowClock(undefined);

function simulate(definition: AppDefinition, key: string, script: Omit<SimulationScript, 'start'>) {
  const flow = definition.flows!.find((f) => f.key === key)!;
  const compiled = compileFlow(flow, definition.tables[0]!.fields);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.issues));
  return simulateFlow(compiled.value, { start, ...script }, clock);
}

describe('the medical-device pack', () => {
  let template: Template;
  beforeAll(async () => {
    template = await loadPack('medical-device');
  });

  it('instantiates with its defaults: the numbers of PLAYBOOKS A', () => {
    const definition = instantiateOrThrow(template);
    const rules = definition.rules!;
    expect(rules.dedupe![0]).toMatchObject({ keys: ['phone', 'organization'], window: 'P30D' });
    expect(rules.assignment![0]!.entries[0]!.capacity).toMatchObject({ lessThan: 8 });
    const [ladder] = definition.flows![0]!.nodes;
    expect(ladder).toMatchObject({ levels: [{ after: 'PT240M' }, {}, {}] });
    const handover = definition.flows![1]!.nodes[0]!;
    expect(handover).toMatchObject({ acceptWithin: 'PT24H', onTimeout: 'pool:market' });
    expect(definition.flows![1]!.nodes.find((n) => n.id === 'second_touch')).toMatchObject({
      timeout: 'PT72H',
      from: 'first_contact_at',
    });
  });

  it('instantiates with every duration shrunk to seconds', () => {
    const definition = instantiateOrThrow(template, shrunk);
    expect(definition.flows![0]!.nodes[0]).toMatchObject({
      levels: [{ after: 'PT2S' }, { after: 'PT1S' }, { after: 'PT1S' }],
    });
  });

  it('makes every duration and threshold a parameter', () => {
    expect(literalDurations(template.definition)).toEqual([]);
    const uses = parameterUses(template);
    expect(uses.capacity).toEqual(['/definition/rules/assignment/0/entries/0/capacity/lessThan']);
    expect(uses.dedupe_window).toEqual(['/definition/rules/dedupe/0/window']);
    expect(Object.keys(uses).sort()).toEqual(Object.keys(template.parameters).sort());
  });

  it('labels everything in zh-CN and en', () => {
    expect(untranslated(template)).toEqual([]);
    const definition = instantiateOrThrow(template);
    expect(definition.lists!.invalid_reasons).toHaveLength(12);
    expect(definition.tables[0]!.stages!.map((s) => s.label['zh-CN'])).toEqual([
      '待清洗池',
      '伦理委员会备案',
      '卫健委备案',
      '招标入围',
      '临床试用',
      '合同签订',
      '入院采购',
      '回款',
    ]);
  });

  it('ships reps for every province and product line it sells in, each reporting to a supervisor', () => {
    const users = template.demoUsers!;
    const byKey = new Map(users.map((u) => [u.key, u]));
    const reps = users.filter((u) => u.roles.includes('rep'));
    expect(reps).toHaveLength(6);
    for (const province of ['浙江', '江苏', '上海'])
      for (const line of ['ortho', 'neuro', 'rehab'])
        expect(
          reps.some((r) => r.province === province && r.productLines.includes(line)),
          `${province}/${line}`,
        ).toBe(true);
    for (const rep of reps) {
      const supervisor = byKey.get(rep.managerKey!)!;
      expect(supervisor.roles).toContain('supervisor');
      expect(byKey.get(supervisor.managerKey!)!.roles).toContain('director');
    }
    expect(users.filter((u) => u.roles.includes('market'))).toHaveLength(2);
  });

  it('tags a lead by channel, keyword and hospital list and scores its health', () => {
    const rules = compileRulesOrThrow(instantiateOrThrow(template));
    const { record } = runRulePipeline(
      rules,
      'lead',
      {
        name: '张伟',
        phone: '138 0013 8000',
        organization: '复旦大学附属中山医院',
        message: '想了解 CT 的报价',
        memo: '关心维保和耗材价格',
        source: 'douyin',
        pain_point: 'equipment_aging',
        decision_roles: ['equipment_head', 'finance_head'],
        next_action: 'maintenance_plan',
        next_action_due: '2026-11-25',
        first_contact_at: start,
      },
      { now: start },
    );
    expect(record.phone).toBe('+8613800138000');
    expect(record.tags).toEqual(['抖音-骨科器械广告', '影像设备', '公立三级']);
    expect(record.key_needs).toEqual(['关注价格', '关注售后维保', '关注耗材']);
    expect(record).toMatchObject({ health_score: 80, health_band: 'green' });
  });

  it('locks each procurement milestone until its evidence and that of every earlier one is in', () => {
    const gates = compileRulesOrThrow(instantiateOrThrow(template)).forTable('lead').gates;
    const skip = checkGate(
      gates,
      'lead',
      null,
      'tender_shortlisted',
      { tender_notice: ['f1'] },
      {
        now: start,
        fileMimes: { f1: 'application/pdf' },
      },
    );
    expect(skip.ok ? [] : skip.missing.map((m) => m.message['zh-CN'])).toEqual([
      '缺少伦理委员会备案 PDF 扫描件',
      '缺少医院红章照片',
      '缺少卫健委备案号',
      '缺少卫健委备案库截图',
    ]);
    const ethics = checkGate(
      gates,
      'lead',
      null,
      'ethics_filed',
      { ethics_filing: ['f1'], hospital_seal_photo: ['f2'] },
      { now: start, fileMimes: { f1: 'application/pdf', f2: 'image/jpeg' } },
    );
    expect(ethics.ok).toBe(true);
  });

  it('escalates an untouched lead to the rep, the supervisor and the director', () => {
    const { trace } = simulate(instantiateOrThrow(template, shrunk), 'golden_4_hours', {
      record: { name: '张伟' },
    });
    expect(
      trace.filter((t) => t.kind === 'escalation.level').map((t) => [t.at, t.data.to]),
    ).toEqual([
      ['2026-11-20T01:00:02.000Z', 'owner'],
      ['2026-11-20T01:00:03.000Z', 'owner.manager'],
      ['2026-11-20T01:00:04.000Z', 'owner.manager.manager'],
    ]);
  });

  const handedOver = {
    name: '张伟',
    first_touch_summary: '展会扫码，关注 DR',
    department: 'radiology',
    equipment_type: 'imaging',
    annual_purchase_band: '1m_5m',
    credibility: 'B',
    first_contact_at: start,
    touch_count: 1,
  };

  it('returns a valid lead to the market pool when the second touch does not come in time', () => {
    const { trace, commands } = simulate(
      instantiateOrThrow(template, shrunk),
      'handover_contract',
      {
        record: handedOver,
        events: [{ at: 'PT1S', type: 'verdict', verdict: 'valid' }],
      },
    );
    expect(trace.filter((t) => t.kind === 'node.entered').map((t) => [t.node, t.at])).toEqual([
      ['handover', start],
      ['second_touch', '2026-11-20T01:00:01.000Z'],
      ['back_to_market', '2026-11-20T01:00:05.000Z'],
      ['back_notice', '2026-11-20T01:00:05.000Z'],
      ['done', '2026-11-20T01:00:05.000Z'],
    ]);
    expect(commands.some((c) => c.command.type === 'assign')).toBe(true);
  });

  it('holds the handover until market has filled its side of the contract', () => {
    const { trace } = simulate(instantiateOrThrow(template, shrunk), 'handover_contract', {
      record: { name: '张伟', department: 'radiology' },
      until: '2026-11-20T01:00:10Z',
    });
    expect(trace.find((t) => t.kind === 'handover.blocked')?.data).toEqual({
      missing: ['first_touch_summary', 'equipment_type', 'annual_purchase_band', 'credibility'],
    });
    expect(trace.some((t) => t.kind === 'handover.issued')).toBe(false);
  });

  it('asks market to supplement a lead that needs information, then hands it over again', () => {
    const { trace } = simulate(instantiateOrThrow(template, shrunk), 'handover_contract', {
      record: handedOver,
      events: [
        { at: 'PT1S', type: 'verdict', verdict: 'needs_info' },
        { at: 'PT2S', type: 'task_done', by: 'market' },
        { at: 'PT3S', type: 'verdict', verdict: 'invalid', reason: 'wrong_department' },
      ],
    });
    expect(trace.filter((t) => t.kind === 'node.entered').map((t) => t.node)).toEqual([
      'handover',
      'supplement',
      'handover',
      'invalid_return',
      'invalid_notice',
      'done',
    ]);
  });
});
