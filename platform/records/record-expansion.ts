// Expands relations on read: a many-to-one field into its record, a reverse key into the list pointing back.
import { sql } from 'kysely';
import { quoteIdentifier as q } from '../../runtime/identifiers';
import type { Db } from '../db/database';
import { tableRef } from '../definitions/column-sql';
import type { Row } from './record-repository';
import { rowToRecord, type RecordJson } from './record-values';
import { QueryInvalidError } from './record-query';
import type { TableContext } from './table-context';

/** Records listed per reverse relation, at most. */
const reverseLimit = 100;

/**
 * Adds `_expanded: { <key>: record | record[] }` to each record for every requested key: a relation
 * field of this table, or the `reverseKey` another table's relation declares towards it.
 */
export async function expandRecords(
  db: Db,
  context: TableContext,
  records: RecordJson[],
  keys: readonly string[],
): Promise<RecordJson[]> {
  if (keys.length === 0 || records.length === 0) return records;
  const expanded = records.map(() => ({}) as Record<string, unknown>);
  for (const key of keys) {
    const field = context.fields.get(key);
    if (field?.type === 'relation') {
      const target = context.definition.tables.find((t) => t.key === field.table)!;
      const ids = [
        ...new Set(records.map((r) => r[key]).filter((v): v is string => typeof v === 'string')),
      ];
      const rows =
        ids.length === 0
          ? []
          : (
              await sql<Row>`select * from ${sql.raw(tableRef(context.space.schemaName, target.key))} where id = any(${ids}::uuid[]) and deleted_at is null`.execute(
                db,
              )
            ).rows;
      const byId = new Map(rows.map((r) => [String(r.id), rowToRecord(r, target.fields)]));
      records.forEach(
        (r, i) =>
          (expanded[i]![key] = typeof r[key] === 'string' ? (byId.get(r[key]) ?? null) : null),
      );
      continue;
    }
    const reverse = context.definition.tables.flatMap((t) =>
      t.fields
        .filter(
          (f) => f.type === 'relation' && f.table === context.table.key && f.reverseKey === key,
        )
        .map((f) => ({ table: t, field: f })),
    )[0];
    if (!reverse) {
      throw new QueryInvalidError(
        `"${key}" is neither a relation field of "${context.table.key}" nor a reverse key pointing at it`,
      );
    }
    const ids = records.map((r) => String(r.id));
    const column = sql.raw(q(reverse.field.key));
    const rows = (
      await sql<Row>`
      select * from (
        select *, row_number() over (partition by ${column} order by created_at, id) as _n
        from ${sql.raw(tableRef(context.space.schemaName, reverse.table.key))}
        where ${column} = any(${ids}::uuid[]) and deleted_at is null
      ) ranked where _n <= ${reverseLimit}`.execute(db)
    ).rows;
    const grouped = new Map<string, RecordJson[]>();
    for (const row of rows) {
      const parent = String(row[reverse.field.key]);
      grouped.set(parent, [...(grouped.get(parent) ?? []), rowToRecord(row, reverse.table.fields)]);
    }
    records.forEach((r, i) => (expanded[i]![key] = grouped.get(String(r.id)) ?? []));
  }
  return records.map((r, i) => ({ ...r, _expanded: expanded[i] }));
}
