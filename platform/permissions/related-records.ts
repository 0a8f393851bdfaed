// Related records pulled in by `expand`, as the actor may see them: in scope of their own table.
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { tableRef } from '../definitions/column-sql';
import type { RecordJson } from '../records/record-values';
import type { TableContext } from '../records/table-context';
import { presentRecord } from './record-guard';
import { scopeCondition } from './scope-sql';
import type { SpaceAccess } from './space-access';

/**
 * Records with their `_expanded` relations as the actor may see them: the records themselves
 * through `presentRecord`, each related record only when it lies in the actor's read scope of
 * its own table, with that table's hidden fields removed.
 */
export async function presentExpanded(
  db: Db,
  context: TableContext,
  access: SpaceAccess,
  records: readonly RecordJson[],
): Promise<RecordJson[]> {
  const own = access.table(context.table.key);
  if (access.bypass) return [...records];
  const related = new Map<string, { context: TableContext; ids: Set<string> }>();
  const targetOf = (key: string): TableContext | undefined => {
    const field = context.fields.get(key);
    const table =
      field?.type === 'relation'
        ? context.definition.tables.find((t) => t.key === field.table)
        : context.definition.tables.find((t) =>
            t.fields.some(
              (f) => f.type === 'relation' && f.table === context.table.key && f.reverseKey === key,
            ),
          );
    if (!table) return undefined;
    return {
      ...context,
      table,
      fields: new Map(table.fields.map((f) => [f.key, f])),
      ref: tableRef(context.space.schemaName, table.key),
    };
  };
  for (const record of records) {
    for (const [key, value] of Object.entries(expandedOf(record))) {
      const target = related.get(key) ?? { context: targetOf(key)!, ids: new Set<string>() };
      related.set(key, target);
      for (const r of Array.isArray(value) ? value : [value]) {
        if (isObject(r) && typeof r.id === 'string') target.ids.add(r.id);
      }
    }
  }
  const visible = new Map<string, ReadonlySet<string>>();
  for (const [key, { context: target, ids }] of related) {
    const scope = scopeCondition(target, access.table(target.table.key), 'read');
    if (!scope || ids.size === 0) {
      visible.set(key, ids);
      continue;
    }
    const rows = await sql<{
      id: string;
    }>`select id from ${sql.raw(target.ref)} where id = any(${[...ids]}::uuid[]) and ${scope}`.execute(
      db,
    );
    visible.set(key, new Set(rows.rows.map((r) => String(r.id))));
  }
  return records.map((record) => {
    const shown = presentRecord(own, record);
    const expanded = expandedOf(record);
    if (Object.keys(expanded).length === 0) return shown;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(expanded)) {
      const target = related.get(key)!.context;
      const ok = visible.get(key) ?? new Set<string>();
      const targetAccess = access.table(target.table.key);
      const one = (r: unknown) =>
        isObject(r) && typeof r.id === 'string' && ok.has(r.id)
          ? presentRecord(targetAccess, r)
          : null;
      out[key] = Array.isArray(value) ? value.map(one).filter((r) => r !== null) : one(value);
    }
    return { ...shown, _expanded: out };
  });
}

function expandedOf(record: RecordJson): Record<string, unknown> {
  const expanded = record._expanded;
  return isObject(expanded) ? expanded : {};
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
