// Updates matched records in bulk: changed fields only, version bumped once, one audit row per field.
import type postgres from 'postgres';
import type { ThresholdFiring } from '../../runtime/rules/scorecard';
import { constraintError } from '../records/record-errors';
import type { RecordJson } from '../records/record-values';
import type { TableContext } from '../records/table-context';
import { importClock, issuesOf, type WriteResult } from './bulk-insert';
import { columnText, copyLine, copyLines } from './copy-text';
import { importColumns } from './import-columns';

/** A matched record and what the import changes in it. */
export interface PlannedUpdate {
  /** The file row that last changed it (errors are reported there). */
  readonly row: number;
  readonly id: string;
  readonly before: RecordJson;
  readonly after: RecordJson;
  readonly changed: readonly string[];
  /** Score thresholds the import's rows crossed on the record. */
  readonly firings?: readonly ThresholdFiring[];
}

const stage = 'pg_temp.baton_import_update';

/** Creates the session's update staging table (once per job connection). */
export async function createUpdateStage(conn: postgres.Sql, context: TableContext): Promise<void> {
  const columns = importColumns(context).map((c) => `${c.ref} ${c.sqlType}`);
  await conn.unsafe(`drop table if exists ${stage}`);
  await conn.unsafe(
    `create temp table ${stage} (row_no bigint not null, id uuid not null, changed text[] not null, ${columns.join(', ')})`,
  );
}

/**
 * Writes `updates` inside the caller's transaction (the records are locked by the match query).
 * A unique violation falls back to row-by-row updates so only the offending rows are refused.
 * @example await updateBatch(conn, context, [{ row: 3, id, before, after, changed: ['budget'] }], null)
 */
export async function updateBatch(
  conn: postgres.Sql,
  context: TableContext,
  updates: readonly PlannedUpdate[],
  actor: string | null,
): Promise<WriteResult> {
  if (updates.length === 0) return { written: 0, issues: [] };
  const columns = importColumns(context);
  const touched = new Set(updates.flatMap((u) => u.changed));
  const written = columns.filter((c) => touched.has(c.key));
  await conn.unsafe(`truncate ${stage}`);
  await copyLines(
    conn,
    `copy ${stage} (row_no, id, changed, ${written.map((c) => c.ref).join(', ')}) from stdin`,
    (function* () {
      for (const u of updates) {
        yield copyLine([
          String(u.row),
          u.id,
          columnText('text[]', u.changed),
          ...written.map((c) => columnText(c.storage, u.after[c.key])),
        ]);
      }
    })(),
  );
  await conn.unsafe('savepoint baton_import_update');
  try {
    await conn.unsafe(
      updateSql(
        context,
        written.map((c) => c.ref),
        '',
      ),
      [actor],
    );
    await conn.unsafe('release savepoint baton_import_update');
  } catch (error) {
    if (!constraintError(context, error)) throw error;
    await conn.unsafe('rollback to savepoint baton_import_update');
    return rowByRow(
      conn,
      context,
      updates,
      written.map((c) => c.ref),
      actor,
    );
  }
  await auditUpdates(conn, context, updates, actor);
  return { written: updates.length, issues: [] };
}

function updateSql(context: TableContext, refs: readonly string[], where: string): string {
  const sets = refs.map((ref) => {
    const key = ref.startsWith('"') ? ref.slice(1, -1).replaceAll('""', '"') : ref;
    return `${ref} = case when '${key}' = any(u.changed) then u.${ref} else t.${ref} end`;
  });
  return `
    update ${context.ref} t
    set version = t.version + 1, updated_at = ${importClock}, updated_by = $1::uuid, ${sets.join(', ')}
    from ${stage} u where t.id = u.id ${where}`;
}

async function rowByRow(
  conn: postgres.Sql,
  context: TableContext,
  updates: readonly PlannedUpdate[],
  refs: readonly string[],
  actor: string | null,
): Promise<WriteResult> {
  const done: PlannedUpdate[] = [];
  const issues: WriteResult['issues'] = [];
  for (const u of updates) {
    await conn.unsafe('savepoint baton_import_row');
    try {
      await conn.unsafe(updateSql(context, refs, `and u.row_no = ${Number(u.row)}`), [actor]);
      await conn.unsafe('release savepoint baton_import_row');
      done.push(u);
    } catch (error) {
      const mapped = constraintError(context, error);
      if (!mapped) throw error;
      await conn.unsafe('rollback to savepoint baton_import_row');
      issues.push(...issuesOf(u.row, mapped));
    }
  }
  await auditUpdates(conn, context, done, actor);
  return { written: done.length, issues };
}

/** One `update` audit row per changed field, through COPY. */
async function auditUpdates(
  conn: postgres.Sql,
  context: TableContext,
  updates: readonly PlannedUpdate[],
  actor: string | null,
): Promise<void> {
  await copyLines(
    conn,
    'copy platform.audit_log (space_id, table_key, record_id, action, field, before, after, actor, source) from stdin',
    (function* () {
      for (const u of updates) {
        for (const key of u.changed) {
          yield copyLine([
            context.space.id,
            context.table.key,
            u.id,
            'update',
            key,
            columnText('jsonb', u.before[key]),
            columnText('jsonb', u.after[key]),
            actor,
            'import',
          ]);
        }
      }
    })(),
  );
}
