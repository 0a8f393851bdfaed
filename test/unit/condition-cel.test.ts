// The rule designer's visual conditions: the CEL they write type-checks against the table, and
// the builder reads back exactly what it wrote.
import { describe, expect, it } from 'vitest';
import { checkCel } from '../../runtime/cel/compile-cel';
import type { FieldDefinition } from '../../runtime/definition/field-schema';
import { fromCel, toCel, type ConditionGroup } from '../../designer/src/rules/condition-cel';

const label = (en: string) => ({ 'zh-CN': en, en });
const fields = [
  { key: 'name', type: 'text', label: label('Name') },
  { key: 'budget', type: 'number', label: label('Budget') },
  { key: 'headcount', type: 'integer', label: label('Headcount') },
  { key: 'province', type: 'text', label: label('Province') },
  { key: 'visited', type: 'boolean', label: label('Visited') },
  { key: 'first_contact_at', type: 'datetime', label: label('First contact') },
  { key: 'tags', type: 'tags', label: label('Tags') },
] as unknown as FieldDefinition[];

const group: ConditionGroup = {
  kind: 'group',
  join: 'and',
  items: [
    { kind: 'row', field: 'budget', operator: '>=', value: '100000' },
    { kind: 'row', field: 'headcount', operator: '<', value: '50' },
    { kind: 'row', field: 'visited', operator: '==', value: 'true' },
    {
      kind: 'group',
      join: 'or',
      items: [
        { kind: 'row', field: 'province', operator: 'in', value: '浙江, 江苏' },
        { kind: 'row', field: 'name', operator: 'contains', value: '医院 "A"' },
        { kind: 'row', field: 'tags', operator: 'contains', value: '三甲' },
      ],
    },
    { kind: 'row', field: 'first_contact_at', operator: '>', value: '2026-01-01T00:00:00Z' },
    { kind: 'row', field: 'tags', operator: 'is_set', value: '' },
    { kind: 'row', field: 'name', operator: 'is_empty', value: '' },
  ],
};

describe('visual conditions', () => {
  it('write CEL that type-checks as a condition against the table', () => {
    const cel = toCel(group, fields);
    expect(cel).toBe(
      'record.budget >= 100000.0 && record.headcount < 50 && record.visited == true && ' +
        '(record.province in ["浙江", "江苏"] || record.name.contains("医院 \\"A\\"") || "三甲" in record.tags) && ' +
        'record.first_contact_at > timestamp("2026-01-01T00:00:00Z") && size(record.tags) > 0 && record.name == null',
    );
    expect(checkCel(cel, { record: fields }, { expect: 'bool' })).toEqual([]);
  });

  it('read back the CEL they wrote, groups included', () => {
    const back = fromCel(toCel(group, fields))!;
    expect(toCel(back, fields)).toBe(toCel(group, fields));
    expect(back.items[3]).toMatchObject({ kind: 'group', join: 'or' });
  });

  it('leave expressions they cannot show to the advanced editor', () => {
    expect(fromCel('contains_any(record.name, ["DR", "CT"])')).toBeNull();
    expect(fromCel('record.budget * 2 > 10.0')).toBeNull();
    expect(fromCel('true')).toEqual({ kind: 'group', join: 'and', items: [] });
  });
});
