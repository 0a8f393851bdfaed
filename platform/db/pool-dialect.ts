// kysely over a postgres.js pool: single statements go to the pool, transactions reserve a connection.
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresDriver,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type postgres from 'postgres';

/** Statements with more parameters than this are batch writes whose text varies; not prepared. */
const maxPreparedParameters = 64;

/** How long closing the database waits for running statements before it drops them. */
const closeGraceSeconds = 5;

/** The statement `pinConnection` sends; a connection that runs it reserves itself first. */
const pinStatement = 'select 1 as baton_pinned_connection';

type Parameters = postgres.ParameterOrJSON<never>[];

/**
 * One kysely connection. Until pinned it sends each statement to the pool, where postgres.js
 * pipelines statements of concurrent requests on its open connections instead of handing each one
 * a connection of its own. Pinned (a transaction, `pinConnection`), it holds one reserved
 * connection until kysely releases it.
 */
class PoolConnection implements DatabaseConnection {
  #reserved: postgres.ReservedSql | undefined;

  constructor(private readonly pool: postgres.Sql) {}

  async pin(): Promise<void> {
    this.#reserved ??= await this.pool.reserve();
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (query.sql === pinStatement) await this.pin();
    const parameters = query.parameters as Parameters;
    // Named prepared statements: one round trip for a repeated statement and no parsing (unsafe is
    // unprepared by default, costing Parse + Describe first). postgres.js prepares a statement
    // again when a publish changed the table under its cached plan.
    const result = await (this.#reserved ?? this.pool).unsafe(query.sql, [...parameters], {
      prepare: parameters.length > 0 && parameters.length <= maxPreparedParameters,
    });
    const { command, count } = result;
    return {
      numAffectedRows:
        command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE'
          ? BigInt(count)
          : undefined,
      rows: Array.from(result.values()) as R[],
    };
  }

  async *streamQuery<R>(
    query: CompiledQuery,
    chunkSize: number,
  ): AsyncIterableIterator<QueryResult<R>> {
    await this.pin();
    const cursor = this.#reserved!.unsafe(query.sql, [...(query.parameters as Parameters)]).cursor(
      chunkSize,
    );
    for await (const rows of cursor) yield { rows: rows as R[] };
  }

  release(): void {
    const reserved = this.#reserved;
    this.#reserved = undefined;
    reserved?.release();
  }
}

class PoolDriver extends PostgresDriver implements Driver {
  constructor(private readonly pool: postgres.Sql) {
    // Only the transaction and savepoint statements of PostgresDriver are used; it never sees a pool.
    super({ pool: undefined as never });
  }

  override async init(): Promise<void> {}

  override async acquireConnection(): Promise<DatabaseConnection> {
    return new PoolConnection(this.pool);
  }

  override async beginTransaction(
    connection: DatabaseConnection,
    settings: TransactionSettings,
  ): Promise<void> {
    await (connection as PoolConnection).pin();
    await super.beginTransaction(connection, settings);
  }

  override async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as PoolConnection).release();
  }

  override async destroy(): Promise<void> {
    // Bounded: a connection PostgreSQL dropped while it was starting up can leave postgres.js's
    // end() waiting forever (health.test.ts restarts PostgreSQL under the pool); after the grace
    // period the remaining connections are closed.
    await this.pool.end({ timeout: closeGraceSeconds });
  }
}

/**
 * The dialect `openDatabase` builds its kysely handle with.
 * @example new Kysely<PlatformDatabase>({ dialect: new PoolDialect(postgres(url)) })
 */
export class PoolDialect implements Dialect {
  constructor(private readonly pool: postgres.Sql) {}

  createAdapter() {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    return new PoolDriver(this.pool);
  }

  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }

  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
}

/**
 * Makes the connection of a `db.connection()` callback one reserved PostgreSQL connection, as
 * session state (advisory locks, `set`) needs: without it each statement may run on another one.
 * Call it first in the callback.
 * @example await db.connection().execute(async (conn) => { await pinConnection(conn); … })
 */
export async function pinConnection<DB>(conn: Kysely<DB>): Promise<void> {
  await conn.executeQuery(CompiledQuery.raw(pinStatement));
}
