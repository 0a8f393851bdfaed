// Intake secrets (one current per source, earlier ones valid for a grace period after rotation), and
// behaviour-event idempotency keys scoped to their space instead of the whole installation.
import { sql, type Kysely, type Migration } from 'kysely';

export const intakeSecrets: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('platform.intake_secrets')
      .addColumn('id', 'bigserial', (c) => c.primaryKey())
      .addColumn('space_id', 'uuid', (c) => c.notNull().references('platform.spaces.id'))
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      /** Null while current; set when a newer secret replaced it (it stays valid for a while). */
      .addColumn('rotated_at', 'timestamptz')
      .execute();
    await sql`create unique index intake_secrets_current on platform.intake_secrets (space_id, source) where rotated_at is null`.execute(
      db,
    );
    await sql`create index intake_secrets_source on platform.intake_secrets (space_id, source, created_at)`.execute(
      db,
    );

    // Two spaces may well pick the same event key; only a repeat within one space is a duplicate.
    await sql`alter table platform.behaviour_events drop constraint behaviour_events_idempotency_key_key`.execute(
      db,
    );
    await sql`create unique index behaviour_events_idempotency on platform.behaviour_events (space_id, idempotency_key)`.execute(
      db,
    );
  },

  async down(db: Kysely<unknown>) {
    await sql`drop index platform.behaviour_events_idempotency`.execute(db);
    await sql`alter table platform.behaviour_events add constraint behaviour_events_idempotency_key_key unique (idempotency_key)`.execute(
      db,
    );
    await db.schema.dropTable('platform.intake_secrets').execute();
  },
};
