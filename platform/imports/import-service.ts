// Starts import jobs and previews files: checks the file and the mapping up front, then runs in the background.
import { rm } from 'node:fs/promises';
import type { Database } from '../db/database';
import type { Logger } from '../logger';
import type { RecordJson } from '../records/record-values';
import type { TableContext } from '../records/table-context';
import { getJobOrThrow, insertJob, touchJob, type ImportJob } from './import-job-repository';
import { importSlot } from './import-slots';
import { compileMapping, suggestMapping } from './import-mapping';
import type { RowIssue } from './import-errors';
import type { ImportMapping, ImportOptions, PreviewOptions } from './import-options';
import { runImport } from './import-runner';
import { prepareRows, rowIssues } from './row-preparation';
import { openRowSource, type SourceRow } from './row-source';

export interface ImportDeps {
  readonly database: Database;
  readonly logger: Logger;
}

export interface UploadedFile {
  readonly path: string;
  readonly name: string;
  readonly bytes: number;
  /** Delete the file once the job is done with it (a spooled upload). */
  readonly temporary: boolean;
}

export interface StartedImport {
  readonly job: ImportJob;
  /** Settles when the background run has finished (benchmarks and tests may wait for it). */
  readonly done: Promise<void>;
}

/**
 * Reads the file's header, checks the mapping against it and the table (400 naming each problem),
 * stores a queued job and starts it in the background (at most `maxRunningImports` run at once).
 * @example const { job } = await startImport(deps, context, file, options, { actor: null })
 */
export async function startImport(
  deps: ImportDeps,
  context: TableContext,
  file: UploadedFile,
  options: ImportOptions,
  run: { readonly actor: string | null; readonly batchSize?: number },
): Promise<StartedImport> {
  const source = await openRowSource(file.path, options).catch(async (error: unknown) => {
    if (file.temporary) await rm(file.path, { force: true });
    throw error;
  });
  try {
    const mapping = compileMapping(context, source.columns, options.mapping, options.dedupe);
    const jobId = await insertJob(deps.database.db, {
      spaceId: context.space.id,
      tableKey: context.table.key,
      options,
      fileName: file.name,
      fileBytes: file.bytes,
      createdBy: run.actor,
    });
    const job = await getJobOrThrow(deps.database.db, context.space.id, context.table.key, jobId);
    const done = (async () => {
      const release = await importSlot(() => touchJob(deps.database.db, jobId));
      try {
        await runImport(deps, {
          jobId,
          context,
          source,
          mapping,
          options,
          actor: run.actor,
          filePath: file.temporary ? file.path : undefined,
          batchSize: run.batchSize,
        });
      } finally {
        release();
      }
    })();
    return { job, done };
  } catch (error) {
    source.close();
    if (file.temporary) await rm(file.path, { force: true });
    throw error;
  }
}

export interface ImportPreview {
  readonly format: 'csv' | 'xlsx';
  readonly encoding: string | null;
  readonly columns: string[];
  readonly suggestedMapping: ImportMapping;
  /** The mapping the rows below were read with: the one sent, else the suggested one. */
  readonly mapping: ImportMapping;
  readonly rows: Array<{ readonly row: number; readonly values: RecordJson; issues: RowIssue[] }>;
  /** Required fields no column maps to: every row would miss them. */
  readonly unmappedRequired: string[];
}

/**
 * The first `limit` rows of a file as they would be imported, with each row's problems; nothing
 * is written. Dedupe is not applied here.
 * @example await previewImport(database, context, '/tmp/leads.xlsx', { limit: 20, encoding: 'auto', sheet: 1 })
 */
export async function previewImport(
  database: Database,
  context: TableContext,
  path: string,
  options: PreviewOptions,
): Promise<ImportPreview> {
  const source = await openRowSource(path, options);
  try {
    const suggestedMapping = suggestMapping(context, source.columns);
    const mapping = options.mapping ?? suggestedMapping;
    const compiled = compileMapping(context, source.columns, mapping);
    const rows: SourceRow[] = [];
    for await (const row of source.rows) {
      rows.push(row);
      if (rows.length >= options.limit) break;
    }
    const prepared = await prepareRows(database.db, context, compiled, rows, new Date());
    const mapped = new Set(compiled.columns.map((c) => c.field.key));
    return {
      format: source.format,
      encoding: source.encoding,
      columns: [...source.columns],
      suggestedMapping,
      mapping,
      rows: prepared.map((p) => ({
        row: p.row,
        values: p.create?.ok ? p.create.values : p.input,
        issues:
          p.issues.length > 0
            ? p.issues
            : p.create && !p.create.ok
              ? rowIssues(p.row, p.create.issues, compiled)
              : [],
      })),
      unmappedRequired: context.table.fields
        .filter(
          (f) => f.required && !mapped.has(f.key) && !('default' in f && f.default !== undefined),
        )
        .map((f) => f.key),
    };
  } finally {
    source.close();
  }
}
