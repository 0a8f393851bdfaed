// Spaces, the transactional outbox and the timeline written by workflow activities.
import { sql, type Kysely, type Migration } from 'kysely';

export const spacesOutboxTimeline: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('platform.spaces')
      .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn('key', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'jsonb', (c) => c.notNull())
      .addColumn('schema_name', 'text', (c) => c.notNull().unique())
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sql`status in ('provisioning', 'active')`),
      )
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('activated_at', 'timestamptz')
      .execute();

    await db.schema
      .createTable('platform.outbox')
      .addColumn('seq', 'bigserial', (c) => c.primaryKey())
      .addColumn('topic', 'text', (c) => c.notNull())
      .addColumn('workflow_type', 'text', (c) => c.notNull())
      .addColumn('workflow_id', 'text', (c) => c.notNull())
      .addColumn('signal_name', 'text', (c) => c.notNull())
      .addColumn('payload', 'jsonb', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('delivered_at', 'timestamptz')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .execute();
    // The relay only ever scans what is still pending.
    await sql`create index outbox_pending on platform.outbox (seq) where delivered_at is null`.execute(
      db,
    );
    // Wake the relay as soon as a writing transaction commits.
    await sql`
      create function platform.outbox_notify() returns trigger language plpgsql as $$
      begin
        perform pg_notify('baton_outbox', new.seq::text);
        return null;
      end $$`.execute(db);
    await sql`
      create trigger outbox_notify after insert on platform.outbox
      for each row execute function platform.outbox_notify()`.execute(db);

    await db.schema
      .createTable('platform.timeline')
      .addColumn('id', 'bigserial', (c) => c.primaryKey())
      .addColumn('space_id', 'uuid', (c) => c.notNull().references('platform.spaces.id'))
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('data', 'jsonb', (c) => c.notNull())
      .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
      .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await db.schema
      .createIndex('timeline_subject')
      .on('platform.timeline')
      .columns(['space_id', 'subject', 'id'])
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('platform.timeline').execute();
    await db.schema.dropTable('platform.outbox').execute();
    await sql`drop function platform.outbox_notify()`.execute(db);
    await db.schema.dropTable('platform.spaces').execute();
  },
};
