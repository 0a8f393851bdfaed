// Renders migration steps as SQL statements against a space's schema; every identifier is quoted.
import { quoteIdentifier as q } from '../../runtime/identifiers';
import type { FieldDefinition } from '../../runtime/definition/field-schema';
import { storageOf } from '../../runtime/definition/field-storage';
import type { MigrationStep } from '../../runtime/definition/migration-plan';
import { castExpression, columnType, indexName, sequenceName, tableRef } from './column-sql';
import { ownedCountStatements } from './owned-counts-sql';

/** System columns every designed table carries, before its own fields. */
export const systemColumns = [
  'id uuid primary key default gen_random_uuid()',
  'created_at timestamptz not null default now()',
  'created_by uuid',
  'updated_at timestamptz not null default now()',
  'updated_by uuid',
  'owner uuid',
  'stage text',
  'version integer not null default 1',
  'deleted_at timestamptz',
] as const;

/**
 * The SQL statements of one step; definition-only steps have none.
 * @example renderStep('space_meddev', { kind: 'add_field', table: 'lead', field }) // ['alter table …']
 */
export function renderStep(schema: string, step: MigrationStep): string[] {
  switch (step.kind) {
    case 'create_table': {
      const table = tableRef(schema, step.table);
      const sequences = step.fields
        .filter((f) => f.type === 'auto_number')
        .map((f) => createSequence(schema, step.table, f.key));
      const columns = [
        ...systemColumns,
        ...step.fields.map((f) => columnDefinition(schema, step.table, f)),
      ];
      return [
        ...sequences,
        `create table ${table} (\n  ${columns.join(',\n  ')}\n)`,
        `create index ${q(`${step.table}__created`)} on ${table} (created_at, id)`,
        `create index ${q(`${step.table}__owner`)} on ${table} (owner) where deleted_at is null`,
        `create index ${q(`${step.table}__stage`)} on ${table} (stage) where deleted_at is null`,
        ...ownedCountStatements(schema, step.table),
      ];
    }
    case 'add_field': {
      const pre =
        step.field.type === 'auto_number'
          ? [createSequence(schema, step.table, step.field.key)]
          : [];
      return [
        ...pre,
        `alter table ${tableRef(schema, step.table)} add column ${columnDefinition(schema, step.table, step.field)}`,
      ];
    }
    case 'change_type': {
      if (step.change === 'same_storage') return [];
      const from = storageOf(step.from);
      const to = storageOf(step.to);
      return [
        `alter table ${tableRef(schema, step.table)} alter column ${q(step.to.key)} type ${columnType(step.to)} using ${castExpression(step.to.key, from, to)}`,
      ];
    }
    case 'add_index': {
      const name = q(indexName(step.table, step.field, step.unique));
      const unique = step.unique ? 'unique ' : '';
      return [
        `create ${unique}index if not exists ${name} on ${tableRef(schema, step.table)} (${q(step.field)}) where deleted_at is null`,
      ];
    }
    case 'drop_index':
      return [
        `drop index if exists ${q(schema)}.${q(indexName(step.table, step.field, step.unique))}`,
      ];
    case 'restore_table':
    case 'restore_field':
    case 'retire_field':
    case 'retire_table':
      return [];
  }
}

function columnDefinition(schema: string, table: string, field: FieldDefinition): string {
  const name = q(field.key);
  if (field.type === 'relation') {
    const onDelete = field.onDelete === 'set_null' ? 'set null' : 'restrict';
    return `${name} uuid references ${tableRef(schema, field.table)} (id) on delete ${onDelete}`;
  }
  if (field.type === 'auto_number') {
    const seq = `${q(schema)}.${q(sequenceName(table, field.key))}`;
    const prefix = (field.prefix ?? '').replaceAll("'", "''");
    const padding = field.padding ?? 6;
    return `${name} text not null default ('${prefix}' || lpad(nextval('${seq.replaceAll("'", "''")}')::text, ${padding}, '0'))`;
  }
  return `${name} ${columnType(field)}`;
}

function createSequence(schema: string, table: string, field: string): string {
  return `create sequence if not exists ${q(schema)}.${q(sequenceName(table, field))}`;
}
