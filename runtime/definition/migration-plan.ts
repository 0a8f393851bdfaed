// Computes what publishing a definition changes in storage, as an ordered list of steps.
import type { AppDefinition, RetiredField, TableDefinition } from './definition-schema';
import type { FieldDefinition } from './field-schema';
import { typeChangeOf } from './field-storage';

export type MigrationStep =
  | {
      readonly kind: 'create_table';
      readonly table: string;
      readonly fields: readonly FieldDefinition[];
    }
  | { readonly kind: 'restore_table'; readonly table: string }
  | { readonly kind: 'add_field'; readonly table: string; readonly field: FieldDefinition }
  | { readonly kind: 'restore_field'; readonly table: string; readonly field: FieldDefinition }
  | {
      readonly kind: 'change_type';
      readonly table: string;
      readonly from: FieldDefinition;
      readonly to: FieldDefinition;
      /** `same_storage` changes only the definition; `cast` rewrites the column with USING. */
      readonly change: 'same_storage' | 'cast';
    }
  | {
      readonly kind: 'add_index';
      readonly table: string;
      readonly field: string;
      readonly unique: boolean;
    }
  | {
      readonly kind: 'drop_index';
      readonly table: string;
      readonly field: string;
      readonly unique: boolean;
    }
  | { readonly kind: 'retire_field'; readonly table: string; readonly field: string }
  | { readonly kind: 'retire_table'; readonly table: string };

export interface MigrationPlan {
  readonly steps: readonly MigrationStep[];
  /** The definition to store as the new version, with retired fields and tables recorded. */
  readonly definition: AppDefinition;
}

/**
 * Diffs the published definition against the next one. Nothing is ever dropped: a field or table
 * missing from `next` is retired (its data stays until an explicit purge) and comes back with its
 * data when re-added with the same key.
 * @example planMigration(undefined, draft, 1).steps // [{ kind: 'create_table', table: 'lead', ... }]
 */
export function planMigration(
  previous: AppDefinition | undefined,
  next: AppDefinition,
  nextVersion: number,
): MigrationPlan {
  const creates: MigrationStep[] = [];
  const restores: MigrationStep[] = [];
  const adds: MigrationStep[] = [];
  const relationAdds: MigrationStep[] = [];
  const changes: MigrationStep[] = [];
  const indexDrops: MigrationStep[] = [];
  const indexAdds: MigrationStep[] = [];
  const retires: MigrationStep[] = [];

  const prevTables = new Map((previous?.tables ?? []).map((t) => [t.key, t]));
  const retiredTables = new Map((previous?.retiredTables ?? []).map((r) => [r.table.key, r]));
  const tables: TableDefinition[] = [];

  for (const table of next.tables) {
    const before = prevTables.get(table.key) ?? retiredTables.get(table.key)?.table;
    if (!before) {
      creates.push({
        kind: 'create_table',
        table: table.key,
        fields: table.fields.filter((f) => f.type !== 'relation'),
      });
      for (const field of table.fields.filter((f) => f.type === 'relation')) {
        relationAdds.push({ kind: 'add_field', table: table.key, field });
      }
      for (const { field, unique } of wantedIndexes(table.fields)) {
        indexAdds.push({ kind: 'add_index', table: table.key, field, unique });
      }
      tables.push({ ...withoutRetired(table) });
      continue;
    }
    if (!prevTables.has(table.key)) restores.push({ kind: 'restore_table', table: table.key });

    const active = new Map(before.fields.map((f) => [f.key, f]));
    const retired = new Map((before.retiredFields ?? []).map((r) => [r.field.key, r]));
    for (const field of table.fields) {
      const was = active.get(field.key);
      const wasRetired = retired.get(field.key);
      if (was) {
        const change = typeChangeOf(was, field);
        if (change === 'same_storage' || change === 'cast') {
          changes.push({ kind: 'change_type', table: table.key, from: was, to: field, change });
        }
      } else if (wasRetired) {
        restores.push({ kind: 'restore_field', table: table.key, field });
        const change = typeChangeOf(wasRetired.field, field);
        if (change === 'same_storage' || change === 'cast') {
          changes.push({
            kind: 'change_type',
            table: table.key,
            from: wasRetired.field,
            to: field,
            change,
          });
        }
      } else {
        (field.type === 'relation' ? relationAdds : adds).push({
          kind: 'add_field',
          table: table.key,
          field,
        });
      }
    }

    const nextKeys = new Set(table.fields.map((f) => f.key));
    const nowRetired: RetiredField[] = [
      ...[...retired.values()].filter((r) => !nextKeys.has(r.field.key)),
      ...before.fields
        .filter((f) => !nextKeys.has(f.key))
        .map((field) => ({ field, retiredInVersion: nextVersion })),
    ];
    for (const field of before.fields.filter((f) => !nextKeys.has(f.key))) {
      retires.push({ kind: 'retire_field', table: table.key, field: field.key });
    }

    const oldIndexes = prevTables.has(table.key) ? wantedIndexes(before.fields) : [];
    const newIndexes = wantedIndexes(table.fields);
    const has = (list: typeof newIndexes, i: (typeof newIndexes)[number]) =>
      list.some((x) => x.field === i.field && x.unique === i.unique);
    for (const i of oldIndexes)
      if (!has(newIndexes, i)) indexDrops.push({ kind: 'drop_index', table: table.key, ...i });
    for (const i of newIndexes)
      if (!has(oldIndexes, i)) indexAdds.push({ kind: 'add_index', table: table.key, ...i });

    tables.push(
      nowRetired.length > 0 ? { ...table, retiredFields: nowRetired } : withoutRetired(table),
    );
  }

  const nextTableKeys = new Set(next.tables.map((t) => t.key));
  const stillRetired = [...retiredTables.values()].filter((r) => !nextTableKeys.has(r.table.key));
  for (const table of previous?.tables ?? []) {
    if (nextTableKeys.has(table.key)) continue;
    retires.push({ kind: 'retire_table', table: table.key });
    stillRetired.push({ table, retiredInVersion: nextVersion });
  }

  const rest: AppDefinition = { ...next };
  delete rest.retiredTables;
  return {
    steps: [
      ...creates,
      ...restores,
      ...adds,
      ...relationAdds,
      ...changes,
      ...indexDrops,
      ...indexAdds,
      ...retires,
    ],
    definition: {
      ...rest,
      tables,
      ...(stillRetired.length > 0 ? { retiredTables: stillRetired } : {}),
    },
  };
}

/** Steps that change storage (everything but definition-only bookkeeping). */
export function isStorageStep(step: MigrationStep): boolean {
  return (
    step.kind !== 'retire_field' &&
    step.kind !== 'retire_table' &&
    step.kind !== 'restore_table' &&
    step.kind !== 'restore_field' &&
    !(step.kind === 'change_type' && step.change === 'same_storage')
  );
}

/** Indexes a field list needs: relations and users for joins and scopes, `indexed`, `unique`. */
export function wantedIndexes(
  fields: readonly FieldDefinition[],
): Array<{ field: string; unique: boolean }> {
  const result: Array<{ field: string; unique: boolean }> = [];
  for (const field of fields) {
    if (field.unique) result.push({ field: field.key, unique: true });
    else if (field.indexed || field.type === 'relation' || field.type === 'user') {
      result.push({ field: field.key, unique: false });
    }
  }
  return result;
}

function withoutRetired(table: TableDefinition): TableDefinition {
  const rest: TableDefinition = { ...table };
  delete rest.retiredFields;
  return rest;
}
