// Imports CSV and .xlsx files into designed tables and exports them back, through the API on real PostgreSQL.
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../platform/logger';
import { startImport } from '../../platform/imports/import-service';
import { resolveTable } from '../../platform/records/table-context';
import { apiClient } from '../support/api-client';
import { createTestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { writeFile, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const l = (en: string, zh: string) => ({ 'zh-CN': zh, en });

const leadFields = [
  { key: 'name', type: 'text', required: true, label: l('Name', '姓名') },
  { key: 'phone', type: 'phone', indexed: true, label: l('Mobile', '手机号') },
  {
    key: 'province',
    type: 'select',
    label: l('Province', '省份'),
    options: [
      { value: 'zhejiang', label: l('Zhejiang', '浙江') },
      { value: 'jiangsu', label: l('Jiangsu', '江苏') },
    ],
  },
  {
    key: 'roles',
    type: 'multi_select',
    label: l('Decision roles', '决策链角色'),
    options: [
      { value: 'equipment_head', label: l('Head of equipment', '设备科主任') },
      { value: 'president', label: l('President', '院长') },
    ],
  },
  { key: 'budget', type: 'money', label: l('Budget', '预算') },
  { key: 'beds', type: 'integer', label: l('Beds', '床位数') },
  { key: 'vip', type: 'boolean', label: l('VIP', '重点客户') },
  { key: 'visit_date', type: 'date', label: l('Visit date', '拜访日期') },
  { key: 'first_contact_at', type: 'datetime', label: l('First contact', '首次联系') },
  { key: 'tags', type: 'tags', label: l('Tags', '标签') },
  { key: 'company', type: 'relation', table: 'company', label: l('Hospital', '医院') },
  { key: 'code', type: 'auto_number', prefix: 'L-', padding: 5, label: l('Lead no.', '线索编号') },
];

const design = {
  formatVersion: 1,
  tables: [
    {
      key: 'company',
      label: l('Hospital', '医院'),
      titleField: 'name',
      fields: [
        { key: 'name', type: 'text', required: true, unique: true, label: l('Name', '名称') },
      ],
    },
    {
      key: 'lead',
      label: l('Lead', '线索'),
      titleField: 'name',
      stages: [
        { key: 'new', label: l('New', '新线索') },
        { key: 'won', label: l('Won', '赢单') },
      ],
      fields: leadFields,
    },
    { key: 'lead_copy', label: l('Lead copy', '线索副本'), fields: leadFields },
    { key: 'contact', label: l('Contact', '联系人'), fields: leadFields.slice(0, 3) },
    { key: 'visitor', label: l('Visitor', '访客'), fields: leadFields.slice(0, 2) },
    { key: 'prospect', label: l('Prospect', '潜在客户'), fields: leadFields.slice(0, 2) },
  ],
};

async function xlsx(rows: unknown[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet('线索').addRows(rows);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('importing and exporting records', () => {
  let target: TestDatabase;
  let app: ReturnType<typeof createTestApp>;
  let api: ReturnType<typeof apiClient>;
  const tables = '/api/spaces/sales/tables';

  beforeAll(async () => {
    target = await createTestDatabase();
    app = createTestApp({
      database: target.database,
    });
    api = apiClient(app);
    await api.expect(201, 'POST', '/api/spaces', { key: 'sales', name: l('Sales', '销售') });
    await api.expect(200, 'PUT', '/api/spaces/sales/definition/draft', design);
    await api.expect(201, 'POST', '/api/spaces/sales/definition/publish');
    for (const name of ['浙江省人民医院', '江苏省人民医院']) {
      await api.expect(201, 'POST', `${tables}/company/records`, { name });
    }
  });
  afterAll(() => target.drop());

  const upload = async (url: string, file: Buffer, name: string, options?: unknown) => {
    const form = new FormData();
    if (options !== undefined) form.append('options', JSON.stringify(options));
    form.append('file', new Blob([new Uint8Array(file)]), name);
    const response = await app.request(url, { method: 'POST', body: form });
    return { status: response.status, body: (await response.json()) as any };
  };
  const finished = async (table: string, id: string) => {
    // Generous: a loaded CI machine may take a while for the larger files.
    for (let i = 0; i < 1200; i++) {
      const { job } = await api.expect<any>(200, 'GET', `${tables}/${table}/imports/${id}`);
      if (job.status === 'succeeded' || job.status === 'failed') return job;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(
      `import ${id} did not finish: ${JSON.stringify((await api.get<any>(`${tables}/${table}/imports/${id}`)).body)}`,
    );
  };
  const runImport = async (table: string, file: Buffer, name: string, options: unknown) => {
    const started = await upload(`${tables}/${table}/imports`, file, name, options);
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect(started.body.job.status).toBe('queued');
    return finished(table, started.body.job.id);
  };
  const list = async (table: string, sort = 'code') =>
    (await api.expect<any>(200, 'GET', `${tables}/${table}/records?limit=500&sort=${sort}`))
      .records;

  const header = [
    '姓名',
    '手机号',
    '省份',
    'Decision roles',
    '预算',
    '床位数',
    '重点客户',
    '拜访日期',
    '首次联系',
    '标签',
    '医院',
  ];
  const mapping = {
    columns: {
      姓名: { field: 'name', transform: 'trim' },
      手机号: 'phone',
      省份: 'province',
      'Decision roles': 'roles',
      预算: 'budget',
      床位数: 'beds',
      重点客户: 'vip',
      拜访日期: 'visit_date',
      首次联系: 'first_contact_at',
      标签: 'tags',
      医院: 'company',
    },
    relations: { company: { by: 'name' } },
  };

  it('previews the first rows with detected columns, a suggested mapping and per-row issues', async () => {
    const file = await xlsx([
      header,
      [
        ' 张伟 ',
        13800138000,
        '浙江',
        '设备科主任，院长',
        '1,234.5',
        500,
        '是',
        new Date(Date.UTC(2026, 10, 20)),
        '2026/11/20 08:30',
        '影像;超声',
        '浙江省人民医院',
      ],
      [
        '李娜',
        '13900139000',
        'Jiangsu',
        'president',
        '十万',
        20.5,
        'maybe',
        46346,
        '',
        '',
        '不存在医院',
      ],
    ]);
    const preview = await upload(`${tables}/lead/imports/preview`, file, 'leads.xlsx');
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body).toMatchObject({ format: 'xlsx', encoding: null, columns: header });
    expect(preview.body.suggestedMapping).toEqual({
      columns: {
        姓名: 'name',
        手机号: 'phone',
        省份: 'province',
        'Decision roles': 'roles',
        预算: 'budget',
        床位数: 'beds',
        重点客户: 'vip',
        拜访日期: 'visit_date',
        首次联系: 'first_contact_at',
        标签: 'tags',
        医院: 'company',
      },
      relations: { company: { by: 'name' } },
    });
    const [first, second] = preview.body.rows;
    expect(first.issues).toEqual([]);
    expect(first.values).toMatchObject({
      name: ' 张伟 ',
      phone: '13800138000',
      province: 'zhejiang',
      roles: ['equipment_head', 'president'],
      budget: 1234.5,
      beds: 500,
      vip: true,
      visit_date: '2026-11-20',
      first_contact_at: '2026-11-20T00:30:00.000Z',
      tags: ['影像', '超声'],
    });
    expect(first.values.company).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.row).toBe(3);
    expect(second.issues.map((i: any) => [i.column, i.field, i.code])).toEqual([
      ['预算', 'budget', 'INVALID_NUMBER'],
      ['床位数', 'beds', 'NOT_AN_INTEGER'],
      ['重点客户', 'vip', 'INVALID_BOOLEAN'],
      ['医院', 'company', 'UNKNOWN_RELATED_RECORD'],
    ]);
    expect(second.issues[0].message['zh-CN']).toBe('「十万」不是数字');
  });

  it('refuses a mapping that names an unknown column or field, before starting a job', async () => {
    const file = await xlsx([header, ['张伟']]);
    const refused = await upload(`${tables}/lead/imports`, file, 'leads.xlsx', {
      mapping: { columns: { 姓名: 'name', 微信: 'wechat', 手机号: 'nowhere', 医院: 'code' } },
      dedupe: { keys: ['province'], onMatch: 'skip' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('IMPORT_OPTIONS_INVALID');
    expect(refused.body.error.details.problems).toEqual([
      'column "微信" is not in the file\'s header',
      'field "wechat" does not exist in table "lead"',
      'field "nowhere" does not exist in table "lead"',
      'field "code" is computed by Baton and cannot be imported',
      'dedupe: field "province" is not mapped from any column',
    ]);
    const noOptions = await upload(`${tables}/lead/imports`, file, 'leads.xlsx');
    expect(noOptions.status).toBe(400);
  });

  it('imports an .xlsx in partial mode: good rows stored, duplicates skipped, bad rows reported by row and field', async () => {
    const file = await xlsx([
      header,
      [
        '王芳',
        '13700137000',
        '浙江',
        '',
        '200000',
        300,
        'yes',
        '2026-11-20',
        '',
        '',
        '浙江省人民医院',
      ],
      ['', '13700137001', '火星', '', '', '', '', '', '', '', ''],
      ['赵强', '13700137002', 'jiangsu', '', '', '', '否', '2026-02-30', '', '', ''],
      ['王芳（重复）', '13700137000', '', '', '', '', '', '', '', '', ''],
      [],
      [
        '孙丽',
        '13700137003',
        '',
        'president, equipment_head',
        '',
        '',
        '',
        46346,
        '',
        '',
        '江苏省人民医院',
      ],
    ]);
    const job = await runImport('lead', file, 'leads.xlsx', {
      mapping,
      mode: 'partial',
      dedupe: { keys: ['phone'], onMatch: 'skip' },
    });
    expect(job).toMatchObject({
      status: 'succeeded',
      rows: 5,
      created: 2,
      skipped: 1,
      failed: 2,
      errorCount: 3,
      progress: 1,
    });
    expect(job.errors.map((e: any) => [e.row, e.column, e.field, e.code])).toEqual([
      [3, '省份', 'province', 'NOT_AN_OPTION'],
      [3, '姓名', 'name', 'REQUIRED'],
      [4, '拜访日期', 'visit_date', 'INVALID_DATE'],
    ]);
    const stored = await list('lead');
    expect(stored.map((r: any) => [r.name, r.phone, r.province, r.code])).toEqual([
      ['王芳', '13700137000', 'zhejiang', 'L-00001'],
      ['孙丽', '13700137003', null, 'L-00002'],
    ]);
    expect(stored[1]).toMatchObject({
      roles: ['president', 'equipment_head'],
      visit_date: '2026-11-20',
    });
  });

  it('writes nothing in all-or-nothing mode when one row is bad', async () => {
    const before = (await list('lead')).length;
    const file = await xlsx([
      header,
      ['周杰', '13600136000'],
      ['吴敏', '13600136001', '', '', '', 'many'],
      ['郑洁', '13600136002'],
    ]);
    const job = await runImport('lead', file, 'leads.xlsx', { mapping, mode: 'all_or_nothing' });
    expect(job).toMatchObject({ status: 'failed', rows: 3, created: 0, updated: 0, failed: 1 });
    expect(job.failure.en).toBe('1 row(s) have errors; nothing was written');
    expect(job.errors).toEqual([
      expect.objectContaining({ row: 3, column: '床位数', field: 'beds', code: 'INVALID_NUMBER' }),
    ]);
    expect(await list('lead')).toHaveLength(before);
  });

  it('updates matched records, changing only the changed fields, with audit rows from the import', async () => {
    const [wang] = await list('lead');
    const file = await xlsx([
      ['手机号', '预算', '床位数', '省份', '姓名'],
      ['13700137000', '250000', 300, '浙江', null],
      ['13700137009', '1', null, null, '新客户'],
      ['13700137009', '2', null, null, null],
    ]);
    const job = await runImport('lead', file, 'update.xlsx', {
      mapping: {
        columns: {
          手机号: 'phone',
          预算: 'budget',
          床位数: 'beds',
          省份: 'province',
          姓名: 'name',
        },
      },
      mode: 'partial',
      dedupe: { keys: ['phone'], onMatch: 'update' },
    });
    expect(job).toMatchObject({ status: 'succeeded', rows: 3, created: 1, updated: 2, failed: 0 });
    const updated = await api.expect<any>(200, 'GET', `${tables}/lead/records/${wang.id}`);
    expect(updated.record).toMatchObject({ version: 2, budget: 250000, beds: 300, name: '王芳' });
    const history = await api.expect<any>(200, 'GET', `${tables}/lead/records/${wang.id}/history`);
    expect(
      history.entries.map((e: any) => [e.action, e.field, e.before, e.after, e.source]),
    ).toEqual([
      [
        'create',
        null,
        null,
        expect.objectContaining({ name: '王芳', code: 'L-00001', budget: 200000 }),
        'import',
      ],
      ['update', 'budget', 200000, 250000, 'import'],
    ]);
    const created = (await list('lead')).find((r: any) => r.phone === '13700137009');
    expect(created).toMatchObject({ name: '新客户', budget: 2, version: 1 });
  });

  it('treats duplicates across batches of one file by the dedupe rule', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'baton-import-test-'));
    const file = path.join(dir, 'contacts.csv');
    await writeFile(file, '姓名,手机号\n甲,101\n乙,102\n甲2,101\n丙,103\n乙2,102\n');
    const context = await resolveTable(target.database.db, 'sales', 'contact');
    const deps = { database: target.database, logger: createLogger('error') };
    const { job, done } = await startImport(
      deps,
      context,
      { path: file, name: 'contacts.csv', bytes: 40, temporary: true },
      {
        mapping: { columns: { 姓名: 'name', 手机号: 'phone' } },
        mode: 'partial',
        dedupe: { keys: ['phone'], onMatch: 'update' },
        encoding: 'auto',
        sheet: 1,
      },
      { actor: null, batchSize: 2 },
    );
    await done;
    const outcome = await finished('contact', job.id);
    expect(outcome.failure).toBeNull();
    expect(outcome).toMatchObject({ created: 3, updated: 2, rows: 5 });
    const names = (await list('contact', 'created_at')).map((r: any) => [r.phone, r.name]).sort();
    expect(names).toEqual([
      ['101', '甲2'],
      ['102', '乙2'],
      ['103', '丙'],
    ]);
  });

  it('skips duplicates of rows that another connection is still loading', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'baton-import-test-'));
    const file = path.join(dir, 'visitors.csv');
    const lines = ['姓名,手机号'];
    // Batch 2k+1 repeats the phones of batch 2k, which is usually still loading beside it.
    for (let i = 0; i < 8000; i++) {
      lines.push(`访客${i},${10000 + (i % 1000) + 1000 * Math.floor(i / 2000)}`);
    }
    await writeFile(file, lines.join('\n'));
    const context = await resolveTable(target.database.db, 'sales', 'visitor');
    const { job, done } = await startImport(
      { database: target.database, logger: createLogger('error') },
      context,
      { path: file, name: 'visitors.csv', bytes: 0, temporary: true },
      {
        mapping: { columns: { 姓名: 'name', 手机号: 'phone' } },
        mode: 'partial',
        dedupe: { keys: ['phone'], onMatch: 'skip' },
        encoding: 'auto',
        sheet: 1,
      },
      { actor: null, batchSize: 1000 },
    );
    await done;
    expect(await finished('visitor', job.id)).toMatchObject({
      rows: 8000,
      created: 4000,
      skipped: 4000,
    });
    const stored = await sql<{ phone: string; name: string }>`
      select phone, name from space_sales.visitor order by phone`.execute(target.database.db);
    expect(stored.rows).toHaveLength(4000);
    // The first row of each phone wins: it sits in the even batch.
    const first = (phone: number) => (phone % 1000) + 2000 * Math.floor(phone / 1000);
    expect(stored.rows.every((r) => r.name === `访客${first(Number(r.phone) - 10000)}`)).toBe(true);
  });

  it('keeps Chinese text whole in a large .xlsx, where characters straddle compressed chunks', async () => {
    const rows: unknown[][] = [['姓名', '手机号']];
    for (let i = 0; i < 3000; i++) rows.push([`客户${i}号·浙江省杭州市西湖区文三路${i}号`, null]);
    const job = await runImport('prospect', await xlsx(rows), 'big.xlsx', {
      mapping: { columns: { 姓名: 'name' } },
    });
    expect(job).toMatchObject({ status: 'succeeded', created: 3000, failed: 0 });
    const broken = await sql<{ n: string }>`
      select count(*) as n from space_sales.prospect where name like ${'%\ufffd%'}
         or name !~ '^客户[0-9]+号·浙江省杭州市西湖区文三路[0-9]+号$'`.execute(target.database.db);
    expect(Number(broken.rows[0]!.n)).toBe(0);
  });

  it('reads a GBK-encoded CSV, as Chinese Excel saves it, and a UTF-8 one with BOM', async () => {
    const text = '名称\r\n浙江大学医学院附属第一医院\r\n"北京协和医院"\r\n';
    const gbk = await runImport('company', iconv.encode(text, 'gbk'), '医院.csv', {
      mapping: { columns: { 名称: 'name' } },
    });
    expect(gbk).toMatchObject({ status: 'succeeded', created: 2 });
    const bom = await upload(
      `${tables}/company/imports/preview`,
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('名称\n上海瑞金医院\n')]),
      'utf8.csv',
    );
    expect(bom.body).toMatchObject({
      encoding: 'utf-8',
      columns: ['名称'],
      rows: [{ values: { name: '上海瑞金医院' } }],
    });
    const gbkPreview = await upload(
      `${tables}/company/imports/preview`,
      iconv.encode(text, 'gbk'),
      'x.csv',
    );
    expect(gbkPreview.body.encoding).toBe('gb18030');
    const names = (
      await api.expect<any>(200, 'GET', `${tables}/company/records?limit=50`)
    ).records.map((r: any) => r.name);
    expect(names).toEqual(expect.arrayContaining(['浙江大学医学院附属第一医院', '北京协和医院']));
  });

  it('reports progress and serves every row error as CSV', async () => {
    const lines = ['名称'];
    for (let i = 0; i < 1200; i++) lines.push(i % 400 === 0 ? '浙江省人民医院' : `医院${i}`);
    const job = await runImport('company', Buffer.from(lines.join('\n')), 'many.csv', {
      mapping: { columns: { 名称: 'name' } },
    });
    expect(job).toMatchObject({
      status: 'succeeded',
      rows: 1200,
      created: 1197,
      failed: 3,
      progress: 1,
    });
    expect(job.bytesRead).toBe(job.fileBytes);
    expect(job.errors.map((e: any) => [e.row, e.code])).toEqual([
      [2, 'NOT_UNIQUE'],
      [402, 'NOT_UNIQUE'],
      [802, 'NOT_UNIQUE'],
    ]);
    const response = await app.request(`${tables}/company/imports/${job.id}/errors.csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain(`import-${job.id}-errors.csv`);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = bytes.subarray(3).toString('utf8');
    expect(csv.startsWith('row,column,field,code,message_zh,message_en\r\n')).toBe(true);
    expect(csv.trim().split('\r\n')).toHaveLength(4);
    await api.expect(404, 'GET', `${tables}/company/imports/00000000-0000-4000-8000-000000000000`);
    // The export reads keyset pages of 1,000: every company comes out once.
    const exported = await app.request(`${tables}/company/records/export?format=csv&locale=en`);
    const names = (await exported.text()).trim().split('\r\n');
    expect(names[0]).toBe('Name');
    expect(names).toHaveLength(1 + 2 + 2 + 1197);
    expect(new Set(names).size).toBe(names.length);
  });

  it('exports CSV and .xlsx with labels, and re-imports them into another table with the same values', async () => {
    const filter = encodeURIComponent(JSON.stringify({ field: 'phone', op: 'not_null' }));
    const csvAnswer = await app.request(
      `${tables}/lead/records/export?format=csv&filter=${filter}&sort=code`,
    );
    expect(csvAnswer.status).toBe(200);
    expect(csvAnswer.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csvAnswer.headers.get('content-disposition')).toMatch(
      /filename\*=UTF-8''%E7%BA%BF%E7%B4%A2-/,
    );
    const csv = Buffer.from(await csvAnswer.arrayBuffer());
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csvText = csv.toString('utf8');
    expect(csvText).toContain('姓名,手机号,省份,决策链角色,预算');
    expect(csvText).toContain('孙丽,13700137003,,院长、设备科主任');
    expect(csvText).toContain('浙江省人民医院');

    const xlsxAnswer = await app.request(
      `${tables}/lead/records/export?format=xlsx&locale=en&sort=code`,
    );
    expect(xlsxAnswer.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await xlsxAnswer.arrayBuffer()) as never);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).values).toEqual([
      undefined,
      'Name',
      'Mobile',
      'Province',
      'Decision roles',
      'Budget',
      'Beds',
      'VIP',
      'Visit date',
      'First contact',
      'Tags',
      'Hospital',
      'Lead no.',
      'Stage',
    ]);
    expect(sheet.getRow(2).getCell(3).value).toBe('Zhejiang');

    const fields = leadFields.filter((f) => f.type !== 'auto_number').map((f) => f.key);
    const original = await list('lead');
    for (const [format, body, name] of [
      ['csv', csv, 'export.csv'],
      [
        'xlsx',
        Buffer.from(
          await (
            await app.request(`${tables}/lead/records/export?format=xlsx&sort=code`)
          ).arrayBuffer(),
        ),
        'export.xlsx',
      ],
    ] as const) {
      const preview = await upload(`${tables}/lead_copy/imports/preview`, body, name);
      const job = await runImport('lead_copy', body, name, {
        mapping: preview.body.suggestedMapping,
      });
      expect(job, format).toMatchObject({ status: 'succeeded', failed: 0 });
      const copies = await list('lead_copy');
      const pick = (r: any) => Object.fromEntries(fields.map((k) => [k, r[k]]));
      const expected = format === 'csv' ? original.filter((r: any) => r.phone !== null) : original;
      expect(copies.slice(-expected.length).map(pick), format).toEqual(expected.map(pick));
    }
  });

  it('keeps the job list clean of other tables', async () => {
    const rows = await sql<{
      n: string;
    }>`select count(*) as n from platform.import_jobs where table_key = 'lead'`.execute(
      target.database.db,
    );
    expect(Number(rows.rows[0]!.n)).toBeGreaterThan(0);
    await api.expect(
      404,
      'GET',
      `${tables}/contact/imports/${(await sql<{ id: string }>`select id from platform.import_jobs where table_key = 'lead' limit 1`.execute(target.database.db)).rows[0]!.id}`,
    );
  });
});
