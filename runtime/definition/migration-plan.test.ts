import { describe, expect, it } from 'vitest';
import { planMigration } from './migration-plan';
import { definition, label, table, textField } from './test-definitions';

describe('planMigration', () => {
  it('creates every table first and adds relations after, so foreign keys find their target', () => {
    const plan = planMigration(
      undefined,
      definition(
        table('lead', [
          textField('name'),
          { key: 'company', type: 'relation', table: 'company', label: label('Company') },
        ]),
        table('company', [textField('name', { unique: true })]),
      ),
      1,
    );
    expect(plan.steps.map((s) => s.kind)).toEqual([
      'create_table',
      'create_table',
      'add_field',
      'add_index',
      'add_index',
    ]);
    expect(plan.steps[2]).toMatchObject({
      kind: 'add_field',
      table: 'lead',
      field: { key: 'company' },
    });
  });

  it('adds a column and an index for a new indexed field', () => {
    const v1 = definition(table('lead', [textField('name')]));
    const v2 = definition(
      table('lead', [textField('name'), textField('phone', { indexed: true })]),
    );
    expect(planMigration(v1, v2, 2).steps).toEqual([
      { kind: 'add_field', table: 'lead', field: expect.objectContaining({ key: 'phone' }) },
      { kind: 'add_index', table: 'lead', field: 'phone', unique: false },
    ]);
  });

  it('plans a cast for a text field that becomes an integer, and nothing for a relabel', () => {
    const v1 = definition(table('lead', [textField('budget'), textField('name')]));
    const v2 = definition(
      table('lead', [
        { key: 'budget', type: 'integer', label: label('Budget') },
        textField('name', { label: label('Full name', '姓名') }),
      ]),
    );
    expect(planMigration(v1, v2, 2).steps).toEqual([
      expect.objectContaining({ kind: 'change_type', table: 'lead', change: 'cast' }),
    ]);
  });

  it('retires a removed field, keeps it in the definition, and restores it when re-added', () => {
    const v1 = definition(
      table('lead', [textField('name'), textField('wechat', { indexed: true })]),
    );
    const v2 = definition(table('lead', [textField('name')]));
    const plan2 = planMigration(v1, v2, 2);
    expect(plan2.steps).toEqual([
      { kind: 'drop_index', table: 'lead', field: 'wechat', unique: false },
      { kind: 'retire_field', table: 'lead', field: 'wechat' },
    ]);
    expect(plan2.definition.tables[0]?.retiredFields).toEqual([
      { field: expect.objectContaining({ key: 'wechat' }), retiredInVersion: 2 },
    ]);

    const plan3 = planMigration(plan2.definition, v1, 3);
    expect(plan3.steps).toEqual([
      { kind: 'restore_field', table: 'lead', field: expect.objectContaining({ key: 'wechat' }) },
      { kind: 'add_index', table: 'lead', field: 'wechat', unique: false },
    ]);
    expect(plan3.definition.tables[0]?.retiredFields).toBeUndefined();
  });

  it('retires a removed table instead of dropping it', () => {
    const v1 = definition(table('lead', [textField('name')]), table('visit', [textField('note')]));
    const plan = planMigration(v1, definition(table('lead', [textField('name')])), 2);
    expect(plan.steps).toEqual([{ kind: 'retire_table', table: 'visit' }]);
    expect(plan.definition.retiredTables?.[0]).toMatchObject({
      table: { key: 'visit' },
      retiredInVersion: 2,
    });
  });

  it('ignores retired bookkeeping written into a draft by hand', () => {
    const v1 = definition(table('lead', [textField('name')]));
    const draft = definition(
      table('lead', [textField('name')], {
        retiredFields: [{ field: textField('ghost'), retiredInVersion: 1 }],
      }),
    );
    expect(planMigration(v1, draft, 2).definition.tables[0]?.retiredFields).toBeUndefined();
  });
});
