// SQL for one designed table's records; every identifier is quoted, every value a parameter.
import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { FieldDefinition } from '../../runtime/definition/field-schema';
import { storageOf } from '../../runtime/definition/field-storage';
import { quoteIdentifier as q } from '../../runtime/identifiers';
import type { Db } from '../db/database';
import type { AuditAction, AuditSource, PlatformDatabase } from '../db/schema';
import { columnType } from '../definitions/column-sql';
import type { TableContext } from './table-context';

export type Tx = Transaction<PlatformDatabase>;
export type Row = Record<string, unknown>;

/** A value as a typed SQL parameter (explicit casts keep arrays and JSON unambiguous). */
export function param(field: FieldDefinition, value: unknown): RawBuilder<unknown> {
  if (value === null || value === undefined) return sql`null`;
  if (storageOf(field) === 'jsonb') return jsonParam(value);
  return sql`${value}::${sql.raw(columnType(field))}`;
}

/**
 * A JSON value as a jsonb parameter. Sent as text and cast in SQL, so postgres.js neither guesses a
 * type from the JS value (a bare `true` would go out as boolean) nor serialises it twice.
 */
export function jsonParam(value: unknown): RawBuilder<unknown> {
  return value === null || value === undefined
    ? sql`null`
    : sql`${JSON.stringify(value)}::text::jsonb`;
}

export interface WriteMeta {
  readonly actor: string | null;
  readonly source: AuditSource;
}

/** The new record's id inside `insertRowWithAudit`'s statement, for the steps it runs along. */
export const insertedId = sql`(select id from inserted)`;

/**
 * Inserts one record and its `create` audit row in a single statement, so a create that needs
 * nothing else is one atomic round trip. `values` holds designed fields plus optional `owner` and
 * `stage`. The audit row keeps the stored record's non-empty designed values, rendered by
 * `createSnapshotSql` exactly as the records API returns them. `along` are further
 * data-modifying statements run in the same statement (the rules' bookkeeping), which may name
 * the new id as `insertedId`.
 */
export async function insertRowWithAudit(
  executor: Db | Tx,
  context: TableContext,
  values: Row,
  meta: WriteMeta,
  along: readonly RawBuilder<unknown>[] = [],
): Promise<Row> {
  const { columns, params } = insertColumns(context, values, meta);
  const steps = along.map((step, i) => sql`, along_${sql.raw(String(i))} as (${step})`);
  const result = await sql<Row>`
    with inserted as (
      insert into ${sql.raw(context.ref)} (${sql.join(columns)}) values (${sql.join(params)})
      returning *
    ), audit as (
      insert into platform.audit_log (space_id, table_key, record_id, action, after, actor, source)
      select ${context.space.id}::uuid, ${context.table.key}::text, inserted.id, 'create',
        ${sql.raw(createSnapshotSql(context))}, ${meta.actor}::uuid, ${meta.source}::text
      from inserted
    )${sql.join(steps, sql``)}
    select * from inserted`.execute(executor);
  return result.rows[0]!;
}

const snapshotSql = new WeakMap<TableContext, string>();

/**
 * SQL over the row `inserted` building the audit snapshot of a created record: owner, stage and
 * every designed field that is not null, as JSON of the same shape `rowToRecord` gives (numbers,
 * ISO timestamps in UTC with milliseconds, YYYY-MM-DD dates). jsonb_build_object takes at most
 * 100 arguments, so wide tables are built in chunks joined with `||`.
 */
function createSnapshotSql(context: TableContext): string {
  const cached = snapshotSql.get(context);
  if (cached) return cached;
  const pairs = [
    `'owner', to_jsonb(inserted.owner)`,
    `'stage', to_jsonb(inserted.stage)`,
    ...context.table.fields.map((f) => `${literal(f.key)}, ${jsonOfColumn(f)}`),
  ];
  const chunks: string[] = [];
  for (let i = 0; i < pairs.length; i += 50) {
    chunks.push(`jsonb_build_object(${pairs.slice(i, i + 50).join(', ')})`);
  }
  const built = `(select coalesce(jsonb_object_agg(e.key, e.value), '{}'::jsonb)
    from jsonb_each(${chunks.join(' || ')}) e where e.value <> 'null'::jsonb)`;
  snapshotSql.set(context, built);
  return built;
}

function jsonOfColumn(field: FieldDefinition): string {
  const column = `inserted.${q(field.key)}`;
  switch (storageOf(field)) {
    case 'timestamptz':
      return `to_jsonb(to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;
    case 'date':
      return `to_jsonb(to_char(${column}, 'YYYY-MM-DD'))`;
    default:
      return `to_jsonb(${column})`;
  }
}

/** A field key as an SQL string literal; keys are validated identifiers, quoting is belt and braces. */
function literal(key: string): string {
  return `'${key.replaceAll("'", "''")}'`;
}

function insertColumns(
  context: TableContext,
  values: Row,
  meta: WriteMeta,
): { columns: RawBuilder<unknown>[]; params: RawBuilder<unknown>[] } {
  const columns: RawBuilder<unknown>[] = [sql.raw('created_by'), sql.raw('updated_by')];
  const params: RawBuilder<unknown>[] = [sql`${meta.actor}::uuid`, sql`${meta.actor}::uuid`];
  for (const [key, value] of Object.entries(values)) {
    if (key === 'owner') {
      columns.push(sql.raw('owner'));
      params.push(sql`${value ?? null}::uuid`);
    } else if (key === 'stage') {
      columns.push(sql.raw('stage'));
      params.push(sql`${value ?? null}::text`);
    } else {
      const field = context.fields.get(key);
      if (!field) continue;
      columns.push(sql.raw(q(key)));
      params.push(param(field, value));
    }
  }
  return { columns, params };
}

/** Locks and returns a record (deleted ones included), or undefined. */
export async function lockRow(tx: Tx, context: TableContext, id: string): Promise<Row | undefined> {
  const result =
    await sql<Row>`select * from ${sql.raw(context.ref)} where id = ${id}::uuid for update`.execute(
      tx,
    );
  return result.rows[0];
}

/** Writes changed columns and bumps the version. */
export async function updateRow(
  tx: Tx,
  context: TableContext,
  id: string,
  changes: Row,
  meta: WriteMeta,
): Promise<Row> {
  const sets: RawBuilder<unknown>[] = [
    sql`version = version + 1`,
    sql`updated_at = now()`,
    sql`updated_by = ${meta.actor}::uuid`,
  ];
  for (const [key, value] of Object.entries(changes)) {
    if (key === 'owner') sets.push(sql`owner = ${value ?? null}::uuid`);
    else if (key === 'stage') sets.push(sql`stage = ${value ?? null}::text`);
    else {
      const field = context.fields.get(key);
      if (field) sets.push(sql`${sql.raw(q(key))} = ${param(field, value)}`);
    }
  }
  const result =
    await sql<Row>`update ${sql.raw(context.ref)} set ${sql.join(sets)} where id = ${id}::uuid returning *`.execute(
      tx,
    );
  return result.rows[0]!;
}

/** Sets or clears `deleted_at`. */
export async function setDeleted(
  tx: Tx,
  context: TableContext,
  id: string,
  deleted: boolean,
  meta: WriteMeta,
): Promise<Row> {
  const result = await sql<Row>`
    update ${sql.raw(context.ref)}
    set deleted_at = ${deleted ? sql`now()` : sql`null`}, version = version + 1, updated_at = now(), updated_by = ${meta.actor}::uuid
    where id = ${id}::uuid returning *`.execute(tx);
  return result.rows[0]!;
}

/** Reads one record, or undefined. */
export async function readRow(
  db: Db | Tx,
  context: TableContext,
  id: string,
): Promise<Row | undefined> {
  const result =
    await sql<Row>`select * from ${sql.raw(context.ref)} where id = ${id}::uuid`.execute(db);
  return result.rows[0];
}

export interface AuditEntry {
  readonly recordId: string;
  readonly action: AuditAction;
  readonly field: string | null;
  readonly before: unknown;
  readonly after: unknown;
}

/** Appends audit rows in one statement. */
export async function appendAudit(
  tx: Tx,
  context: TableContext,
  entries: readonly AuditEntry[],
  meta: WriteMeta,
): Promise<void> {
  if (entries.length === 0) return;
  await tx
    .insertInto('platform.audit_log')
    .values(
      entries.map((e) => ({
        space_id: context.space.id,
        table_key: context.table.key,
        record_id: e.recordId,
        action: e.action,
        field: e.field,
        before: jsonParam(e.before),
        after: jsonParam(e.after),
        actor: meta.actor,
        source: meta.source,
      })),
    )
    .execute();
}
