// Login: password hashes, sessions and API tokens (only hashes of their secrets are stored), and the
// platform-administrator flag on users.
import { sql, type Kysely, type Migration } from 'kysely';

export const auth: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('platform.users')
      .addColumn('platform_admin', 'boolean', (c) => c.notNull().defaultTo(false))
      .execute();

    // Apart from platform.users, so `select *` on users never carries a hash.
    await db.schema
      .createTable('platform.user_passwords')
      .addColumn('user_id', 'uuid', (c) =>
        c.primaryKey().references('platform.users.id').onDelete('cascade'),
      )
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();

    await db.schema
      .createTable('platform.sessions')
      .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn('token_hash', 'bytea', (c) => c.notNull().unique())
      .addColumn('csrf_hash', 'bytea', (c) => c.notNull())
      .addColumn('user_id', 'uuid', (c) =>
        c.notNull().references('platform.users.id').onDelete('cascade'),
      )
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
      .addColumn('user_agent', 'text')
      .execute();
    await db.schema
      .createIndex('sessions_user')
      .on('platform.sessions')
      .column('user_id')
      .execute();

    await db.schema
      .createTable('platform.api_tokens')
      .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn('token_hash', 'bytea', (c) => c.notNull().unique())
      /** The first characters of the token, shown in lists so people can tell tokens apart. */
      .addColumn('prefix', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('user_id', 'uuid', (c) =>
        c.notNull().references('platform.users.id').onDelete('cascade'),
      )
      /** Null: every space the user may use; else only this one. */
      .addColumn('space_id', 'uuid', (c) => c.references('platform.spaces.id').onDelete('cascade'))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('expires_at', 'timestamptz')
      .addColumn('last_used_at', 'timestamptz')
      .addColumn('revoked_at', 'timestamptz')
      .execute();
    await db.schema
      .createIndex('api_tokens_user')
      .on('platform.api_tokens')
      .columns(['user_id', 'created_at'])
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('platform.api_tokens').execute();
    await db.schema.dropTable('platform.sessions').execute();
    await db.schema.dropTable('platform.user_passwords').execute();
    await db.schema.alterTable('platform.users').dropColumn('platform_admin').execute();
  },
};
