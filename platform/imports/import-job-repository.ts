// Stores import jobs: creation, progress, the capped error list on the job and every error beside it.
import { sql } from 'kysely';
import type postgres from 'postgres';
import type { LocalizedText } from '../../runtime/localized-text';
import type { Db } from '../db/database';
import { NotFoundError } from '../errors';
import { copyLine, copyLines } from './copy-text';
import type { BatchCounts } from './batch-writer';
import type { RowIssue } from './import-errors';
import type { ImportJobStatus } from './import-jobs-table';

/** Errors kept on the job itself; all of them are in `platform.import_job_errors`. */
export const maxJobErrors = 1000;
/** A queued or running job whose heartbeat is older than this died with its process. */
const heartbeatTimeoutMs = 5 * 60_000;

export interface ImportJob extends BatchCounts {
  readonly id: string;
  readonly space: string;
  readonly table: string;
  readonly status: ImportJobStatus;
  readonly options: unknown;
  readonly fileName: string;
  readonly fileBytes: number;
  readonly bytesRead: number;
  /** Data rows read so far. */
  readonly rows: number;
  /** Share of the file read, 0–1. */
  readonly progress: number;
  readonly errorCount: number;
  readonly errors: RowIssue[];
  readonly failure: LocalizedText | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

export interface Progress extends BatchCounts {
  readonly rows: number;
  readonly bytesRead: number;
  readonly errorCount: number;
}

/** Inserts a queued job; returns its id. */
export async function insertJob(
  db: Db,
  job: {
    spaceId: string;
    tableKey: string;
    options: unknown;
    fileName: string;
    fileBytes: number;
    createdBy: string | null;
  },
): Promise<string> {
  const row = await db
    .insertInto('platform.import_jobs')
    .values({
      space_id: job.spaceId,
      table_key: job.tableKey,
      status: 'queued',
      options: job.options as never,
      file_name: job.fileName,
      file_bytes: job.fileBytes,
      created_by: job.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Records progress and appends new errors (all to the errors table, the first 1,000 on the job). */
export async function saveProgress(
  db: Db,
  client: postgres.Sql,
  id: string,
  progress: Progress,
  newErrors: readonly RowIssue[],
  status?: ImportJobStatus,
  failure?: LocalizedText,
): Promise<void> {
  // Decided before the first await: two loading lanes may report at the same time.
  const kept = Math.max(0, maxJobErrors - (progress.errorCount - newErrors.length));
  const head = JSON.stringify(newErrors.slice(0, kept));
  if (newErrors.length > 0) {
    await copyLines(
      client,
      'copy platform.import_job_errors (job_id, row, column_name, field, code, message_zh, message_en) from stdin',
      newErrors.map((e) =>
        copyLine([id, String(e.row), e.column, e.field, e.code, e.message['zh-CN'], e.message.en]),
      ),
    );
  }
  const finished = status === 'succeeded' || status === 'failed';
  await db
    .updateTable('platform.import_jobs')
    .set({
      rows: progress.rows,
      created: progress.created,
      updated: progress.updated,
      skipped: progress.skipped,
      failed: progress.failed,
      bytes_read: progress.bytesRead,
      error_count: progress.errorCount,
      // Sent as text and cast: postgres.js would serialise a JS array as a PostgreSQL array.
      errors: sql`errors || ${head}::text::jsonb` as never,
      updated_at: sql`now()` as never,
      ...(status ? { status } : {}),
      ...(status === 'running' ? { started_at: sql`now()` as never } : {}),
      ...(finished ? { finished_at: sql`now()` as never } : {}),
      ...(failure ? { failure } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/** Refreshes a waiting job's heartbeat. */
export async function touchJob(db: Db, id: string): Promise<void> {
  await db
    .updateTable('platform.import_jobs')
    .set({ updated_at: sql`now()` as never })
    .where('id', '=', id)
    .execute();
}

/** A job of a table, or a 404-mapped error; a job whose process died is reported as failed. */
export async function getJobOrThrow(
  db: Db,
  spaceId: string,
  tableKey: string,
  id: string,
): Promise<ImportJob> {
  const row = await db
    .selectFrom('platform.import_jobs as j')
    .innerJoin('platform.spaces as s', 's.id', 'j.space_id')
    .selectAll('j')
    .select('s.key as space_key')
    .where('j.id', '=', uuidOrNil(id))
    .where('j.space_id', '=', spaceId)
    .where('j.table_key', '=', tableKey)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('import job', id);
  const stale =
    (row.status === 'queued' || row.status === 'running') &&
    Date.now() - row.updated_at.getTime() > heartbeatTimeoutMs;
  if (stale) {
    const failure = { 'zh-CN': '导入进程已中断', en: 'the process running this import stopped' };
    await db
      .updateTable('platform.import_jobs')
      .set({ status: 'failed', failure, finished_at: new Date() })
      .where('id', '=', row.id)
      .execute();
    return getJobOrThrow(db, spaceId, tableKey, id);
  }
  const fileBytes = Number(row.file_bytes);
  const bytesRead = Number(row.bytes_read);
  return {
    id: row.id,
    space: row.space_key,
    table: row.table_key,
    status: row.status,
    options: row.options,
    fileName: row.file_name,
    fileBytes,
    bytesRead,
    rows: Number(row.rows),
    created: Number(row.created),
    updated: Number(row.updated),
    skipped: Number(row.skipped),
    failed: Number(row.failed),
    progress:
      row.status === 'succeeded' ? 1 : fileBytes > 0 ? Math.min(1, bytesRead / fileBytes) : 0,
    errorCount: Number(row.error_count),
    errors: row.errors as RowIssue[],
    failure: row.failure,
    createdAt: row.created_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

/** Every error of a job in row order, a page at a time (memory stays flat for any count). */
export async function* jobErrors(db: Db, jobId: string): AsyncGenerator<RowIssue> {
  let after = '0';
  for (;;) {
    const page = await db
      .selectFrom('platform.import_job_errors')
      .select(['id', 'row', 'column_name', 'field', 'code', 'message_zh', 'message_en'])
      .where('job_id', '=', jobId)
      .where('id', '>', after)
      .orderBy('id')
      .limit(5000)
      .execute();
    for (const e of page) {
      yield {
        row: Number(e.row),
        column: e.column_name,
        field: e.field,
        code: e.code,
        message: { 'zh-CN': e.message_zh, en: e.message_en },
      };
    }
    if (page.length < 5000) return;
    after = page[page.length - 1]!.id;
  }
}

/** A malformed id finds nothing, like an unknown one. */
function uuidOrNil(id: string): string {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)
    ? id
    : '00000000-0000-0000-0000-000000000000';
}
