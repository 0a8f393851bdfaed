// Row types of `platform.import_jobs` and `platform.import_job_errors`, as kysely sees them.
import type { ColumnType, Generated } from 'kysely';
import type { LocalizedText } from '../../runtime/localized-text';

export type ImportJobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

/** bigint columns: postgres.js reads them as strings, kysely writes numbers. */
type Count = ColumnType<string, number | undefined, number>;

export interface ImportJobsTable {
  id: Generated<string>;
  space_id: string;
  table_key: string;
  status: ImportJobStatus;
  options: unknown;
  file_name: string;
  file_bytes: ColumnType<string, number, number>;
  bytes_read: Count;
  rows: Count;
  created: Count;
  updated: Count;
  skipped: Count;
  failed: Count;
  error_count: Count;
  errors: ColumnType<unknown, never, never>;
  failure: LocalizedText | null;
  created_by: string | null;
  created_at: Generated<Date>;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Generated<Date>;
}

export interface ImportJobErrorsTable {
  id: ColumnType<string, never, never>;
  job_id: string;
  row: ColumnType<string, number, never>;
  column_name: string | null;
  field: string | null;
  code: string;
  message_zh: string;
  message_en: string;
}
