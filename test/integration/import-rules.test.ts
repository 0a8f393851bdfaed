// Imports take the same rule pipeline as any create, on real PostgreSQL and a real Temporal dev
// server: dedupe by the table's rules (returning → linked and routed to the original owner),
// assignment within capacity while API creates compete, score thresholds and flows on create.
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDefinition } from '../../runtime/definition/definition-schema';
import { medicalDeviceDefinition, medicalDeviceRules } from '../../runtime/rules/test-rules';
import { startImport } from '../../platform/imports/import-service';
import type { ImportOptions } from '../../platform/imports/import-options';
import { createLogger } from '../../platform/logger';
import { createRecordDetailed } from '../../platform/records/record-service';
import { resolveTable } from '../../platform/records/table-context';
import type { apiClient } from '../support/api-client';
import { startFlowTestStack, type FlowTestStack } from '../support/flow-test-stack';
import { type TestDatabase } from '../support/test-database';

const l = (en: string, zh: string) => ({ 'zh-CN': zh, en });

/** The medical-device lead rules, a scorecard whose threshold fires on create, a flow on create. */
function definition(): AppDefinition {
  const base = medicalDeviceDefinition({
    ...medicalDeviceRules,
    scorecards: [
      {
        key: 'intent',
        label: l('Intent', '意向'),
        table: 'lead',
        rules: [
          {
            key: 'douyin_ortho',
            kind: 'field',
            label: l('Douyin ortho ad', '抖音骨科广告'),
            when: 'record.source == "douyin" && record.product_line == "ortho"',
            points: 10,
          },
        ],
        bands: [
          { key: 'cold', label: l('Cold', '冷'), min: 0, color: '#e5484d' },
          { key: 'hot', label: l('Hot', '热'), min: 10, color: '#30a46c' },
        ],
        thresholds: [
          {
            key: 'hot_lead',
            label: l('Hot lead', '热线索'),
            when: { reaches: 10 },
            actions: [{ notify: 'role:supervisor', message: l('Hot import', '导入热线索') }],
          },
        ],
      },
    ],
  });
  return {
    ...base,
    tables: [
      ...base.tables,
      {
        key: 'contact',
        label: l('Contact', '联系人'),
        fields: [
          { key: 'name', type: 'text', label: l('Name', '姓名') },
          { key: 'phone', type: 'phone', label: l('Mobile', '手机号') },
        ],
      },
    ],
    rules: {
      ...base.rules,
      dedupe: [
        ...(base.rules?.dedupe ?? []),
        {
          key: 'one_contact_per_phone',
          label: l('One contact per phone', '一个手机号一个联系人'),
          table: 'contact',
          keys: ['phone'],
          window: 'P365D',
          outcome: 'block',
          message: l('This phone already has a contact', '该手机号已有联系人'),
        },
      ],
    },
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
  } as AppDefinition;
}

const csv = (rows: string[][]) =>
  ['姓名,手机号,机构,省份,产品线,来源', ...rows.map((r) => r.join(','))].join('\n') + '\n';

const options: ImportOptions = {
  mapping: {
    columns: {
      姓名: 'name',
      手机号: 'phone',
      机构: 'organization',
      省份: 'province',
      产品线: 'product_line',
      来源: 'source',
    },
  },
  mode: 'partial',
  encoding: 'auto',
  sheet: 1,
};

describe('imports through the rule pipeline', () => {
  let stack: FlowTestStack;
  let target: TestDatabase;
  let api: ReturnType<typeof apiClient>;
  let dir: string;
  const space = `imp${randomBytes(3).toString('hex')}`;
  const records = `/api/spaces/${space}/tables/lead/records`;
  const reps: Record<string, string> = {};

  beforeAll(async () => {
    stack = await startFlowTestStack();
    ({ target, api } = stack);
    const created = await api.expect<any>(201, 'POST', '/api/spaces', {
      key: space,
      name: l('Imports', '导入'),
    });
    const db = target.database.db;
    for (const [key, province, roles] of [
      ['sup', '浙江', ['supervisor']],
      ['zj1', '浙江', ['rep']],
      ['zj2', '浙江', ['rep']],
      ['js1', '江苏', ['rep']],
    ] as const) {
      reps[key] = (
        await db
          .insertInto('platform.users')
          .values({
            email: `${key}-${space}@example.cn`,
            display_name: key,
            province,
            product_lines: roles[0] === 'rep' ? ['ortho'] : [],
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      await db
        .insertInto('platform.space_members')
        .values({ space_id: created.space.id, user_id: reps[key]!, roles: [...roles] })
        .execute();
    }
    await api.expect(200, 'PUT', `/api/spaces/${space}/definition/draft`, definition());
    await api.expect(201, 'POST', `/api/spaces/${space}/definition/publish`);
    dir = await mkdtemp(path.join(os.tmpdir(), 'baton-import-rules-'));
  });
  afterAll(async () => {
    await stack?.close();
  });

  const importCsv = async (
    name: string,
    rows: string[][],
    batchSize = 1000,
    how: Partial<ImportOptions> = {},
    header?: string,
  ) => {
    const file = path.join(dir, name);
    await writeFile(
      file,
      header ? [header, ...rows.map((r) => r.join(','))].join('\n') + '\n' : csv(rows),
    );
    const context = await resolveTable(target.database.db, space, 'lead');
    const { job, done } = await startImport(
      { database: target.database, logger: createLogger('error') },
      context,
      { path: file, name, bytes: 0, temporary: true },
      { ...options, ...how },
      { actor: null, batchSize },
    );
    await done;
    return (await api.expect<any>(200, 'GET', `/api/spaces/${space}/tables/lead/imports/${job.id}`))
      .job;
  };
  const byName = async () => {
    const { records: rows } = await api.expect<any>(200, 'GET', `${records}?limit=200`);
    return new Map<string, any>(rows.map((r: any) => [r.name, r]));
  };

  let original: any;

  it('marks rows that duplicate a record by the dedupe rule as returning, linked and routed to its owner', async () => {
    original = (
      await api.expect<any>(201, 'POST', records, {
        name: '原始',
        phone: '138 0013 8000',
        organization: '北京协和医院',
        province: '浙江',
        product_line: 'ortho',
      })
    ).record;
    expect([reps.zj1, reps.zj2]).toContain(original.owner);

    const job = await importCsv('dupes.csv', [
      // Same lead as the API's by phone + organisation (the rule's keys), written differently.
      ['复访', '+86-138-0013-8000', '北京协和医院', '江苏', 'ortho', 'web_form'],
      // A new lead, and the same lead again later in the file.
      ['新甲', '13900001111', '四川大学华西医院', '江苏', 'ortho', 'web_form'],
      ['新甲再来', '139 0000 1111', '四川大学华西医院', '浙江', 'ortho', 'web_form'],
    ]);
    expect(job).toMatchObject({ status: 'succeeded', created: 3, failed: 0 });

    const rows = await byName();
    const again = rows.get('复访');
    expect(again.returning_of).toBe(original.id);
    expect(again.owner).toBe(original.owner);
    expect(again.tags).toContain('复访线索');
    const first = rows.get('新甲');
    expect(first.returning_of).toBeNull();
    expect(first.owner).toBe(reps.js1);
    const second = rows.get('新甲再来');
    expect(second.returning_of).toBe(first.id);
    expect(second.owner).toBe(reps.js1);

    const db = target.database.db;
    const audit = await db
      .selectFrom('platform.audit_log')
      .select(['record_id', 'source'])
      .where('record_id', 'in', [again.id, first.id, second.id])
      .where('action', '=', 'create')
      .execute();
    expect(audit.map((a) => a.source)).toEqual(['import', 'import', 'import']);
    // The original owner hears of the returning lead, as after an API create.
    const notices = await db
      .selectFrom('platform.outbox')
      .select(['workflow_args'])
      .where('topic', '=', 'rules.actions')
      .execute();
    const about = (id: string) =>
      notices.filter((n) => JSON.stringify(n.workflow_args).includes(id));
    expect(JSON.stringify(about(again.id))).toContain('复访线索');
    expect(JSON.stringify(about(second.id))).toContain('复访线索');

    // A later API create of the imported lead finds the import's original.
    const later = (
      await api.expect<any>(201, 'POST', records, {
        name: '新甲第三次',
        phone: '13900001111',
        organization: '四川大学华西医院',
        province: '浙江',
        product_line: 'ortho',
      })
    ).record;
    expect(later.returning_of).toBe(first.id);
    expect(later.owner).toBe(reps.js1);
  });

  it('assigns new rows by the rules and never past capacity while API creates compete', async () => {
    const context = await resolveTable(target.database.db, space, 'lead');
    const imported = Array.from({ length: 24 }, (_, i) => [
      `导入${i}`,
      `1370000${String(2000 + i)}`,
      `医院${i}`,
      '浙江',
      'ortho',
      'web_form',
    ]);
    const [job, ...created] = await Promise.all([
      importCsv('capacity.csv', imported, 4),
      ...Array.from({ length: 12 }, (_, i) =>
        createRecordDetailed(
          target.database.db,
          context,
          {
            name: `接口${i}`,
            phone: `1360000${String(3000 + i)}`,
            organization: `诊所${i}`,
            province: '浙江',
            product_line: 'ortho',
          },
          { actor: null, source: 'api' },
        ),
      ),
    ]);
    expect(job).toMatchObject({ status: 'succeeded', created: 24, failed: 0 });
    expect(created).toHaveLength(12);

    const rows = [...(await byName()).values()];
    const open = (id: string) => rows.filter((r) => r.owner === id).length;
    // Capacity: fewer than 8 open leads each; 36 leads for 2 reps fill both.
    expect(open(reps.zj1!)).toBe(8);
    expect(open(reps.zj2!)).toBe(8);
    const pooled = rows.filter((r) => r.owner === null && /^(导入|接口)/.test(r.name));
    const zhejiangBefore = rows.filter(
      (r) => !/^(导入|接口)/.test(r.name) && [reps.zj1, reps.zj2].includes(r.owner),
    ).length;
    expect(pooled).toHaveLength(36 - (16 - zhejiangBefore));
    expect(pooled.some((r) => r.name.startsWith('导入'))).toBe(true);

    // Rotation state counts every assignment, imported or not.
    const state = await target.database.db
      .selectFrom('platform.assignment_state')
      .select(['user_id', 'assigned_count'])
      .where('rule_key', '=', 'regional_reps')
      .execute();
    const assigned = Object.fromEntries(state.map((s) => [s.user_id, s.assigned_count]));
    const routed = rows.filter(
      (r) => r.returning_of !== null && [reps.zj1, reps.zj2].includes(r.owner),
    ).length;
    expect((assigned[reps.zj1!] ?? 0) + (assigned[reps.zj2!] ?? 0)).toBe(16 - routed);
    // The pool's supervisor is told about pooled imported rows.
    const poolNotices = await target.database.db
      .selectFrom('platform.outbox')
      .select(['workflow_args'])
      .where('topic', '=', 'rules.actions')
      .execute();
    const pooledImport = pooled.find((r) => r.name.startsWith('导入'));
    expect(
      poolNotices.some(
        (n) =>
          JSON.stringify(n.workflow_args).includes(pooledImport.id) &&
          JSON.stringify(n.workflow_args).includes('market'),
      ),
    ).toBe(true);
  });

  it('fires score thresholds and starts the flows on create for imported rows', async () => {
    const job = await importCsv('hot.csv', [
      ['热线索', '13500005555', '复旦大学附属中山医院', '江苏', 'ortho', 'douyin'],
      ['冷线索', '13500006666', '某诊所', '江苏', 'ortho', 'web_form'],
    ]);
    expect(job).toMatchObject({ status: 'succeeded', created: 2 });
    const rows = await byName();
    const hot = rows.get('热线索');
    const cold = rows.get('冷线索');

    const db = target.database.db;
    const actions = await db
      .selectFrom('platform.outbox')
      .select(['workflow_args', 'seq'])
      .where('topic', '=', 'rules.actions')
      .execute();
    const hotNotice = actions.filter((a) => JSON.stringify(a.workflow_args).includes(hot.id));
    expect(JSON.stringify(hotNotice)).toContain('导入热线索');
    expect(
      actions.some(
        (a) =>
          JSON.stringify(a.workflow_args).includes(cold.id) &&
          JSON.stringify(a.workflow_args).includes('导入热线索'),
      ),
    ).toBe(false);

    // Every imported row starts the record.created flow on Temporal, through the outbox.
    const importedIds = [...rows.values()]
      .filter((r) => !['原始', '新甲第三次'].includes(r.name) && !r.name.startsWith('接口'))
      .map((r) => r.id as string);
    expect(importedIds.length).toBe(3 + 24 + 2);
    const deadline = Date.now() + 30_000;
    let running: string[] = [];
    for (;;) {
      const { executions } = await api.expect<any>(
        200,
        'GET',
        `/api/spaces/${space}/flows/welcome/executions`,
      );
      running = executions
        .filter((e: any) => e.status === 'RUNNING')
        .map((e: any) => e.recordId as string);
      if (importedIds.every((id) => running.includes(id)) || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(importedIds.filter((id) => !running.includes(id))).toEqual([]);
    // The start arguments of an imported row are those of an API create, shared parts included.
    const starts = await db
      .selectFrom('platform.outbox')
      .select(['workflow_id', 'workflow_args'])
      .where('topic', '=', 'record.created')
      .execute();
    const argsOf = (id: string) =>
      (starts.find((s) => s.workflow_id.endsWith(`/${id}`))?.workflow_args as any[])[0];
    const fromApi = argsOf(original.id);
    const fromImport = argsOf(hot.id);
    expect(Object.keys(fromImport).sort()).toEqual(Object.keys(fromApi).sort());
    for (const key of ['flow', 'fields', 'calendar', 'definitionVersion', 'tableKey']) {
      expect(fromImport[key]).toEqual(fromApi[key]);
    }
    expect(fromImport.record).toMatchObject({ id: hot.id, version: 1, name: '热线索' });
    // The threshold's notice was delivered to Temporal too.
    const delivered = await db
      .selectFrom('platform.outbox')
      .select(['delivered_at'])
      .where(
        'seq',
        'in',
        hotNotice.map((n) => n.seq),
      )
      .execute();
    expect(delivered.every((d) => d.delivered_at !== null)).toBe(true);
  });

  it('runs the rules on rows that update matched records: thresholds, flow signals and stage gates', async () => {
    const before = await byName();
    const cold = before.get('冷线索');
    const hot = before.get('热线索');
    const job = await importCsv(
      'updates.csv',
      [
        // The cold lead now comes from Douyin: its score crosses the threshold.
        ['冷线索', '13500006666', 'douyin', ''],
        // A stage move without the gate's evidence is refused, with what is missing.
        ['热线索', '13500005555', '', 'ethics_filed'],
      ],
      1000,
      {
        mapping: {
          columns: { 姓名: 'name', 手机号: 'phone', 来源: 'source', 阶段: 'stage' },
        },
        dedupe: { keys: ['phone'], onMatch: 'update' },
      },
      '姓名,手机号,来源,阶段',
    );
    expect(job).toMatchObject({ status: 'succeeded', updated: 1, failed: 1 });
    expect(job.errors).toEqual([
      expect.objectContaining({ row: 3, code: 'GATE_BLOCKED', field: 'stage' }),
    ]);
    expect(job.errors[0].message['zh-CN']).toContain('缺少伦理委员会备案 PDF 扫描件');
    const after = await byName();
    expect(after.get('冷线索').source).toBe('douyin');
    expect(after.get('热线索').stage).toBe(hot.stage);

    const db = target.database.db;
    const entries = await db
      .selectFrom('platform.outbox')
      .select(['topic', 'workflow_args', 'payload', 'start'])
      .where('seq', '>', '0')
      .execute();
    const aboutCold = entries.filter((e) => JSON.stringify(e).includes(cold.id));
    // The running welcome execution hears of the change, as after an API update.
    expect(aboutCold).toContainEqual(
      expect.objectContaining({
        topic: 'record.updated',
        start: false,
        payload: { record: expect.objectContaining({ id: cold.id, source: 'douyin', version: 2 }) },
      }),
    );
    expect(
      aboutCold.some(
        (e) =>
          e.topic === 'rules.actions' && JSON.stringify(e.workflow_args).includes('导入热线索'),
      ),
    ).toBe(true);
  });

  it('dedupes and assigns an all-or-nothing import the same way, in its one transaction', async () => {
    const job = await importCsv(
      'all.csv',
      [
        ['全有甲', '13300001234', '复旦大学附属中山医院', '江苏', 'ortho', 'web_form'],
        ['全有乙', '133 0000 1234', '复旦大学附属中山医院', '江苏', 'ortho', 'web_form'],
        ['复访全有', '13800138000', '北京协和医院', '江苏', 'ortho', 'web_form'],
      ],
      2,
      { mode: 'all_or_nothing' },
    );
    expect(job).toMatchObject({ status: 'succeeded', created: 3, failed: 0 });
    const rows = await byName();
    expect(rows.get('全有甲').owner).toBe(reps.js1);
    expect(rows.get('全有乙')).toMatchObject({
      returning_of: rows.get('全有甲').id,
      owner: reps.js1,
    });
    expect(rows.get('复访全有')).toMatchObject({
      returning_of: original.id,
      owner: original.owner,
    });
  });

  it('keeps one original per lead when API creates race an all-or-nothing import of the same leads', async () => {
    const context = await resolveTable(target.database.db, space, 'lead');
    const leads = Array.from({ length: 6 }, (_, i) => ({
      phone: `1320000${String(4000 + i)}`,
      organization: `竞速医院${i}`,
    }));
    const [job] = await Promise.all([
      importCsv(
        'race.csv',
        leads.map((x, i) => [`竞速导入${i}`, x.phone, x.organization, '江苏', 'ortho', 'web_form']),
        2,
        { mode: 'all_or_nothing' },
      ),
      ...leads.map((x, i) =>
        createRecordDetailed(
          target.database.db,
          context,
          { name: `竞速接口${i}`, ...x, province: '江苏', product_line: 'ortho' },
          { actor: null, source: 'api' },
        ),
      ),
    ]);
    expect(job).toMatchObject({ status: 'succeeded', created: 6 });
    const rows = [...(await byName()).values()];
    for (const x of leads) {
      const same = rows.filter((r) => r.organization === x.organization);
      expect(same).toHaveLength(2);
      const originals = same.filter((r) => r.returning_of === null);
      expect(originals).toHaveLength(1);
      expect(same.find((r) => r.returning_of !== null).returning_of).toBe(originals[0].id);
    }
  });

  it('refuses rows that a blocking dedupe rule finds in the table or earlier in the file', async () => {
    const contacts = `/api/spaces/${space}/tables/contact/records`;
    await api.expect(201, 'POST', contacts, { name: '已有', phone: '13100001111' });
    const file = path.join(dir, 'contacts.csv');
    await writeFile(file, '姓名,手机号\n甲,131 0000 1111\n乙,13100002222\n丙,+86 131 0000 2222\n');
    const { job, done } = await startImport(
      { database: target.database, logger: createLogger('error') },
      await resolveTable(target.database.db, space, 'contact'),
      { path: file, name: 'contacts.csv', bytes: 0, temporary: true },
      { ...options, mapping: { columns: { 姓名: 'name', 手机号: 'phone' } } },
      { actor: null },
    );
    await done;
    const result = (
      await api.expect<any>(200, 'GET', `/api/spaces/${space}/tables/contact/imports/${job.id}`)
    ).job;
    expect(result).toMatchObject({ status: 'succeeded', created: 1, failed: 2 });
    expect(result.errors.map((e: any) => [e.row, e.code, e.message['zh-CN']])).toEqual([
      [2, 'DUPLICATE_BLOCKED', '该手机号已有联系人'],
      [4, 'DUPLICATE_BLOCKED', '该手机号已有联系人'],
    ]);
    const { records: stored } = await api.expect<any>(200, 'GET', contacts);
    expect(stored.map((r: any) => r.name).sort()).toEqual(['乙', '已有']);
  });
});
