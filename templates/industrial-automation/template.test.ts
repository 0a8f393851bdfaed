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

const shrunk = {
  urgent_response: 'PT2S',
  grade_within: 'PT2S',
  quote_reply_within: 'PT3S',
  care_first_after: 'PT1S',
  care_second_after: 'PT2S',
  hot_score: 5,
  warm_score: 3,
};
const start = '2026-11-20T01:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(start) + seconds * 1000).toISOString();

function simulate(definition: AppDefinition, key: string, script: Omit<SimulationScript, 'start'>) {
  const flow = definition.flows!.find((f) => f.key === key)!;
  const compiled = compileFlow(flow, definition.tables[0]!.fields);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.issues));
  return simulateFlow(compiled.value, { start, ...script }, createFlowClock(undefined));
}

describe('the industrial-automation pack', () => {
  let template: Template;
  beforeAll(async () => {
    template = await loadPack('industrial-automation');
  });

  it('instantiates with its defaults and with durations shrunk to seconds', () => {
    const defaults = instantiateOrThrow(template);
    expect(defaults.rules!.scorecards![0]!.bands.map((b) => b.min)).toEqual([0, 6, 10]);
    expect(defaults.rules!.tagging![0]).toMatchObject({ keywords: ['故障', '停机', '急'] });
    const small = instantiateOrThrow(template, shrunk);
    expect(small.rules!.scorecards![0]!.thresholds![0]!.when).toEqual({ reaches: 5 });
  });

  it('makes every duration and threshold a parameter and labels everything in both languages', () => {
    expect(literalDurations(template.definition)).toEqual([]);
    expect(Object.keys(parameterUses(template)).sort()).toEqual(
      Object.keys(template.parameters).sort(),
    );
    expect(untranslated(template)).toEqual([]);
  });

  it('scores behaviours into bands and alerts the supervisor with the last three at the hot mark', () => {
    const rules = compileRulesOrThrow(instantiateOrThrow(template));
    const events = [
      { type: 'page_dwell', at: at(1), payload: { page: 'product', seconds: 200 } },
      { type: 'download', at: at(2), payload: { asset: 'whitepaper' } },
      { type: 'demo_booked', at: at(3) },
    ];
    const warm = runRulePipeline(rules, 'lead', { company: '精工' }, { now: at(4), events });
    expect(warm.record).toMatchObject({ score: 10, score_band: 'green' });
    expect(warm.firings).toEqual([
      expect.objectContaining({
        threshold: 'hot_lead',
        action: expect.objectContaining({ notify: 'role:supervisor', include: 'last_events:3' }),
      }),
    ]);
    expect(warm.firings[0]!.events).toHaveLength(3);
    const budget = runRulePipeline(
      rules,
      'lead',
      { company: '精工' },
      { now: at(4), events: [{ type: 'email_reply', at: at(1), payload: { text: '预算已批' } }] },
    );
    expect(budget.record).toMatchObject({ score: 6, score_band: 'yellow' });
  });

  it('turns urgent messages into a ticket for technical service', () => {
    const definition = instantiateOrThrow(template, shrunk);
    const { record } = runRulePipeline(
      compileRulesOrThrow(definition),
      'lead',
      { company: '精工', message: '产线停机了，很急' },
      { now: start },
    );
    expect(record.tags).toEqual(['紧急工单']);
    const { trace } = simulate(definition, 'urgent_ticket', { record });
    expect(trace.find((t) => t.kind === 'task.created')?.data).toEqual({
      assignee: 'role:tech_service',
      dueAt: at(2),
    });
  });

  it('refuses to leave the demo stage without screenshot, questions and the second-demo answer', () => {
    const gates = compileRulesOrThrow(instantiateOrThrow(template)).forTable('lead').gates;
    const refused = checkGate(
      gates,
      'lead',
      'demo',
      'quote',
      { needs_second_demo: false },
      {
        now: start,
      },
    );
    expect(refused.ok ? [] : refused.missing.map((m) => m.field)).toEqual([
      'demo_screenshot',
      'customer_questions',
    ]);
  });

  it('reminds the rep when a quote has no reply, and runs the care flow', () => {
    const definition = instantiateOrThrow(template, shrunk);
    const quoted = { company: '精工', quote_sent_at: start };
    const reminder = simulate(definition, 'quote_follow_up', { record: quoted });
    expect(reminder.trace.find((t) => t.kind === 'notification.sent')?.at).toBe(at(3));
    const replied = simulate(definition, 'quote_follow_up', {
      record: quoted,
      events: [{ at: 'PT1S', type: 'record', set: { last_reply_at: at(1) } }],
    });
    expect(replied.trace.some((t) => t.kind === 'notification.sent')).toBe(false);
    const care = simulate(definition, 'quote_care', { record: quoted });
    expect(care.trace.filter((t) => t.kind === 'notification.sent').map((t) => t.at)).toEqual([
      at(1),
      at(3),
    ]);
  });
});
