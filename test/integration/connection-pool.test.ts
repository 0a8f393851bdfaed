// The pool's failure modes on real PostgreSQL, as platform/tools/patch-postgres.ts mends them: a
// connection that dies while a reserve waits for it must not leave that reserve (and the kysely
// query or import behind it) waiting forever, nor crash the process when queried again.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('connection pool', () => {
  let target: TestDatabase;

  beforeAll(async () => {
    target = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    await target?.drop();
  });

  /** A one-connection pool whose only connection is held, a reserve queued behind it, then the held backend killed. */
  async function killWhileQueued(): Promise<'answered' | 'stranded'> {
    const client = postgres(target.url, { max: 1, onnotice: () => {} });
    const killer = postgres(target.url, { max: 1, onnotice: () => {} });
    try {
      const held = await client.reserve();
      const [{ pid }] = await held<[{ pid: number }]>`select pg_backend_pid() as pid`;
      const queued = client.reserve();
      await killer`select pg_terminate_backend(${pid})`;
      const outcome = await Promise.race([
        queued.then(async (connection) => {
          await connection`select 1`;
          connection.release();
          return 'answered' as const;
        }),
        new Promise<'stranded'>((resolve) => setTimeout(() => resolve('stranded'), 5_000)),
      ]);
      return outcome;
    } finally {
      await Promise.all([client.end({ timeout: 1 }), killer.end({ timeout: 1 })]);
    }
  }

  it('answers a reserve queued behind a connection that dies (porsager/postgres#1195, patched)', async () => {
    expect(await killWhileQueued()).toBe('answered');
  });

  it('answers queries on a reserved connection whose backend died with an error, not a crash', async () => {
    const client = postgres(target.url, { max: 2, onnotice: () => {} });
    const killer = postgres(target.url, { max: 1, onnotice: () => {} });
    try {
      const reserved = await client.reserve();
      const [{ pid }] = await reserved<[{ pid: number }]>`select pg_backend_pid() as pid`;
      await killer`select pg_terminate_backend(${pid})`;
      await new Promise((resolve) => setTimeout(resolve, 200));
      await expect(reserved`select 1`).rejects.toThrow();
      await expect(reserved`select 1`).rejects.toThrow();
      reserved.release();
      // The pool itself still serves.
      expect(await client`select 2 as n`).toEqual([{ n: 2 }]);
    } finally {
      await Promise.all([client.end({ timeout: 1 }), killer.end({ timeout: 1 })]);
    }
  });
});
