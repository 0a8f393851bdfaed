// Differences between two definition versions, as a list a person can read.
import type { AppDefinition, TableDefinition } from './definition-schema';

export type DefinitionChange =
  | { readonly kind: 'table_added' | 'table_removed'; readonly table: string }
  | {
      readonly kind: 'field_added' | 'field_removed';
      readonly table: string;
      readonly field: string;
    }
  | {
      readonly kind: 'field_changed';
      readonly table: string;
      readonly field: string;
      readonly changes: readonly PropertyChange[];
    }
  | {
      readonly kind: 'table_changed';
      readonly table: string;
      readonly changes: readonly PropertyChange[];
    }
  | {
      readonly kind: 'part_changed';
      readonly part: string;
      readonly before: unknown;
      readonly after: unknown;
    };

export interface PropertyChange {
  readonly property: string;
  readonly before: unknown;
  readonly after: unknown;
}

/**
 * Compares two definitions table by table and field by field; other parts (lists, rules, flows…)
 * are compared as wholes.
 * @example diffDefinitions(v1, v2) // [{ kind: 'field_added', table: 'lead', field: 'phone' }]
 */
export function diffDefinitions(before: AppDefinition, after: AppDefinition): DefinitionChange[] {
  const changes: DefinitionChange[] = [];
  const oldTables = new Map(before.tables.map((t) => [t.key, t]));
  const newTables = new Map(after.tables.map((t) => [t.key, t]));
  for (const table of after.tables) {
    const was = oldTables.get(table.key);
    if (!was) changes.push({ kind: 'table_added', table: table.key });
    else changes.push(...diffTable(was, table));
  }
  for (const table of before.tables) {
    if (!newTables.has(table.key)) changes.push({ kind: 'table_removed', table: table.key });
  }
  const parts = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const part of [...parts].sort()) {
    if (part === 'tables' || part === 'retiredTables') continue;
    const a = (before as Record<string, unknown>)[part];
    const b = (after as Record<string, unknown>)[part];
    if (!sameJson(a, b)) changes.push({ kind: 'part_changed', part, before: a, after: b });
  }
  return changes;
}

function diffTable(before: TableDefinition, after: TableDefinition): DefinitionChange[] {
  const changes: DefinitionChange[] = [];
  const tableChanges = propertyChanges(
    { ...before, fields: undefined, retiredFields: undefined },
    { ...after, fields: undefined, retiredFields: undefined },
  );
  if (tableChanges.length > 0)
    changes.push({ kind: 'table_changed', table: after.key, changes: tableChanges });
  const oldFields = new Map(before.fields.map((f) => [f.key, f]));
  const newKeys = new Set(after.fields.map((f) => f.key));
  for (const field of after.fields) {
    const was = oldFields.get(field.key);
    if (!was) {
      changes.push({ kind: 'field_added', table: after.key, field: field.key });
      continue;
    }
    const fieldChanges = propertyChanges(was, field);
    if (fieldChanges.length > 0) {
      changes.push({
        kind: 'field_changed',
        table: after.key,
        field: field.key,
        changes: fieldChanges,
      });
    }
  }
  for (const field of before.fields) {
    if (!newKeys.has(field.key))
      changes.push({ kind: 'field_removed', table: after.key, field: field.key });
  }
  return changes;
}

function propertyChanges(before: object, after: object): PropertyChange[] {
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys
    .filter((k) => !sameJson(a[k], b[k]))
    .map((property) => ({ property, before: a[property], after: b[property] }));
}

/** Structural equality of JSON values, independent of key order. */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}
