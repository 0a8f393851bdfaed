// The statements that make a designed table keep its owners' record counts in
// platform.owned_counts (migration 0080): three statement triggers, the counts of the rows already
// there, and the table's entry in platform.owned_count_tables, which tells readers the counts are
// kept. Run inside the transaction that creates the table (publish) or, for older tables, by the
// migration; the share lock keeps writers out while the counts are taken.
import { quoteIdentifier as q } from '../../runtime/identifiers';
import { tableRef } from './column-sql';

/** Quoted as a SQL string literal. */
function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * @example ownedCountStatements('space_meddev', 'lead') // ['lock table …', 'create or replace trigger …', …]
 */
export function ownedCountStatements(schema: string, table: string): string[] {
  const ref = tableRef(schema, table);
  const where = `schema_name = ${literal(schema)} and table_name = ${literal(table)}`;
  return [
    `lock table ${ref} in share row exclusive mode`,
    ...(
      [
        ['insert', 'new table as new_rows', 'owned_rows_inserted'],
        ['update', 'old table as old_rows new table as new_rows', 'owned_rows_updated'],
        ['delete', 'old table as old_rows', 'owned_rows_deleted'],
      ] as const
    ).map(
      ([event, transition, fn]) =>
        `create or replace trigger ${q(`owned_counts_${event}`)} after ${event} on ${ref}
         referencing ${transition} for each statement execute function platform.${fn}()`,
    ),
    // A table key used before (a purged table created again) starts from its rows, not old counts.
    `delete from platform.owned_counts where ${where}`,
    `insert into platform.owned_counts (schema_name, table_name, owner, stage, n)
     select ${literal(schema)}, ${literal(table)}, owner, coalesce(stage, ''), count(*)
       from ${ref} where owner is not null and deleted_at is null
      group by owner, coalesce(stage, '')`,
    `insert into platform.owned_count_tables (schema_name, table_name)
     values (${literal(schema)}, ${literal(table)}) on conflict do nothing`,
  ];
}

/** Forgets a dropped table's counts (a purge). */
export function forgetOwnedCountStatements(schema: string, table: string): string[] {
  const where = `schema_name = ${literal(schema)} and table_name = ${literal(table)}`;
  return [
    `delete from platform.owned_counts where ${where}`,
    `delete from platform.owned_count_tables where ${where}`,
  ];
}
