import { describe, expect, it } from 'vitest';
import { firstAidKit, type FirstAidLead } from './first-aid-kit';
import { resolveParams } from './formulas';

const now = Date.parse('2026-11-23T08:00:00Z');
const day = 86_400_000;
const lead = (id: string, daysAgo: number, recentActions: number, roles: number): FirstAidLead => ({
  id,
  name: `医院${id}`,
  updatedAt: now - daysAgo * day,
  recentActions,
  roles,
});

describe('the LAI first-aid kit', () => {
  it('puts the component that costs the most index points first and names its leads', () => {
    const kit = firstAidKit(
      [lead('a', 10, 0, 0), lead('b', 9, 3, 2), lead('c', 1, 3, 1), lead('d', 1, 3, 2)],
      now,
      resolveParams(),
    );
    // stale: 2 of 4 × 40 = 20 points; roles: 2 of 4 × 25 = 12.5; sparse: 1 of 4 × 35 = 8.75.
    expect(kit.map((s) => [s.kind, s.leadIds])).toEqual([
      ['stale', ['a', 'b']],
      ['roles', ['a', 'c']],
      ['sparse', ['a']],
    ]);
    expect(kit[0]!.text['zh-CN']).toBe('2 条线索超过 7 天未更新，今天先更新：医院a、医院b');
    expect(kit[0]!.text.en).toBe(
      '2 lead(s) not updated for 7 days; update them today: 医院a, 医院b',
    );
  });

  it('fills up to three with the weakest leads to call first', () => {
    const kit = firstAidKit([lead('a', 1, 1, 2), lead('b', 1, 0, 2)], now, resolveParams());
    expect(kit.map((s) => [s.kind, s.leadIds])).toEqual([
      ['sparse', ['a', 'b']],
      ['focus', ['b']],
      ['focus', ['a']],
    ]);
    expect(kit[1]!.text['zh-CN']).toBe(
      '优先跟进「医院b」：近 30 天跟进 0 次，已接触 2 个决策角色，1 天前更新',
    );
  });

  it('lists at most three names and counts the rest', () => {
    const many = Array.from({ length: 5 }, (_, i) => lead(String(i), 20, 3, 2));
    const [stale] = firstAidKit(many, now, resolveParams());
    expect(stale!.text['zh-CN']).toContain('医院0、医院1、医院2 等 5 条');
    expect(stale!.text.en).toContain('医院0, 医院1, 医院2 and 2 more');
  });

  it('has nothing to say without leads', () => {
    expect(firstAidKit([], now, resolveParams())).toEqual([]);
  });
});
