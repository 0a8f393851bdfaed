import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { validateDefinition } from '../definition/validate-definition';
import { definition, label, table, textField } from '../definition/test-definitions';
import type { AppDefinition } from '../definition/definition-schema';
import type { FieldDefinition } from '../definition/field-schema';
import { compileForm } from './compile-form';
import type { FormDefinition } from './form-schema';
import { formVisibility } from './form-visibility';
import { checkFormValues } from './check-form-values';

const fields: FieldDefinition[] = [
  textField('name', { required: true }),
  {
    key: 'channel',
    type: 'select',
    label: label('Channel'),
    options: [
      { value: 'expo', label: label('Expo') },
      { value: 'web', label: label('Web') },
    ],
  },
  textField('booth'),
  {
    key: 'roles',
    type: 'multi_select',
    label: label('Roles'),
    options: [{ value: 'dean', label: label('Dean') }],
  },
  { key: 'note', type: 'long_text', label: label('Note') },
];

const form: FormDefinition = {
  key: 'entry',
  label: label('Entry', '登记'),
  table: 'lead',
  sections: [
    {
      key: 'main',
      label: label('Main', '基本'),
      columns: 2,
      items: [{ field: 'name' }, { field: 'channel', column: 1, required: true }],
    },
    {
      key: 'expo',
      label: label('Expo', '展会'),
      items: [
        { field: 'booth', visibleIf: 'record.channel == "expo"' },
        { field: 'roles', minItems: 1 },
        { field: 'note' },
      ],
    },
  ],
};

function withForm(f: FormDefinition): AppDefinition {
  return { ...definition(table('lead', fields)), forms: [f] };
}

describe('forms', () => {
  it('compiles placed fields, columns and the form’s own required and min-items', () => {
    const compiled = compileForm(withForm(form), form, 'zh-CN');
    expect(Object.keys(compiled.schema.properties as object)).toEqual([
      'name',
      'channel',
      'booth',
      'roles',
      'note',
    ]);
    expect(compiled.schema.required).toEqual(['name', 'channel']);
    expect(compiled.schema.title).toBe('登记');
    expect(compiled.sections[0]!.columns).toEqual([['name'], ['channel']]);
    expect(compiled.uiSchema.note).toEqual({ 'ui:widget': 'textarea' });
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(compiled.schema);
    expect(validate({ name: 'A', channel: 'web', roles: ['dean'] })).toBe(true);
    expect(validate({ name: 'A', roles: [] })).toBe(false);
    const missing = (validate.errors ?? []).map((e) => e.params);
    expect(missing).toContainEqual({ missingProperty: 'channel' });
    expect(
      validate.errors?.some((e) => e.instancePath === '/roles' && e.keyword === 'minItems'),
    ).toBe(true);
  });

  it('hides a field while its CEL condition is false', () => {
    const d = withForm(form);
    const compiled = compileForm(d, form);
    const now = '2026-01-01T00:00:00Z';
    expect(
      formVisibility(d.tables[0]!, compiled, { channel: 'web' }, now).hiddenFields.has('booth'),
    ).toBe(true);
    expect(
      formVisibility(d.tables[0]!, compiled, { channel: 'expo' }, now).hiddenFields.has('booth'),
    ).toBe(false);
  });

  it('reports unknown fields, doubled fields, columns out of range and bad CEL with pointers', () => {
    const bad: FormDefinition = {
      ...form,
      sections: [
        {
          key: 'main',
          label: label('Main'),
          items: [
            { field: 'ghost' },
            { field: 'name' },
            { field: 'name', column: 1 },
            { field: 'note', minItems: 2 },
            { field: 'booth', visibleIf: 'record.booth + 1' },
          ],
        },
      ],
    };
    const result = validateDefinition(withForm(bad));
    expect(result.ok).toBe(false);
    const found = result.ok ? [] : result.issues.map((i) => `${i.pointer} ${i.code}`);
    expect(found).toContain('/forms/0/sections/0/items/0/field UNKNOWN_FIELD');
    expect(found).toContain('/forms/0/sections/0/items/2/field DUPLICATE_FIELD');
    expect(found).toContain('/forms/0/sections/0/items/2/column COLUMN_OUT_OF_RANGE');
    expect(found).toContain('/forms/0/sections/0/items/3/minItems NOT_A_LIST_FIELD');
    expect(found.some((f) => f.startsWith('/forms/0/sections/0/items/4/visibleIf'))).toBe(true);
  });

  it('refuses a form on a missing table', () => {
    const result = validateDefinition(withForm({ ...form, table: 'nope' }));
    expect(result.ok ? [] : result.issues.map((i) => i.pointer)).toEqual(['/forms/0/table']);
  });

  it('checks values without eval exactly where ajv does', () => {
    const compiled = compileForm(withForm(form), form);
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(compiled.schema);
    const samples: Record<string, unknown>[] = [
      { name: 'A', channel: 'web', roles: ['dean'] },
      { name: 'A', roles: [] },
      { name: 'A', channel: 'fax', roles: ['dean'] },
      { name: 'A', channel: 'web', roles: ['dean', 'dean'] },
      { name: 'x'.repeat(1001), channel: 'expo', roles: ['dean'] },
      { channel: 'web', roles: ['dean'], note: 3 },
    ];
    for (const sample of samples) {
      expect(checkFormValues(compiled.schema, sample).length === 0).toBe(validate(sample));
    }
    const problems = checkFormValues(compiled.schema, { name: 'A', roles: [] });
    expect(problems.map((p) => `${p.pointer} ${p.keyword}`)).toEqual([
      '/channel required',
      '/roles minItems',
    ]);
    expect(problems[0]!.message['zh-CN']).toBe('必填');
  });
});
