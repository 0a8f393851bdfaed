// Runs an import job in the background: stream rows, prepare a batch while the previous one loads.
import { rm } from 'node:fs/promises';
import type postgres from 'postgres';
import type { LocalizedText } from '../../runtime/localized-text';
import type { Database } from '../db/database';
import type { Logger } from '../logger';
import { createNeedsDatabaseRules } from '../records/record-service';
import type { TableContext } from '../records/table-context';
import { writeBatch, type BatchOutcome } from './batch-writer';
import { createCreateStage } from './bulk-insert';
import { createUpdateStage } from './bulk-update';
import { text, type RowIssue } from './import-errors';
import { saveProgress, type Progress } from './import-job-repository';
import type { CompiledMapping } from './import-mapping';
import type { ImportOptions } from './import-options';
import { prepareRows, rowIssues, type PreparedRow } from './row-preparation';
import type { RowSource, SourceRow } from './row-source';

export interface ImportRun {
  readonly jobId: string;
  readonly context: TableContext;
  readonly source: RowSource;
  readonly mapping: CompiledMapping;
  readonly options: ImportOptions;
  readonly actor: string | null;
  /** Deleted when the run ends (the spooled upload). */
  readonly filePath?: string;
  /** Rows per batch; each batch is one COPY and, in partial mode, one transaction. */
  readonly batchSize?: number;
}

/**
 * Imports every row of `run.source` and records the outcome on the job; never throws (a failure
 * becomes the job's status). All-or-nothing runs in one transaction that commits only when no
 * row failed; partial commits batch by batch and reports the rows it refused.
 * @example void runImport({ database, logger }, { jobId, context, source, mapping, options, actor: null })
 */
export async function runImport(
  deps: { readonly database: Database; readonly logger: Logger },
  run: ImportRun,
): Promise<void> {
  const { database } = deps;
  const { db } = database;
  const allOrNothing = run.options.mode === 'all_or_nothing';
  const batchSize = run.batchSize ?? 1000;
  const progress: { -readonly [K in keyof Progress]: Progress[K] } = {
    rows: 0,
    created: 0,
    updated: 0,
    skipped: 0,
    failed: 0,
    bytesRead: 0,
    errorCount: 0,
  };
  const now = new Date();
  const onMatch = run.options.dedupe?.onMatch ?? 'create';
  const matching = onMatch !== 'create';
  const databaseRules = createNeedsDatabaseRules(run.context);
  // Partial imports load on two connections at once unless updates must see earlier batches:
  // batches are independent without matching, and skip mode also checks the keys that batches
  // still loading create (planning is kept in file order, so each batch knows the earlier ones).
  const parallel = !allOrNothing && onMatch !== 'update';
  const lanes = await openLanes(database, parallel ? 2 : 1);
  const loadingKeys = new Set<ReadonlySet<string>>();
  let planning: Promise<void> = Promise.resolve();
  try {
    await saveProgress(db, database.sql, run.jobId, progress, [], 'running');
    for (const lane of lanes) {
      await createCreateStage(lane.conn, run.context);
      if (run.options.dedupe?.onMatch === 'update') await createUpdateStage(lane.conn, run.context);
    }
    if (allOrNothing) await lanes[0]!.begin();

    let savedAt = 0;
    const record = async (outcome: BatchOutcome, rowsRead: number) => {
      progress.rows += rowsRead;
      progress.created += outcome.created;
      progress.updated += outcome.updated;
      progress.skipped += outcome.skipped;
      progress.failed += outcome.failed;
      progress.errorCount += outcome.issues.length;
      progress.bytesRead = run.source.bytesRead();
      const issues = [...outcome.issues].sort((a, b) => a.row - b.row);
      // Counts are saved at most once a second (the final save has them all); errors always.
      if (issues.length === 0 && Date.now() - savedAt < 1000) return;
      savedAt = Date.now();
      await saveProgress(db, database.sql, run.jobId, progress, issues);
    };
    const write = async (lane: Lane, prepared: PreparedRow[]) => {
      // All-or-nothing stops writing at the first bad row; later rows are still checked.
      if (allOrNothing && progress.failed > 0) {
        return record(checkOnly(prepared, run.mapping), prepared.length);
      }
      const earlier = planning;
      let planned!: () => void;
      planning = new Promise((resolve) => (planned = resolve));
      let mine: ReadonlySet<string> | undefined;
      try {
        await earlier;
        // Taken before the match query: a batch still listed has not committed, so the query
        // may not see its rows; one already gone committed first, so the query sees them.
        const loading = [...loadingKeys];
        if (!allOrNothing) await lane.begin();
        const outcome = await writeBatch(lane.conn, run.context, run.mapping, prepared, {
          dedupe: run.options.dedupe,
          actor: run.actor,
          now,
          taken: (key) => loading.some((keys) => keys.has(key)),
          // One transaction over every batch cannot hold a lock per key of the whole file.
          locking: allOrNothing ? 'table' : 'keys',
          onPlanned: (keys) => {
            mine = keys;
            loadingKeys.add(keys);
            planned();
          },
        });
        if (!allOrNothing) await lane.commit();
        await record(outcome, prepared.length);
      } finally {
        planned();
        if (mine) loadingKeys.delete(mine);
      }
    };

    let batch: SourceRow[] = [];
    const flush = async () => {
      const prepared = await prepareRows(db, run.context, run.mapping, batch, now, {
        // Rule steps that need the database work on the values; only a plain load keeps lines.
        compact: !matching && !databaseRules,
      });
      batch = [];
      // Not awaited: the next batch is read and prepared while this one loads.
      const lane = await freeLane(lanes);
      lane.busy = write(lane, prepared);
      // A failure is handled where the lane is awaited; until then it must not count as unhandled.
      lane.busy.catch(() => undefined);
    };
    for await (const row of run.source.rows) {
      batch.push(row);
      if (batch.length >= batchSize) await flush();
    }
    if (batch.length > 0) await flush();
    await Promise.all(lanes.map((l) => l.busy));
    progress.bytesRead = run.source.bytesRead();

    if (allOrNothing && progress.failed > 0) {
      await lanes[0]!.rollback();
      const nothing = { created: 0, updated: 0, skipped: progress.rows - progress.failed };
      await finish(
        deps,
        run.jobId,
        { ...progress, ...nothing },
        'failed',
        rowsFailed(progress.failed),
      );
    } else {
      if (allOrNothing) await lanes[0]!.commit();
      await finish(deps, run.jobId, progress, 'succeeded');
    }
  } catch (error) {
    deps.logger.error('import failed', { jobId: run.jobId, error });
    await Promise.all(lanes.map((l) => l.busy.catch(() => undefined)));
    for (const lane of lanes) await lane.rollback().catch(() => undefined);
    const reason = (error as Error)?.message ?? String(error);
    const counts = allOrNothing ? { ...progress, created: 0, updated: 0 } : progress;
    await finish(
      deps,
      run.jobId,
      counts,
      'failed',
      text(`导入出错：${reason}`, `import failed: ${reason}`),
    );
  } finally {
    for (const lane of lanes) await lane.close();
    run.source.close();
    if (run.filePath) await rm(run.filePath, { force: true });
  }
}

/** A reserved connection that loads batches, with the transaction it may have open. */
interface Lane {
  readonly conn: postgres.ReservedSql;
  /** The batch being written on it; settled when the lane is free. */
  busy: Promise<void>;
  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  close(): Promise<void>;
}

async function openLanes(database: Database, count: number): Promise<Lane[]> {
  const lanes: Lane[] = [];
  for (let i = 0; i < count; i++) {
    const conn = await database.sql.reserve();
    // Safe for imports: the job's final status commits synchronously on another connection, and
    // WAL is flushed in order, so a "succeeded" that survives a crash implies every batch did.
    await conn.unsafe('set synchronous_commit = off');
    let open = false;
    lanes.push({
      conn,
      busy: Promise.resolve(),
      begin: async () => {
        await conn.unsafe('begin');
        open = true;
      },
      commit: async () => {
        await conn.unsafe('commit');
        open = false;
      },
      rollback: async () => {
        if (open) await conn.unsafe('rollback');
        open = false;
      },
      close: async () => {
        await conn.unsafe('discard temp').catch(() => undefined);
        await conn.unsafe('reset synchronous_commit').catch(() => undefined);
        conn.release();
      },
    });
  }
  return lanes;
}

/** The first lane to finish its batch (a failed batch rejects here and ends the run). */
async function freeLane(lanes: Lane[]): Promise<Lane> {
  const settled = await Promise.race(lanes.map((lane) => lane.busy.then(() => lane)));
  settled.busy = Promise.resolve();
  return settled;
}

async function finish(
  deps: { readonly database: Database; readonly logger: Logger },
  jobId: string,
  progress: Progress,
  status: 'succeeded' | 'failed',
  failure?: LocalizedText,
): Promise<void> {
  await saveProgress(
    deps.database.db,
    deps.database.sql,
    jobId,
    progress,
    [],
    status,
    failure,
  ).catch((error: unknown) =>
    deps.logger.error('could not record import outcome', { jobId, error }),
  );
}

/** Counts a batch that is only checked, not written (all-or-nothing after a failure). */
function checkOnly(rows: readonly PreparedRow[], mapping: CompiledMapping): BatchOutcome {
  const issues: RowIssue[] = [];
  let failed = 0;
  for (const r of rows) {
    const found =
      r.issues.length > 0
        ? r.issues
        : r.create && !r.create.ok
          ? rowIssues(r.row, r.create.issues, mapping)
          : [];
    if (found.length > 0) failed++;
    issues.push(...found);
  }
  return { created: 0, updated: 0, skipped: rows.length - failed, failed, issues };
}

function rowsFailed(count: number): LocalizedText {
  return text(
    `${count} 行有错误，未写入任何记录`,
    `${count} row(s) have errors; nothing was written`,
  );
}
