// The append-only log of administrative actions, and the signature each intake delivery was signed
// with (a signature seen under another Idempotency-Key is a replay).
import { sql, type Kysely, type Migration } from 'kysely';

export const adminAudit: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('platform.admin_audit')
      .addColumn('id', 'bigserial', (c) => c.primaryKey())
      .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      /** Null when Baton itself acted (first-admin seed, start-up template install). */
      .addColumn('actor_id', 'uuid')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('space_id', 'uuid')
      .addColumn('target', 'text')
      .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
      .execute();
    await db.schema
      .createIndex('admin_audit_action')
      .on('platform.admin_audit')
      .columns(['action', 'id'])
      .execute();
    await sql`
      create function platform.admin_audit_immutable() returns trigger language plpgsql as $$
      begin
        raise exception 'platform.admin_audit is append-only' using errcode = 'insufficient_privilege';
      end $$`.execute(db);
    await sql`
      create trigger admin_audit_immutable before update or delete on platform.admin_audit
      for each row execute function platform.admin_audit_immutable()`.execute(db);
    await sql`
      create trigger admin_audit_no_truncate before truncate on platform.admin_audit
      for each statement execute function platform.admin_audit_immutable()`.execute(db);

    await db.schema
      .alterTable('platform.intake_deliveries')
      .addColumn('signature', 'text')
      .execute();
    await sql`create unique index intake_deliveries_signature on platform.intake_deliveries (space_id, source, signature) where signature is not null`.execute(
      db,
    );
  },

  async down(db: Kysely<unknown>) {
    await sql`drop index platform.intake_deliveries_signature`.execute(db);
    await db.schema.alterTable('platform.intake_deliveries').dropColumn('signature').execute();
    await db.schema.dropTable('platform.admin_audit').execute();
    await sql`drop function platform.admin_audit_immutable()`.execute(db);
  },
};
