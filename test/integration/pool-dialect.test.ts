// The kysely dialect over the postgres.js pool (platform/db/pool-dialect.ts) on real PostgreSQL:
// single statements share connections, a transaction and a pinned connection keep one.
import { Kysely, sql } from 'kysely';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../platform/db/database';
import { PoolDialect, pinConnection } from '../../platform/db/pool-dialect';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('pool dialect', () => {
  let target: TestDatabase;
  let database: Database;
  const pid = sql<{ pid: number }>`select pg_backend_pid() as pid`;

  beforeAll(async () => {
    target = await createTestDatabase({ migrate: false });
    database = openDatabase(target.url, { max: 2 });
    await sql`create table counter (n int not null)`.execute(database.db);
  });
  afterAll(async () => {
    await database?.close();
    await target?.drop();
  });

  it('runs more concurrent statements than the pool has connections, on those connections', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        sql<{ pid: number; i: number }>`select pg_backend_pid() as pid, ${i}::int as i`.execute(
          database.db,
        ),
      ),
    );
    expect(answers.map((a) => a.rows[0]!.i)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(new Set(answers.map((a) => a.rows[0]!.pid)).size).toBeLessThanOrEqual(2);
  });

  it('keeps a transaction on one connection, commits it whole and rolls a failed one back whole', async () => {
    const pids = await database.db.transaction().execute(async (tx) => {
      const seen: number[] = [];
      for (let i = 0; i < 5; i++) {
        // Other statements run on the pool meanwhile, and must not land in this transaction.
        await sql`insert into counter (n) values (${i})`.execute(database.db);
        seen.push((await pid.execute(tx)).rows[0]!.pid);
        await sql`insert into counter (n) values (${100 + i})`.execute(tx);
      }
      return seen;
    });
    expect(new Set(pids).size).toBe(1);
    const failing = database.db.transaction().execute(async (tx) => {
      await sql`insert into counter (n) values (1000)`.execute(tx);
      await sql`select 1 / 0`.execute(tx);
    });
    await expect(failing).rejects.toThrow(/division by zero/);
    const rows = await sql<{ n: number }>`select n from counter order by n`.execute(database.db);
    expect(rows.rows.map((r) => r.n)).toEqual([0, 1, 2, 3, 4, 100, 101, 102, 103, 104]);
  });

  it('keeps session state across the statements of a pinned db.connection() callback', async () => {
    const [first, second, locked] = await database.db.connection().execute(async (conn) => {
      await pinConnection(conn);
      const a = (await pid.execute(conn)).rows[0]!.pid;
      await sql`select pg_advisory_lock(42)`.execute(conn);
      // Concurrent pool traffic, which a pinned connection must not share.
      await Promise.all(Array.from({ length: 10 }, () => sql`select 1`.execute(database.db)));
      const b = (await pid.execute(conn)).rows[0]!.pid;
      const held = await sql<{ n: number }>`
        select count(*)::int as n from pg_locks
        where locktype = 'advisory' and objid = 42 and pid = pg_backend_pid()`.execute(conn);
      await sql`select pg_advisory_unlock(42)`.execute(conn);
      return [a, b, held.rows[0]!.n];
    });
    expect(second).toBe(first);
    expect(locked).toBe(1);
    // Released: the pool can use both connections again.
    const after = await Promise.all(Array.from({ length: 4 }, () => pid.execute(database.db)));
    expect(after).toHaveLength(4);
  });

  it('reserves a connection for a transaction and a pinned callback only, and gives it back', async () => {
    const client = postgres(target.url, { max: 2, onnotice: () => {} });
    let reserves = 0;
    let releases = 0;
    const counting = new Proxy(client, {
      get(pool, key, receiver) {
        if (key !== 'reserve') return Reflect.get(pool, key, receiver) as unknown;
        return async () => {
          reserves += 1;
          const reserved = await pool.reserve();
          const release = reserved.release.bind(reserved);
          return Object.assign(reserved, { release: () => (releases++, release()) });
        };
      },
    });
    const db = new Kysely<unknown>({ dialect: new PoolDialect(counting) });
    try {
      await Promise.all(Array.from({ length: 10 }, () => sql`select 1`.execute(db)));
      expect(reserves).toBe(0);
      await db.connection().execute(async (conn) => {
        await sql`select 1`.execute(conn);
        await sql`select 2`.execute(conn);
      });
      expect(reserves).toBe(0);
      await db.transaction().execute(async (tx) => {
        await sql`select 1`.execute(tx);
        await sql`select 2`.execute(tx);
      });
      expect([reserves, releases]).toEqual([1, 1]);
      await db.connection().execute(async (conn) => {
        await pinConnection(conn);
        await sql`select 1`.execute(conn);
      });
      expect([reserves, releases]).toEqual([2, 2]);
    } finally {
      await db.destroy();
    }
  });
});
