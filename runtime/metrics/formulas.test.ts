import { describe, expect, it } from 'vitest';
import {
  actionFullness,
  channelEffectiveness,
  collaborationDensity,
  contributionShares,
  firstResponseMedianHours,
  responseWithin,
  healthScore,
  lai,
  percentile,
  stageDwellDays,
  type ActionFact,
  type LeadFact,
} from './formulas';

const day = 86_400_000;
const hour = 3_600_000;
const now = Date.parse('2026-03-31T00:00:00Z');
const ago = (days: number) => now - days * day;
const lead = (id: string, updatedDaysAgo: number, filledFields?: number): LeadFact => ({
  id,
  createdAt: ago(60),
  updatedAt: ago(updatedDaysAgo),
  filledFields,
});
const followUp = (
  recordId: string,
  daysAgo: number,
  role?: string,
  type = 'follow_up',
): ActionFact => ({
  recordId,
  type,
  at: ago(daysAgo),
  role,
});

// Hand-computed: fresh L1, L3 (2/4); dense L1 only (1/4); covered L1, L3 (2/4).
const leads = [lead('l1', 2, 3), lead('l2', 10, 2), lead('l3', 6, 4), lead('l4', 30, 0)];
const actions = [
  followUp('l1', 1, '院长'),
  followUp('l1', 5, '设备科主任'),
  followUp('l1', 10, '院长'),
  followUp('l2', 5, '财务处长'),
  followUp('l2', 40, '财务处长'),
  followUp('l2', 2, '采购', 'page.dwell'),
  followUp('l3', 31, 'a'),
  followUp('l3', 32, 'b'),
  followUp('l3', 33),
  followUp('l3', 1),
];

describe('lai', () => {
  it('weights freshness 40 %, action density 35 % and role coverage 25 %', () => {
    const result = lai(leads, actions, now);
    expect(result).toMatchObject({
      leads: 4,
      freshness: 0.5,
      actionDensity: 0.25,
      roleCoverage: 0.5,
    });
    expect(result?.lai).toBeCloseTo(41.25, 10);
  });

  it('is null without leads and counts only the configured action types', () => {
    expect(lai([], actions, now)).toBeNull();
    const dwellOnly = lai(leads, actions, now, { actionTypes: ['page.dwell'], minActions: 1 });
    expect(dwellOnly?.actionDensity).toBe(0.25);
  });
});

describe('healthScore', () => {
  const params = { completenessFields: ['a', 'b', 'c', 'd'] };
  it('mixes completeness, timeliness and role coverage', () => {
    expect(healthScore(leads[0] as LeadFact, actions, now, params)).toBeCloseTo(90, 10);
    expect(healthScore(leads[1] as LeadFact, actions, now, params)).toBeCloseTo(65, 10);
    expect(healthScore(leads[2] as LeadFact, actions, now, params)).toBeCloseTo(100, 10);
    expect(healthScore(leads[3] as LeadFact, actions, now, params)).toBe(0);
  });

  it('lets timeliness fall linearly between 7 and 30 days', () => {
    const late = [followUp('x', 18.5)];
    expect(healthScore(lead('x', 1, 0), late, now, params)).toBeCloseTo(15, 10);
  });
});

describe('the other built-ins', () => {
  it('takes the median first response over answered leads', () => {
    const t0 = ago(3);
    const fresh = ['a', 'b', 'c', 'd'].map((id) => ({ id, createdAt: t0, updatedAt: t0 }));
    const answers: ActionFact[] = [
      { recordId: 'a', type: 'follow_up', at: t0 + 2 * hour },
      { recordId: 'b', type: 'follow_up', at: t0 + 5 * hour },
      { recordId: 'c', type: 'follow_up', at: t0 + 1 * hour },
      { recordId: 'c', type: 'follow_up', at: t0 + 0.5 * hour },
    ];
    expect(firstResponseMedianHours(fresh, answers)).toBe(2);
    expect(responseWithin(fresh, answers, { withinHours: 2 })).toBe(0.5);
    expect(responseWithin(fresh, answers)).toBe(0.75);
  });

  it('measures dwell only for stages that were left', () => {
    const dwell = stageDwellDays([
      { recordId: 'r1', stage: 'new', at: 0 },
      { recordId: 'r1', stage: 'demo', at: 2 * day },
      { recordId: 'r1', stage: 'quote', at: 5 * day },
      { recordId: 'r2', stage: 'demo', at: 0 },
      { recordId: 'r2', stage: 'quote', at: 4 * day },
      { recordId: 'r2', stage: 'contract', at: 10 * day },
    ]);
    expect(Object.fromEntries(dwell)).toEqual({ new: 2, demo: 3.5, quote: 6 });
  });

  it('splits credit points by share per customer', () => {
    const shares = contributionShares([
      { recordId: 'c1', type: 'lead_introduced', actor: 'u1', at: 0 },
      { recordId: 'c1', type: 'demo', actor: 'u1', at: 1 },
      { recordId: 'c1', type: 'payment_push', actor: 'u2', at: 2 },
      { recordId: 'c2', type: 'needs_diagnosis', actor: 'u1', at: 0 },
      { recordId: 'c2', type: 'director_visit', actor: 'u2', at: 0 },
      { recordId: 'c2', type: 'page.dwell', actor: 'u1', at: 0 },
      { recordId: 'c2', type: 'demo', actor: null, at: 0 },
    ]);
    expect(Object.fromEntries(shares.get('c1') ?? [])).toEqual({ u1: 0.5, u2: 0.5 });
    expect(Object.fromEntries(shares.get('c2') ?? [])).toEqual({ u1: 0.375, u2: 0.625 });
  });

  it('rates channels by their A-graded share', () => {
    const rated = channelEffectiveness([
      { channel: 'expo', grade: 'A' },
      { channel: 'expo', grade: 'C' },
      { channel: 'expo', grade: 'A' },
      { channel: 'web', grade: 'B' },
    ]);
    expect(rated.get('expo')).toBeCloseTo(2 / 3, 12);
    expect(rated.get('web')).toBe(0);
  });

  it('averages actions and distinct actors per lead', () => {
    expect(actionFullness(leads, actions)).toBe(9 / 4);
    const two = [lead('l1', 0), lead('l2', 0)];
    const actors = [
      { recordId: 'l1', actor: 'u1' },
      { recordId: 'l1', actor: 'u2' },
      { recordId: 'l1', actor: 'u1' },
    ];
    expect(collaborationDensity(two, actors)).toBe(1);
  });

  it('interpolates percentiles like percentile_cont', () => {
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(percentile([10, 20, 30, 40, 50], 0.9)).toBeCloseTo(46, 10);
    expect(percentile([], 0.5)).toBeNull();
  });
});
