// Import jobs: one row per uploaded file with its progress and counts, plus every row error it found.
import { sql, type Kysely, type Migration } from 'kysely';

export const importJobs: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('platform.import_jobs')
      .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn('space_id', 'uuid', (c) => c.notNull().references('platform.spaces.id'))
      .addColumn('table_key', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sql`status in ('queued', 'running', 'succeeded', 'failed')`),
      )
      .addColumn('options', 'jsonb', (c) => c.notNull())
      .addColumn('file_name', 'text', (c) => c.notNull())
      .addColumn('file_bytes', 'bigint', (c) => c.notNull())
      .addColumn('bytes_read', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('rows', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('created', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('updated', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('skipped', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('failed', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('error_count', 'bigint', (c) => c.notNull().defaultTo(0))
      // The first 1,000 row errors, for the progress answer; all of them are in import_job_errors.
      .addColumn('errors', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
      // Why the job as a whole failed (zh-CN + en), when it did.
      .addColumn('failure', 'jsonb')
      .addColumn('created_by', 'uuid')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('started_at', 'timestamptz')
      .addColumn('finished_at', 'timestamptz')
      // Heartbeat: a running job whose process died stops advancing this.
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await db.schema
      .createIndex('import_jobs_space_table')
      .on('platform.import_jobs')
      .columns(['space_id', 'table_key', 'created_at'])
      .execute();

    await db.schema
      .createTable('platform.import_job_errors')
      .addColumn('id', 'bigserial', (c) => c.primaryKey())
      .addColumn('job_id', 'uuid', (c) =>
        c.notNull().references('platform.import_jobs.id').onDelete('cascade'),
      )
      .addColumn('row', 'bigint', (c) => c.notNull())
      .addColumn('column_name', 'text')
      .addColumn('field', 'text')
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('message_zh', 'text', (c) => c.notNull())
      .addColumn('message_en', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('import_job_errors_job')
      .on('platform.import_job_errors')
      .columns(['job_id', 'id'])
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('platform.import_job_errors').execute();
    await db.schema.dropTable('platform.import_jobs').execute();
  },
};
