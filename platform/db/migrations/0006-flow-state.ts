// What running flows leave on records: handover freezes and tasks with due dates.
import { sql, type Kysely, type Migration } from 'kysely';

export const flowState: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('platform.record_freezes')
      .addColumn('space_id', 'uuid', (c) => c.notNull().references('platform.spaces.id'))
      .addColumn('table_key', 'text', (c) => c.notNull())
      .addColumn('record_id', 'uuid', (c) => c.notNull())
      .addColumn('flow_key', 'text', (c) => c.notNull())
      .addColumn('node', 'text', (c) => c.notNull())
      .addColumn('since', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('record_freezes_pk', [
        'space_id',
        'table_key',
        'record_id',
        'flow_key',
      ])
      .execute();

    await db.schema
      .createTable('platform.tasks')
      .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn('space_id', 'uuid', (c) => c.notNull().references('platform.spaces.id'))
      .addColumn('table_key', 'text', (c) => c.notNull())
      .addColumn('record_id', 'uuid', (c) => c.notNull())
      .addColumn('flow_key', 'text')
      .addColumn('node', 'text')
      .addColumn('assignee', 'text', (c) => c.notNull())
      .addColumn('title', 'jsonb', (c) => c.notNull())
      .addColumn('due_at', 'timestamptz', (c) => c.notNull())
      .addColumn('status', 'text', (c) =>
        c
          .notNull()
          .defaultTo('open')
          .check(sql`status in ('open', 'done', 'cancelled')`),
      )
      .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('completed_at', 'timestamptz')
      .addColumn('completed_by', 'uuid')
      .execute();
    await db.schema
      .createIndex('tasks_record')
      .on('platform.tasks')
      .columns(['space_id', 'table_key', 'record_id'])
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('platform.tasks').execute();
    await db.schema.dropTable('platform.record_freezes').execute();
  },
};
