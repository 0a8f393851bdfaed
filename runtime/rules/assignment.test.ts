import { describe, expect, it } from 'vitest';
import { chooseAssignee, type AssignmentCandidate } from './assignment';
import type { AssignmentRule } from './assignment-schema';
import { compileRulesOrThrow } from './compile-rules';
import {
  medicalDeviceDefinition,
  medicalDeviceRules,
  medicalDeviceRulesCompiled,
} from './test-rules';

const regional = medicalDeviceRulesCompiled().forTable('lead').assignment[0]!;
const now = '2025-03-01T09:00:00+08:00';
const lead = { province: '浙江', product_line: 'ortho' };

function rep(id: string, extra: Partial<AssignmentCandidate> = {}): AssignmentCandidate {
  return {
    id,
    attributes: { region: { province: '浙江' }, product_lines: ['ortho', 'rehab'] },
    openCount: 0,
    ...extra,
  };
}

function withStrategy(strategy: AssignmentRule['entries'][number]['strategy']) {
  const base = medicalDeviceRules.assignment![0]!;
  const rule = { ...base, entries: [{ ...base.entries[0]!, strategy }] };
  return compileRulesOrThrow(
    medicalDeviceDefinition({ ...medicalDeviceRules, assignment: [rule] }),
  ).forTable('lead').assignment[0]!;
}

describe('chooseAssignee', () => {
  it('gives the lead to a rep of its province and product line with fewer than 8 open leads', () => {
    const decision = chooseAssignee(
      regional,
      lead,
      [
        rep('jiangsu', { attributes: { region: { province: '江苏' }, product_lines: ['ortho'] } }),
        rep('neuro', { attributes: { region: { province: '浙江' }, product_lines: ['neuro'] } }),
        rep('full', { openCount: 8 }),
        rep('free', { openCount: 7 }),
      ],
      now,
    );
    expect(decision).toMatchObject({
      kind: 'user',
      userId: 'free',
      entry: 'province_product_line',
    });
    const trace = decision.trace[0]!;
    expect(trace.excluded.map((e) => [e.userId, e.reason])).toEqual([
      ['jiangsu', 'not_a_candidate'],
      ['neuro', 'not_a_candidate'],
      ['full', 'at_capacity'],
    ]);
    expect(trace.excluded[2]!.detail['zh-CN']).toBe('在手 8 条，须少于 8 条');
  });

  it('skips reps who are away or off shift', () => {
    const decision = chooseAssignee(
      regional,
      lead,
      [rep('a', { away: true }), rep('b', { onShift: false }), rep('c', { lastAssignedAt: now })],
      now,
    );
    expect(decision).toMatchObject({ kind: 'user', userId: 'c' });
    expect(decision.trace[0]!.excluded.map((e) => e.reason)).toEqual(['away', 'off_shift']);
  });

  it('sends the lead to the market pool and tells the supervisor when nobody qualifies', () => {
    const decision = chooseAssignee(
      regional,
      lead,
      [rep('a', { away: true }), rep('b', { openCount: 9 })],
      now,
    );
    expect(decision).toMatchObject({
      kind: 'pool',
      pool: 'market',
      notify: 'role:supervisor',
      reason: { en: 'no eligible candidate: everybody was excluded' },
    });
    expect(chooseAssignee(regional, lead, [], now)).toMatchObject({ kind: 'pool', pool: 'market' });
  });

  it('excludes a candidate whose attributes the filter cannot read, and says why', () => {
    const decision = chooseAssignee(regional, lead, [rep('x', { attributes: {} })], now);
    expect(decision.kind).toBe('pool');
    expect(decision.trace[0]!.excluded[0]).toMatchObject({
      userId: 'x',
      reason: 'candidate_filter_failed',
    });
    expect(decision.trace[0]!.issues).toHaveLength(1);
  });

  it('keeps round robin fair when a rep leaves and another joins', () => {
    const last = new Map<string, string>();
    let team = ['amy', 'bob', 'cai'];
    const picks: string[] = [];
    let minute = 0;
    const assign = () => {
      const at = new Date(Date.UTC(2025, 2, 1, 1, minute++)).toISOString();
      const candidates = team.map((id) => rep(id, { lastAssignedAt: last.get(id) ?? null }));
      const decision = chooseAssignee(regional, lead, candidates, at);
      if (decision.kind !== 'user') throw new Error('expected a rep');
      last.set(decision.userId, decision.assignedAt);
      picks.push(decision.userId);
    };
    for (let i = 0; i < 4; i++) assign();
    expect(picks).toEqual(['amy', 'bob', 'cai', 'amy']);
    team = ['amy', 'cai', 'dan']; // bob leaves, dan joins
    for (let i = 0; i < 5; i++) assign();
    // dan never had one: he waited longest; then the rotation continues where it was.
    expect(picks.slice(4)).toEqual(['dan', 'cai', 'amy', 'dan', 'cai']);
    const counts = Object.fromEntries(
      ['amy', 'cai', 'dan'].map((id) => [id, picks.filter((p) => p === id).length]),
    );
    expect(counts).toEqual({ amy: 3, cai: 3, dan: 2 });
  });

  it('picks the least loaded rep, the longest waiting on a tie', () => {
    const leastLoaded = withStrategy('least_loaded');
    const decision = chooseAssignee(
      leastLoaded,
      lead,
      [
        rep('busy', { openCount: 5 }),
        rep('recent', { openCount: 2, lastAssignedAt: '2025-03-01T08:00:00+08:00' }),
        rep('waiting', { openCount: 2, lastAssignedAt: '2025-02-28T08:00:00+08:00' }),
      ],
      now,
    );
    expect(decision).toMatchObject({ kind: 'user', userId: 'waiting', strategy: 'least_loaded' });
  });

  it('shares leads by weight, deterministically', () => {
    const weighted = withStrategy('weighted');
    const assigned = new Map<string, number>([
      ['senior', 0],
      ['junior', 0],
    ]);
    const weights: Record<string, number> = { senior: 2, junior: 1 };
    for (let i = 0; i < 9; i++) {
      const candidates = [...assigned].map(([id, n]) =>
        rep(id, { assignedCount: n, weight: weights[id] }),
      );
      const decision = chooseAssignee(weighted, lead, candidates, now);
      if (decision.kind !== 'user') throw new Error('expected a rep');
      assigned.set(decision.userId, (assigned.get(decision.userId) ?? 0) + 1);
    }
    expect(Object.fromEntries(assigned)).toEqual({ senior: 6, junior: 3 });
    const zero = chooseAssignee(weighted, lead, [rep('off', { weight: 0 })], now);
    expect(zero.trace[0]!.excluded[0]!.reason).toBe('zero_weight');
  });

  it('tries entries in order and skips those whose condition does not hold', () => {
    const base = medicalDeviceRules.assignment![0]!;
    const rule: AssignmentRule = {
      ...base,
      entries: [
        {
          key: 'vip',
          when: 'record.organization == "北京协和医院"',
          candidates: 'user.level == "senior"',
          strategy: 'round_robin',
        },
        { ...base.entries[0]!, key: 'regional' },
      ],
    };
    const compiled = compileRulesOrThrow(
      medicalDeviceDefinition({ ...medicalDeviceRules, assignment: [rule] }),
    ).forTable('lead').assignment[0]!;
    const senior = rep('senior', {
      attributes: { level: 'senior', region: { province: '北京' }, product_lines: [] },
    });
    const decision = chooseAssignee(
      compiled,
      { ...lead, organization: '北京协和医院' },
      [senior, rep('local')],
      now,
    );
    expect(decision).toMatchObject({ userId: 'senior', entry: 'vip' });
    const other = chooseAssignee(compiled, lead, [senior, rep('local')], now);
    expect(other).toMatchObject({ userId: 'local', entry: 'regional' });
    expect(other.trace[0]).toMatchObject({ entry: 'vip', applies: false });
  });
});
