import { describe, expect, it } from 'vitest';
import { validateDefinition } from './validate-definition';
import { definition, label, table, textField } from './test-definitions';

function issuesOf(input: unknown, previous?: Parameters<typeof validateDefinition>[1]) {
  const result = validateDefinition(input, previous);
  return result.ok ? [] : result.issues;
}

describe('validateDefinition', () => {
  it('accepts a well-formed definition', () => {
    const result = validateDefinition(
      definition(table('lead', [textField('name', { required: true })])),
    );
    expect(result.ok).toBe(true);
  });

  it('reports structural problems with a pointer, a code and both languages', () => {
    const issues = issuesOf({
      formatVersion: 1,
      tables: [
        {
          key: 'Lead',
          label: label('Lead'),
          fields: [{ key: 'x', type: 'colour', label: label('x') }],
        },
      ],
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pointer: '/tables/0/key', code: 'INVALID_FORMAT' }),
        expect.objectContaining({ pointer: '/tables/0/fields/0/type' }),
      ]),
    );
    for (const i of issues) {
      expect(i.message.en.length).toBeGreaterThan(0);
      expect(i.message['zh-CN'].length).toBeGreaterThan(0);
    }
  });

  it('refuses reserved names, duplicates and dangling references', () => {
    const issues = issuesOf(
      definition(
        table(
          'lead',
          [
            textField('select'),
            textField('name'),
            textField('name'),
            { key: 'company', type: 'relation', table: 'company', label: label('Company') },
            { key: 'grade', type: 'select', options: { list: 'grades' }, label: label('Grade') },
          ],
          { titleField: 'title' },
        ),
      ),
    );
    expect(issues.map((i) => [i.pointer, i.code])).toEqual(
      expect.arrayContaining([
        ['/tables/0/fields/0/key', 'RESERVED_NAME'],
        ['/tables/0/fields/2/key', 'DUPLICATE_KEY'],
        ['/tables/0/fields/3/table', 'UNKNOWN_TABLE'],
        ['/tables/0/fields/4/options/list', 'UNKNOWN_LIST'],
        ['/tables/0/titleField', 'UNKNOWN_FIELD'],
      ]),
    );
  });

  it('refuses a select default that is not an option', () => {
    const issues = issuesOf(
      definition(
        table('lead', [
          {
            key: 'grade',
            type: 'select',
            label: label('Grade'),
            options: [{ value: 'A', label: label('A') }],
            default: 'Z',
          },
        ]),
      ),
    );
    expect(issues).toEqual([
      expect.objectContaining({
        pointer: '/tables/0/fields/0/default',
        code: 'DEFAULT_NOT_AN_OPTION',
      }),
    ]);
  });

  it('refuses type changes the stored data cannot follow', () => {
    const previous = definition(
      table('lead', [{ key: 'owner_ref', type: 'user', label: label('Rep') }, textField('budget')]),
    );
    const next = definition(
      table('lead', [
        textField('owner_ref'),
        { key: 'budget', type: 'number', label: label('Budget') },
      ]),
    );
    expect(issuesOf(next, { previous })).toEqual([
      expect.objectContaining({ pointer: '/tables/0/fields/0/type', code: 'TYPE_CHANGE_REFUSED' }),
    ]);
  });

  it('reports CEL problems at the expression with line and column', () => {
    const issues = issuesOf(
      definition(
        table('lead', [textField('name')], {
          validations: [{ key: 'v', cel: 'record.nope', message: label('bad') }],
        }),
      ),
      { checkCel: () => [{ code: 'CEL_TYPE', message: 'no field nope', line: 1, column: 8 }] },
    );
    expect(issues).toEqual([
      expect.objectContaining({
        pointer: '/tables/0/validations/0/cel',
        code: 'CEL_TYPE',
        message: {
          en: 'line 1, column 8: no field nope',
          'zh-CN': '第 1 行第 8 列：no field nope',
        },
      }),
    ]);
  });
});
