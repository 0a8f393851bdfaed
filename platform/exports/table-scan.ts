// Reads a whole table in order through one server-side cursor: linear, whatever the table's size.
import type postgres from 'postgres';
import { storageOf } from '../../runtime/definition/field-storage';
import { quoteIdentifier as q } from '../../runtime/identifiers';
import { QueryInvalidError, type ListQuery } from '../records/record-query';
import type { Row } from '../records/record-repository';
import { rowToRecord, type RecordJson } from '../records/record-values';
import type { TableContext } from '../records/table-context';

/** System columns an export may sort by. */
const sortableSystem = new Set(['id', 'created_at', 'updated_at', 'version', 'stage', 'owner']);

/** Whether a query is a plain scan (no filter, no search), which a cursor serves. */
export function isPlainScan(query: Omit<ListQuery, 'limit' | 'cursor'>): boolean {
  return !query.filter && !(query.search && query.search.trim() !== '');
}

/**
 * Pages of a table's records in `query.sort` order (then id), read through a cursor of `pageSize`
 * rows: one query, no re-scanning per page. The sort is checked like the list API checks it.
 * @example for await (const page of scanTable(sql, context, { sort: ['-created_at'] }, 1000)) …
 */
export function scanTable(
  client: postgres.Sql,
  context: TableContext,
  query: Omit<ListQuery, 'limit' | 'cursor'>,
  pageSize: number,
): AsyncIterator<RecordJson[]> {
  const sort = (query.sort ?? ['created_at']).map((key) => {
    const desc = key.startsWith('-');
    const name = desc ? key.slice(1) : key;
    const field = context.fields.get(name);
    if (!field && !sortableSystem.has(name)) {
      throw new QueryInvalidError(`unknown field "${name}" in table "${context.table.key}"`, {
        field: name,
      });
    }
    if (field && (storageOf(field).endsWith('[]') || storageOf(field) === 'jsonb')) {
      throw new QueryInvalidError(`cannot sort by the list or JSON field "${name}"`);
    }
    return `${q(name)} ${desc ? 'desc' : 'asc'} nulls last`;
  });
  if (sort.length > 3) throw new QueryInvalidError('sort takes at most 3 fields');
  const deleted = query.deleted ?? 'exclude';
  const where =
    deleted === 'exclude'
      ? 'where deleted_at is null'
      : deleted === 'only'
        ? 'where deleted_at is not null'
        : '';
  const cursor = client
    .unsafe<Row[]>(
      `select * from ${context.ref} ${where} order by ${[...sort, 'id asc'].join(', ')}`,
    )
    .cursor(pageSize);
  const rows = cursor[Symbol.asyncIterator]();
  return {
    next: async () => {
      const page = await rows.next();
      return page.done
        ? { done: true, value: undefined }
        : { done: false, value: page.value.map((r) => rowToRecord(r, context.table.fields)) };
    },
    return: async () => {
      await rows.return?.();
      return { done: true, value: undefined };
    },
  };
}
