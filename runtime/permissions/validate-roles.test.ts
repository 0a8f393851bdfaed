import { describe, expect, it } from 'vitest';
import type { AppDefinition } from '../definition/definition-schema';
import { validateDefinition } from '../definition/validate-definition';
import { rowPredicateOf } from './cel-row-predicate';

const label = { 'zh-CN': '线索', en: 'Lead' };
const definition = (roles: unknown): unknown => ({
  formatVersion: 1,
  tables: [
    {
      key: 'lead',
      label,
      fields: [
        { key: 'name', type: 'text', label },
        { key: 'province', type: 'text', label },
        { key: 'tags', type: 'tags', label },
        { key: 'amount', type: 'integer', label },
      ],
      stages: [{ key: 'won', label }],
    },
  ],
  roles,
});
const role = (tables: unknown) => [{ key: 'rep', label, tables }];
const issuesOf = (input: unknown) => {
  const result = validateDefinition(input);
  return result.ok ? [] : result.issues.map((i) => [i.pointer, i.code]);
};

describe('roles at publish', () => {
  it('accepts row scopes, field lists and stage overrides that name what exists', () => {
    const result = validateDefinition(
      definition(
        role({
          lead: {
            read: 'own',
            update: { cel: 'record.owner == user.id && record.province in user.regions' },
            fields: { read: ['name', 'province'], write: ['name', 'stage'] },
            stages: { won: { write: [] } },
          },
        }),
      ),
    );
    expect(result.ok).toBe(true);
    expect((result as { value: AppDefinition }).value.roles![0]!.key).toBe('rep');
  });

  it('points at unknown tables, fields and stages, and writes outside the read list', () => {
    expect(
      issuesOf(
        definition(
          role({
            deal: { read: 'all' },
            lead: {
              read: 'all',
              fields: { read: ['name', 'nope'], write: ['province'] },
              stages: { lost: { read: '*' } },
              regionField: 'region',
            },
          }),
        ),
      ),
    ).toEqual([
      ['/roles/0/tables/deal', 'UNKNOWN_TABLE'],
      ['/roles/0/tables/lead/regionField', 'UNKNOWN_FIELD'],
      ['/roles/0/tables/lead/fields/read/1', 'UNKNOWN_FIELD'],
      ['/roles/0/tables/lead/fields/write/0', 'WRITE_NOT_READABLE'],
      ['/roles/0/tables/lead/stages/lost', 'UNKNOWN_STAGE'],
    ]);
  });

  it('refuses a CEL row scope that does not type-check or cannot become SQL', () => {
    expect(
      issuesOf(
        definition(
          role({
            lead: {
              read: { cel: 'size(record.tags) > 0' },
              update: { cel: 'record.nope == 1' },
              delete: { cel: 'record.name.startsWith("a")' },
            },
          }),
        ),
      ),
    ).toEqual([
      ['/roles/0/tables/lead/read/cel', 'ROW_SCOPE_NOT_SQL'],
      ['/roles/0/tables/lead/update/cel', 'ROW_SCOPE_NOT_SQL'],
      ['/roles/0/tables/lead/delete/cel', 'ROW_SCOPE_NOT_SQL'],
    ]);
  });

  it('refuses an unknown scope name with a pointer into the role', () => {
    const issues = issuesOf(definition(role({ lead: { read: 'everyone' } })));
    expect(issues[0]![0]).toBe('/roles/0/tables/lead/read');
  });
});

describe('row predicates', () => {
  const fields = [
    { key: 'province', type: 'text', label },
    { key: 'tags', type: 'tags', label },
    { key: 'amount', type: 'integer', label },
  ] as const;

  it('translate comparisons, membership and logic over record fields and user attributes', () => {
    const result = rowPredicateOf(
      '(record.owner == user.id || record.province in user.regions) && !("vip" in record.tags) && record.amount >= -5',
      fields as never,
    );
    expect(result).toEqual({
      ok: true,
      value: {
        kind: 'and',
        items: [
          {
            kind: 'and',
            items: [
              {
                kind: 'or',
                items: [
                  {
                    kind: 'compare',
                    op: '=',
                    left: { kind: 'field', key: 'owner' },
                    right: { kind: 'user', key: 'id' },
                  },
                  {
                    kind: 'in',
                    element: { kind: 'field', key: 'province' },
                    list: { kind: 'user', key: 'regions' },
                  },
                ],
              },
              {
                kind: 'not',
                item: {
                  kind: 'in',
                  element: { kind: 'value', value: 'vip' },
                  list: { kind: 'field', key: 'tags' },
                },
              },
            ],
          },
          {
            kind: 'compare',
            op: '>=',
            left: { kind: 'field', key: 'amount' },
            right: { kind: 'value', value: -5 },
          },
        ],
      },
    });
  });

  it('name what cannot be turned into SQL', () => {
    const result = rowPredicateOf('record.province.startsWith("浙")', fields as never);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(/cannot be turned into SQL/);
  });
});
