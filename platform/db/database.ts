// The kysely handle over postgres.js, shared by every platform module.
import { Kysely, sql } from 'kysely';
import { PostgresJSDialect } from 'kysely-postgres-js';
import postgres from 'postgres';
import { PoolDialect } from './pool-dialect';
import type { PlatformDatabase } from './schema';

export type Db = Kysely<PlatformDatabase>;

export interface Database {
  readonly db: Db;
  /** The underlying postgres.js client, for LISTEN/NOTIFY and COPY. */
  readonly sql: postgres.Sql;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** Pool size; the API and the relay share it. */
  readonly max?: number;
  /** Seconds to wait for a connection before failing, so health checks answer quickly. */
  readonly connectTimeoutSeconds?: number;
}

/**
 * Opens a pooled connection to PostgreSQL. Connections are made lazily and re-made after the
 * server comes back, so a restarted database heals without restarting Baton. Single statements
 * share the pool's connections; transactions and pinned `db.connection()` callbacks reserve one
 * (platform/db/pool-dialect.ts).
 * @example const { db } = openDatabase('postgres://baton:baton@127.0.0.1:54329/baton')
 */
export function openDatabase(url: string, options: DatabaseOptions = {}): Database {
  const client = postgres(url, {
    max: options.max ?? 10,
    connect_timeout: options.connectTimeoutSeconds ?? 5,
    idle_timeout: 30,
    onnotice: () => {},
  });
  const db = new Kysely<PlatformDatabase>({ dialect: new PoolDialect(client) });
  return { db, sql: client, close: () => db.destroy() };
}

/** Round-trips `select 1`, failing after `timeoutMs`. */
export async function pingDatabase(db: Db, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([sql`select 1`.execute(db), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A kysely handle whose every query runs on one reserved connection, inside whatever transaction
 * it has open: imports load batches on such connections and reuse the platform's query builders.
 * @example const db = kyselyOn(conn); await loadAssignmentCandidates(db, context, rule, { lock: true })
 */
export function kyselyOn(conn: postgres.Sql): Db {
  const client = Object.assign(() => undefined, {
    reserve: async () => ({
      unsafe: (query: string, parameters: never[]) => conn.unsafe(query, parameters),
      // The connection belongs to the caller; kysely's release must not return it to the pool.
      release: () => undefined,
    }),
  });
  return new Kysely<PlatformDatabase>({
    dialect: new PostgresJSDialect({ postgres: client as unknown as postgres.Sql }),
  });
}
