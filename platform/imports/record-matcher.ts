// Finds live records whose dedupe key fields equal those of a batch of rows, in one query.
import type postgres from 'postgres';
import type { Row } from '../records/record-repository';
import { rowToRecord, type RecordJson } from '../records/record-values';
import type { TableContext } from '../records/table-context';
import { keyColumn } from './import-columns';

/**
 * The text identifying a row's key values, or undefined when one is empty (an empty key never
 * matches). Values are compared in their JSON form, as records are read.
 */
export function matchKey(keys: readonly string[], values: RecordJson): string | undefined {
  const parts: unknown[] = [];
  for (const key of keys) {
    const v = values[key];
    if (v === null || v === undefined || v === '') return undefined;
    parts.push(v);
  }
  return JSON.stringify(parts);
}

/**
 * Live records matching any of `keyValues` (each a list of values in `keys` order), grouped by
 * match key. `lock` takes row locks, so an update decided on these values cannot race another
 * writer; it needs the caller's transaction. An index on the key fields keeps this fast.
 * @example await findMatches(conn, context, ['phone'], [['13800138000']], true)
 */
export async function findMatches(
  conn: postgres.Sql,
  context: TableContext,
  keys: readonly string[],
  keyValues: ReadonlyArray<readonly unknown[]>,
  lock: boolean,
): Promise<Map<string, RecordJson[]>> {
  const found = new Map<string, RecordJson[]>();
  if (keyValues.length === 0) return found;
  const columns = keys.map((k) => keyColumn(context, k));
  const unnest = columns.map((c, i) => `$${i + 1}::${c.sqlType}[]`).join(', ');
  const names = columns.map((_, i) => `k${i}`);
  const on = columns.map((c, i) => `t.${c.ref} = k.${names[i]}`).join(' and ');
  const rows = await conn.unsafe<Row[]>(
    `select t.* from ${context.ref} t
     join (select distinct * from unnest(${unnest}) as k(${names.join(', ')})) k on ${on}
     where t.deleted_at is null
     order by t.created_at, t.id
     ${lock ? 'for update of t' : ''}`,
    columns.map((_, i) => keyValues.map((values) => values[i]) as never),
  );
  for (const row of rows) {
    const record = rowToRecord(row, context.table.fields);
    const key = matchKey(keys, record);
    if (key === undefined) continue;
    const list = found.get(key);
    if (list) list.push(record);
    else found.set(key, [record]);
  }
  return found;
}

/**
 * Ids among `ids` frozen by a pending handover: such a record refuses updates until a verdict,
 * the same rule updateRecord applies (record-flows' `assertNotFrozen`), here for a whole batch.
 */
export async function frozenRecords(
  conn: postgres.Sql,
  context: TableContext,
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await conn.unsafe<Array<{ record_id: string }>>(
    `select record_id from platform.record_freezes
     where space_id = $1 and table_key = $2 and record_id = any($3::uuid[])`,
    [context.space.id, context.table.key, ids as never],
  );
  return new Set(rows.map((r) => r.record_id));
}
