// Lists records: structured filters, search, sort and keyset (cursor) pagination, compiled to SQL.
import { sql, type RawBuilder } from 'kysely';
import type { FieldDefinition } from '../../runtime/definition/field-schema';
import { storageOf } from '../../runtime/definition/field-storage';
import { quoteIdentifier as q } from '../../runtime/identifiers';
import { filterDepth, type RecordFilter } from '../../runtime/records/record-filter';
import type { Db } from '../db/database';
import { BatonError } from '../errors';
import { sqlTypeName } from '../definitions/column-sql';
import { param, type Row } from './record-repository';
import { rowToRecord, type RecordJson } from './record-values';
import type { TableContext } from './table-context';

export interface ListQuery {
  readonly filter?: RecordFilter;
  /** Free text matched against text-like fields (case-insensitive substring). */
  readonly search?: string;
  /** Sort keys, `-` prefix for descending; `created_at` when absent. Ties break on id. */
  readonly sort?: readonly string[];
  readonly limit: number;
  readonly cursor?: string;
  readonly deleted?: 'exclude' | 'only' | 'include';
  /** Row scope of the caller (platform/permissions), AND-ed into the WHERE. */
  readonly scope?: RawBuilder<unknown>;
  /** Fields search may look at (the caller's readable ones); all text-like fields when absent. */
  readonly searchFields?: readonly string[];
}

export interface ListResult {
  readonly records: RecordJson[];
  readonly nextCursor: string | null;
}

/** A refused query parameter (400) naming what is wrong. */
export class QueryInvalidError extends BatonError {
  constructor(message: string, details?: unknown) {
    super('QUERY_INVALID', 400, message, details);
  }
}

type Column = { readonly name: string; readonly field?: FieldDefinition; readonly storage: string };

const systemColumns: Record<string, string> = {
  id: 'uuid',
  created_at: 'timestamptz',
  updated_at: 'timestamptz',
  created_by: 'uuid',
  updated_by: 'uuid',
  owner: 'uuid',
  stage: 'text',
  version: 'integer',
  deleted_at: 'timestamptz',
};

const searchable = new Set(['text', 'long_text', 'phone', 'email', 'url', 'select', 'auto_number']);

/**
 * Runs a list query. Every field name is checked against the table, every value bound as a parameter.
 * @example await listRecords(db, context, { filter: { field: 'province', op: 'eq', value: '浙江' }, limit: 50 })
 */
export async function listRecords(
  db: Db,
  context: TableContext,
  query: ListQuery,
): Promise<ListResult> {
  const where: RawBuilder<unknown>[] = [];
  const deleted = query.deleted ?? 'exclude';
  if (deleted === 'exclude') where.push(sql`deleted_at is null`);
  if (deleted === 'only') where.push(sql`deleted_at is not null`);
  if (query.scope) where.push(query.scope);
  if (query.filter) {
    if (filterDepth(query.filter) > 4)
      throw new QueryInvalidError('filter nests deeper than 4 levels');
    where.push(compileFilter(context, query.filter));
  }
  if (query.search && query.search.trim() !== '')
    where.push(compileSearch(context, query.search.trim(), query.searchFields));

  const sort = parseSort(context, query.sort ?? ['created_at']);
  const cursor = query.cursor ? decodeCursor(query.cursor, sort.length) : undefined;
  const limit = query.limit + 1;
  const first = sort[0]!;
  let rows: Row[];
  if (!mayBeNull(first.column)) {
    rows = await selectPage(db, context, sort, [...where, ...after(sort, cursor)], limit);
  } else {
    // NULLs sort last. An index on the column serves `desc` (nulls first) but not `desc nulls
    // last`, so the non-null rows and the null rows are read as two index-friendly queries.
    const firstRef = sql.raw(q(first.column.name));
    const inNullPart = cursor !== undefined && cursor[0] === null;
    rows = inNullPart
      ? []
      : await selectPage(
          db,
          context,
          sort,
          [...where, sql`${firstRef} is not null`, ...after(sort, cursor, true)],
          limit,
          true,
        );
    if (rows.length < limit) {
      const nulls = await selectPage(
        db,
        context,
        sort,
        [...where, sql`${firstRef} is null`, ...(inNullPart ? after(sort, cursor) : [])],
        limit - rows.length,
      );
      rows = rows.concat(nulls);
    }
  }
  const more = rows.length > query.limit;
  const page = more ? rows.slice(0, query.limit) : rows;
  const last = page[page.length - 1];
  return {
    records: page.map((r) => rowToRecord(r, context.table.fields)),
    nextCursor:
      more && last
        ? encodeCursor([...sort.map((s, i) => cursorValue(last, s, i)), String(last.id)])
        : null,
  };
}

/**
 * One page in `order by k1, …, id`. Timestamps and dates are also selected as text (`__sort_i`,
 * timestamps with microseconds), so a cursor resumes exactly where the page ended; a JS Date keeps
 * milliseconds only and would repeat or skip rows created within the same millisecond.
 */
async function selectPage(
  db: Db,
  context: TableContext,
  sort: readonly SortKey[],
  where: readonly RawBuilder<unknown>[],
  limit: number,
  firstNotNull = false,
): Promise<Row[]> {
  const order = sql.join([
    ...sort.map((s, i) => {
      const direction = s.desc ? 'desc' : 'asc';
      // Without NULLs in the first key the default NULLS placement matches a plain index scan.
      const nulls = i === 0 && firstNotNull ? '' : ' nulls last';
      return sql`${sql.raw(q(s.column.name))} ${sql.raw(direction + nulls)}`;
    }),
    sql`id asc`,
  ]);
  const exact = sort.flatMap((s, i) => {
    const format = exactText[s.column.storage];
    if (!format) return [];
    const ref = sql.raw(q(s.column.name));
    return [sql`to_char(${format(ref)}) as ${sql.raw(`"__sort_${i}"`)}`];
  });
  const columns = sql.join([sql`*`, ...exact]);
  const condition = where.length > 0 ? sql`where ${sql.join(where, sql` and `)}` : sql``;
  const result =
    await sql<Row>`select ${columns} from ${sql.raw(context.ref)} ${condition} order by ${order} limit ${limit}`.execute(
      db,
    );
  return result.rows;
}

/** to_char arguments rendering a timestamp or date exactly, whatever the session's time zone. */
const exactText: Record<string, (ref: RawBuilder<unknown>) => RawBuilder<unknown>> = {
  timestamptz: (ref) => sql`${ref} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`,
  date: (ref) => sql`${ref}, 'YYYY-MM-DD'`,
};

/** System columns that are never NULL; every other column may be. */
const notNullColumns = new Set(['id', 'version', 'created_at', 'updated_at']);

function mayBeNull(column: Column): boolean {
  return column.field !== undefined || !notNullColumns.has(column.name);
}

function columnOf(context: TableContext, name: string): Column {
  const system = systemColumns[name];
  if (system) return { name, storage: system };
  const field = context.fields.get(name);
  if (!field) {
    throw new QueryInvalidError(`unknown field "${name}" in table "${context.table.key}"`, {
      field: name,
    });
  }
  return { name, field, storage: storageOf(field) };
}

function value(column: Column, raw: unknown): RawBuilder<unknown> {
  if (column.field) {
    const storage = column.storage;
    // Scalars compared against array columns mean "the array holds this element".
    const element = storage.endsWith('[]') ? storage.slice(0, -2) : undefined;
    if (element) return sql`${raw}::${sql.raw(element)}`;
    return param(column.field, raw);
  }
  return sql`${raw}::${sql.raw(column.storage)}`;
}

function compileFilter(context: TableContext, filter: RecordFilter): RawBuilder<unknown> {
  if ('and' in filter)
    return sql`(${sql.join(
      filter.and.map((f) => compileFilter(context, f)),
      sql` and `,
    )})`;
  if ('or' in filter)
    return sql`(${sql.join(
      filter.or.map((f) => compileFilter(context, f)),
      sql` or `,
    )})`;
  if ('not' in filter) return sql`not (${compileFilter(context, filter.not)})`;
  const column = columnOf(context, filter.field);
  const ref = sql.raw(q(column.name));
  const isArray = column.storage.endsWith('[]');
  const needsValue = filter.op !== 'is_null' && filter.op !== 'not_null';
  if (needsValue && (filter.value === undefined || filter.value === null)) {
    throw new QueryInvalidError(`operator "${filter.op}" on "${filter.field}" needs a value`);
  }
  const list = (v: unknown) => {
    if (!Array.isArray(v))
      throw new QueryInvalidError(`operator "${filter.op}" on "${filter.field}" needs a list`);
    return sql.join(v.map((item) => value(column, item)));
  };
  switch (filter.op) {
    case 'is_null':
      return isArray ? sql`(${ref} is null or cardinality(${ref}) = 0)` : sql`${ref} is null`;
    case 'not_null':
      return isArray ? sql`cardinality(${ref}) > 0` : sql`${ref} is not null`;
    case 'eq':
      return isArray
        ? sql`${value(column, filter.value)} = any(${ref})`
        : sql`${ref} = ${value(column, filter.value)}`;
    case 'ne':
      return isArray
        ? sql`not (${value(column, filter.value)} = any(coalesce(${ref}, '{}')))`
        : sql`${ref} is distinct from ${value(column, filter.value)}`;
    case 'in':
      return isArray
        ? sql`${ref} && array[${list(filter.value)}]`
        : sql`${ref} in (${list(filter.value)})`;
    case 'not_in':
      return isArray
        ? sql`not (coalesce(${ref}, '{}') && array[${list(filter.value)}])`
        : sql`(${ref} is null or ${ref} not in (${list(filter.value)}))`;
    case 'contains':
    case 'starts_with': {
      if (column.storage !== 'text')
        throw new QueryInvalidError(
          `"${filter.op}" needs a text field; "${filter.field}" is not one`,
        );
      const text = escapeLike(String(filter.value));
      const pattern = filter.op === 'contains' ? `%${text}%` : `${text}%`;
      return sql`${ref} ilike ${pattern}`;
    }
    default: {
      if (isArray)
        throw new QueryInvalidError(
          `"${filter.op}" does not apply to the list field "${filter.field}"`,
        );
      const op = { lt: '<', lte: '<=', gt: '>', gte: '>=' }[filter.op];
      return sql`${ref} ${sql.raw(op)} ${value(column, filter.value)}`;
    }
  }
}

function compileSearch(
  context: TableContext,
  text: string,
  only?: readonly string[],
): RawBuilder<unknown> {
  const fields = context.table.fields.filter(
    (f) =>
      (only === undefined || only.includes(f.key)) &&
      (searchable.has(f.type) || (f.type === 'computed' && f.resultType === 'text')),
  );
  if (fields.length === 0) return sql`false`;
  const pattern = `%${escapeLike(text.slice(0, 200))}%`;
  return sql`(${sql.join(
    fields.map((f) => sql`${sql.raw(q(f.key))} ilike ${pattern}`),
    sql` or `,
  )})`;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

type SortKey = { readonly column: Column; readonly desc: boolean };

function parseSort(context: TableContext, keys: readonly string[]): SortKey[] {
  if (keys.length > 3) throw new QueryInvalidError('sort takes at most 3 fields');
  return keys.map((key) => {
    const desc = key.startsWith('-');
    const column = columnOf(context, desc ? key.slice(1) : key);
    if (column.storage.endsWith('[]') || column.storage === 'jsonb') {
      throw new QueryInvalidError(`cannot sort by the list or JSON field "${column.name}"`);
    }
    return { column, desc };
  });
}

/**
 * Rows strictly after the cursor position in `order by k1, …, id` with NULLs last, as a chain of
 * OR-ed prefixes (a row comparison cannot mix directions or NULLs). `firstNotNull`: the query
 * already excludes NULLs in the first key, so its step needs no `or … is null` (keeping it an
 * index range condition).
 */
function after(
  sort: readonly SortKey[],
  values: readonly unknown[] | undefined,
  firstNotNull = false,
): RawBuilder<unknown>[] {
  if (values === undefined) return [];
  const id = values[values.length - 1];
  const alternatives: RawBuilder<unknown>[] = [];
  for (let i = 0; i <= sort.length; i++) {
    const equalPrefix = sort.slice(0, i).map((s, j) => equalTo(s, values[j]));
    const step =
      i === sort.length
        ? sql`id > ${id}::uuid`
        : afterValue(sort[i]!, values[i], !(i === 0 && firstNotNull));
    if (step === undefined) continue;
    alternatives.push(sql`(${sql.join([...equalPrefix, step], sql` and `)})`);
  }
  return [sql`(${sql.join(alternatives, sql` or `)})`];
}

function cast(s: SortKey, v: unknown): RawBuilder<unknown> {
  const type = s.column.field ? sqlTypeName(storageOf(s.column.field)) : s.column.storage;
  // Sent as text: postgres.js would turn a timestamptz parameter into a JS Date, dropping the
  // microseconds the cursor carries.
  return sql`${v}::text::${sql.raw(type)}`;
}

function equalTo(s: SortKey, v: unknown): RawBuilder<unknown> {
  const ref = sql.raw(q(s.column.name));
  return v === null ? sql`${ref} is null` : sql`${ref} = ${cast(s, v)}`;
}

/** Rows after value `v` in this key's order; undefined when nothing sorts after (NULL is last). */
function afterValue(s: SortKey, v: unknown, nullsFollow: boolean): RawBuilder<unknown> | undefined {
  const ref = sql.raw(q(s.column.name));
  if (v === null) return undefined;
  const beyond = sql`${ref} ${sql.raw(s.desc ? '<' : '>')} ${cast(s, v)}`;
  return nullsFollow && mayBeNull(s.column) ? sql`(${beyond} or ${ref} is null)` : beyond;
}

/** The cursor's value of sort key `i` from the page's last row (timestamps to the microsecond). */
function cursorValue(row: Row, s: SortKey, i: number): unknown {
  const exact = row[`__sort_${i}`];
  if (typeof exact === 'string') return exact;
  const v = row[s.column.name];
  if (v instanceof Date) return v.toISOString();
  return v ?? null;
}

function encodeCursor(values: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, sortKeys: number): unknown[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(values) &&
      values.length === sortKeys + 1 &&
      typeof values[sortKeys] === 'string'
    )
      return values;
  } catch {
    // fall through to the refusal below
  }
  throw new QueryInvalidError('cursor is malformed or belongs to a different sort');
}
