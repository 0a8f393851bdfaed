import { describe, expect, it } from 'vitest';
import { dedupeKey, dedupeLookups, dedupeOutcome } from './dedupe';
import { medicalDeviceRules, medicalDeviceRulesCompiled } from './test-rules';

const rules = medicalDeviceRulesCompiled();
const [returning] = rules.forTable('lead').dedupe;
const rule = returning!;
const now = '2025-03-31T09:00:00+08:00';

describe('dedupeKey', () => {
  it('gives the same key to one phone and organisation typed in different ways', () => {
    const a = dedupeKey(rule, { phone: '138 0013 8000', organization: '北京协和医院有限公司' });
    const b = dedupeKey(rule, { phone: '+86-138-0013-8000', organization: ' 北京协和医院 ' });
    const c = dedupeKey(rule, { phone: '+8613800138000', organization: '北京协和医院（集团）' });
    expect(a).toBe('["+8613800138000","北京协和医院"]');
    expect(b).toBe(a);
    expect(c).toBe(a);
  });

  it('tells different organisations apart', () => {
    const a = dedupeKey(rule, { phone: '13800138000', organization: '北京协和医院' });
    const b = dedupeKey(rule, { phone: '13800138000', organization: '四川大学华西医院' });
    expect(a).not.toBe(b);
  });

  it('is null when a key field is empty', () => {
    expect(dedupeKey(rule, { phone: '13800138000' })).toBeNull();
    expect(dedupeKey(rule, { phone: ' ', organization: '北京协和医院' })).toBeNull();
  });
});

describe('dedupeLookups', () => {
  it('asks for records since the start of the 30-day window', () => {
    const [lookup] = dedupeLookups([rule], { phone: '138 0013 8000', organization: '协和' }, now);
    expect(lookup).toEqual({
      rule: 'returning_lead',
      key: '["+8613800138000","协和"]',
      values: { phone: '+8613800138000', organization: '协和' },
      since: '2025-03-01T01:00:00.000Z',
    });
  });

  it('skips rules whose key fields are not all filled', () => {
    expect(dedupeLookups([rule], { phone: '13800138000' }, now)).toEqual([]);
  });
});

describe('dedupeOutcome', () => {
  it('marks a returning lead, links it to the original and routes it to its owner', () => {
    expect(dedupeOutcome(rule, { id: 'lead-1', owner: 'rep-7' })).toEqual({
      kind: 'returning',
      rule: 'returning_lead',
      original: 'lead-1',
      owner: 'rep-7',
      set: { returning_of: 'lead-1' },
      tags: ['复访线索'],
      notify: 'original_owner',
    });
  });

  it('is unique without a match', () => {
    expect(dedupeOutcome(rule, null)).toEqual({ kind: 'unique' });
  });

  it('blocks or flags when the rule says so', () => {
    const base = medicalDeviceRules.dedupe![0]!;
    const compile = (outcome: 'block' | 'allow_flagged') =>
      medicalDeviceRulesCompiled({
        ...medicalDeviceRules,
        dedupe: [{ ...base, outcome }],
      }).forTable('lead').dedupe[0]!;
    const blocked = dedupeOutcome(compile('block'), { id: 'lead-1', owner: null });
    expect(blocked).toMatchObject({ kind: 'blocked', original: 'lead-1' });
    expect(blocked.kind === 'blocked' && blocked.message.en).toContain('duplicate');
    expect(dedupeOutcome(compile('allow_flagged'), { id: 'lead-1', owner: 'rep-7' })).toMatchObject(
      {
        kind: 'flagged',
        tags: ['复访线索'],
        set: { returning_of: 'lead-1' },
      },
    );
  });
});
