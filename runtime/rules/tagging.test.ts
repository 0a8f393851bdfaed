import { describe, expect, it } from 'vitest';
import { applyTagging } from './tagging';
import { medicalDeviceRules, medicalDeviceRulesCompiled } from './test-rules';

const rules = medicalDeviceRulesCompiled().forTable('lead').tagging;
const ctx = { now: '2025-03-01T09:00:00+08:00' };
const tagsOf = (record: Record<string, unknown>) => applyTagging(rules, record, ctx).tags;

describe('applyTagging', () => {
  it('tags DR and CT enquiries as imaging equipment, full-width ＣＴ included', () => {
    expect(tagsOf({ message: '想了解DR设备报价' })).toEqual(['影像设备']);
    expect(tagsOf({ message: '科室需要一台ＣＴ' })).toEqual(['影像设备']);
    expect(tagsOf({ notes: 'ct scanner, 64-slice' })).toEqual(['影像设备']);
  });

  it('says which field and keyword matched', () => {
    const result = applyTagging(rules, { message: '科室需要一台ＣＴ' }, ctx);
    expect(result.matched).toEqual([
      {
        rule: 'imaging_keywords',
        into: 'tags',
        tags: ['影像设备'],
        why: { 'zh-CN': '「留言」包含「CT」', en: 'Message contains "CT"' },
      },
    ]);
  });

  it('matches Latin keywords only as whole words', () => {
    expect(tagsOf({ message: 'please send the address' })).toEqual([]);
    expect(tagsOf({ message: 'quote for a DR unit' })).toEqual(['影像设备']);
  });

  it('tags organisations on the 三甲医院 list as 公立三级, however their name is typed', () => {
    expect(tagsOf({ organization: '北京协和医院' })).toEqual(['公立三级']);
    expect(tagsOf({ organization: ' 四川大学华西医院有限公司 ' })).toEqual(['公立三级']);
    expect(tagsOf({ organization: '北京协和医院 骨科' })).toEqual([]);
    expect(tagsOf({ organization: '某民营医院' })).toEqual([]);
  });

  it('matches names containing a listed organisation when the rule says contains', () => {
    const base = medicalDeviceRules.tagging!.find((r) => r.kind === 'organization')!;
    const contains = medicalDeviceRulesCompiled({
      ...medicalDeviceRules,
      tagging: [{ ...base, match: 'contains' } as typeof base],
    }).forTable('lead').tagging;
    expect(applyTagging(contains, { organization: '北京协和医院 骨科' }, ctx).tags).toEqual([
      '公立三级',
    ]);
  });

  it('tags addresses inside the hospital network ranges, IPv4 and IPv6', () => {
    expect(tagsOf({ ip: '10.20.3.4' })).toEqual(['院内网络']);
    expect(tagsOf({ ip: '2001:db8:20::1' })).toEqual(['院内网络']);
    expect(tagsOf({ ip: '10.21.0.1' })).toEqual([]);
    expect(tagsOf({ ip: 'not an ip' })).toEqual([]);
  });

  it('tags by channel and by CEL condition, collecting every matching rule', () => {
    const result = applyTagging(
      rules,
      { source: 'douyin', product_line: 'ortho', message: '膝关节置换，另外问下DR' },
      ctx,
    );
    expect(result.tags).toEqual(['影像设备', '抖音-骨科器械广告', '骨科-植入物']);
    expect(result.matched.map((m) => m.rule)).toEqual([
      'imaging_keywords',
      'douyin_ortho_ad',
      'ortho_implants',
    ]);
  });

  it('adds nothing for an empty record', () => {
    expect(applyTagging(rules, {}, ctx)).toEqual({ tags: [], matched: [], issues: [] });
  });
});
