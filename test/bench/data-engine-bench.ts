// Measures the data engine on one 30-field lead table: API creates with audit, bulk fill to RECORDS,
// get-by-id, filtered and sorted lists, and publishing added fields on the full table.
// Run: RECORDS=1000000 node --import tsx test/bench/data-engine-bench.ts   (prints a markdown table)
// Env: RECORDS (1000000), CONCURRENCY (32), CREATE_SECONDS (20), READS (5000), LISTS (1000),
//      QUIET_WAIT (120: seconds to wait before each timed phase for other load to drop below
//      QUIET_CORES, 0.3), PROFILE_DIR (the server runs with --cpu-prof writing there).
// PostgreSQL data lives in a temporary folder; nothing is written into the repository.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../platform/db/database';
import { migratePlatformOrThrow } from '../../platform/db/migrate';
import { tableRef } from '../../platform/definitions/column-sql';
import { createLogger } from '../../platform/logger';
import { startEmbeddedPostgres } from '../../platform/services/embedded-postgres';
import { freePort } from '../support/free-port';
import { benchAuth, createBenchAdmin } from './bench-admin';
import { createCpuMeter, type CpuMeter, type CpuShares } from './data-engine-cpu';
import {
  benchDefinition,
  fillLeadSql,
  leadBody,
  leadFieldCount,
  provinces,
  seededRandom,
  withLeadField,
} from './data-engine-design';
import { percentile, runLoad, type LoadRequest, type LoadResult } from './data-engine-load';
import { explainList } from './data-engine-plans';
import { renderReport, type ReportRow } from './data-engine-report';

const root = path.resolve(import.meta.dirname, '../..');
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const targetRecords = env('RECORDS', 1_000_000);
const concurrency = env('CONCURRENCY', 32);
const createSeconds = env('CREATE_SECONDS', 20);
const reads = env('READS', 5000);
const lists = env('LISTS', 1000);
const quietWait = env('QUIET_WAIT', 120);
const quietCores = env('QUIET_CORES', 0.3);
const profileDir = process.env.PROFILE_DIR;
const space = 'bench';
const leads = `/api/spaces/${space}/tables/lead/records`;
const fillBatch = 100_000;

const rows: ReportRow[] = [];
const notes: string[] = [];
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const ms = (v: number) => `${v.toFixed(1)} ms`;
const cores = (v: number) => v.toFixed(2);
const latency = (r: LoadResult) =>
  `p50 ${ms(percentile(r.latencies, 50))}, p99 ${ms(percentile(r.latencies, 99))}, max ${ms(r.latencies.at(-1) ?? NaN)}`;
const failures = (r: LoadResult) =>
  r.failed === 0 ? '' : ` — **${r.failed} failed**, first: ${r.firstFailure}`;

const stops: Array<() => Promise<void>> = [];
async function stopAll(): Promise<void> {
  for (const stop of stops.reverse()) await stop().catch((e: unknown) => log(`stop: ${String(e)}`));
  stops.length = 0;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void stopAll().finally(() => process.exit(130)));
}

/** The real app in its own Node process, as in production; resolves once it listens. */
function startServer(
  vars: Record<string, string>,
  script = 'test/bench/data-engine-server.ts',
): Promise<ChildProcess> {
  const args = ['--import', 'tsx'];
  if (profileDir) args.push('--cpu-prof', `--cpu-prof-dir=${profileDir}`);
  const child = spawn(process.execPath, [...args, script], {
    cwd: root,
    env: { ...process.env, ...vars },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  stops.push(
    () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  );
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('listening')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${String(code)}`)));
  });
}

async function api<T>(baseUrl: string, method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(baseUrl + url, {
    method,
    headers: body === undefined ? benchAuth : { ...benchAuth, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status} ${text.slice(0, 800)}`);
  return JSON.parse(text) as T;
}

/** Waits for a quiet machine, then runs `work` and reports who used the CPU meanwhile. */
async function measured<T>(
  meter: CpuMeter,
  label: string,
  work: () => Promise<T>,
): Promise<[T, CpuShares]> {
  const waited = await meter.waitForQuiet(quietCores, quietWait);
  if (waited > 2) log(`waited ${waited} s for other load to drop before: ${label}`);
  log(label);
  const stop = meter.start();
  const result = await work();
  return [result, stop()];
}

async function main(): Promise<void> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'baton-bench-data-'));
  await chmod(home, 0o755);
  stops.push(() => rm(home, { recursive: true, force: true }));
  const [pgPort, port] = await Promise.all([freePort(), freePort()]);
  log(`starting PostgreSQL in ${home}`);
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(home, 'postgres'),
    port: pgPort,
    logger: createLogger('warn', { component: 'postgres' }),
  });
  stops.push(() => pg.stop());
  const database = openDatabase(pg.url, { max: 2 });
  stops.push(() => database.close());
  await migratePlatformOrThrow(database.db);
  const admin = await createBenchAdmin(database.db);
  const server = await startServer({
    DATABASE_URL: pg.url,
    PORT: String(port),
    FILES_DIR: path.join(home, 'files'),
  });
  const postmaster = Number(
    readFileSync(path.join(pg.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0],
  );
  const meter = createCpuMeter(server.pid!, postmaster);
  const ceilingPort = await freePort();
  const ceiling = await startServer(
    { DATABASE_URL: pg.url, PORT: String(ceilingPort), ACTOR_ID: admin.userId },
    'test/bench/bare-create-server.ts',
  );
  const ceilingMeter = createCpuMeter(ceiling.pid!, postmaster);
  const baseUrl = `http://127.0.0.1:${port}`;
  const call = <T = Record<string, unknown>>(method: string, url: string, body?: unknown) =>
    api<T>(baseUrl, method, url, body);
  const load = (options: Omit<Parameters<typeof runLoad>[0], 'baseUrl'>) =>
    runLoad({ baseUrl, ...options });

  // Design and publish the tables, and create the companies leads point at.
  await call('POST', '/api/spaces', { key: space, name: { 'zh-CN': '压测', en: 'Bench' } });
  await call('PUT', `/api/spaces/${space}/definition/draft`, benchDefinition);
  await call('POST', `/api/spaces/${space}/definition/publish`);
  const companyIds: string[] = [];
  await load({
    concurrency: 4,
    total: 200,
    request: (i) => ({
      method: 'POST',
      path: `/api/spaces/${space}/tables/company/records`,
      body: JSON.stringify({ name: `第${i + 1}人民医院`, city: '杭州' }),
    }),
    expectStatus: 201,
    onBody: (b) => companyIds.push((JSON.parse(b) as { record: { id: string } }).record.id),
  });
  const ref = tableRef(`space_${space}`, 'lead');
  const count = async () =>
    Number((await database.sql.unsafe<[{ n: string }]>(`select count(*) as n from ${ref}`))[0].n);

  const random = seededRandom(42);
  const bodies = Array.from({ length: 4096 }, (_, i) =>
    JSON.stringify(leadBody(random, companyIds, i)),
  );
  const create = (i: number): LoadRequest => ({
    method: 'POST',
    path: leads,
    body: bodies[i % bodies.length],
  });
  /** Warms a server up, then drives creates at it for CREATE_SECONDS and meters who used the CPU. */
  const timedCreates = async (
    url: string,
    cpuMeter: CpuMeter,
    label: string,
    request: (i: number) => LoadRequest,
    warmUpMs: number,
  ) => {
    await runLoad({ baseUrl: url, concurrency, durationMs: warmUpMs, request, expectStatus: 201 });
    const [result, cpu] = await measured(cpuMeter, label, () =>
      runLoad({
        baseUrl: url,
        concurrency,
        durationMs: createSeconds * 1000,
        request: (i) => request(i * 7 + 1),
        expectStatus: 201,
      }),
    );
    return { result, cpu, rate: result.ok / result.seconds };
  };
  const createPhase = async (label: string) => {
    // The warm-up compiles the table's validators, and the JIT settles.
    const api = await timedCreates(
      baseUrl,
      meter,
      `creates (${label}): ${createSeconds} s at concurrency ${concurrency}`,
      create,
      5000,
    );
    rows.push({
      measurement: `single creates via API, audit on, ${label} (${concurrency} keep-alive clients, ${createSeconds} s)`,
      result: `**${Math.round(api.rate)} creates/s**; ${latency(api.result)}${failures(api.result)}`,
      target: '≥ 2,000/s',
      other: api.cpu.other,
    });
    notes.push(cpuNote(`creates (${label})`, api.cpu, api.rate));

    // The floor: the same statement behind bare node:http, in the same sitting and table size.
    const floor = await timedCreates(
      `http://127.0.0.1:${ceilingPort}`,
      ceilingMeter,
      `ceiling creates (${label})`,
      (i) => ({ method: 'POST', path: `/ceiling/${space}/lead`, body: bodies[i % bodies.length] }),
      3000,
    );
    rows.push({
      measurement: `ceiling: the same insert + audit statement behind bare node:http (no framework, auth, validation, rules), ${label}`,
      result: `${Math.round(floor.rate)} creates/s; ${latency(floor.result)}${failures(floor.result)}; the API reaches **${((api.rate / floor.rate) * 100).toFixed(0)} %** of it`,
      target: '—',
      other: floor.cpu.other,
    });
    notes.push(cpuNote(`ceiling creates (${label})`, floor.cpu, floor.rate));
  };
  const cpuNote = (label: string, cpu: CpuShares, rate: number) => {
    const perCreate = (coresBusy: number) => `${Math.round((coresBusy / rate) * 1e6)} µs`;
    return (
      `CPU during ${label}, cores busy: server ${cores(cpu.server)}, PostgreSQL ${cores(cpu.postgres)}, ` +
      `load generator ${cores(cpu.bench)}, other processes ${cores(cpu.other)} (of ${os.cpus().length}). ` +
      `CPU per create: server ${perCreate(cpu.server)}, PostgreSQL ${perCreate(cpu.postgres)}, ` +
      `load generator ${perCreate(cpu.bench)}.`
    );
  };

  await createPhase('empty table');

  // Bulk fill (not the import path): generated rows straight into the table, indexes live.
  const already = await count();
  const fillStarted = performance.now();
  for (let from = already; from < targetRecords; from += fillBatch) {
    const n = Math.min(fillBatch, targetRecords - from);
    await database.sql.unsafe(fillLeadSql(ref, from, n, 20), [companyIds]);
    log(`filled ${from + n} / ${targetRecords}`);
  }
  const fillMs = performance.now() - fillStarted;
  const vacuumStarted = performance.now();
  await database.sql.unsafe(`vacuum (analyze) ${ref}`);
  const vacuumMs = performance.now() - vacuumStarted;
  const [size] = await database.sql.unsafe<[{ heap: string; total: string }]>(
    `select pg_size_pretty(pg_relation_size('${ref}')) as heap, pg_size_pretty(pg_total_relation_size('${ref}')) as total`,
  );
  notes.push(
    `Fill to ${targetRecords.toLocaleString('en')} rows (insert … select generate_series in batches of ${fillBatch.toLocaleString('en')}, ` +
      `9 indexes live): ${(fillMs / 1000).toFixed(1)} s, then vacuum analyze ${(vacuumMs / 1000).toFixed(1)} s; ` +
      `heap ${size.heap}, with indexes ${size.total}.`,
  );

  await createPhase(`table at ${(await count()).toLocaleString('en')} rows`);

  const ids = (
    await database.sql.unsafe<Array<{ id: string }>>(
      `select id from ${ref} where deleted_at is null order by random() limit ${reads}`,
    )
  ).map((r) => r.id);
  for (const c of [1, 16]) {
    const [result, cpu] = await measured(meter, `get-by-id: ${reads} ids at concurrency ${c}`, () =>
      load({
        concurrency: c,
        total: reads,
        request: (i) => ({ method: 'GET', path: `${leads}/${ids[i % ids.length]}` }),
        expectStatus: 200,
      }),
    );
    rows.push({
      measurement: `get by id via API, ${reads.toLocaleString('en')} random ids, concurrency ${c}`,
      result: `${latency(result)}; ${Math.round(result.ok / result.seconds)} req/s${failures(result)}`,
      target: '—',
      other: cpu.other,
    });
  }

  const variants: ReadonlyArray<{ readonly label: string; readonly sort?: string }> = [
    { label: 'filter province = X, default order (created_at)' },
    { label: 'filter province = X, sort -score (indexed integer, desc)', sort: '-score' },
    { label: 'filter province = X, sort next_follow_up (indexed date)', sort: 'next_follow_up' },
  ];
  const plans: string[] = [];
  for (const variant of variants) {
    const pick = seededRandom(7);
    const listRequest = (): LoadRequest => {
      const value = provinces[Math.floor(pick() * provinces.length)];
      const filter = encodeURIComponent(JSON.stringify({ field: 'province', op: 'eq', value }));
      const sort = variant.sort ? `&sort=${encodeURIComponent(variant.sort)}` : '';
      return { method: 'GET', path: `${leads}?filter=${filter}${sort}&limit=50` };
    };
    await load({ concurrency: 1, total: 20, request: listRequest, expectStatus: 200 });
    const [result, cpu] = await measured(meter, `list: ${variant.label}`, () =>
      load({ concurrency: 1, total: lists, request: listRequest, expectStatus: 200 }),
    );
    const slow = percentile(result.latencies, 99) >= 50 ? '**' : '';
    rows.push({
      measurement: `list via API, limit 50, ${variant.label}; ${lists} requests, concurrency 1`,
      result: `${slow}${latency(result)}${slow}${failures(result)}`,
      target: 'p99 < 50 ms',
      other: cpu.other,
    });
    const filter = { field: 'province', op: 'eq' as const, value: 'zhejiang' };
    const query = { filter, sort: variant.sort ? [variant.sort] : undefined, limit: 50 };
    plans.push(`-- ${variant.label}\n${await explainList(pg.url, space, 'lead', query)}`);
  }

  // Publishing on the full table: a plain added column, an added indexed column, an index on data.
  type Definition = typeof benchDefinition;
  const publishPhase = async (
    label: string,
    target: string,
    change: (d: Definition) => unknown,
  ) => {
    const current = await call<{ definition: Definition }>(
      'GET',
      `/api/spaces/${space}/definition`,
    );
    await call('PUT', `/api/spaces/${space}/definition/draft`, change(current.definition));
    const [[plan, publishMs], cpu] = await measured(meter, `publish: ${label}`, async () => {
      const started = performance.now();
      const answer = await call<{ steps: Array<{ sql: string[] }> }>(
        'POST',
        `/api/spaces/${space}/definition/publish`,
      );
      return [answer, performance.now() - started] as const;
    });
    const slow = target.startsWith('<') && publishMs >= 1000 ? '**' : '';
    rows.push({
      measurement: `publish on the full table: ${label}`,
      result: `${slow}${ms(publishMs)}${slow}`,
      target,
      other: cpu.other,
    });
    notes.push(`Publish "${label}" ran: \`${plan.steps.flatMap((s) => s.sql).join('; ')}\``);
  };
  const option = (v: string) => ({ value: v, label: { 'zh-CN': v, en: v } });
  await publishPhase('add a plain text field', '< 1 s', (d) =>
    withLeadField(d, { key: 'campaign', type: 'text', label: { 'zh-CN': '活动', en: 'Campaign' } }),
  );
  await publishPhase('add an indexed select field (index over all-NULL column)', 'report', (d) =>
    withLeadField(d, {
      key: 'grade',
      type: 'select',
      indexed: true,
      options: ['a', 'b', 'c'].map(option),
      label: { 'zh-CN': '等级', en: 'Grade' },
    }),
  );
  await publishPhase('mark the existing text field "city" indexed', 'report', (d) => {
    const copy = structuredClone(d);
    const lead = copy.tables.find((t) => t.key === 'lead')!;
    lead.fields = lead.fields.map((f) =>
      f.key === 'city' ? { ...f, indexed: true } : f,
    ) as typeof lead.fields;
    return copy;
  });

  const [settings] = await database.sql.unsafe<
    [{ version: string; shared_buffers: string; synchronous_commit: string }]
  >(
    `select version() as version, current_setting('shared_buffers') as shared_buffers, current_setting('synchronous_commit') as synchronous_commit`,
  );
  process.stdout.write(
    renderReport(
      {
        title: `Data engine benchmark — ${leadFieldCount} fields, ${targetRecords.toLocaleString('en')} records`,
        postgres: settings,
        rows,
        notes,
        plans,
      },
      root,
    ),
  );
}

try {
  await main();
} finally {
  await stopAll();
}
