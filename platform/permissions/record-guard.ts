// The enforcement point for records: scoped reads, field stripping, write checks, scoped list queries.
import { sql } from 'kysely';
import type { ScopedAction } from '../../runtime/permissions/role-schema';
import type { RecordFilter } from '../../runtime/records/record-filter';
import type { Db } from '../db/database';
import { NotFoundError } from '../errors';
import type { ListQuery } from '../records/record-query';
import type { Row, Tx } from '../records/record-repository';
import { rowToRecord, type RecordJson } from '../records/record-values';
import type { TableContext } from '../records/table-context';
import { FieldNotReadableError, FieldsNotWritableError, ForbiddenError } from './permission-errors';
import { scopeCondition } from './scope-sql';
import type { SpaceAccess } from './space-access';
import type { TableAccess } from './table-access';

/**
 * A record as the actor may see it: fields hidden from them at the record's stage are removed
 * (not nulled, so nothing tells a hidden value from an empty one).
 * @example presentRecord(access, record)
 */
export function presentRecord(access: TableAccess, record: RecordJson): RecordJson {
  if (access.bypass) return record;
  const readable = access.readableAt(stageOf(record));
  const shown: RecordJson = {};
  for (const [key, value] of Object.entries(record)) if (readable.has(key)) shown[key] = value;
  return shown;
}

/** Reads a record within the actor's read scope; outside it the record does not exist (404). */
export async function readRecordAs(
  db: Db,
  context: TableContext,
  access: TableAccess,
  id: string,
  includeDeleted = false,
): Promise<RecordJson> {
  const scope = scopeCondition(context, access, 'read');
  const result = await sql<Row>`select * from ${sql.raw(context.ref)} where id = ${id}::uuid${
    scope ? sql` and ${scope}` : sql``
  }`.execute(db);
  const row = result.rows[0];
  if (!row || (!includeDeleted && row.deleted_at !== null)) throw new NotFoundError('record', id);
  return rowToRecord(row, context.table.fields);
}

/** Whether record `id` lies in the actor's scope for `action` (inside `tx` when given). */
export async function inScope(
  db: Db | Tx,
  context: TableContext,
  access: TableAccess,
  action: ScopedAction,
  id: string,
): Promise<boolean> {
  const scope = scopeCondition(context, access, action);
  if (!scope) return true;
  const result = await sql<{
    hit: number;
  }>`select 1 as hit from ${sql.raw(context.ref)} where id = ${id}::uuid and ${scope}`.execute(db);
  return result.rows.length > 0;
}

/** Refuses a create the actor has no right to, or one writing fields they may not write. */
export function assertCanCreate(access: TableAccess, input: unknown): void {
  if (access.bypass) return;
  if (!access.create) throw new ForbiddenError('create', `records of table "${access.key}"`);
  const values = isObject(input) ? input : {};
  assertWritable(
    access,
    Object.keys(values),
    typeof values.stage === 'string' ? values.stage : null,
  );
}

/** Refuses writing any key the actor may not write at `stage` (403 naming every such field). */
export function assertWritable(
  access: TableAccess,
  keys: readonly string[],
  stage: string | null,
): void {
  if (access.bypass) return;
  const writable = access.writableAt(stage);
  const refused = keys.filter((k) => k !== 'version' && !writable.has(k));
  if (refused.length > 0) throw new FieldsNotWritableError(refused);
}

/**
 * The in-transaction check of an update, delete or restore, run on the locked row: outside the
 * read scope the record does not exist (404); readable but outside the action's scope is 403;
 * `patchKeys` must be writable at the record's current stage (and at the stage it moves to).
 */
export function writeGuard(
  context: TableContext,
  access: TableAccess,
  action: 'update' | 'delete',
  patch?: RecordJson,
): ((tx: Tx, current: RecordJson) => Promise<void>) | undefined {
  if (access.bypass) return undefined;
  return async (tx, current) => {
    const id = String(current.id);
    if (!(await inScope(tx, context, access, 'read', id))) throw new NotFoundError('record', id);
    if (!(await inScope(tx, context, access, action, id))) {
      throw new ForbiddenError(action, `record ${id}`, { record: id });
    }
    if (patch) {
      const keys = Object.keys(patch);
      assertWritable(access, keys, stageOf(current));
      if (typeof patch.stage === 'string' && patch.stage !== current.stage) {
        assertWritable(
          access,
          keys.filter((k) => k !== 'stage'),
          patch.stage,
        );
      }
    }
  };
}

/**
 * A list query limited to the actor's rows: the read scope joins the WHERE, a filter or sort on a
 * field that is hidden at any stage is refused (403), and search only looks at readable fields.
 */
export function scopedListQuery<Q extends Omit<ListQuery, 'limit'>>(
  context: TableContext,
  access: TableAccess,
  query: Q,
): Q {
  if (access.bypass) return query;
  const readable = access.alwaysReadable;
  if (query.filter) {
    for (const field of filterFields(query.filter)) {
      if (!readable.has(field) && (context.fields.has(field) || field === 'owner'))
        throw new FieldNotReadableError(field, 'filter');
    }
  }
  for (const key of query.sort ?? []) {
    const field = key.startsWith('-') ? key.slice(1) : key;
    if (!readable.has(field) && context.fields.has(field))
      throw new FieldNotReadableError(field, 'sort');
  }
  return {
    ...query,
    scope: scopeCondition(context, access, 'read') ?? undefined,
    searchFields: [...readable].filter((k) => context.fields.has(k)),
  };
}

/** Refuses expanding a relation field the actor cannot read. */
export function assertExpandable(access: TableAccess, fields: readonly string[]): void {
  if (access.bypass) return;
  const readable = access.alwaysReadable;
  for (const f of fields) if (!readable.has(f)) throw new FieldNotReadableError(f, 'expand');
}

export interface HistoryLike {
  readonly field: string | null;
  readonly before: unknown;
  readonly after: unknown;
}

/** Audit entries without the fields hidden from the actor (at the record's current stage). */
export function presentHistory<E extends HistoryLike>(
  access: TableAccess,
  record: RecordJson,
  entries: readonly E[],
): E[] {
  if (access.bypass) return [...entries];
  const readable = access.readableAt(stageOf(record));
  return entries
    .filter((e) => e.field === null || readable.has(e.field))
    .map((e) =>
      e.field === null
        ? { ...e, before: strip(e.before, readable), after: strip(e.after, readable) }
        : e,
    );
}

/** Timeline data without keys naming fields hidden from the actor. */
export function presentTimeline<E extends { readonly data: unknown }>(
  context: TableContext,
  access: TableAccess,
  record: RecordJson,
  entries: readonly E[],
): E[] {
  if (access.bypass) return [...entries];
  const readable = access.readableAt(stageOf(record));
  const hidden = new Set(context.table.fields.map((f) => f.key).filter((k) => !readable.has(k)));
  return entries.map((e) => ({ ...e, data: stripDeep(e.data, hidden, 0) }));
}

function strip(value: unknown, readable: ReadonlySet<string>): unknown {
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => readable.has(k)));
}

function stripDeep(value: unknown, hidden: ReadonlySet<string>, depth: number): unknown {
  if (depth > 6) return value;
  if (Array.isArray(value)) return value.map((v) => stripDeep(v, hidden, depth + 1));
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !hidden.has(k))
      .map(([k, v]) => [k, stripDeep(v, hidden, depth + 1)]),
  );
}

function filterFields(filter: RecordFilter): string[] {
  if ('and' in filter) return filter.and.flatMap(filterFields);
  if ('or' in filter) return filter.or.flatMap(filterFields);
  if ('not' in filter) return filterFields(filter.not);
  return [filter.field];
}

function stageOf(record: RecordJson): string | null {
  return typeof record.stage === 'string' ? record.stage : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Refuses acting on record `id` outside the actor's scopes: 404 when they cannot read it, 403 when
 * they can read it but not perform `action` (a handover verdict or task completion is an update).
 */
export async function assertRecordAction(
  db: Db,
  context: TableContext,
  access: TableAccess,
  action: ScopedAction,
  id: string,
): Promise<void> {
  if (access.bypass) return;
  if (!(await inScope(db, context, access, 'read', id))) throw new NotFoundError('record', id);
  if (action !== 'read' && !(await inScope(db, context, access, action, id))) {
    throw new ForbiddenError(action, `record ${id}`, { record: id });
  }
}

/** Refuses what only administrators (or Baton itself) may do in a space. */
export function assertAdmin(access: SpaceAccess, what: string): void {
  if (!access.bypass || access.viewAs !== null) throw new ForbiddenError('manage', what);
}
