// Creates a batch of prepared records: COPY into a staging table, unique checks, one insert + audit.
import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import type { BatonError } from '../errors';
import { constraintError } from '../records/record-errors';
import type { RecordJson } from '../records/record-values';
import type { FieldIssue } from '../records/record-validator';
import type { TableContext } from '../records/table-context';
import { columnText, copyLine, copyLines } from './copy-text';
import { text, type RowIssue } from './import-errors';
import { databaseSnapshotKeys, importColumns, snapshotSql } from './import-columns';

/** A row that passed validation and the rule pipeline, ready to store. */
export interface PreparedCreate {
  readonly row: number;
  readonly values: RecordJson;
  /** The record's id, when the rule steps drew it already (dedupe links point at it). */
  readonly id?: string;
  /** The staging COPY line, when the preparation already wrote it (see `stagingLine`). */
  readonly line?: string;
}

export interface WriteResult {
  readonly written: number;
  readonly issues: RowIssue[];
}

const stage = 'pg_temp.baton_import_stage';

/**
 * The timestamp imported rows carry: the transaction's, cut to milliseconds. A batch shares one
 * instant, and list cursors hold timestamps as JavaScript dates (milliseconds): with microseconds
 * the keyset condition `created_at = <cursor>` would never hold and pages would repeat.
 */
export const importClock = "date_trunc('milliseconds', now())";

/** Creates the session's staging table (once per job connection). */
export async function createCreateStage(conn: postgres.Sql, context: TableContext): Promise<void> {
  const columns = importColumns(context).map((c) => `${c.ref} ${c.sqlType}`);
  await conn.unsafe(`drop table if exists ${stage}`);
  await conn.unsafe(
    `create temp table ${stage} (row_no bigint not null, id uuid not null, after jsonb not null, ${columns.join(', ')})`,
  );
}

/**
 * Stores `creates` inside the caller's transaction. Rows that would break a unique field (against
 * live records or earlier rows of the batch) are reported instead of stored; a constraint the
 * checks could not foresee (a concurrent writer) falls back to row-by-row inserts.
 * @example await insertBatch(conn, context, [{ row: 2, values: { name: '张伟' } }], null)
 */
export async function insertBatch(
  conn: postgres.Sql,
  context: TableContext,
  creates: readonly PreparedCreate[],
  actor: string | null,
): Promise<WriteResult> {
  if (creates.length === 0) return { written: 0, issues: [] };
  const columns = importColumns(context);
  await conn.unsafe(`truncate ${stage}`);
  await copyLines(
    conn,
    `copy ${stage} (row_no, id, after, ${columns.map((c) => c.ref).join(', ')}) from stdin`,
    (function* () {
      for (const c of creates) yield c.line ?? stagingLine(context, c.row, c.values, c.id);
    })(),
  );
  const issues = await uniqueConflicts(conn, context);
  if (issues.length > 0) {
    await conn.unsafe(`delete from ${stage} where row_no = any($1::bigint[])`, [
      issues.map((i) => i.row),
    ]);
  }
  await conn.unsafe('savepoint baton_import_batch');
  try {
    const [result] = await conn.unsafe<[{ written: string }]>(insertSql(context, ''), [actor]);
    await conn.unsafe('release savepoint baton_import_batch');
    return { written: Number(result!.written), issues };
  } catch (error) {
    if (!constraintError(context, error)) throw error;
    await conn.unsafe('rollback to savepoint baton_import_batch');
    return rowByRow(conn, context, creates, actor, issues);
  }
}

/**
 * A prepared record as a line of the staging table's COPY. Compact: a batch waiting for its turn
 * to load holds one string per row instead of the values' objects.
 */
export function stagingLine(
  context: TableContext,
  row: number,
  values: RecordJson,
  id: string = randomUUID(),
): string {
  // The record's id is drawn here and its audit snapshot written here, where the values already
  // are JSON: building it in SQL from the stored columns costs the database a third of the insert.
  const exact = databaseSnapshotKeys(context);
  const after: RecordJson = {};
  for (const key of ['owner', 'stage', ...context.table.fields.map((f) => f.key)]) {
    const value = values[key];
    if (value !== null && value !== undefined && !exact.has(key)) after[key] = value;
  }
  return copyLine([
    String(row),
    id,
    JSON.stringify(after),
    ...importColumns(context).map((col) => columnText(col.storage, values[col.key])),
  ]);
}

/** Inserts what the staging table holds (or one row of it) and audits each record in one statement. */
function insertSql(context: TableContext, where: string): string {
  const refs = importColumns(context)
    .map((c) => c.ref)
    .join(', ');
  const space = context.space.id.replaceAll("'", "''");
  const table = context.table.key.replaceAll("'", "''");
  return `
    with ins as (
      insert into ${context.ref} (id, ${refs}, created_by, updated_by, created_at, updated_at)
      select id, ${refs}, $1::uuid, $1::uuid, ${importClock}, ${importClock}
      from ${stage} ${where} order by row_no
      returning *
    ), audit as (
      insert into platform.audit_log (space_id, table_key, record_id, action, field, before, after, actor, source)
      select '${space}'::uuid, '${table}', ins.id, 'create', null, null, s.after || ${snapshotSql(context, 'ins', databaseSnapshotKeys(context))}, $1::uuid, 'import'
      from ins join ${stage} s on s.id = ins.id
      returning 1
    )
    select count(*) as written from audit`;
}

/** Rows whose unique field value is taken by a live record or an earlier row of the batch. */
async function uniqueConflicts(conn: postgres.Sql, context: TableContext): Promise<RowIssue[]> {
  const unique = importColumns(context).filter((c) => c.field?.unique);
  if (unique.length === 0) return [];
  const checks = unique.map(
    (c) => `
      select s.row_no, '${c.key}' as field from ${stage} s
      where s.${c.ref} is not null and (
        exists (select 1 from ${context.ref} t where t.${c.ref} = s.${c.ref} and t.deleted_at is null)
        or exists (select 1 from ${stage} e where e.${c.ref} = s.${c.ref} and e.row_no < s.row_no))`,
  );
  const rows = await conn.unsafe<Array<{ row_no: string; field: string }>>(
    checks.join(' union all '),
  );
  return rows.map((r) => ({
    row: Number(r.row_no),
    column: null,
    field: r.field,
    code: 'NOT_UNIQUE',
    message: text(
      '该值已被其他记录或本文件前面的行使用',
      'another record or an earlier row has this value',
    ),
  }));
}

async function rowByRow(
  conn: postgres.Sql,
  context: TableContext,
  creates: readonly PreparedCreate[],
  actor: string | null,
  issues: RowIssue[],
): Promise<WriteResult> {
  let written = 0;
  const refused = new Set(issues.map((i) => i.row));
  for (const c of creates) {
    if (refused.has(c.row)) continue;
    await conn.unsafe('savepoint baton_import_row');
    try {
      await conn.unsafe(insertSql(context, `where row_no = ${Number(c.row)}`), [actor]);
      await conn.unsafe('release savepoint baton_import_row');
      written++;
    } catch (error) {
      const mapped = constraintError(context, error);
      if (!mapped) throw error;
      await conn.unsafe('rollback to savepoint baton_import_row');
      issues.push(...issuesOf(c.row, mapped));
    }
  }
  return { written, issues };
}

/** A mapped constraint error as row issues. */
export function issuesOf(row: number, error: BatonError): RowIssue[] {
  const details = error.details as { issues?: FieldIssue[] } | undefined;
  return (details?.issues ?? []).map((i) => ({
    row,
    column: null,
    field: i.field,
    code: i.code,
    message: i.message,
  }));
}
