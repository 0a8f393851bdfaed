import { describe, expect, it } from 'vitest';
import type { TableDefinition } from '../../runtime/definition/definition-schema';
import { roleSchema, type RoleDefinition } from '../../runtime/permissions/role-schema';
import { tableAccessOf } from './table-access';

const label = { 'zh-CN': '字段', en: 'Field' };
const table = {
  key: 'lead',
  label,
  fields: ['name', 'phone', 'private_phone', 'amount', 'ip'].map((key) => ({
    key,
    type: 'text',
    label,
  })),
  stages: [
    { key: 'open', label },
    { key: 'won', label },
  ],
} as TableDefinition;
const role = (key: string, lead: unknown): RoleDefinition =>
  roleSchema.parse({ key, label, tables: { lead } });

describe('table access merged over roles', () => {
  it('hides what no read list names and writes only what a write list names', () => {
    const access = tableAccessOf(
      table,
      'lead',
      [
        role('rep', {
          read: 'own',
          fields: { read: ['name', 'phone', 'amount'], write: ['name'] },
        }),
      ],
      null,
      false,
    );
    const readable = access.readableAt(null);
    expect(readable.has('phone')).toBe(true);
    expect(readable.has('private_phone')).toBe(false);
    expect(readable.has('owner')).toBe(true);
    expect([...access.writableAt(null)]).toEqual(['name']);
    expect(access.create).toBe(false);
    expect(access.scopes('update')).toEqual([]);
  });

  it('replaces the lists while a record is in an overridden stage', () => {
    const access = tableAccessOf(
      table,
      'lead',
      [
        role('rep', {
          read: 'own',
          fields: { read: '*', write: '*' },
          stages: { won: { write: ['name'] }, open: { read: ['name', 'amount'] } },
        }),
      ],
      null,
      false,
    );
    expect(access.writableAt(null).has('amount')).toBe(true);
    expect([...access.writableAt('won')]).toEqual(['name']);
    expect(access.readableAt('won').has('amount')).toBe(true);
    expect(access.readableAt('open').has('phone')).toBe(false);
    // Only fields readable at every stage may be filtered or sorted on.
    expect(access.alwaysReadable.has('amount')).toBe(true);
    expect(access.alwaysReadable.has('phone')).toBe(false);
  });

  it('adds roles up: any scope, any readable field, any right', () => {
    const access = tableAccessOf(
      table,
      'lead',
      [
        role('rep', { read: 'own', create: true, fields: { read: ['name'] } }),
        role('analyst', {
          read: { cel: 'record.amount != null' },
          export: true,
          fields: { read: ['amount'] },
        }),
      ],
      null,
      false,
    );
    expect(access.scopes('read').map((g) => g.scope)).toEqual([
      'own',
      { cel: 'record.amount != null' },
    ]);
    expect(access.create && access.export && !access.import).toBe(true);
    expect(
      [...access.readableAt(null)].filter((k) => table.fields.some((f) => f.key === k)),
    ).toEqual(['name', 'amount']);
  });

  it('lets a role that reads no row add no readable field to another role', () => {
    const access = tableAccessOf(
      table,
      'lead',
      [
        role('rep', { read: 'own', fields: { read: ['name', 'phone'], write: ['name'] } }),
        // Enters leads only: no read scope, and no field list (which would mean "all").
        role('clerk', { create: true, fields: { write: ['name', 'phone'] } }),
      ],
      null,
      false,
    );
    expect(access.readableAt(null).has('private_phone')).toBe(false);
    expect(access.readableAt(null).has('phone')).toBe(true);
    expect(access.create).toBe(true);
    expect([...access.writableAt(null)].sort()).toEqual(['name', 'phone']);
  });

  it('closes a table no role names', () => {
    const access = tableAccessOf(table, 'lead', [role('rep', {})], null, false);
    expect(access.scopes('read')).toEqual([]);
    const other = tableAccessOf(
      table,
      'lead',
      [roleSchema.parse({ key: 'x', label })],
      null,
      false,
    );
    expect(other.create || other.export || other.import).toBe(false);
  });
});
