import { describe, expect, it } from 'vitest';
import { compileRulesOrThrow } from './compile-rules';
import { computeScore, crossedThresholds, type ScoreEvent } from './scorecard';
import { b1Definition, b1Rules } from './test-rules';

const card = compileRulesOrThrow(b1Definition()).forTable('lead').scorecards[0]!;
const now = '2025-03-10T09:00:00+08:00';
const browsing: ScoreEvent[] = [
  {
    id: 'e1',
    type: 'page_dwell',
    at: '2025-03-01T10:00:00+08:00',
    payload: { page: 'product', seconds: 240 },
  },
  { id: 'e2', type: 'download', at: '2025-03-02T10:00:00+08:00', payload: { asset: 'whitepaper' } },
];
const budgetReply: ScoreEvent = {
  id: 'e3',
  type: 'email_reply',
  at: '2025-03-05T10:00:00+08:00',
  payload: { text: '我们的预算已经批下来了，下周给您时间表' },
};

describe('computeScore', () => {
  it('scores product-page dwell +2 and a whitepaper download +3 as red', () => {
    const result = computeScore(card, {}, browsing, now);
    expect(result.score).toBe(5);
    expect(result.band).toBe('red');
    expect(result.color).toBe('#e5484d');
    expect(result.contributions.map((c) => [c.rule, c.points])).toEqual([
      ['product_page_dwell', 2],
      ['whitepaper', 3],
    ]);
  });

  it('adds 6 for an e-mail reply mentioning 预算 or 时间表 and turns green at 11', () => {
    const result = computeScore(card, {}, [...browsing, budgetReply], now);
    expect(result.score).toBe(11);
    expect(result.band).toBe('green');
    expect(result.bandLabel).toEqual({ 'zh-CN': '绿', en: 'Hot' });
  });

  it('ignores replies without those words, short visits and unrelated events', () => {
    const result = computeScore(
      card,
      {},
      [
        { type: 'email_reply', at: now, payload: { text: '谢谢，再联系' } },
        { type: 'page_dwell', at: now, payload: { page: 'product', seconds: 60 } },
        { type: 'newsletter_open', at: now },
      ],
      now,
    );
    expect(result.score).toBe(0);
    expect(result.band).toBe('red');
  });

  it('counts a once-rule one time however often it happens', () => {
    const demos = [1, 2, 3].map((d) => ({ type: 'demo_booked', at: `2025-03-0${d}T09:00:00Z` }));
    const result = computeScore(card, {}, demos, now);
    expect(result.score).toBe(5);
    expect(result.contributions[0]).toMatchObject({ rule: 'demo_booked', events: 3, points: 5 });
  });

  it('caps a rule that scores each time, and the card as a whole', () => {
    const definition = b1Definition({
      scorecards: [
        {
          ...b1Rules.scorecards![0]!,
          max: 12,
          rules: [
            {
              key: 'every_download',
              kind: 'event',
              label: { 'zh-CN': '下载', en: 'Download' },
              event: 'download',
              points: 3,
              count: 'each',
              cap: 9,
            },
            {
              key: 'every_demo',
              kind: 'event',
              label: { 'zh-CN': '演示', en: 'Demo' },
              event: 'demo_booked',
              points: 5,
            },
          ],
        },
      ],
    });
    const capped = compileRulesOrThrow(definition).forTable('lead').scorecards[0]!;
    const downloads = Array.from({ length: 5 }, () => ({ type: 'download', at: now }));
    const result = computeScore(capped, {}, [...downloads, { type: 'demo_booked', at: now }], now);
    expect(result.contributions.map((c) => [c.rule, c.points, c.capped])).toEqual([
      ['every_download', 9, true],
      ['every_demo', 5, false],
    ]);
    expect(result.score).toBe(12);
  });

  it('halves an event’s points every half-life', () => {
    const definition = b1Definition({
      scorecards: [
        {
          ...b1Rules.scorecards![0]!,
          rules: [
            {
              key: 'demo',
              kind: 'event',
              label: { 'zh-CN': '演示', en: 'Demo' },
              event: 'demo_booked',
              points: 8,
              halfLife: 'P7D',
            },
          ],
        },
      ],
    });
    const decaying = compileRulesOrThrow(definition).forTable('lead').scorecards[0]!;
    const result = computeScore(
      decaying,
      {},
      [{ type: 'demo_booked', at: '2025-03-03T09:00:00+08:00' }],
      now,
    );
    expect(result.score).toBe(4);
  });

  it('lists the scoring behaviours newest first', () => {
    const result = computeScore(card, {}, [...browsing, budgetReply], now);
    expect(result.behaviours.map((b) => [b.id, b.rule, b.points])).toEqual([
      ['e3', 'budget_reply', 6],
      ['e2', 'whitepaper', 3],
      ['e1', 'product_page_dwell', 2],
    ]);
  });
});

describe('crossedThresholds', () => {
  it('notifies the supervisor with the last 3 behaviours when the score reaches 10', () => {
    const before = computeScore(card, {}, browsing, now);
    const after = computeScore(card, {}, [...browsing, budgetReply], now);
    const firings = crossedThresholds(card, before, after);
    expect(firings).toHaveLength(1);
    expect(firings[0]).toMatchObject({
      card: 'lead_health',
      threshold: 'hot_lead',
      action: { notify: 'role:supervisor', include: 'last_events:3' },
    });
    expect(firings[0]!.events.map((e) => e.label['zh-CN'])).toEqual([
      '邮件回复含“预算”或“时间表”',
      '下载白皮书',
      '产品页停留 ≥ 3 分钟',
    ]);
  });

  it('fires once: not again while the score stays above 10', () => {
    const after = computeScore(card, {}, [...browsing, budgetReply], now);
    const more = computeScore(
      card,
      {},
      [...browsing, budgetReply, { type: 'demo_booked', at: now }],
      now,
    );
    expect(crossedThresholds(card, after, more)).toEqual([]);
  });

  it('fires for a record that is hot from its first score', () => {
    const after = computeScore(card, {}, [...browsing, budgetReply], now);
    expect(crossedThresholds(card, null, after)).toHaveLength(1);
  });

  it('fires band thresholds when the band is entered, not while it stays', () => {
    const definition = b1Definition({
      scorecards: [
        {
          ...b1Rules.scorecards![0]!,
          thresholds: [{ key: 'warm', when: { band: 'yellow' }, actions: [{ notify: 'owner' }] }],
        },
      ],
    });
    const banded = compileRulesOrThrow(definition).forTable('lead').scorecards[0]!;
    const red = computeScore(banded, {}, browsing, now);
    const yellow = computeScore(
      banded,
      {},
      [{ type: 'email_reply', at: now, payload: { text: '预算' } }],
      now,
    );
    expect(crossedThresholds(banded, red, yellow)).toEqual([
      { card: 'lead_health', threshold: 'warm', action: { notify: 'owner' }, events: [] },
    ]);
    expect(crossedThresholds(banded, yellow, yellow)).toEqual([]);
  });
});
