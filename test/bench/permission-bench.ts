// The cost of security: the same list (a page of 50, filtered and sorted) through the whole API as a
// rep — row scope `own`, hidden fields removed — and as an administrator, interleaved in one run.
// Run: node --import tsx test/bench/permission-bench.ts   (prints a markdown table and both plans)
// Env: RECORDS (10000), ROUNDS (400 timed lists per caller), WARMUP (50).
// PostgreSQL data lives in a temporary folder; nothing is written into the repository.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createApiToken } from '../../platform/auth/api-token-store';
import { openDatabase } from '../../platform/db/database';
import { migratePlatformOrThrow } from '../../platform/db/migrate';
import { createFileStore } from '../../platform/files/file-store';
import { createApp } from '../../platform/http/app';
import { createLogger } from '../../platform/logger';
import { startEmbeddedPostgres } from '../../platform/services/embedded-postgres';
import { freePort } from '../support/free-port';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const records = env('RECORDS', 10_000);
const rounds = env('ROUNDS', 400);
const warmup = env('WARMUP', 50);
const space = 'permbench';
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

const dir = await mkdtemp(path.join(os.tmpdir(), 'baton-permbench-'));
// PostgreSQL runs as its own user when we are root: it must reach the data folder.
await chmod(dir, 0o755);
const logger = createLogger('error');
const pg = await startEmbeddedPostgres({
  dataDir: path.join(dir, 'pg'),
  port: await freePort(),
  logger,
});
const database = openDatabase(pg.url);
try {
  await migratePlatformOrThrow(database.db);
  const app = createApp({
    database,
    logger,
    files: { store: createFileStore({ root: path.join(dir, 'files') }), maxUploadBytes: 1 << 20 },
    health: { temporal: () => undefined, taskQueue: 'x' },
  });
  const admin = await database.db
    .insertInto('platform.users')
    .values({ email: 'bench-admin@baton.test', display_name: 'Bench admin', platform_admin: true })
    .returning('id')
    .executeTakeFirstOrThrow();
  const token = async (userId: string) =>
    (await createApiToken(database.db, { name: 'bench', userId, spaceId: null, expiresAt: null }))
      .token;
  const adminToken = await token(admin.id);
  const call = async (bearer: string, method: string, url: string, body?: unknown) => {
    const response = await app.request(url, {
      method,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`${method} ${url} → ${response.status} ${text}`);
    return JSON.parse(text) as any;
  };

  const installed = await call(adminToken, 'POST', '/api/templates/medical-device/install', {
    space,
  });
  const users: Record<string, string> = Object.fromEntries(
    installed.users.map((u: any) => [u.key, u.id]),
  );
  const reps = Object.keys(users).filter((k) => k.startsWith('rep_'));
  const repToken = await token(users.rep_hz!);
  const schema = database.sql(installed.space.schemaName);

  log(`filling ${records} leads`);
  const provinces = ['浙江', '江苏', '上海'];
  const owners = [...reps.map((r) => users[r]!), null];
  // Owners cycle through the reps, every seventh lead unowned (the market pool).
  await database.sql`
    insert into ${schema}.lead (name, phone, organization, province, city, owner, key_person_mobile, ip, memo, created_at)
    select '客户' || i, '138' || lpad(i::text, 8, '0'), '医院' || (i % 500),
           (${provinces}::text[])[1 + i % 3], '杭州',
           nullif((${owners.map((o) => o ?? '')}::text[])[1 + (i * 5) % ${owners.length}], '')::uuid,
           '私人' || i, '10.0.' || (i % 250) || '.' || (i % 200), '跟进记录 ' || i,
           now() - (i || ' minutes')::interval
      from generate_series(1, ${records}) i`;
  await database.sql`analyze ${schema}.lead`;

  const filter = encodeURIComponent(JSON.stringify({ field: 'province', op: 'eq', value: '浙江' }));
  const url = `/api/spaces/${space}/tables/lead/records?limit=50&sort=-created_at&filter=${filter}`;
  const repPage = await call(repToken, 'GET', url);
  const adminPage = await call(adminToken, 'GET', url);
  if (repPage.records.some((r: any) => r.owner !== users.rep_hz || 'ip' in r)) {
    throw new Error('the rep saw a row outside their scope or a hidden field');
  }
  log(`rep page ${repPage.records.length} rows, admin page ${adminPage.records.length} rows`);

  const timings = { rep: [] as number[], admin: [] as number[] };
  for (let i = 0; i < warmup + rounds; i++) {
    // Interleaved, alternating who goes first: both see the same cache and machine load.
    const order = i % 2 === 0 ? (['rep', 'admin'] as const) : (['admin', 'rep'] as const);
    for (const who of order) {
      const started = performance.now();
      await call(who === 'rep' ? repToken : adminToken, 'GET', url);
      if (i >= warmup) timings[who].push(performance.now() - started);
    }
  }
  const rows = (['admin', 'rep'] as const).map((who) => {
    const sorted = [...timings[who]].sort((a, b) => a - b);
    return {
      who,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
    };
  });
  const [a, r] = rows as [(typeof rows)[0], (typeof rows)[0]];
  const f = (v: number) => `${v.toFixed(2)} ms`;
  const plan = await database.sql.unsafe(
    `explain (analyze, costs off, timing off, summary off)
     select * from "${installed.space.schemaName}".lead
      where deleted_at is null and owner = $1 and province = '浙江'
      order by created_at desc nulls last, id limit 51`,
    [users.rep_hz!],
  );
  const adminPlan = await database.sql.unsafe(
    `explain (analyze, costs off, timing off, summary off)
     select * from "${installed.space.schemaName}".lead
      where deleted_at is null and province = '浙江'
      order by created_at desc nulls last, id limit 51`,
  );
  process.stdout.write(
    [
      `Permission cost, ${records} leads, page of 50 filtered on province and sorted by -created_at, ` +
        `${rounds} interleaved requests each through the API (token auth, access resolution, JSON):`,
      '',
      '| caller | p50 | p95 | p99 |',
      '| --- | --- | --- | --- |',
      `| admin (no scope) | ${f(a.p50)} | ${f(a.p95)} | ${f(a.p99)} |`,
      `| rep (own rows, hidden fields) | ${f(r.p50)} | ${f(r.p95)} | ${f(r.p99)} |`,
      `| ratio rep / admin | ${(r.p50 / a.p50).toFixed(2)}× | ${(r.p95 / a.p95).toFixed(2)}× | ${(r.p99 / a.p99).toFixed(2)}× |`,
      '',
      'Rep query plan:',
      ...plan.map((row: any) => `    ${row['QUERY PLAN']}`),
      '',
      'Admin query plan:',
      ...adminPlan.map((row: any) => `    ${row['QUERY PLAN']}`),
      '',
    ].join('\n'),
  );
} finally {
  await database.close();
  await pg.stop();
  await rm(dir, { recursive: true, force: true });
}
