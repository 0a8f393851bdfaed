// Captures the SQL the records API sends for a list query and explains it, for the benchmark report.
import { Kysely, type CompiledQuery } from 'kysely';
import { PostgresJSDialect } from 'kysely-postgres-js';
import postgres from 'postgres';
import type { PlatformDatabase } from '../../platform/db/schema';
import { listRecords, type ListQuery } from '../../platform/records/record-query';
import { resolveTable } from '../../platform/records/table-context';

/**
 * `EXPLAIN (ANALYZE, BUFFERS)` of exactly the statement `listRecords` runs for `query`, captured
 * through a logging Kysely on its own connection.
 * @example await explainList(url, 'bench', 'lead', { sort: ['-score'], limit: 50 })
 */
export async function explainList(
  url: string,
  space: string,
  table: string,
  query: ListQuery,
): Promise<string> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  let captured: CompiledQuery | undefined;
  const db = new Kysely<PlatformDatabase>({
    dialect: new PostgresJSDialect({ postgres: client }),
    log: (event) => {
      if (event.level === 'query') captured = event.query;
    },
  });
  try {
    await listRecords(db, await resolveTable(db, space, table), query);
    const statement = captured!;
    const plan = await client.unsafe<Array<{ 'QUERY PLAN': string }>>(
      `explain (analyze, buffers) ${statement.sql}`,
      statement.parameters as postgres.ParameterOrJSON<never>[],
    );
    return [statement.sql, ...plan.map((r) => r['QUERY PLAN'])].join('\n');
  } finally {
    await db.destroy();
  }
}
