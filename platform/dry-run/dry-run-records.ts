// The stored records a dry run evaluates: all live ones up to a limit, or a random sample.
import { sql } from 'kysely';
import type { Row, Tx } from '../records/record-repository';
import type { TableContext } from '../records/table-context';

/**
 * Live records of the table: `sample` picked at random, else the oldest `limit`; and how many
 * live records there are in all.
 */
export async function readRecords(
  tx: Tx,
  context: TableContext,
  sample: number | undefined,
  limit: number,
): Promise<{ rows: Row[]; total: number }> {
  const count = await sql<{ n: string }>`
    select count(*) as n from ${sql.raw(context.ref)} where deleted_at is null`.execute(tx);
  const order = sample === undefined ? sql`created_at, id` : sql`random()`;
  const rows = await sql<Row>`
    select * from ${sql.raw(context.ref)} where deleted_at is null
    order by ${order} limit ${Math.min(sample ?? limit, limit)}`.execute(tx);
  return { rows: rows.rows, total: Number(count.rows[0]?.n ?? 0) };
}
