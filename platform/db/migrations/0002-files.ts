// Attachments: one row per upload; the bytes live once per content hash in the file store.
import { sql, type Kysely, type Migration } from 'kysely';

export const files: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('platform.files')
      .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn('space_id', 'uuid', (c) => c.notNull().references('platform.spaces.id'))
      .addColumn('sha256', 'text', (c) => c.notNull().check(sql`sha256 ~ '^[0-9a-f]{64}$'`))
      .addColumn('size_bytes', 'bigint', (c) => c.notNull().check(sql`size_bytes >= 0`))
      .addColumn('mime_type', 'text', (c) => c.notNull())
      .addColumn('original_name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('created_by', 'uuid')
      .execute();
    // Finds every row that shares a blob, e.g. before purging it.
    await db.schema
      .createIndex('files_space_sha256')
      .on('platform.files')
      .columns(['space_id', 'sha256'])
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('platform.files').execute();
  },
};
