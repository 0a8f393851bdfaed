import { describe, expect, it } from 'vitest';
import { createNormalizer } from './normalizer';
import { leadTable, medicalDeviceRules } from './test-rules';

const rule = medicalDeviceRules.normalize?.[0];
const normalizer = createNormalizer(leadTable, rule);

describe('createNormalizer', () => {
  it('cleans phones, e-mails, organisation names and trims all text', () => {
    const result = normalizer.normalize({
      name: '  张伟 ',
      phone: '138 0013 8000',
      email: ' Zhang.Wei@Example.COM ',
      organization: '  北京协和医院（东院）  ',
      source: 'douyin',
    });
    expect(result.record).toEqual({
      name: '张伟',
      phone: '+8613800138000',
      email: 'zhang.wei@example.com',
      organization: '北京协和医院(东院)',
      source: 'douyin',
    });
    expect(result.changes.map((c) => [c.field, c.by])).toEqual([
      ['name', 'trim'],
      ['phone', 'phone'],
      ['email', 'email'],
      ['organization', 'organization'],
    ]);
    expect(result.issues).toEqual([]);
  });

  it('keeps an unparseable phone as typed and reports it', () => {
    const result = normalizer.normalize({ phone: ' 12345 ' });
    expect(result.record.phone).toBe('12345');
    expect(result.issues).toEqual([
      expect.objectContaining({ field: 'phone', code: 'PHONE_UNPARSEABLE' }),
    ]);
    expect(result.issues[0]?.message['zh-CN']).toContain('12345');
  });

  it('leaves a patch a patch: fields not given are not added', () => {
    expect(normalizer.normalize({ email: 'A@B.CN' }).record).toEqual({ email: 'a@b.cn' });
  });

  it('keeps the legal suffix in the stored name unless told to strip it', () => {
    const stored = normalizer.normalize({ organization: '华东医疗器械股份有限公司' });
    expect(stored.record.organization).toBe('华东医疗器械股份有限公司');
    const stripping = createNormalizer(leadTable, {
      ...rule!,
      organization: { ...rule!.organization!, storeStripped: true },
    });
    expect(
      stripping.normalize({ organization: '华东医疗器械股份有限公司' }).record.organization,
    ).toBe('华东医疗器械');
  });

  it('changes nothing for a table without normalizers but still compares in match form', () => {
    const none = createNormalizer(leadTable, undefined);
    expect(none.normalize({ name: ' x ' }).record).toEqual({ name: ' x ' });
    expect(none.matchForm('phone', '138-0013-8000')).toBe('+8613800138000');
    expect(none.matchForm('name', '  ＡＢ  c ')).toBe('ab c');
    expect(none.matchForm('name', '   ')).toBeNull();
  });
});
