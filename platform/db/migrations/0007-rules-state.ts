// State the rule pipeline keeps: dedupe keys per record, assignment rotation, behaviour events, and
// intake deliveries answered once per idempotency key.
import { sql, type Kysely, type Migration } from 'kysely';

export const rulesState: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('platform.dedupe_keys')
      .addColumn('space_id', 'uuid', (c) => c.notNull())
      .addColumn('table_key', 'text', (c) => c.notNull())
      .addColumn('rule_key', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('record_id', 'uuid', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await sql`create index dedupe_keys_lookup on platform.dedupe_keys (space_id, table_key, rule_key, key, created_at)`.execute(
      db,
    );

    await db.schema
      .createTable('platform.assignment_state')
      .addColumn('space_id', 'uuid', (c) => c.notNull())
      .addColumn('rule_key', 'text', (c) => c.notNull())
      .addColumn('user_id', 'uuid', (c) => c.notNull())
      .addColumn('last_assigned_at', 'timestamptz')
      .addColumn('assigned_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('assignment_state_pk', ['space_id', 'rule_key', 'user_id'])
      .execute();

    await db.schema
      .createTable('platform.behaviour_events')
      .addColumn('id', 'bigserial', (c) => c.primaryKey())
      .addColumn('space_id', 'uuid', (c) => c.notNull())
      .addColumn('table_key', 'text', (c) => c.notNull())
      .addColumn('record_id', 'uuid', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('at', 'timestamptz', (c) => c.notNull())
      .addColumn('payload', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
      .addColumn('idempotency_key', 'text', (c) => c.unique())
      .execute();
    await sql`create index behaviour_events_record on platform.behaviour_events (space_id, table_key, record_id, at)`.execute(
      db,
    );

    await db.schema
      .createTable('platform.intake_deliveries')
      .addColumn('space_id', 'uuid', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('idempotency_key', 'text', (c) => c.notNull())
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('response', 'jsonb', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('intake_deliveries_pk', ['space_id', 'source', 'idempotency_key'])
      .execute();
  },

  async down(db: Kysely<unknown>) {
    for (const table of [
      'intake_deliveries',
      'behaviour_events',
      'assignment_state',
      'dedupe_keys',
    ]) {
      await db.schema.dropTable(`platform.${table}`).execute();
    }
  },
};
