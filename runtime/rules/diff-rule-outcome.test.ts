import { describe, expect, it } from 'vitest';
import { compileRulesOrThrow } from './compile-rules';
import { diffRuleOutcome, outcomeOf } from './diff-rule-outcome';
import { checkGate } from './gate';
import { runRulePipeline } from './pipeline';
import { b1Definition, medicalDeviceDefinition, medicalDeviceRules } from './test-rules';

const now = '2025-03-31T09:00:00+08:00';

describe('diffRuleOutcome', () => {
  it('shows what a draft rule set would change on a stored lead', () => {
    const published = compileRulesOrThrow(
      medicalDeviceDefinition({ ...medicalDeviceRules, tagging: [] }),
    );
    const draft = compileRulesOrThrow(medicalDeviceDefinition());
    const stored = {
      phone: '+8613800138000',
      organization: '北京协和医院',
      message: 'CT',
      tags: ['展会'],
      owner: 'rep-1',
    };
    const before = outcomeOf(runRulePipeline(published, 'lead', stored, { now }), {
      owner: 'rep-1',
    });
    const after = outcomeOf(runRulePipeline(draft, 'lead', stored, { now }), {
      owner: 'pool:market',
    });
    expect(diffRuleOutcome(before, after)).toEqual([
      { kind: 'tags', field: 'tags', added: ['影像设备', '公立三级'], removed: [] },
      { kind: 'owner', before: 'rep-1', after: 'pool:market' },
    ]);
  });

  it('shows score, band and gate changes, and nothing when nothing changes', () => {
    const rules = compileRulesOrThrow(b1Definition());
    const reply = { type: 'email_reply', at: now, payload: { text: '预算' } };
    const demo = { type: 'demo_booked', at: now };
    const cold = outcomeOf(runRulePipeline(rules, 'lead', {}, { now, events: [reply] }));
    const hot = outcomeOf(runRulePipeline(rules, 'lead', {}, { now, events: [reply, demo] }), {
      gate: { ok: true },
    });
    expect(diffRuleOutcome(cold, hot)).toEqual([
      { kind: 'score', card: 'lead_health', before: 6, after: 11 },
      { kind: 'band', card: 'lead_health', before: 'yellow', after: 'green' },
      { kind: 'gate', before: null, after: { ok: true } },
    ]);
    expect(diffRuleOutcome(cold, cold)).toEqual([]);
  });

  it('reports a gate that would now refuse the transition', () => {
    const rules = compileRulesOrThrow(medicalDeviceDefinition());
    const gates = rules.forTable('lead').gates;
    const record = { department: '骨科' };
    const result = runRulePipeline(rules, 'lead', record, { now });
    const open = outcomeOf(result, { gate: { ok: true } });
    const shut = outcomeOf(result, {
      gate: checkGate(gates, 'lead', 'contacted', 'ethics_filed', record, { now }),
    });
    const [change] = diffRuleOutcome(open, shut);
    expect(change).toMatchObject({ kind: 'gate', before: { ok: true }, after: { ok: false } });
  });
});
