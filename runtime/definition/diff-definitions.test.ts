import { describe, expect, it } from 'vitest';
import { diffDefinitions } from './diff-definitions';
import { definition, label, table, textField } from './test-definitions';

describe('diffDefinitions', () => {
  it('lists added, removed and changed fields and tables', () => {
    const v1 = definition(
      table('lead', [textField('name'), textField('wechat')]),
      table('visit', [textField('note')]),
    );
    const v2 = definition(
      table('lead', [textField('name', { label: label('Full name', '姓名') }), textField('phone')]),
      table('company', [textField('name')]),
    );
    expect(diffDefinitions(v1, v2)).toEqual([
      {
        kind: 'field_changed',
        table: 'lead',
        field: 'name',
        changes: [{ property: 'label', before: label('name'), after: label('Full name', '姓名') }],
      },
      { kind: 'field_added', table: 'lead', field: 'phone' },
      { kind: 'field_removed', table: 'lead', field: 'wechat' },
      { kind: 'table_added', table: 'company' },
      { kind: 'table_removed', table: 'visit' },
    ]);
  });

  it('finds nothing between a definition and a reordered copy of its keys', () => {
    const v1 = definition(table('lead', [textField('name', { required: true, indexed: true })]));
    const v2 = JSON.parse(JSON.stringify(v1), (_k, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).reverse())
        : v,
    ) as typeof v1;
    expect(diffDefinitions(v1, v2)).toEqual([]);
  });

  it('reports other parts as wholes', () => {
    const v1 = definition(table('lead', [textField('name')]));
    const v2 = { ...v1, lists: { grades: [{ value: 'A', label: label('A') }] } };
    expect(diffDefinitions(v1, v2)).toEqual([
      { kind: 'part_changed', part: 'lists', before: undefined, after: v2.lists },
    ]);
  });
});
