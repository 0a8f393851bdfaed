// Dashboard benchmark: the medical-device pack installed, LEADS leads and EVENTS behaviour events
// generated with set-based SQL, then every dashboard of the pack answered (p50 / p95 / max) and the
// daily LAI recompute timed.
// Each dashboard is measured fresh (computed every time, no answer cache: hourly pre-aggregates for
// the whole hours of each window plus the rest computed live, in one statement), fresh after writes
// (before each run a new lead, five stage changes on leads of the window and ten follow-ups, so
// their creation hours are computed live), and through the answer cache the API serves from (reused
// until a write to one of the dashboard's tables or 60 s). The first answer (registering the
// pre-aggregates, every hour live) and building the buckets are timed once.
// Run: node --import tsx test/bench/dashboard-bench.ts      (prints a markdown table)
// Env: LEADS (1000000), EVENTS (5000000), COLD_RUNS (30), RUNS (200), KEEP_DIR (keep the
//      PostgreSQL folder), DATA_DIR (a folder kept between runs: the first run generates the data
//      there, later runs migrate it and measure again without generating).
// PostgreSQL data lives in a temporary folder; nothing is written into the repository.
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from '../../platform/db/database';
import { migratePlatformOrThrow } from '../../platform/db/migrate';
import { createLogger } from '../../platform/logger';
import {
  createDashboardCache,
  dashboardValues,
  openSpaceMetrics,
} from '../../platform/metrics/dashboard-service';
import { createRecordChangeHub } from '../../platform/metrics/record-change-hub';
import { recomputeLai } from '../../platform/metrics/lai-job';
import { settleCompactions } from '../../platform/metrics/metric-buckets';
import { systemActor } from '../../platform/people/actor';
import { startEmbeddedPostgres } from '../../platform/services/embedded-postgres';
import { installTemplate } from '../../platform/templates/install-template';
import { createTemplateCatalog } from '../../platform/templates/template-catalog';
import { freePort } from '../support/free-port';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const leadCount = env('LEADS', 1_000_000);
const eventCount = env('EVENTS', 5_000_000);
const runs = env('RUNS', 200);
const coldRuns = env('COLD_RUNS', 30);
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  const reuse = process.env.DATA_DIR;
  const home = reuse ?? (await mkdtemp(path.join(os.tmpdir(), 'baton-dashboard-bench-')));
  if (reuse) await mkdir(reuse, { recursive: true });
  // initdb runs as the postgres user, which must reach the folder mkdtemp made private.
  await chmod(home, 0o755);
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(home, 'postgres'),
    port: await freePort(),
    logger: createLogger('warn', { component: 'postgres' }),
  });
  const database = openDatabase(pg.url, { max: 10 });
  try {
    const db = database.db;
    await migratePlatformOrThrow(db);
    const existing = await db
      .selectFrom('platform.spaces')
      .select('id')
      .where('key', '=', 'meddev')
      .executeTakeFirst();
    let leadsMs = NaN;
    let eventsMs = NaN;
    let started = performance.now();
    if (existing) log('DATA_DIR holds the generated data; measuring it again');
    else {
      const template = await createTemplateCatalog().getOrThrow('medical-device');
      const installed = await installTemplate(
        db,
        template,
        { space: 'meddev' },
        { actor: systemActor('bench') },
      );
      const spaceId = installed.space.id;
      const reps = installed.users.filter((u) => u.roles.includes('rep')).map((u) => u.id);
      log(`installed medical-device pack; ${reps.length} reps`);

      const provinces = ['浙江', '江苏', '上海', '安徽', '广东', '北京', '山东', '四川'];
      const sources = ['web_form', 'wecom', 'douyin', 'sms', 'offline_qr'];
      const actions = [
        'send_comparison',
        'book_demo',
        'maintenance_plan',
        'send_brochure',
        'quote',
      ];
      const stages = [
        'ethics_filed',
        'nhc_registered',
        'tender_shortlisted',
        'clinical_trial',
        'contract_signed',
        'purchase_ordered',
        'payment_received',
      ];
      const roles = ['设备科主任', '财务处长', '院长', '临床主任', '采购'];
      const arr = (values: readonly string[]) => `{${values.map((v) => `"${v}"`).join(',')}}`;

      started = performance.now();
      // Leads: created over the last 365 days, written again up to 20 days later (never in the future).
      await sql`
        insert into space_meddev.lead (id, name, phone, organization, source, province, credibility,
          next_action, decision_roles, pain_point, department, equipment_type, stage, owner,
          created_at, updated_at)
        select gen_random_uuid(), '线索' || g, '+86138' || lpad((g % 100000000)::text, 8, '0'),
          '医院' || (g % 5000),
          (${arr(sources)}::text[])[1 + g % 5],
          (${arr(provinces)}::text[])[1 + (g / 7) % 8],
          (array['A','B','C'])[1 + (g / 3) % 3],
          case when g % 4 = 0 then null else (${arr(actions)}::text[])[1 + (g / 11) % 5] end,
          case when g % 3 = 0 then array['院长','设备科主任'] else array['采购'] end,
          case when g % 5 = 0 then null else 'aging_equipment' end,
          'orthopaedics', 'imaging',
          case when g % 6 = 0 then null else (${arr(stages)}::text[])[1 + (g / 13) % 7] end,
          (${`{${reps.join(',')}}`}::uuid[])[1 + g % ${reps.length}],
          c, least(now(), c + ((g % 20) || ' days')::interval)
        from generate_series(1, ${leadCount}::int) g,
          lateral (select now() - ((g % 365) || ' days')::interval - ((g % 1440) || ' minutes')::interval as c) t`.execute(
        db,
      );
      leadsMs = performance.now() - started;
      log(`${leadCount} leads in ${seconds(leadsMs)}`);

      started = performance.now();
      // Events: 90 % follow-ups with the decision role reached, over the last 60 days, on leads
      // spread by a multiplicative hash; the rest are page dwells (not follow-ups).
      await sql`create temporary table lead_ids as
        select id, created_at, row_number() over (order by id) as rn from space_meddev.lead`.execute(
        db,
      );
      await sql`create index on lead_ids (rn)`.execute(db);
      await sql`
        insert into platform.behaviour_events (space_id, table_key, record_id, type, at, payload)
        select ${spaceId}::uuid, 'lead', l.id,
          case when g % 10 = 0 then 'page_dwell' else 'follow_up' end,
          greatest(l.created_at + interval '1 minute', now() - ((g % 60) || ' days')::interval - ((g % 1440) || ' minutes')::interval),
          jsonb_build_object('role', (${arr(roles)}::text[])[1 + (g / 17) % 5])
        from generate_series(1, ${eventCount}::int) g
        join lead_ids l on l.rn = 1 + ((g::bigint * 7919) % ${leadCount})`.execute(db);
      eventsMs = performance.now() - started;
      log(`${eventCount} events in ${seconds(eventsMs)}`);
      started = performance.now();
      await sql`analyze`.execute(db);
      log(`analyze in ${seconds(performance.now() - started)}`);
    }

    // The daily job: LAI snapshot per owner, then the sandbox label on every lead.
    started = performance.now();
    // Measured again on reused data only when asked (LAI=1): it takes a minute or more.
    const snapshots = existing && process.env.LAI !== '1' ? [] : await recomputeLai(db, 'meddev');
    const jobMs = performance.now() - started;
    const laiMs = snapshots.reduce((s, x) => s + x.tookMs, 0);
    log(
      `LAI recompute ${seconds(laiMs)} (with label backfill ${seconds(jobMs)}): LAI ${snapshots[0]?.lai?.toFixed(2)}`,
    );

    const metrics = await openSpaceMetrics(db, 'meddev', { actor: systemActor('bench') });
    const hub = createRecordChangeHub(database);
    const cache = createDashboardCache(hub);
    const rows: string[] = [];
    const timed = async (count: number, run: () => Promise<unknown>) => {
      const times: number[] = [];
      for (let i = 0; i < count; i += 1) {
        const t = performance.now();
        await run();
        times.push(performance.now() - t);
      }
      return times.sort((a, b) => a - b);
    };
    const figures = (times: number[]) =>
      `${percentile(times, 50).toFixed(1)} / ${percentile(times, 95).toFixed(1)} / ${times.at(-1)!.toFixed(1)} ms`;
    // Writes between fresh runs, as a working day makes them: a new lead, stage changes on leads
    // of the window (their creation hours become stale) and follow-ups on others.
    const windowLeads = (
      await sql<{ id: string }>`select id from space_meddev.lead
        where created_at > now() - interval '30 days' and deleted_at is null`.execute(db)
    ).rows.map((r) => r.id);
    const spaceRow = await db
      .selectFrom('platform.spaces')
      .select('id')
      .where('key', '=', 'meddev')
      .executeTakeFirstOrThrow();
    const pick = (n: number) =>
      Array.from({ length: n }, () => windowLeads[Math.floor(Math.random() * windowLeads.length)]!);
    const writeSome = async () => {
      await sql`insert into space_meddev.lead (id, name, source, province, owner, created_at, updated_at)
        select gen_random_uuid(), 'bench', 'wecom', '浙江', owner, now(), now()
        from space_meddev.lead where owner is not null limit 1`.execute(db);
      await sql`update space_meddev.lead set stage = 'clinical_trial', updated_at = now(), version = version + 1
        where id = any(${pick(5)}::uuid[])`.execute(db);
      await sql`insert into platform.behaviour_events (space_id, table_key, record_id, type, at, payload)
        select ${spaceRow.id}::uuid, 'lead', id, 'follow_up', now(), '{"role": "院长"}'::jsonb
        from unnest(${pick(10)}::uuid[]) id`.execute(db);
    };
    for (const dashboard of metrics.definition.dashboards ?? []) {
      let t = performance.now();
      await dashboardValues(db, metrics, dashboard.key);
      const firstMs = performance.now() - t;
      t = performance.now();
      await settleCompactions();
      const bucketsMs = performance.now() - t;
      const fresh = await timed(coldRuns, () => dashboardValues(db, metrics, dashboard.key));
      const times: number[] = [];
      for (let i = 0; i < coldRuns; i += 1) {
        await writeSome();
        const started = performance.now();
        await dashboardValues(db, metrics, dashboard.key);
        times.push(performance.now() - started);
      }
      const afterWrites = times.sort((a, b) => a - b);
      await settleCompactions();
      const warm = await timed(runs, () => cache.values(db, metrics, dashboard.key));
      // Per widget, one fresh pass, to show where the time goes.
      const perWidget: string[] = [];
      for (const widget of dashboard.widgets) {
        const one = { ...metrics.definition, dashboards: [{ ...dashboard, widgets: [widget] }] };
        const started = performance.now();
        await dashboardValues(db, { ...metrics, definition: one }, dashboard.key);
        perWidget.push(`${widget.key} ${(performance.now() - started).toFixed(0)}`);
      }
      rows.push(
        `| ${dashboard.key} (${dashboard.widgets.length} widgets) | ${figures(fresh)} | ${figures(afterWrites)} | ${figures(warm)} | ${firstMs.toFixed(0)} / ${bucketsMs.toFixed(0)} ms | ${perWidget.join(', ')} |`,
      );
      log(rows.at(-1)!);
    }
    await hub.close();
    const load = os
      .loadavg()
      .map((v) => v.toFixed(2))
      .join(' / ');
    process.stdout.write(
      [
        `Dashboard benchmark — ${leadCount.toLocaleString('en')} leads, ${eventCount.toLocaleString('en')} events, ${coldRuns} fresh runs (and as many after writes) and ${runs} cached runs per dashboard; load average ${load} on ${os.cpus().length} cores`,
        '',
        '| dashboard | fresh p50 / p95 / max | fresh after writes p50 / p95 / max | cached p50 / p95 / max | first answer / bucket build | one fresh pass per widget (ms) |',
        '| --- | --- | --- | --- | --- | --- |',
        ...rows,
        '',
        `| step | time |`,
        `| --- | --- |`,
        `| generate leads (SQL) | ${seconds(leadsMs)} |`,
        `| generate events (SQL) | ${seconds(eventsMs)} |`,
        `| daily LAI recompute (${snapshots.length} LAI metric${snapshots.length === 1 ? '' : 's'}) | ${seconds(laiMs)} |`,
        `| daily job incl. sandbox label backfill | ${seconds(jobMs)} |`,
        '',
      ].join('\n'),
    );
  } finally {
    await database.close();
    await pg.stop();
    if (!process.env.KEEP_DIR && !reuse) await rm(home, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  log(String(error instanceof Error ? (error.stack ?? error.message) : error));
  process.exit(1);
});
