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

/** Inserts one record; `values` holds designed fields plus optional `owner` and `stage`. */
export async function insertRow(
  tx: Tx,
  context: TableContext,
  values: Row,
  meta: WriteMeta,
): Promise<Row> {
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
  const result =
    await sql<Row>`insert into ${sql.raw(context.ref)} (${sql.join(columns)}) values (${sql.join(params)}) returning *`.execute(
      tx,
    );
  return result.rows[0]!;
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
