import { describe, expect, it } from 'vitest';
import { compileRulesOrThrow } from './compile-rules';
import { dedupeKeysFor, resolveDedupe, runRulePipeline, scoreNewEvent } from './pipeline';
import type { ScoreEvent } from './scorecard';
import { b1Definition, medicalDeviceRulesCompiled } from './test-rules';

const rules = medicalDeviceRulesCompiled();
const now = '2025-03-31T09:00:00+08:00';
const douyinLead = {
  name: ' 王医生 ',
  phone: '138 0013 8000',
  organization: '北京协和医院',
  source: 'douyin',
  product_line: 'ortho',
  message: '想了解ＣＴ和关节置换器械',
  tags: [],
};

describe('runRulePipeline', () => {
  it('normalizes, then tags from the cleaned values, and traces each step', () => {
    const result = runRulePipeline(rules, 'lead', douyinLead, { now });
    expect(result.record).toMatchObject({
      name: '王医生',
      phone: '+8613800138000',
      tags: ['影像设备', '公立三级', '抖音-骨科器械广告', '骨科-植入物'],
    });
    expect(result.changes.map((c) => [c.field, c.by])).toEqual([
      ['name', 'trim'],
      ['phone', 'phone'],
      ['tags', 'tagging'],
      ['tags', 'tagging'],
      ['tags', 'tagging'],
      ['tags', 'tagging'],
    ]);
    expect(result.trace.map((s) => s.step)).toEqual(['normalize', 'tag']);
    expect(result.owner).toBeNull();
    expect(result.issues).toEqual([]);
  });

  it('keeps tags people added and adds each tag once', () => {
    const result = runRulePipeline(
      rules,
      'lead',
      { ...douyinLead, tags: ['展会', '影像设备'] },
      { now },
    );
    expect(result.record.tags).toEqual([
      '展会',
      '影像设备',
      '公立三级',
      '抖音-骨科器械广告',
      '骨科-植入物',
    ]);
  });

  it('routes a returning lead to its original owner, linked and tagged', () => {
    const lookups = dedupeKeysFor(
      rules,
      'lead',
      { ...douyinLead, phone: '+86-138-0013-8000' },
      now,
    );
    expect(lookups).toEqual([
      expect.objectContaining({ rule: 'returning_lead', key: '["+8613800138000","北京协和医院"]' }),
    ]);
    const dedupe = resolveDedupe(rules, 'lead', [
      { rule: 'returning_lead', match: { id: 'lead-1', owner: 'rep-7' } },
    ]);
    const result = runRulePipeline(rules, 'lead', douyinLead, { now, dedupe });
    expect(result.owner).toBe('rep-7');
    expect(result.record.returning_of).toBe('lead-1');
    expect(result.record.tags).toContain('复访线索');
    expect(result.trace.map((s) => s.step)).toEqual(['normalize', 'dedupe', 'tag']);
  });

  it('resolves a lead no earlier record matches as unique', () => {
    expect(resolveDedupe(rules, 'lead', [{ rule: 'returning_lead', match: null }])).toEqual({
      kind: 'unique',
    });
    expect(resolveDedupe(rules, 'lead', [])).toEqual({ kind: 'unique' });
  });

  it('reports an unparseable phone and still tags the record', () => {
    const result = runRulePipeline(rules, 'lead', { phone: '12345', message: 'DR' }, { now });
    expect(result.record).toMatchObject({ phone: '12345', tags: ['影像设备'] });
    expect(result.issues.map((i) => i.code)).toEqual(['PHONE_UNPARSEABLE']);
  });
});

describe('scoring in the pipeline (B1)', () => {
  const b1 = compileRulesOrThrow(b1Definition());
  const events: ScoreEvent[] = [
    {
      id: 'e1',
      type: 'page_dwell',
      at: '2025-03-01T10:00:00+08:00',
      payload: { page: 'product', seconds: 200 },
    },
    {
      id: 'e2',
      type: 'download',
      at: '2025-03-02T10:00:00+08:00',
      payload: { asset: 'whitepaper' },
    },
  ];
  const reply: ScoreEvent = {
    id: 'e3',
    type: 'email_reply',
    at: '2025-03-05T10:00:00+08:00',
    payload: { text: '时间表如下' },
  };

  it('stores the score and band on the record', () => {
    const result = runRulePipeline(b1, 'lead', { company: '华东自动化' }, { now, events });
    expect(result.record).toMatchObject({ score: 5, score_band: 'red' });
    expect(result.firings).toEqual([]);
  });

  it('fires the hot-lead threshold when a write lifts the score to 10 or more', () => {
    const previous = { company: '华东自动化', score: 5, score_band: 'red' };
    const result = runRulePipeline(b1, 'lead', previous, {
      now,
      previous,
      events: [...events, reply],
    });
    expect(result.record).toMatchObject({ score: 11, score_band: 'green' });
    expect(result.firings).toHaveLength(1);
    expect(result.firings[0]!.events.map((e) => e.id)).toEqual(['e3', 'e2', 'e1']);
  });

  it('does not fire again on a write while the stored score is already past the threshold', () => {
    const previous = { company: '华东自动化', score: 11, score_band: 'green' };
    const result = runRulePipeline(b1, 'lead', previous, {
      now,
      previous,
      events: [...events, reply],
    });
    expect(result.firings).toEqual([]);
  });

  it('rescores on a new event and notifies the supervisor with the last 3 behaviours', () => {
    const scoring = scoreNewEvent(b1, 'lead', { company: '华东自动化' }, events, reply, now);
    expect(scoring.set).toEqual({ score: 11, score_band: 'green' });
    expect(scoring.firings).toEqual([
      expect.objectContaining({
        threshold: 'hot_lead',
        action: { notify: 'role:supervisor', include: 'last_events:3' },
      }),
    ]);
    expect(
      scoreNewEvent(b1, 'lead', {}, events, { type: 'unrelated', at: now }, now).scores,
    ).toEqual([]);
  });

  it('evaluates a typical scorecard fast enough for every write', () => {
    const card = b1.forTable('lead');
    const started = performance.now();
    for (let i = 0; i < 1_000; i++)
      runRulePipeline(b1, 'lead', { company: 'x' }, { now, events: [...events, reply] });
    const perRun = (performance.now() - started) / 1_000;
    expect(card.scorecards).toHaveLength(1);
    expect(perRun).toBeLessThan(5);
  });
});
