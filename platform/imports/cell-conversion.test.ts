// Cell conversion by field type: the forms people type numbers, booleans, dates and options in.
import { describe, expect, it } from 'vitest';
import type { FieldDefinition } from '../../runtime/definition/field-schema';
import { converterFor } from './cell-conversion';

const label = { 'zh-CN': '字段', en: 'Field' };
const field = (type: string, extra: object = {}) =>
  ({ key: 'f', type, label, ...extra }) as FieldDefinition;
const value = (type: string, cell: unknown, extra: object = {}, options: never[] = []) => {
  const result = converterFor(field(type, extra), options)(cell as never);
  return result.ok ? result.value : result.code;
};
const provinces = [
  { value: 'zhejiang', label: { 'zh-CN': '浙江', en: 'Zhejiang' } },
  { value: 'jiangsu', label: { 'zh-CN': '江苏', en: 'Jiangsu' } },
] as never[];

describe('cell conversion', () => {
  it('reads numbers with thousands separators, currency signs and full-width digits', () => {
    expect(value('number', '1,234.5')).toBe(1234.5);
    expect(value('money', '¥ 2,000')).toBe(2000);
    expect(value('number', '１２３．５')).toBe(123.5);
    expect(value('number', 42)).toBe(42);
    expect(value('number', '十万')).toBe('INVALID_NUMBER');
    expect(value('integer', '12.5')).toBe('NOT_AN_INTEGER');
  });

  it('reads booleans in Chinese and English', () => {
    for (const yes of ['是', 'yes', 'TRUE', '1', 'Y', true])
      expect(value('boolean', yes)).toBe(true);
    for (const no of ['否', 'no', 'false', '0', 0]) expect(value('boolean', no)).toBe(false);
    expect(value('boolean', 'maybe')).toBe('INVALID_BOOLEAN');
  });

  it('reads dates written with dashes, slashes or 年月日, Excel serials and date cells', () => {
    expect(value('date', '2026-11-20')).toBe('2026-11-20');
    expect(value('date', '2026/11/2')).toBe('2026-11-02');
    expect(value('date', '2026年11月20日')).toBe('2026-11-20');
    expect(value('date', 46346)).toBe('2026-11-20');
    expect(value('date', '46346')).toBe('2026-11-20');
    expect(value('date', new Date(Date.UTC(2026, 10, 20)))).toBe('2026-11-20');
    expect(value('date', '2026-02-30')).toBe('INVALID_DATE');
  });

  it('reads wall-clock times as China Standard Time and keeps explicit offsets', () => {
    expect(value('datetime', '2026-11-20 08:30')).toBe('2026-11-20T00:30:00.000Z');
    expect(value('datetime', '2026-11-20T08:30:00Z')).toBe('2026-11-20T08:30:00.000Z');
    expect(value('datetime', 46346.5)).toBe('2026-11-20T04:00:00.000Z');
    expect(value('datetime', 'soon')).toBe('INVALID_DATETIME');
  });

  it('matches options by value or by zh-CN / en label, and splits lists on , ， ; ； 、', () => {
    expect(value('select', '浙江', {}, provinces)).toBe('zhejiang');
    expect(value('select', ' jiangsu ', {}, provinces)).toBe('jiangsu');
    expect(value('select', 'Zhejiang', {}, provinces)).toBe('zhejiang');
    expect(value('select', '火星', {}, provinces)).toBe('NOT_AN_OPTION');
    expect(value('multi_select', '浙江，Jiangsu;浙江', {}, provinces)).toEqual([
      'zhejiang',
      'jiangsu',
    ]);
    expect(value('tags', '影像、超声；复购')).toEqual(['影像', '超声', '复购']);
  });

  it('keeps phone numbers typed as numbers whole, and parses JSON cells', () => {
    expect(value('phone', 13800138000)).toBe('13800138000');
    expect(value('json', '{"a":[1,2]}')).toEqual({ a: [1, 2] });
    expect(value('json', '{oops')).toBe('INVALID_JSON');
  });
});
