// The per-owner, per-stage record counts the capacity check reads (migration 0080): kept by
// statement triggers through every kind of write, equal to counting the rows, on real PostgreSQL.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { designedTables } from '../../platform/db/migrations/0080-owned-counts';
import { ownedCountStatements } from '../../platform/definitions/owned-counts-sql';
import { medicalDeviceDefinition } from '../../runtime/rules/test-rules';
import { apiClient } from '../support/api-client';
import { createTestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const records = '/api/spaces/owned/tables/lead/records';

describe('owned record counts', () => {
  let target: TestDatabase;
  let api: ReturnType<typeof apiClient>;
  const reps: string[] = [];

  /** [owner, stage, n] as the counters say and as counting the rows says. */
  const both = async (schema: string, table: string) => {
    const db = target.database.db;
    const kept = await sql<{ owner: string; stage: string; n: string }>`
      select owner, stage, n from platform.owned_counts
      where schema_name = ${schema} and table_name = ${table} and n <> 0
      order by owner, stage`.execute(db);
    const counted = await sql<{ owner: string; stage: string; n: string }>`
      select owner, coalesce(stage, '') as stage, count(*) as n
      from ${sql.table(`${schema}.${table}`)}
      where owner is not null and deleted_at is null
      group by owner, coalesce(stage, '') order by owner, stage`.execute(db);
    const rows = (r: { owner: string; stage: string; n: string }[]) =>
      r.map((x) => [x.owner, x.stage, Number(x.n)]);
    return { kept: rows(kept.rows), counted: rows(counted.rows) };
  };

  beforeAll(async () => {
    target = await createTestDatabase();
    api = apiClient(
      createTestApp({
        database: target.database,
      }),
    );
    await api.expect(201, 'POST', '/api/spaces', {
      key: 'owned',
      name: { 'zh-CN': '计数', en: 'Counts' },
    });
    for (const key of ['a', 'b']) {
      reps.push(
        (
          await target.database.db
            .insertInto('platform.users')
            .values({ email: `${key}@example.cn`, display_name: key, province: '浙江' })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id,
      );
    }
    await api.expect(200, 'PUT', '/api/spaces/owned/definition/draft', medicalDeviceDefinition());
    await api.expect(201, 'POST', '/api/spaces/owned/definition/publish');
  });
  afterAll(() => target.drop());

  it('follows creates, owner and stage changes, deletes, restores and bulk updates', async () => {
    const [a, b] = reps as [string, string];
    const made: any[] = [];
    for (let i = 0; i < 6; i++) {
      made.push(
        (
          await api.expect<any>(201, 'POST', records, {
            name: `计数${i}`,
            phone: `1360000${1000 + i}`,
            organization: `计数医院${i}`,
            owner: i % 2 === 0 ? a : b,
          })
        ).record,
      );
    }
    const patch = (r: any, body: Record<string, unknown>) =>
      api.expect<any>(200, 'PATCH', `${records}/${r.id}`, { ...body, version: r.version });
    made[0] = (await patch(made[0], { owner: b })).record;
    made[1] = (await patch(made[1], { name: '只改名字' })).record;
    await api.expect(200, 'DELETE', `${records}/${made[2].id}`);
    await api.expect(200, 'DELETE', `${records}/${made[3].id}`);
    await api.expect(200, 'POST', `${records}/${made[3].id}/restore`);
    // Straight in SQL, many rows in one statement, as flows and imports write.
    await sql`update space_owned.lead set stage = 'paid' where owner = ${a}::uuid`.execute(
      target.database.db,
    );
    await sql`update space_owned.lead set owner = null where id = ${made[5].id}::uuid`.execute(
      target.database.db,
    );
    const { kept, counted } = await both('space_owned', 'lead');
    expect(counted.length).toBeGreaterThan(1);
    expect(kept).toEqual(counted);
  });

  it('counts the rows a table already holds when its counters are installed', async () => {
    const db = target.database.db;
    await sql`create table space_owned.legacy (id uuid primary key default gen_random_uuid(),
      owner uuid, stage text, deleted_at timestamptz)`.execute(db);
    await sql`insert into space_owned.legacy (owner, stage, deleted_at)
      select (array[${reps[0]}::uuid, ${reps[1]}::uuid, null])[1 + i % 3],
        (array['new', null, 'won'])[1 + i % 3], case when i % 7 = 0 then now() end
      from generate_series(1, 100) i`.execute(db);
    await db.transaction().execute(async (tx) => {
      for (const statement of ownedCountStatements('space_owned', 'legacy')) {
        await sql.raw(statement).execute(tx);
      }
    });
    await sql`delete from space_owned.legacy where stage = 'won' and owner = ${reps[1]}::uuid`.execute(
      db,
    );
    const { kept, counted } = await both('space_owned', 'legacy');
    expect(counted.length).toBeGreaterThan(1);
    expect(kept).toEqual(counted);
    // The migration finds such tables in every space schema.
    expect(await designedTables(db as never)).toEqual(
      expect.arrayContaining([
        { schema: 'space_owned', table: 'lead' },
        { schema: 'space_owned', table: 'legacy' },
      ]),
    );
  });
});
