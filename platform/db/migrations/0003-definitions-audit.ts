// Definition drafts and immutable versions per space, and the append-only record audit log.
import { sql, type Kysely, type Migration } from 'kysely';

export const definitionsAudit: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('platform.definition_versions')
      .addColumn('space_id', 'uuid', (c) => c.notNull().references('platform.spaces.id'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('definition', 'jsonb', (c) => c.notNull())
      .addColumn('plan', 'jsonb', (c) => c.notNull())
      .addColumn('published_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('published_by', 'uuid')
      .addPrimaryKeyConstraint('definition_versions_pk', ['space_id', 'version'])
      .execute();

    await db.schema
      .createTable('platform.definition_drafts')
      .addColumn('space_id', 'uuid', (c) => c.primaryKey().references('platform.spaces.id'))
      .addColumn('definition', 'jsonb', (c) => c.notNull())
      .addColumn('based_on_version', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('updated_by', 'uuid')
      .execute();

    await db.schema
      .createTable('platform.audit_log')
      .addColumn('id', 'bigserial', (c) => c.primaryKey())
      .addColumn('space_id', 'uuid', (c) => c.notNull())
      .addColumn('table_key', 'text', (c) => c.notNull())
      .addColumn('record_id', 'uuid', (c) => c.notNull())
      .addColumn('action', 'text', (c) =>
        c.notNull().check(sql`action in ('create', 'update', 'delete', 'restore')`),
      )
      .addColumn('field', 'text')
      .addColumn('before', 'jsonb')
      .addColumn('after', 'jsonb')
      .addColumn('actor', 'uuid')
      .addColumn('source', 'text', (c) =>
        c.notNull().check(sql`source in ('api', 'form', 'import', 'flow', 'intake', 'rule')`),
      )
      .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await db.schema
      .createIndex('audit_log_record')
      .on('platform.audit_log')
      .columns(['space_id', 'table_key', 'record_id', 'id'])
      .execute();
    // Append-only: no path through the database may rewrite history.
    await sql`
      create function platform.audit_log_immutable() returns trigger language plpgsql as $$
      begin
        raise exception 'platform.audit_log is append-only' using errcode = 'insufficient_privilege';
      end $$`.execute(db);
    await sql`
      create trigger audit_log_immutable before update or delete on platform.audit_log
      for each row execute function platform.audit_log_immutable()`.execute(db);
    await sql`
      create trigger audit_log_no_truncate before truncate on platform.audit_log
      for each statement execute function platform.audit_log_immutable()`.execute(db);
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('platform.audit_log').execute();
    await sql`drop function platform.audit_log_immutable()`.execute(db);
    await db.schema.dropTable('platform.definition_drafts').execute();
    await db.schema.dropTable('platform.definition_versions').execute();
  },
};
