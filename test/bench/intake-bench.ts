// Delivers 20,000 signed leads over HTTP (20% duplicates, 5 channels, 30 reps in 6 provinces) from
// 32 concurrent clients to a Baton server in a child process, and reports throughput and latency
// from request to the assigned answer; then inserts the same rows with plain INSERTs at the same
// concurrency as the ceiling. Embedded PostgreSQL in a temp folder; no Temporal (the outbox fills).
// Also measured: the record pipeline alone (createRecordDetailed in-process) on fresh leads.
// Run: node --import tsx test/bench/intake-bench.ts   (ROWS=2000 for a short run; CLIENTS, POOL and
// CAPACITY to vary; SERVER_PROCESSES=N serves from N processes; NO_ASSIGN=1 drops the assignment rule; SERVER_PROF=1 writes a CPU profile of
// the server to /tmp/intake-prof). A script, not a test: figures depend on the machine.
import { spawn, type ChildProcess } from 'node:child_process';
import cluster from 'node:cluster';
import { once } from 'node:events';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import postgres from 'postgres';
import type { IntakeSource } from '../../runtime/intake/intake-schema';
import { medicalDeviceDefinition, medicalDeviceRules } from '../../runtime/rules/test-rules';
import { openDatabase } from '../../platform/db/database';
import { migratePlatformOrThrow } from '../../platform/db/migrate';
import { signDelivery } from '../../platform/intake/intake-signature';
import { createLogger } from '../../platform/logger';
import { createRecordDetailed } from '../../platform/records/record-service';
import { resolveTable, watchSpaceVersions } from '../../platform/records/table-context';
import { watchPeople } from '../../platform/auth/people-cache';
import { startEmbeddedPostgres } from '../../platform/services/embedded-postgres';
import { apiClient } from '../support/api-client';
import { freePort } from '../support/free-port';
import { createTestApp } from '../support/test-app';
import { createCpuMeter } from './data-engine-cpu';
import { percentile, runLoad } from './data-engine-load';

const rows = Number(process.env.ROWS ?? 20_000);
const clients = Number(process.env.CLIENTS ?? 32);
const pool = Number(process.env.POOL ?? 10);
const capacity = Number(process.env.CAPACITY ?? 1_000);
const l = (en: string, zh: string) => ({ 'zh-CN': zh, en });

const provinces = ['浙江', '江苏', '广东', '山东', '四川', '湖北'];
const lines = ['ortho', 'neuro', 'rehab'];
const timestamped = {
  header: 'x-baton-signature',
  algorithm: 'hmac-sha256',
  timestampHeader: 'x-baton-timestamp',
} as const;
const bodyOnly = { header: 'x-baton-signature', algorithm: 'hmac-sha256' } as const;
const source = (
  key: string,
  kind: IntakeSource['kind'],
  map: Record<string, string>,
  signed: IntakeSource['signature'],
): IntakeSource => ({
  key,
  label: l(key, key),
  kind,
  table: 'lead',
  map,
  set: kind === 'api' ? {} : { source: kind },
  signature: signed,
});
const sources: IntakeSource[] = [
  source(
    'web_form',
    'web_form',
    {
      name: 'payload.nickname',
      phone: 'payload.mobile',
      organization: 'payload.org',
      message: 'payload.message',
      ip: 'payload.ip',
      province: 'payload.province',
      product_line: 'payload.product_line',
    },
    timestamped,
  ),
  source(
    'wecom',
    'wecom',
    {
      name: 'payload.contact.name',
      phone: 'payload.contact.mobile',
      organization: 'payload.corp_name',
      message: 'payload.content',
      province: 'payload.region.province',
      product_line: 'payload.line',
    },
    timestamped,
  ),
  source(
    'douyin',
    'douyin',
    {
      name: 'payload.user.nickname',
      phone: 'payload.user.phone',
      organization: 'payload.form.hospital',
      province: 'payload.form.province',
      product_line: 'payload.form.product',
    },
    bodyOnly,
  ),
  source(
    'sms',
    'sms',
    {
      name: 'payload.name',
      phone: 'payload.from',
      organization: 'payload.org',
      message: 'payload.text',
      province: 'payload.province',
      product_line: 'payload.line',
    },
    bodyOnly,
  ),
  source(
    'offline_qr',
    'offline_qr',
    {
      name: 'payload.name',
      phone: 'payload.phone',
      organization: 'payload.company',
      message: 'payload.booth',
      province: 'payload.province',
      product_line: 'payload.interest',
    },
    timestamped,
  ),
];

interface Lead {
  readonly name: string;
  readonly phone: string;
  readonly org: string;
  readonly province: string;
  readonly line: string;
  readonly message: string;
}

/** Deterministic pseudo-random numbers, so every run sends the same leads. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function leads(count: number): Array<{ lead: Lead; channel: number; duplicate: boolean }> {
  const rnd = random(42);
  const unique: Lead[] = [];
  const out: Array<{ lead: Lead; channel: number; duplicate: boolean }> = [];
  for (let i = 0; i < count; i++) {
    const duplicate = unique.length > 0 && rnd() < 0.2;
    const lead: Lead = duplicate
      ? unique[Math.floor(rnd() * unique.length)]!
      : {
          name: `客户${i}`,
          phone: `13${String(100_000_000 + i * 37).padStart(9, '0')}`,
          org: `${provinces[i % 6]}第${i % 500}人民医院`,
          province: provinces[Math.floor(rnd() * 6)]!,
          line: lines[Math.floor(rnd() * 3)]!,
          message: rnd() < 0.3 ? '想了解 CT 和 DR 的报价' : '请联系我',
        };
    if (!duplicate) unique.push(lead);
    out.push({ lead, channel: Math.floor(rnd() * 5), duplicate });
  }
  return out;
}

/** The body each channel's sender posts for a lead. */
/** A channel's payload; `id` is the sender's message id, so no two deliveries sign alike. */
function request(lead: Lead, channel: number, id: number): { body: string; type: string } {
  const json = (value: unknown) => ({ body: JSON.stringify(value), type: 'application/json' });
  switch (channel) {
    case 0:
      return json({
        submission_id: id,
        nickname: lead.name,
        mobile: lead.phone,
        org: lead.org,
        message: lead.message,
        ip: '10.20.3.4',
        province: lead.province,
        product_line: lead.line,
      });
    case 1:
      return json({
        msg_id: id,
        contact: { name: lead.name, mobile: lead.phone },
        corp_name: lead.org,
        content: lead.message,
        region: { province: lead.province },
        line: lead.line,
      });
    case 2:
      return json({
        clue_id: id,
        user: { nickname: lead.name, phone: Number(lead.phone) },
        form: { hospital: lead.org, province: lead.province, product: lead.line },
      });
    case 3: {
      const form = new URLSearchParams({
        msgid: String(id),
        name: lead.name,
        from: lead.phone,
        org: lead.org,
        text: lead.message,
        province: lead.province,
        line: lead.line,
      });
      return { body: form.toString(), type: 'application/x-www-form-urlencoded' };
    }
    default:
      return json({
        name: lead.name,
        phone: lead.phone,
        company: lead.org,
        scan_id: id,
        booth: `展位 ${lead.line}`,
        province: lead.province,
        interest: lead.line,
      });
  }
}

async function startServer(url: string, port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      ...process.execArgv,
      ...(process.env.SERVER_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/intake-prof'] : []),
      fileURLToPath(import.meta.url),
      '--serve',
    ],
    {
      env: { ...process.env, BENCH_DATABASE_URL: url, BENCH_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  for await (const line of createInterface({ input: child.stdout! })) if (line === 'ready') break;
  return child;
}

async function startBareServer(url: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...process.execArgv, 'test/bench/bare-create-server.ts'], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: { ...process.env, DATABASE_URL: url, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for await (const line of createInterface({ input: child.stdout! }))
    if (line === 'listening') break;
  return child;
}

async function main(): Promise<void> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'baton-bench-intake-'));
  await chmod(home, 0o755);
  const logger = createLogger('warn', { component: 'intake-bench' });
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(home, 'pg'),
    port: await freePort(),
    logger,
  });
  const database = openDatabase(pg.url);
  let server: ChildProcess | undefined;
  try {
    await migratePlatformOrThrow(database.db);
    const api = apiClient(
      createTestApp({
        database,
        logger,
      }),
    );
    const space = (
      await api.expect<any>(201, 'POST', '/api/spaces', { key: 'bench', name: l('Bench', '基准') })
    ).space;
    for (let i = 0; i < 30; i++) {
      const { id } = await database.db
        .insertInto('platform.users')
        .values({
          email: `rep${i}@example.cn`,
          display_name: `rep${i}`,
          province: provinces[i % 6]!,
          product_lines: [
            ['ortho', 'neuro'],
            ['neuro', 'rehab'],
            ['rehab', 'ortho'],
          ][Math.floor(i / 6) % 3]!,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await database.db
        .insertInto('platform.space_members')
        .values({ space_id: space.id, user_id: id, roles: ['rep'] })
        .execute();
    }
    const rules = structuredClone(medicalDeviceRules);
    if (process.env.NO_ASSIGN) delete rules.assignment;
    else
      rules.assignment![0]!.entries[0]!.capacity = {
        metric: 'open_records',
        lessThan: capacity,
        closedStages: ['paid'],
      };
    await api.expect(200, 'PUT', '/api/spaces/bench/definition/draft', {
      ...medicalDeviceDefinition(rules),
      intake: sources,
    });
    await api.expect(201, 'POST', '/api/spaces/bench/definition/publish');
    const secrets: string[] = [];
    for (const s of sources)
      secrets.push(
        (await api.expect<any>(201, 'POST', `/api/spaces/bench/intake/${s.key}/secret`)).secret,
      );

    const work = leads(rows);
    const port = await freePort();
    server = await startServer(pg.url, port);
    const outcomes = { unique: 0, returning: 0, flagged: 0, assigned: 0, pooled: 0 };
    const postmaster = Number(
      (await readFile(path.join(pg.dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0],
    );
    const stopMeter = createCpuMeter(server.pid!, postmaster).start();
    const result = await runLoad({
      baseUrl: `http://127.0.0.1:${port}`,
      concurrency: clients,
      total: work.length,
      expectStatus: 201,
      request: (i) => {
        const { lead, channel } = work[i]!;
        const { body, type } = request(lead, channel, i);
        const ts = String(Math.floor(Date.now() / 1000));
        const signed = sources[channel]!.signature.timestampHeader !== undefined;
        return {
          method: 'POST',
          path: `/api/spaces/bench/intake/${sources[channel]!.key}`,
          body,
          headers: {
            'content-type': type,
            'idempotency-key': `lead-${i}`,
            'x-baton-signature': signDelivery(secrets[channel]!, body, signed ? ts : undefined),
            ...(signed ? { 'x-baton-timestamp': ts } : {}),
          },
        };
      },
      onBody: (text) => {
        const answer = JSON.parse(text) as { dedupe: keyof typeof outcomes; owner: string | null };
        outcomes[answer.dedupe]++;
        if (answer.owner) outcomes.assigned++;
        else outcomes.pooled++;
      },
    });
    const cpu = stopMeter();
    const seconds = result.seconds;
    server.kill('SIGTERM');
    await once(server, 'exit');
    server = undefined;

    const over = await database.sql`
      select owner, count(*)::int as n from space_bench.lead where owner is not null group by owner having count(*) > ${capacity}`;
    const sorted = result.latencies;
    const throughput = result.ok / seconds;

    // Where the time goes: the record pipeline alone (createRecordDetailed, in this process, same
    // concurrency and pool size, no HTTP, signature or idempotency), on fresh leads.
    const direct = Math.min(rows, 4_000);
    const pipelineDb = openDatabase(pg.url, { max: pool });
    const stopWatching = [await watchSpaceVersions(pipelineDb), await watchPeople(pipelineDb)];
    const context = await resolveTable(pipelineDb.db, 'bench', 'lead');
    let directNext = 0;
    const directStarted = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        for (let i = directNext++; i < direct; i = directNext++) {
          const { lead } = work[i]!;
          await createRecordDetailed(
            pipelineDb.db,
            context,
            {
              name: lead.name,
              phone: `15${lead.phone.slice(2)}`,
              organization: lead.org,
              message: lead.message,
              province: lead.province,
              product_line: lead.line,
              source: 'web_form',
              stage: 'new',
            },
            { actor: null, source: 'intake' },
          );
        }
      }),
    );
    const directThroughput = direct / ((performance.now() - directStarted) / 1000);
    for (const stop of stopWatching) await stop();
    await pipelineDb.close();

    // The ceiling: the same rows as plain single-row INSERTs into the same table, same concurrency.
    const raw = postgres(pg.url, { max: clients, onnotice: () => {} });
    let rawNext = 0;
    const rawStarted = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        for (let i = rawNext++; i < work.length; i = rawNext++) {
          const { lead, channel } = work[i]!;
          await raw`
            insert into space_bench.lead (name, phone, organization, message, source, province, product_line, stage)
            values (${lead.name}, ${`+86${lead.phone}`}, ${lead.org}, ${lead.message}, ${sources[channel]!.kind}, ${lead.province}, ${lead.line}, 'new')`;
        }
      }),
    );
    const rawSeconds = (performance.now() - rawStarted) / 1000;
    await raw.end();
    const rawThroughput = rows / rawSeconds;

    // The HTTP floor: the same rows posted to bare node:http that runs only the record + audit
    // insert (no framework, signature, idempotency or rules), same clients and pool size.
    const floorPort = await freePort();
    const floorServer = await startBareServer(pg.url, floorPort);
    const floor = await runLoad({
      baseUrl: `http://127.0.0.1:${floorPort}`,
      concurrency: clients,
      total: work.length,
      expectStatus: 201,
      request: (i) => {
        const { lead, channel } = work[i]!;
        return {
          method: 'POST',
          path: '/ceiling/bench/lead',
          body: JSON.stringify({
            name: lead.name,
            phone: `+8617${lead.phone.slice(2)}`,
            organization: lead.org,
            message: lead.message,
            source: sources[channel]!.kind,
            province: lead.province,
            product_line: lead.line,
            stage: 'new',
          }),
        };
      },
    });
    floorServer.kill('SIGTERM');
    await once(floorServer, 'exit');
    const floorThroughput = floor.ok / floor.seconds;

    const fmt = (n: number) => n.toFixed(1);
    console.log(
      `intake bench: ${rows.toLocaleString()} leads, ${clients} clients, server pool ${pool}, capacity < ${capacity}, ${os.cpus().length} cores`,
    );
    console.log(`  HTTP intake     ${fmt(throughput)} leads/s  (${fmt(seconds)} s)`);
    console.log(
      `  latency ms      p50 ${fmt(percentile(sorted, 50))}  p95 ${fmt(percentile(sorted, 95))}  p99 ${fmt(percentile(sorted, 99))}  max ${fmt(sorted.at(-1) ?? NaN)}`,
    );
    console.log(
      `  answers         ${result.ok} created, ${result.failed} failed${result.firstFailure ? ` (first: ${result.firstFailure})` : ''}`,
    );
    const perLead = (coresBusy: number) => `${Math.round((coresBusy / throughput) * 1e6)} µs`;
    console.log(
      `  CPU per lead    server ${perLead(cpu.server)}, PostgreSQL ${perLead(cpu.postgres)}, load generator ${perLead(cpu.bench)}` +
        `  (cores busy ${cpu.server.toFixed(2)} + ${cpu.postgres.toFixed(2)} + ${cpu.bench.toFixed(2)}, other ${cpu.other.toFixed(2)})`,
    );
    console.log(
      `  outcomes        ${JSON.stringify(outcomes)}  (sent as duplicates: ${work.filter((w) => w.duplicate).length})`,
    );
    console.log(`  reps over cap   ${over.length}`);
    console.log(
      `  record pipeline ${fmt(directThroughput)} records/s  (createRecordDetailed in-process, ${direct.toLocaleString()} leads, no HTTP)`,
    );
    console.log(
      `  raw INSERT      ${fmt(rawThroughput)} rows/s  (${fmt(rawSeconds)} s) — the ceiling`,
    );
    console.log(
      `  HTTP floor      ${fmt(floorThroughput)} rows/s  (bare node:http + the insert, no rules; ${floor.failed} failed) = ${((floorThroughput / rawThroughput) * 100).toFixed(1)} % of raw`,
    );
    console.log(`  intake / raw    ${((throughput / rawThroughput) * 100).toFixed(1)} %`);
    console.log(`  intake / floor  ${((throughput / floorThroughput) * 100).toFixed(1)} %`);
  } finally {
    server?.kill('SIGTERM');
    await database.close();
    await pg.stop();
    await rm(home, { recursive: true, force: true });
  }
}

// The server half: the real app on a port, in its own process (its own event loop and core).
// SERVER_PROCESSES=N runs N such processes on the one port (node:cluster), as N `BATON_ROLE=api`
// processes behind a balancer would.
if (process.argv[2] === '--serve') {
  const processes = Number(process.env.SERVER_PROCESSES ?? 1);
  if (processes > 1 && cluster.isPrimary) {
    const workers = Array.from({ length: processes }, () => cluster.fork());
    await Promise.all(workers.map((w) => once(w, 'listening')));
    console.log('ready');
    process.on('SIGTERM', () => {
      for (const w of workers) w.process.kill('SIGTERM');
      void Promise.all(workers.map((w) => once(w, 'exit'))).then(() => process.exit(0));
    });
  } else {
    const database = openDatabase(process.env.BENCH_DATABASE_URL!, { max: pool });
    // As `npm start` does: space versions and people cached, emptied by PostgreSQL's notices.
    await watchSpaceVersions(database);
    await watchPeople(database);
    const app = createTestApp({
      database,
      logger: createLogger('error'),
    });
    const port = Number(process.env.BENCH_PORT);
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port }, () => {
      if (cluster.isPrimary) console.log('ready');
    });
    process.on('SIGTERM', () => {
      server.close();
      void database.close().then(() => process.exit(0));
    });
  }
} else {
  await main();
}
