import { describe, expect, it } from 'vitest';
import { mergeDefinitions } from './merge-definitions';

const l = (en: string, zh: string) => ({ 'zh-CN': zh, en });
const field = (key: string, en: string, extra: Record<string, unknown> = {}) => ({
  key,
  type: 'text',
  label: l(en, en),
  ...extra,
});
const lead = (...fields: unknown[]) => ({
  formatVersion: 1,
  tables: [{ key: 'lead', label: l('Lead', '线索'), fields }],
});

describe('mergeDefinitions', () => {
  const base = lead(field('name', 'Name'), field('phone', 'Phone'));

  it('keeps a change made on one side only, from either side', () => {
    const ours = lead(field('name', 'Customer'), field('phone', 'Phone'));
    const theirs = lead(field('name', 'Name'), field('phone', 'Mobile'));
    const result = mergeDefinitions(base, ours, theirs);
    expect(result.conflicts).toEqual([]);
    expect(result.merged).toEqual(lead(field('name', 'Customer'), field('phone', 'Mobile')));
  });

  it('keeps fields both sides added, theirs after the field it follows in theirs', () => {
    const ours = lead(field('name', 'Name'), field('phone', 'Phone'), field('wechat', 'WeChat'));
    const theirs = lead(field('name', 'Name'), field('email', 'E-mail'), field('phone', 'Phone'));
    const result = mergeDefinitions(base, ours, theirs);
    expect(result.conflicts).toEqual([]);
    const keys = (result.merged as ReturnType<typeof lead>).tables[0]!.fields.map(
      (f) => (f as { key: string }).key,
    );
    expect(keys).toEqual(['name', 'email', 'phone', 'wechat']);
  });

  it('takes an identical change on both sides once', () => {
    const both = lead(field('name', 'Name', { required: true }), field('phone', 'Phone'));
    const result = mergeDefinitions(base, both, both);
    expect(result).toMatchObject({ conflicts: [], merged: both });
  });

  it('reports different changes to one value with the three values and keeps ours', () => {
    const ours = lead(field('name', 'Customer'), field('phone', 'Phone'));
    const theirs = lead(field('name', 'Contact'), field('phone', 'Phone'));
    const result = mergeDefinitions(base, ours, theirs);
    expect(result.conflicts).toEqual([
      {
        pointer: '/tables/lead/fields/name/label/zh-CN',
        kind: 'changed_both',
        base: 'Name',
        ours: 'Customer',
        theirs: 'Contact',
      },
      {
        pointer: '/tables/lead/fields/name/label/en',
        kind: 'changed_both',
        base: 'Name',
        ours: 'Customer',
        theirs: 'Contact',
      },
    ]);
    expect(result.merged).toEqual(ours);
  });

  it('settles conflicts with resolutions: a side or a value', () => {
    const ours = lead(field('name', 'Customer'), field('phone', 'Phone'));
    const theirs = lead(field('name', 'Contact'), field('phone', 'Phone'));
    const result = mergeDefinitions(base, ours, theirs, [
      { pointer: '/tables/lead/fields/name/label/zh-CN', value: '联系人' },
      { pointer: '/tables/lead/fields/name/label/en', take: 'theirs' },
      { pointer: '/tables/lead/fields/nope', take: 'ours' },
    ]);
    expect(result.conflicts).toEqual([]);
    expect(result.merged.tables[0]!.fields[0]).toMatchObject({
      label: { 'zh-CN': '联系人', en: 'Contact' },
    });
    expect(result.unusedResolutions).toEqual([
      { pointer: '/tables/lead/fields/nope', take: 'ours' },
    ]);
  });

  it('removes what one side removed and the other left alone', () => {
    const ours = lead(field('name', 'Name'));
    const theirs = lead(field('name', 'Name', { required: true }), field('phone', 'Phone'));
    const result = mergeDefinitions(base, ours, theirs);
    expect(result.conflicts).toEqual([]);
    expect(result.merged).toEqual(lead(field('name', 'Name', { required: true })));
  });

  it('reports a removal on one side of something the other side changed', () => {
    const ours = lead(field('name', 'Name'));
    const theirs = lead(field('name', 'Name'), field('phone', 'Mobile'));
    const result = mergeDefinitions(base, ours, theirs);
    expect(result.conflicts).toEqual([
      {
        pointer: '/tables/lead/fields/phone',
        kind: 'removed_ours',
        base: field('phone', 'Phone'),
        theirs: field('phone', 'Mobile'),
      },
    ]);
    expect(result.merged).toEqual(ours);
    const kept = mergeDefinitions(base, ours, theirs, [
      { pointer: '/tables/lead/fields/phone', take: 'theirs' },
    ]);
    expect(kept.merged).toEqual(theirs);
  });

  it('merges elements both sides added under one key property by property', () => {
    const ours = lead(field('name', 'Name'), field('phone', 'Phone'), field('x', 'X'));
    const theirs = lead(
      field('name', 'Name'),
      field('phone', 'Phone'),
      field('x', 'X', { maxLength: 5 }),
    );
    const result = mergeDefinitions(base, ours, theirs);
    expect(result.conflicts).toEqual([]);
    expect(result.merged.tables[0]!.fields[2]).toEqual(field('x', 'X', { maxLength: 5 }));
    const clash = mergeDefinitions(base, ours, lead(field('x', 'X', { type: 'integer' })));
    expect(clash.conflicts).toContainEqual({
      pointer: '/tables/lead/fields/x/type',
      kind: 'added_both',
      ours: 'text',
      theirs: 'integer',
    });
  });

  it('merges option lists by value, flow nodes by id and edges by their ends', () => {
    const flow = (nodes: string[], edges: Array<[string, string]>) => ({
      lists: { sources: nodes.map((n) => ({ value: n, label: l(n, n) })) },
      flows: [
        {
          key: 'f',
          nodes: nodes.map((id) => ({ id, type: 'end' })),
          edges: edges.map(([from, to]) => ({ from, to })),
        },
      ],
    });
    const result = mergeDefinitions(
      flow(['a', 'b'], [['a', 'b']]),
      flow(
        ['a', 'b', 'c'],
        [
          ['a', 'b'],
          ['b', 'c'],
        ],
      ),
      flow(
        ['a', 'b', 'd'],
        [
          ['a', 'b'],
          ['b', 'd'],
        ],
      ),
    );
    expect(result.conflicts).toEqual([]);
    expect(result.merged).toEqual(
      flow(
        ['a', 'b', 'd', 'c'],
        [
          ['a', 'b'],
          ['b', 'd'],
          ['b', 'c'],
        ],
      ),
    );
  });

  it("merges lists of distinct texts as sets: both sides' additions and removals kept", () => {
    const result = mergeDefinitions(
      { keywords: ['DR', 'CT', '核磁'] },
      { keywords: ['DR', 'CT', '核磁', '超声'] },
      { keywords: ['DR', 'MRI', '核磁', 'PET-CT'] },
    );
    expect(result.conflicts).toEqual([]);
    expect(result.merged).toEqual({ keywords: ['DR', '核磁', '超声', 'MRI', 'PET-CT'] });
  });

  it('treats other lists without identities as one value', () => {
    const base = { levels: [{ after: 'PT1M' }] };
    const result = mergeDefinitions(
      base,
      { levels: [{ after: 'PT2M' }] },
      { levels: [{ after: 'PT1M' }, { after: 'PT5M' }] },
    );
    expect(result.conflicts).toEqual([
      {
        pointer: '/levels',
        kind: 'changed_both',
        base: base.levels,
        ours: [{ after: 'PT2M' }],
        theirs: [{ after: 'PT1M' }, { after: 'PT5M' }],
      },
    ]);
  });

  it('escapes "/" and "~" in keys of the pointer', () => {
    const result = mergeDefinitions({ 'a/b~c': 1 }, { 'a/b~c': 2 }, { 'a/b~c': 3 });
    expect(result.conflicts[0]!.pointer).toBe('/a~1b~0c');
  });
});
