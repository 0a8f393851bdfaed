// How many live records each user owns per stage, per designed table, kept by statement triggers
// on the tables themselves: an assignment's capacity check reads a handful of counter rows instead
// of counting a rep's records (30,000 of them at a million leads) under its lock. Tables created
// from now on get the triggers when they are created (platform/definitions/owned-counts-sql.ts);
// this migration installs them on the tables that already exist and counts what they hold.
import { sql, type Kysely, type Migration } from 'kysely';
import { ownedCountStatements } from '../../definitions/owned-counts-sql';

export const ownedCounts: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`create table platform.owned_counts (
      schema_name text not null,
      table_name text not null,
      owner uuid not null,
      -- '' for records without a stage
      stage text not null,
      n bigint not null,
      primary key (schema_name, table_name, owner, stage)
    )`.execute(db);
    // Tables whose counts are kept; others are counted live.
    await sql`create table platform.owned_count_tables (
      schema_name text not null,
      table_name text not null,
      primary key (schema_name, table_name)
    )`.execute(db);
    // One function for every table and event: rows leaving (old) count -1, rows arriving (new)
    // +1, per owner and stage; only net changes are written, in key order (no deadlocks between
    // statements touching the same owners).
    const live = 'where owner is not null and deleted_at is null';
    for (const [name, rows] of [
      ['owned_rows_inserted', `select owner, stage, 1 as d from new_rows ${live}`],
      [
        'owned_rows_updated',
        `select owner, stage, 1 as d from new_rows ${live}
         union all select owner, stage, -1 from old_rows ${live}`,
      ],
      ['owned_rows_deleted', `select owner, stage, -1 as d from old_rows ${live}`],
    ] as const) {
      await sql
        .raw(
          `create function platform.${name}() returns trigger language plpgsql as $$
          begin
            insert into platform.owned_counts as c (schema_name, table_name, owner, stage, n)
            select tg_table_schema, tg_table_name, owner, coalesce(stage, ''), sum(d)
              from (${rows}) changed
             group by owner, coalesce(stage, '')
            having sum(d) <> 0
             order by owner, coalesce(stage, '')
            on conflict (schema_name, table_name, owner, stage) do update set n = c.n + excluded.n;
            return null;
          end $$`,
        )
        .execute(db);
    }
    const tables = await designedTables(db);
    for (const { schema, table } of tables) {
      for (const statement of ownedCountStatements(schema, table)) {
        await sql.raw(statement).execute(db);
      }
    }
  },

  async down(db: Kysely<unknown>) {
    const tables = await sql<{ schema: string; table: string }>`
      select schema_name as schema, table_name as table from platform.owned_count_tables`.execute(
      db,
    );
    for (const { schema, table } of tables.rows) {
      for (const event of ['insert', 'update', 'delete']) {
        await sql
          .raw(
            `drop trigger if exists "owned_counts_${event}" on "${schema.replaceAll('"', '""')}"."${table.replaceAll('"', '""')}"`,
          )
          .execute(db);
      }
    }
    for (const name of ['owned_rows_inserted', 'owned_rows_updated', 'owned_rows_deleted']) {
      await sql.raw(`drop function platform.${name}()`).execute(db);
    }
    await sql`drop table platform.owned_count_tables`.execute(db);
    await sql`drop table platform.owned_counts`.execute(db);
  },
};

/** Every table in a space schema with the system columns the counts read. */
export async function designedTables(
  db: Kysely<unknown>,
): Promise<Array<{ schema: string; table: string }>> {
  const tables = await sql<{ schema: string; table: string }>`
    select c.table_schema as schema, c.table_name as table
      from information_schema.columns c
      join information_schema.tables t
        on t.table_schema = c.table_schema and t.table_name = c.table_name
     where c.table_schema like 'space\\_%' and t.table_type = 'BASE TABLE'
       and c.column_name in ('owner', 'stage', 'deleted_at')
     group by c.table_schema, c.table_name
    having count(*) = 3
     order by 1, 2`.execute(db);
  return tables.rows;
}
