import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../platform/db/database';
import { migratePlatform, platformMigrations } from '../../platform/db/migrate';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('platform migrations', () => {
  let target: TestDatabase;
  beforeAll(async () => {
    target = await createTestDatabase({ migrate: false });
  });
  afterAll(() => target.drop());

  it('creates the platform schema on an empty database', async () => {
    const result = await migratePlatform(target.database.db);
    expect(result.error).toBeUndefined();
    expect(result.results?.map((r) => [r.migrationName, r.status])).toEqual(
      Object.keys(platformMigrations).map((name) => [name, 'Success']),
    );
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'platform' order by 1`.execute(
      target.database.db,
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['spaces', 'outbox', 'timeline', 'kysely_migration']),
    );
  });

  it('does nothing when run again', async () => {
    const result = await migratePlatform(target.database.db);
    expect(result.error).toBeUndefined();
    expect(result.results).toEqual([]);
  });

  it('lets several processes start at once without applying anything twice', async () => {
    const fresh = await createTestDatabase({ migrate: false });
    const others = [openDatabase(fresh.url), openDatabase(fresh.url), openDatabase(fresh.url)];
    try {
      const results = await Promise.all(others.map((d) => migratePlatform(d.db)));
      for (const r of results) expect(r.error).toBeUndefined();
      const applied = results.flatMap((r) => r.results ?? []).filter((r) => r.status === 'Success');
      expect(applied).toHaveLength(Object.keys(platformMigrations).length);
    } finally {
      await Promise.all(others.map((d) => d.close()));
      await fresh.drop();
    }
  });
});
