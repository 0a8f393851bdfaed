// Designs tables through the API, publishes, writes and reads records, changes a type, reads history.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/api-client';
import { createTestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const l = (en: string, zh: string) => ({ 'zh-CN': zh, en });

const designV1 = {
  formatVersion: 1,
  lists: {
    decision_roles: [
      { value: 'equipment_head', label: l('Head of equipment', '设备科主任') },
      { value: 'finance_head', label: l('Head of finance', '财务处长') },
      { value: 'president', label: l('President', '院长') },
    ],
  },
  tables: [
    {
      key: 'company',
      label: l('Hospital', '医院'),
      titleField: 'name',
      fields: [
        { key: 'name', type: 'text', required: true, unique: true, label: l('Name', '名称') },
        { key: 'city', type: 'text', label: l('City', '城市') },
      ],
    },
    {
      key: 'lead',
      label: l('Lead', '线索'),
      titleField: 'name',
      stages: [
        { key: 'new', label: l('New', '新线索') },
        { key: 'contacted', label: l('Contacted', '已联系') },
      ],
      fields: [
        { key: 'name', type: 'text', required: true, label: l('Name', '姓名') },
        { key: 'phone', type: 'phone', indexed: true, label: l('Mobile', '手机号') },
        { key: 'email', type: 'email', label: l('E-mail', '邮箱') },
        {
          key: 'province',
          type: 'select',
          indexed: true,
          label: l('Province', '省份'),
          options: [
            { value: 'zhejiang', label: l('Zhejiang', '浙江') },
            { value: 'jiangsu', label: l('Jiangsu', '江苏') },
          ],
        },
        {
          key: 'roles',
          type: 'multi_select',
          options: { list: 'decision_roles' },
          label: l('Decision roles', '决策链角色'),
        },
        { key: 'budget', type: 'text', label: l('Budget', '预算') },
        {
          key: 'company',
          type: 'relation',
          table: 'company',
          reverseKey: 'leads',
          label: l('Hospital', '医院'),
        },
        { key: 'tags', type: 'tags', label: l('Tags', '标签') },
        { key: 'notes', type: 'long_text', label: l('Notes', '备注') },
        { key: 'first_contact_at', type: 'datetime', label: l('First contact', '首次联系') },
        { key: 'visit_date', type: 'date', label: l('Visit date', '拜访日期') },
        { key: 'extra', type: 'json', label: l('Extra', '附加') },
        {
          key: 'code',
          type: 'auto_number',
          prefix: 'L-',
          padding: 5,
          label: l('Lead no.', '线索编号'),
        },
        {
          key: 'role_count',
          type: 'computed',
          expression: 'size(record.roles)',
          resultType: 'integer',
          label: l('Roles reached', '已触达角色数'),
        },
      ],
      validations: [
        {
          key: 'two_roles',
          cel: 'size(record.roles) == 0 || size(record.roles) >= 2',
          field: 'roles',
          message: l('Pick at least 2 decision roles', '决策链角色至少选择 2 个'),
        },
      ],
    },
  ],
};

describe('data engine through the API', () => {
  let target: TestDatabase;
  let api: ReturnType<typeof apiClient>;
  const records = '/api/spaces/meddev/tables/lead/records';

  beforeAll(async () => {
    target = await createTestDatabase();
    api = apiClient(
      createTestApp({
        database: target.database,
      }),
    );
    await api.expect(201, 'POST', '/api/spaces', {
      key: 'meddev',
      name: l('Medical devices', '医疗器械'),
    });
  });
  afterAll(() => target.drop());

  const columns = async (table: string) =>
    (
      await sql<{ column_name: string; data_type: string }>`
        select column_name, data_type from information_schema.columns
        where table_schema = 'space_meddev' and table_name = ${table}`.execute(target.database.db)
    ).rows;

  it('saves an invalid draft but refuses to publish it, naming every problem', async () => {
    const broken = structuredClone(designV1) as any;
    broken.tables[1].fields.push({ key: 'select', type: 'text', label: l('x', 'x') });
    broken.tables[1].fields[6].table = 'nowhere';
    const saved = await api.expect<any>(200, 'PUT', '/api/spaces/meddev/definition/draft', broken);
    expect(saved.valid).toBe(false);
    expect(saved.issues.map((i: any) => [i.pointer, i.code])).toEqual(
      expect.arrayContaining([
        ['/tables/1/fields/14/key', 'RESERVED_NAME'],
        ['/tables/1/fields/6/table', 'UNKNOWN_TABLE'],
      ]),
    );
    const refused = await api.expect<any>(422, 'POST', '/api/spaces/meddev/definition/publish');
    expect(refused.error.code).toBe('DEFINITION_INVALID');
    expect((await api.get<any>('/api/spaces/meddev/definition')).body.version).toBe(0);
  });

  it('previews and publishes a design into real tables, columns and indexes', async () => {
    await api.expect(200, 'PUT', '/api/spaces/meddev/definition/draft', designV1);
    const preview = await api.expect<any>(
      200,
      'POST',
      '/api/spaces/meddev/definition/draft/preview',
    );
    expect(preview.version).toBe(1);
    expect(preview.steps.map((s: any) => s.step.kind)).toContain('create_table');
    expect(preview.steps[0].sql.join('\n')).toContain('create table "space_meddev"');
    expect(await columns('lead')).toEqual([]);

    const published = await api.expect<any>(201, 'POST', '/api/spaces/meddev/definition/publish');
    expect(published.version).toBe(1);
    const leadColumns = Object.fromEntries(
      (await columns('lead')).map((c) => [c.column_name, c.data_type]),
    );
    expect(leadColumns).toMatchObject({
      id: 'uuid',
      version: 'integer',
      phone: 'text',
      roles: 'ARRAY',
      company: 'uuid',
      first_contact_at: 'timestamp with time zone',
      visit_date: 'date',
      extra: 'jsonb',
    });
    const versions = await api.expect<any>(200, 'GET', '/api/spaces/meddev/definition/versions');
    expect(versions.versions).toHaveLength(1);
  });

  let hospital: any;
  let lead: any;

  it('writes and reads records with relations expanded both ways', async () => {
    hospital = (
      await api.expect<any>(201, 'POST', '/api/spaces/meddev/tables/company/records', {
        name: '浙江省人民医院',
        city: '杭州',
      })
    ).record;
    const created = await api.expect<any>(201, 'POST', records, {
      name: '张伟',
      phone: '+86 138 0013 8000',
      email: 'zhang@example.cn',
      province: 'zhejiang',
      roles: ['equipment_head', 'finance_head'],
      company: hospital.id,
      tags: ['影像设备'],
      first_contact_at: '2026-11-20T08:30:00+08:00',
      visit_date: '2026-11-25',
      extra: { source: 'douyin', score: [1, 2] },
      stage: 'new',
    });
    lead = created.record;
    expect(lead).toMatchObject({
      version: 1,
      name: '张伟',
      roles: ['equipment_head', 'finance_head'],
      code: 'L-00001',
      visit_date: '2026-11-25',
      first_contact_at: '2026-11-20T00:30:00.000Z',
      extra: { source: 'douyin', score: [1, 2] },
    });

    const read = await api.expect<any>(200, 'GET', `${records}/${lead.id}?expand=company`);
    expect(read.record._expanded.company.name).toBe('浙江省人民医院');
    const back = await api.expect<any>(
      200,
      'GET',
      `/api/spaces/meddev/tables/company/records/${hospital.id}?expand=leads`,
    );
    expect(back.record._expanded.leads.map((r: any) => r.name)).toEqual(['张伟']);
  });

  it('refuses a bad write field by field and stores nothing', async () => {
    const refused = await api.expect<any>(400, 'POST', records, {
      phone: 'call me',
      email: 'not-an-email',
      province: 'atlantis',
      roles: ['equipment_head', 'janitor'],
      company: 'not-a-uuid',
      surprise: 1,
    });
    expect(refused.error.code).toBe('VALIDATION_FAILED');
    const byField = new Map<string, string>(
      refused.error.details.issues.map((i: any) => [i.pointer, i.code]),
    );
    expect(Object.fromEntries(byField)).toMatchObject({
      '/name': 'REQUIRED',
      '/phone': 'INVALID_FORMAT',
      '/email': 'INVALID_FORMAT',
      '/province': 'NOT_AN_OPTION',
      '/roles/1': 'NOT_AN_OPTION',
      '/company': 'INVALID_FORMAT',
      '/surprise': 'UNKNOWN_FIELD',
    });
    for (const issue of refused.error.details.issues) expect(issue.message['zh-CN']).toBeTruthy();
    const oneRole = await api.expect<any>(400, 'POST', records, {
      name: '李娜',
      roles: ['president'],
    });
    expect(oneRole.error.details.issues).toEqual([
      {
        pointer: '/roles',
        field: 'roles',
        code: 'RULE_FAILED',
        message: l('Pick at least 2 decision roles', '决策链角色至少选择 2 个'),
      },
    ]);
    const missingHospital = await api.expect<any>(400, 'POST', records, {
      name: 'x',
      company: '00000000-0000-4000-8000-000000000000',
    });
    expect(missingHospital.error.details.issues[0]).toMatchObject({
      pointer: '/company',
      code: 'UNKNOWN_RELATED_RECORD',
    });
    const duplicate = await api.expect<any>(
      409,
      'POST',
      '/api/spaces/meddev/tables/company/records',
      { name: '浙江省人民医院' },
    );
    expect(duplicate.error.details.issues[0]).toMatchObject({
      pointer: '/name',
      code: 'NOT_UNIQUE',
    });
    const list = await api.expect<any>(200, 'GET', records);
    expect(list.records).toHaveLength(1);
  });

  it('updates with optimistic concurrency and records every field change', async () => {
    const updated = await api.expect<any>(200, 'PATCH', `${records}/${lead.id}`, {
      version: 1,
      province: 'jiangsu',
      notes: "Robert'); drop table lead; --",
      stage: 'contacted',
    });
    expect(updated.record).toMatchObject({
      version: 2,
      province: 'jiangsu',
      stage: 'contacted',
      notes: "Robert'); drop table lead; --",
    });
    const stale = await api.expect<any>(409, 'PATCH', `${records}/${lead.id}`, {
      version: 1,
      province: 'zhejiang',
    });
    expect(stale.error).toMatchObject({
      code: 'VERSION_CONFLICT',
      details: { expected: 1, current: 2 },
    });
    await api.expect(428, 'PATCH', `${records}/${lead.id}`, { province: 'zhejiang' });
    const clearingRequired = await api.expect<any>(400, 'PATCH', `${records}/${lead.id}`, {
      version: 2,
      name: null,
    });
    expect(clearingRequired.error.details.issues[0]).toMatchObject({
      pointer: '/name',
      code: 'REQUIRED',
    });

    const history = await api.expect<any>(200, 'GET', `${records}/${lead.id}/history`);
    expect(
      history.entries.map((e: any) => [e.action, e.field, e.before, e.after, e.source]),
    ).toEqual(
      [
        [
          'create',
          null,
          null,
          expect.objectContaining({ name: '张伟', province: 'zhejiang' }),
          'api',
        ],
        ['update', 'stage', 'new', 'contacted', 'api'],
        ['update', 'province', 'zhejiang', 'jiangsu', 'api'],
        ['update', 'notes', null, "Robert'); drop table lead; --", 'api'],
      ]
        .sort((a, b) => (a[0] === 'create' ? -1 : b[0] === 'create' ? 1 : 0))
        .map((x) => x),
    );
  });

  it('keeps the audit log append-only even for direct SQL', async () => {
    await expect(
      sql`update platform.audit_log set source = 'rule'`.execute(target.database.db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`delete from platform.audit_log`.execute(target.database.db)).rejects.toThrow(
      /append-only/,
    );
  });

  it('filters, searches, sorts and pages with a cursor', async () => {
    for (let i = 0; i < 6; i++) {
      await api.expect(201, 'POST', records, {
        name: `客户${i}`,
        province: i % 2 === 0 ? 'zhejiang' : 'jiangsu',
        budget: String(i * 10),
      });
    }
    const zhejiang = await api.expect<any>(
      200,
      'GET',
      `${records}?filter=${encodeURIComponent(JSON.stringify({ field: 'province', op: 'eq', value: 'zhejiang' }))}`,
    );
    expect(zhejiang.records.map((r: any) => r.name).sort()).toEqual(['客户0', '客户2', '客户4']);
    const search = await api.expect<any>(200, 'GET', `${records}?q=${encodeURIComponent('张')}`);
    expect(search.records.map((r: any) => r.name)).toEqual(['张伟']);
    const roles = await api.expect<any>(200, 'POST', `${records}/query`, {
      filter: { field: 'roles', op: 'eq', value: 'finance_head' },
    });
    expect(roles.records.map((r: any) => r.name)).toEqual(['张伟']);

    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await api.expect(
        200,
        'GET',
        `${records}?sort=-name&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      names.push(...page.records.map((r: any) => r.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(names).toEqual(['张伟', '客户5', '客户4', '客户3', '客户2', '客户1', '客户0']);

    const unknown = await api.expect<any>(
      400,
      'GET',
      `${records}?filter=${encodeURIComponent(JSON.stringify({ field: 'secret', op: 'eq', value: 1 }))}`,
    );
    expect(unknown.error.message).toContain('unknown field "secret"');
    await api.expect(400, 'GET', `${records}?filter=not-json`);
    await api.expect(400, 'GET', `${records}?cursor=garbage`);
  });

  it('soft-deletes and restores', async () => {
    const current = (await api.expect<any>(200, 'GET', `${records}/${lead.id}`)).record;
    await api.expect(200, 'DELETE', `${records}/${lead.id}?version=${current.version}`);
    await api.expect(404, 'GET', `${records}/${lead.id}`);
    const deleted = await api.expect<any>(200, 'GET', `${records}?deleted=only`);
    expect(deleted.records.map((r: any) => r.id)).toEqual([lead.id]);
    await api.expect(200, 'POST', `${records}/${lead.id}/restore`);
    await api.expect(200, 'GET', `${records}/${lead.id}`);
  });

  it('changes a field type only when every stored value converts, and says which do not', async () => {
    await api.expect(201, 'POST', records, { name: '坏数据', budget: '十万' });
    const v2 = structuredClone(designV1) as any;
    v2.tables[1].fields[5] = { key: 'budget', type: 'integer', label: l('Budget', '预算') };
    await api.expect(200, 'PUT', '/api/spaces/meddev/definition/draft', v2);
    const preview = await api.expect<any>(
      200,
      'POST',
      '/api/spaces/meddev/definition/draft/preview',
    );
    const cast = preview.steps.find((s: any) => s.step.kind === 'change_type').cast;
    expect(cast).toMatchObject({
      field: 'budget',
      clean: 6,
      failing: 1,
      samples: [{ value: '十万' }],
    });
    const refused = await api.expect<any>(409, 'POST', '/api/spaces/meddev/definition/publish');
    expect(refused.error.code).toBe('TYPE_CHANGE_WOULD_FAIL');

    const bad = (
      await api.expect<any>(
        200,
        'GET',
        `${records}?filter=${encodeURIComponent(JSON.stringify({ field: 'budget', op: 'eq', value: '十万' }))}`,
      )
    ).records[0];
    await api.expect(200, 'PATCH', `${records}/${bad.id}`, {
      version: bad.version,
      budget: '100000',
    });
    await api.expect(201, 'POST', '/api/spaces/meddev/definition/publish');
    const after = await api.expect<any>(200, 'GET', `${records}/${bad.id}`);
    expect(after.record.budget).toBe(100000);
    const diff = await api.expect<any>(
      200,
      'GET',
      '/api/spaces/meddev/definition/diff?from=1&to=2',
    );
    expect(diff.changes).toEqual([
      expect.objectContaining({ kind: 'field_changed', table: 'lead', field: 'budget' }),
    ]);
  });

  it('leaves the previous version intact when a plan fails half-way', async () => {
    const v3 = structuredClone(
      (await api.get<any>('/api/spaces/meddev/definition')).body.definition,
    );
    v3.tables[1].fields.push({ key: 'wechat', type: 'text', label: l('WeChat', '微信') });
    v3.tables[1].fields.find((f: any) => f.key === 'province').unique = true;
    await api.expect(200, 'PUT', '/api/spaces/meddev/definition/draft', v3);
    const failed = await api.expect<any>(409, 'POST', '/api/spaces/meddev/definition/publish');
    expect(failed.error.code).toBe('MIGRATION_FAILED');
    expect(failed.error.message).toContain('province');
    expect((await api.get<any>('/api/spaces/meddev/definition')).body.version).toBe(2);
    expect((await columns('lead')).map((c) => c.column_name)).not.toContain('wechat');
  });

  it('retires a removed field, keeps its data, and brings it back with the key', async () => {
    const current = structuredClone(
      (await api.get<any>('/api/spaces/meddev/definition')).body.definition,
    );
    const withoutNotes = structuredClone(current);
    withoutNotes.tables[1].fields = withoutNotes.tables[1].fields.filter(
      (f: any) => f.key !== 'notes',
    );
    await api.expect(200, 'PUT', '/api/spaces/meddev/definition/draft', withoutNotes);
    await api.expect(201, 'POST', '/api/spaces/meddev/definition/publish');
    const hidden = (await api.expect<any>(200, 'GET', `${records}/${lead.id}`)).record;
    expect(hidden).not.toHaveProperty('notes');
    expect((await columns('lead')).map((c) => c.column_name)).toContain('notes');

    await api.expect(200, 'PUT', '/api/spaces/meddev/definition/draft', current);
    await api.expect(201, 'POST', '/api/spaces/meddev/definition/publish');
    const back = (await api.expect<any>(200, 'GET', `${records}/${lead.id}`)).record;
    expect(back.notes).toBe("Robert'); drop table lead; --");

    await api.expect(200, 'PUT', '/api/spaces/meddev/definition/draft', withoutNotes);
    await api.expect(201, 'POST', '/api/spaces/meddev/definition/publish');
    await api.expect(409, 'POST', '/api/spaces/meddev/definition/purge', {
      table: 'lead',
      field: 'name',
    });
    const purged = await api.expect<any>(201, 'POST', '/api/spaces/meddev/definition/purge', {
      table: 'lead',
      field: 'notes',
    });
    expect(purged.sql).toEqual(['alter table "space_meddev"."lead" drop column "notes"']);
    expect((await columns('lead')).map((c) => c.column_name)).not.toContain('notes');
    await api.expect(200, 'PUT', '/api/spaces/meddev/definition/draft', current);
    await api.expect(201, 'POST', '/api/spaces/meddev/definition/publish');
    expect((await api.expect<any>(200, 'GET', `${records}/${lead.id}`)).record.notes).toBeNull();
  });

  it('describes every route in the OpenAPI document and answers oversized bodies with 413', async () => {
    const doc = await api.expect<any>(200, 'GET', '/api/openapi.json');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/spaces/{space}/tables/{table}/records',
        '/api/spaces/{space}/definition/publish',
        '/api/spaces/{space}/flows/{flow}/simulate',
      ]),
    );
    const huge = await api.post<any>(records, { name: 'x'.repeat(2 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('exports a definition and imports it losslessly into another space', async () => {
    const exported = await api.expect<any>(200, 'GET', '/api/spaces/meddev/definition/export');
    expect(exported).toMatchObject({ baton: 'definition', formatVersion: 1, version: 7 });
    await api.expect(201, 'POST', '/api/spaces', { key: 'copy', name: l('Copy', '副本') });
    const imported = await api.expect<any>(
      200,
      'POST',
      '/api/spaces/copy/definition/import',
      exported,
    );
    expect(imported.valid).toBe(true);
    await api.expect(201, 'POST', '/api/spaces/copy/definition/publish');
    const copy = await api.expect<any>(200, 'GET', '/api/spaces/copy/definition');
    expect(copy.definition.tables).toEqual(exported.definition.tables);
    await api.expect(400, 'POST', '/api/spaces/copy/definition/import', { definition: {} });
  });

  it('audits a create with the stored values exactly as the API returns them', async () => {
    const { record } = await api.expect<any>(201, 'POST', records, {
      name: '审计',
      roles: ['equipment_head', 'president'],
      tags: ['骨科'],
      first_contact_at: '2026-03-01T09:30:15.250+08:00',
      visit_date: '2026-03-02',
      extra: { source: 'expo', nested: { empty: null } },
    });
    const history = await api.expect<any>(200, 'GET', `${records}/${record.id}/history`);
    const expected = Object.fromEntries(
      Object.entries(record).filter(
        ([key, value]) =>
          value !== null &&
          !['id', 'version', 'created_at', 'created_by', 'updated_at', 'updated_by'].includes(key),
      ),
    );
    expect(expected).toMatchObject({
      first_contact_at: '2026-03-01T01:30:15.250Z',
      visit_date: '2026-03-02',
      role_count: 2,
      code: expect.stringMatching(/^L-\d{5}$/),
    });
    expect(history.entries).toHaveLength(1);
    expect(history.entries[0].after).toEqual(expected);
  });

  it('answers more parallel creates than the connection pool holds', async () => {
    // The pool has 10 connections; a create that held one while waiting for another would hang.
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => api.post(records, { name: `并发 ${i}` })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 40 }, () => 201));
  });

  it('pages to the microsecond and sorts NULLs last through both halves of a nullable sort', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const { record } = await api.expect<any>(201, 'POST', records, {
        name: `分页${i}`,
        ...(i % 3 === 0 ? {} : { visit_date: `2026-05-0${i}` }),
      });
      ids.push(record.id);
    }
    // Seven rows created within one millisecond, a microsecond apart.
    await sql`update space_meddev.lead set created_at = '2026-06-01T00:00:00.000100Z'::timestamptz
        + (right(name, 1)::int * interval '1 microsecond')
      where name like '分页%'`.execute(target.database.db);
    const filter = encodeURIComponent(
      JSON.stringify({ field: 'name', op: 'starts_with', value: '分页' }),
    );
    const pages = async (sort: string) => {
      const names: string[] = [];
      let cursor: string | null = null;
      do {
        const page: any = await api.expect(
          200,
          'GET',
          `${records}?filter=${filter}&sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        names.push(...page.records.map((r: any) => r.name));
        cursor = page.nextCursor;
        if (names.length > 20) break;
      } while (cursor);
      return names;
    };
    expect(await pages('created_at')).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `分页${i}`));
    const byDate = await pages('-visit_date');
    expect(byDate.slice(0, 4)).toEqual(['分页5', '分页4', '分页2', '分页1']);
    // The undated rows follow, in id order.
    const undated = ['分页0', '分页3', '分页6'].sort((a, b) =>
      ids[Number(a.slice(-1))]!.localeCompare(ids[Number(b.slice(-1))]!),
    );
    expect(byDate.slice(4)).toEqual(undated);
    expect(await pages('visit_date')).toEqual(['分页1', '分页2', '分页4', '分页5', ...undated]);
  });
});
