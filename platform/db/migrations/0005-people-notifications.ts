// People (with the reporting line and attributes assignment uses), space roles, notifications, and
// start arguments on outbox entries (flows start with their definition snapshot).
import { sql, type Kysely, type Migration } from 'kysely';

export const peopleNotifications: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('platform.users')
      .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('manager_id', 'uuid', (c) =>
        c.references('platform.users.id').onDelete('set null'),
      )
      .addColumn('province', 'text')
      .addColumn('city', 'text')
      .addColumn('product_lines', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
      .addColumn('attributes', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
      .addColumn('away', 'boolean', (c) => c.notNull().defaultTo(false))
      .addColumn('on_shift', 'boolean', (c) => c.notNull().defaultTo(true))
      .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();

    await db.schema
      .createTable('platform.space_members')
      .addColumn('space_id', 'uuid', (c) => c.notNull().references('platform.spaces.id'))
      .addColumn('user_id', 'uuid', (c) => c.notNull().references('platform.users.id'))
      .addColumn('roles', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
      .addPrimaryKeyConstraint('space_members_pk', ['space_id', 'user_id'])
      .execute();

    await db.schema
      .createTable('platform.notifications')
      .addColumn('id', 'bigserial', (c) => c.primaryKey())
      .addColumn('space_id', 'uuid', (c) => c.notNull().references('platform.spaces.id'))
      .addColumn('user_id', 'uuid', (c) => c.references('platform.users.id'))
      .addColumn('channel', 'text', (c) =>
        c.notNull().check(sql`channel in ('inapp', 'webhook', 'email')`),
      )
      .addColumn('address', 'text')
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('table_key', 'text')
      .addColumn('record_id', 'uuid')
      .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
      .addColumn('status', 'text', (c) =>
        c
          .notNull()
          .defaultTo('pending')
          .check(sql`status in ('pending', 'sent', 'failed')`),
      )
      .addColumn('error', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('sent_at', 'timestamptz')
      .addColumn('read_at', 'timestamptz')
      .execute();
    await db.schema
      .createIndex('notifications_user')
      .on('platform.notifications')
      .columns(['user_id', 'id'])
      .execute();

    await db.schema
      .alterTable('platform.outbox')
      .addColumn('workflow_args', 'jsonb')
      .addColumn('start', 'boolean', (c) => c.notNull().defaultTo(true))
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema
      .alterTable('platform.outbox')
      .dropColumn('workflow_args')
      .dropColumn('start')
      .execute();
    await db.schema.dropTable('platform.notifications').execute();
    await db.schema.dropTable('platform.space_members').execute();
    await db.schema.dropTable('platform.users').execute();
  },
};
