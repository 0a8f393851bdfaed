// Imports a generated 1,000,000-row, 30-field lead CSV through the HTTP import endpoint; prints rows/s and peak RSS.
// Run: node --import tsx test/bench/import-bench.ts
//   ROWS=100000 for a smaller run, DEDUPE=1 to match on phone (skip), MODE=all_or_nothing for one
//   transaction, FORMAT=xlsx to generate and import an .xlsx instead of a CSV, EXPORT=1 to export
//   the table afterwards in the same format and time that too. RULES=1 gives the table the rule
//   steps that need the database (a dedupe rule on phone that marks returning leads — every tenth
//   row repeats an earlier phone —, round-robin assignment by province over 30 reps, a scorecard
//   whose threshold notifies the supervisor for about a fifth of the rows); FLOWS=1 adds a flow
//   started on record.created (an outbox entry with the definition snapshot per row).
// A script, not a test: timings depend on the machine.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { chmod, mkdtemp, open, readFile, rm, stat, type FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { openDatabase } from '../../platform/db/database';
import { migratePlatformOrThrow } from '../../platform/db/migrate';
import { createLogger } from '../../platform/logger';
import { startEmbeddedPostgres } from '../../platform/services/embedded-postgres';
import { apiClient } from '../support/api-client';
import { freePort } from '../support/free-port';
import { createTestApp } from '../support/test-app';

const rows = Number(process.env.ROWS ?? 1_000_000);
const dedupe = process.env.DEDUPE === '1';
const mode = process.env.MODE === 'all_or_nothing' ? 'all_or_nothing' : 'partial';
const format = process.env.FORMAT === 'xlsx' ? 'xlsx' : 'csv';
const withRules = process.env.RULES === '1';
const withFlows = process.env.FLOWS === '1';
const l = (en: string, zh: string) => ({ 'zh-CN': zh, en });
const provinces = ['浙江', '江苏', '广东', '山东', '河南', '四川', '湖北', '福建'];
const options = (names: string[]) =>
  names.map((n, i) => ({ value: `v${i}`, label: l(`O${i}`, n) }));

const fields = [
  { key: 'name', type: 'text', required: true, label: l('Name', '姓名') },
  { key: 'phone', type: 'phone', indexed: true, label: l('Mobile', '手机号') },
  { key: 'email', type: 'email', label: l('E-mail', '邮箱') },
  { key: 'company_name', type: 'text', label: l('Company', '单位') },
  { key: 'province', type: 'select', options: options(provinces), label: l('Province', '省份') },
  { key: 'city', type: 'text', label: l('City', '城市') },
  {
    key: 'source',
    type: 'select',
    options: options(['官网', '展会', '抖音', '转介绍']),
    label: l('Source', '来源'),
  },
  {
    key: 'products',
    type: 'multi_select',
    options: options(['CT', 'MRI', '超声', 'DR']),
    label: l('Products', '意向产品'),
  },
  { key: 'budget', type: 'money', label: l('Budget', '预算') },
  { key: 'employees', type: 'integer', label: l('Employees', '人数') },
  { key: 'score', type: 'number', label: l('Score', '评分') },
  { key: 'vip', type: 'boolean', label: l('VIP', '重点客户') },
  { key: 'visit_date', type: 'date', label: l('Visit date', '拜访日期') },
  { key: 'first_contact_at', type: 'datetime', label: l('First contact', '首次联系') },
  { key: 'tags', type: 'tags', label: l('Tags', '标签') },
  { key: 'notes', type: 'long_text', label: l('Notes', '备注') },
  { key: 'title', type: 'text', label: l('Title', '职务') },
  { key: 'department', type: 'text', label: l('Department', '科室') },
  { key: 'wechat', type: 'text', label: l('WeChat', '微信') },
  { key: 'address', type: 'text', label: l('Address', '地址') },
  { key: 'zip', type: 'text', label: l('Zip', '邮编') },
  { key: 'website', type: 'url', label: l('Website', '网站') },
  {
    key: 'industry',
    type: 'select',
    options: options(['医院', '诊所', '体检']),
    label: l('Industry', '行业'),
  },
  {
    key: 'level',
    type: 'select',
    options: options(['三甲', '二甲', '其他']),
    label: l('Level', '等级'),
  },
  { key: 'rating', type: 'integer', label: l('Rating', '星级') },
  { key: 'revenue', type: 'money', label: l('Revenue', '营收') },
  { key: 'founded', type: 'date', label: l('Founded', '成立日期') },
  { key: 'last_contact_at', type: 'datetime', label: l('Last contact', '最近联系') },
  {
    key: 'tag_count',
    type: 'computed',
    expression: 'size(record.tags)',
    resultType: 'integer',
    label: l('Tag count', '标签数'),
  },
  { key: 'code', type: 'auto_number', prefix: 'L-', padding: 8, label: l('Lead no.', '线索编号') },
];
const benchRules = {
  dedupe: [
    {
      key: 'same_phone',
      label: l('Same phone', '同手机号'),
      table: 'lead',
      keys: ['phone'],
      window: 'P30D',
      outcome: 'mark_returning',
      tag: '复访',
      notify: 'original_owner',
    },
  ],
  assignment: [
    {
      key: 'by_province',
      label: l('By province', '按省份'),
      table: 'lead',
      entries: [
        {
          key: 'province',
          candidates: 'user.province == record.province',
          strategy: 'round_robin',
        },
      ],
      fallback: { pool: 'market', notify: 'role:supervisor' },
    },
  ],
  scorecards: [
    {
      key: 'intent',
      label: l('Intent', '意向'),
      table: 'lead',
      rules: [
        {
          key: 'vip_rated',
          kind: 'field',
          label: l('VIP, rated 3+', '重点客户且星级≥3'),
          when: 'record.vip == true && record.rating >= 3',
          points: 10,
        },
      ],
      bands: [
        { key: 'cold', label: l('Cold', '冷'), min: 0, color: '#e5484d' },
        { key: 'hot', label: l('Hot', '热'), min: 10, color: '#30a46c' },
      ],
      thresholds: [
        {
          key: 'hot',
          label: l('Hot', '热'),
          when: { reaches: 10 },
          actions: [{ notify: 'role:supervisor' }],
        },
      ],
    },
  ],
};
const csvColumns = fields.filter((f) => f.type !== 'computed' && f.type !== 'auto_number');

function cells(i: number): string[] {
  const p = provinces[i % provinces.length]!;
  const day = String((i % 28) + 1).padStart(2, '0');
  const values = [
    `客户${i}`,
    `1${String(3_000_000_000 + (withRules && i % 10 === 9 ? i - 5 : i) * 7).padStart(10, '0')}`,
    `lead${i}@example.cn`,
    `${p}第${i % 997}人民医院`,
    p,
    `${p}市`,
    ['官网', '展会', '抖音', '转介绍'][i % 4],
    i % 3 === 0 ? 'CT,MRI' : '超声',
    `${((i % 90) + 10).toLocaleString('en-US')},000.50`,
    String(100 + (i % 5000)),
    String((i % 1000) / 10),
    i % 2 ? '是' : '否',
    `2026/${(i % 12) + 1}/${day}`,
    `2026-11-${day} 08:${String(i % 60).padStart(2, '0')}`,
    i % 5 === 0 ? '重点;复购' : '新客',
    `第 ${i} 条线索，来自批量导入基准测试`,
    '设备科主任',
    '设备科',
    `wx_${i}`,
    `${p}市某某路 ${i % 1000} 号`,
    String(310000 + (i % 999)),
    `https://h${i % 1000}.example.cn`,
    ['医院', '诊所', '体检'][i % 3],
    ['三甲', '二甲', '其他'][i % 3],
    String(i % 5),
    String(1_000_000 + i),
    `${1950 + (i % 70)}-0${(i % 9) + 1}-15`,
    `2026-11-${day}T10:00:00+08:00`,
  ];
  return values as string[];
}

function line(i: number): string {
  return (
    cells(i)
      .map((v) => (v.includes(',') ? `"${v}"` : v))
      .join(',') + '\n'
  );
}

async function generateCsv(file: string): Promise<void> {
  const out = createWriteStream(file);
  out.write(csvColumns.map((f) => f.label['zh-CN']).join(',') + '\n');
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    chunk += line(i);
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

async function generateXlsx(file: string): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: false });
  const sheet = workbook.addWorksheet('线索');
  sheet.addRow(csvColumns.map((f) => f.label['zh-CN'])).commit();
  for (let i = 0; i < rows; i++) sheet.addRow(cells(i)).commit();
  sheet.commit();
  await workbook.commit();
}

/** A multipart body read from disk as the consumer pulls, so the benchmark holds no copy of the file. */
function multipart(
  file: string,
  optionsJson: string,
  boundary: string,
): ReadableStream<Uint8Array> {
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="options"\r\n\r\n${optionsJson}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="leads"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  let handle: FileHandle | undefined;
  let sentTail = false;
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      handle = await open(file);
      controller.enqueue(head);
    },
    async pull(controller) {
      const chunk = Buffer.alloc(1 << 20);
      const { bytesRead } = await handle!.read(chunk, 0, chunk.length, null);
      if (bytesRead > 0) return controller.enqueue(chunk.subarray(0, bytesRead));
      if (!sentTail) controller.enqueue(tail);
      sentTail = true;
      await handle!.close();
      controller.close();
    },
  });
}

function vmHwmMb(status: string): number {
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

// Generation runs in a child process, so its memory does not count towards the import's RSS.
if (process.argv[2] === '--generate') {
  const file = process.argv[3]!;
  await (file.endsWith('.xlsx') ? generateXlsx(file) : generateCsv(file));
  process.exit(0);
}

async function generateApart(file: string): Promise<void> {
  const child = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--generate', file],
    { stdio: 'inherit', env: process.env },
  );
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`generating ${file} failed (${code})`);
}

const home = await mkdtemp(path.join(os.tmpdir(), 'baton-bench-import-'));
await chmod(home, 0o755);
const logger = createLogger('warn', { component: 'import-bench' });
const pg = await startEmbeddedPostgres({
  dataDir: path.join(home, 'pg'),
  port: await freePort(),
  logger,
});
const database = openDatabase(pg.url);
try {
  await migratePlatformOrThrow(database.db);
  const app = createTestApp({
    database,
    logger,
  });
  const api = apiClient(app);
  await api.expect(201, 'POST', '/api/spaces', { key: 'bench', name: l('Bench', '基准') });
  if (withRules) {
    const space = await database.db
      .selectFrom('platform.spaces')
      .select('id')
      .where('key', '=', 'bench')
      .executeTakeFirstOrThrow();
    for (let r = 0; r <= 30; r++) {
      const user = await database.db
        .insertInto('platform.users')
        .values({
          email: `rep${r}@bench.example.cn`,
          display_name: r === 30 ? '主管' : `销售${r}`,
          province: r === 30 ? null : `v${r % provinces.length}`,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await database.db
        .insertInto('platform.space_members')
        .values({ space_id: space.id, user_id: user.id, roles: [r === 30 ? 'supervisor' : 'rep'] })
        .execute();
    }
  }
  await api.expect(200, 'PUT', '/api/spaces/bench/definition/draft', {
    formatVersion: 1,
    tables: [{ key: 'lead', label: l('Lead', '线索'), titleField: 'name', fields }],
    ...(withRules ? { rules: benchRules } : {}),
    ...(withFlows
      ? {
          flows: [
            {
              key: 'welcome',
              label: l('Welcome', '欢迎'),
              table: 'lead',
              trigger: { on: 'record.created' },
              nodes: [{ id: 'hold', type: 'wait', duration: 'PT1H' }],
              edges: [],
            },
          ],
        }
      : {}),
  });
  await api.expect(201, 'POST', '/api/spaces/bench/definition/publish');

  const csv = path.join(home, `leads.${format}`);
  const generating = performance.now();
  await generateApart(csv);
  const size = (await stat(csv)).size;
  console.log(
    `generated ${rows.toLocaleString()} rows, ${(size / 1e6).toFixed(1)} MB in ${((performance.now() - generating) / 1000).toFixed(1)} s`,
  );

  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  const started = performance.now();
  const boundary = `bench${Date.now()}`;
  const optionsJson = JSON.stringify({
    mapping: { columns: Object.fromEntries(csvColumns.map((f) => [f.label['zh-CN'], f.key])) },
    mode,
    ...(dedupe ? { dedupe: { keys: ['phone'], onMatch: 'skip' } } : {}),
  });
  const response = await app.request('/api/spaces/bench/tables/lead/imports', {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    body: multipart(csv, optionsJson, boundary),
    duplex: 'half',
  } as RequestInit);
  const accepted = (await response.json()) as { job?: { id: string }; error?: unknown };
  if (response.status !== 202) throw new Error(`import refused: ${JSON.stringify(accepted)}`);
  const uploadedMs = performance.now() - started;
  let job: Record<string, any> = {};
  for (;;) {
    job = (
      await api.expect<any>(200, 'GET', `/api/spaces/bench/tables/lead/imports/${accepted.job!.id}`)
    ).job;
    if (job.status === 'succeeded' || job.status === 'failed') break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    {
      const m = process.memoryUsage();
      process.stdout.write(
        `\r${(job.progress * 100).toFixed(0)}%  ${job.rows} rows  rss ${(m.rss / 1e6).toFixed(0)} MB heap ${(m.heapUsed / 1e6).toFixed(0)}/${(m.heapTotal / 1e6).toFixed(0)} ext ${(m.external / 1e6).toFixed(0)} ab ${(m.arrayBuffers / 1e6).toFixed(0)}   `,
      );
    }
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const hwm = vmHwmMb(await readFile('/proc/self/status', 'utf8'));
  console.log('\n');
  console.table({
    format,
    mode,
    dedupe: dedupe ? 'phone, skip' : 'none',
    rules: withRules ? 'dedupe, assignment, threshold' : 'none',
    flows: withFlows ? 'record.created' : 'none',
    rows: job.rows,
    created: job.created,
    skipped: job.skipped,
    failed: job.failed,
    status: job.status,
    'upload + spool (s)': Number((uploadedMs / 1000).toFixed(1)),
    'total (s)': Number(seconds.toFixed(1)),
    'rows/s': Math.round(job.rows / seconds),
    'peak RSS sampled (MB)': Math.round(peak / 1024 / 1024),
    'VmHWM (MB)': Math.round(hwm),
  });
  if (job.failed > 0) console.log('first errors', job.errors.slice(0, 3));
  if (withRules || withFlows) {
    const counts = await database.db
      .selectFrom('space_bench.lead' as never)
      .select((eb: any) => [
        eb.fn.countAll().as('records'),
        eb.fn.count('owner').as('owned'),
        sql<number>`count(*) filter (where '复访' = any(tags))`.as('returning'),
      ])
      .executeTakeFirstOrThrow();
    const outbox = await sql<{ topic: string; n: number; mb: number }>`
      select topic, count(*)::int as n, round(sum(pg_column_size(workflow_args) + pg_column_size(payload)) / 1e6)::int as mb
      from platform.outbox group by topic order by topic`.execute(database.db);
    console.table({ ...(counts as object), outbox: JSON.stringify(outbox.rows) });
  }
  if (job.failure) console.log('failure', job.failure);

  if (process.env.EXPORT === '1') {
    // The export streams the same table back, keyset page by keyset page.
    let exportPeak = process.memoryUsage().rss;
    const exportSampler = setInterval(
      () => (exportPeak = Math.max(exportPeak, process.memoryUsage().rss)),
      100,
    );
    const exporting = performance.now();
    const answer = await app.request(
      `/api/spaces/bench/tables/lead/records/export?format=${format}`,
    );
    let bytes = 0;
    for await (const chunk of answer.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
    }
    clearInterval(exportSampler);
    const exportSeconds = (performance.now() - exporting) / 1000;
    console.table({
      export: format,
      status: answer.status,
      'MB written': Number((bytes / 1e6).toFixed(1)),
      'total (s)': Number(exportSeconds.toFixed(1)),
      'rows/s': Math.round(job.created / exportSeconds),
      'peak RSS sampled (MB)': Math.round(exportPeak / 1024 / 1024),
    });
  }
} finally {
  await database.close();
  await pg.stop();
  await rm(home, { recursive: true, force: true });
}
