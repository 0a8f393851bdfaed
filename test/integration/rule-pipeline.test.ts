// The rule pipeline inside every record write, on real PostgreSQL: normalize, tag, dedupe, assign
// within capacity under parallel load, and gates that list what is missing.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { medicalDeviceDefinition } from '../../runtime/rules/test-rules';
import { createRecordDetailed } from '../../platform/records/record-service';
import { resolveTable } from '../../platform/records/table-context';
import { apiClient } from '../support/api-client';
import { createTestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const records = '/api/spaces/meddev/tables/lead/records';

describe('rule pipeline on every write', () => {
  let target: TestDatabase;
  let api: ReturnType<typeof apiClient>;
  const reps: Record<string, string> = {};

  beforeAll(async () => {
    target = await createTestDatabase();
    api = apiClient(
      createTestApp({
        database: target.database,
      }),
    );
    const space = (
      await api.expect<any>(201, 'POST', '/api/spaces', {
        key: 'meddev',
        name: { 'zh-CN': '医疗器械', en: 'Medical devices' },
      })
    ).space;
    const db = target.database.db;
    const supervisor = (
      await db
        .insertInto('platform.users')
        .values({ email: 'sup@example.cn', display_name: '主管', province: '浙江' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    for (const [key, province, lines] of [
      ['zj1', '浙江', ['ortho']],
      ['zj2', '浙江', ['ortho', 'rehab']],
      ['js1', '江苏', ['ortho']],
    ] as const) {
      reps[key] = (
        await db
          .insertInto('platform.users')
          .values({
            email: `${key}@example.cn`,
            display_name: key,
            province,
            product_lines: [...lines],
            manager_id: supervisor,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      await db
        .insertInto('platform.space_members')
        .values({ space_id: space.id, user_id: reps[key]!, roles: ['rep'] })
        .execute();
    }
    await db
      .insertInto('platform.space_members')
      .values({ space_id: space.id, user_id: supervisor, roles: ['supervisor'] })
      .execute();
    await api.expect(200, 'PUT', '/api/spaces/meddev/definition/draft', medicalDeviceDefinition());
    await api.expect(201, 'POST', '/api/spaces/meddev/definition/publish');
  });
  afterAll(() => target.drop());

  let first: any;

  it('normalizes, tags by keyword, organisation list, network and channel, and assigns by region and product line', async () => {
    first = (
      await api.expect<any>(201, 'POST', records, {
        name: '张伟',
        phone: '138 0013 8000',
        organization: '北京协和医院有限公司',
        message: '想了解 CT 设备的报价',
        ip: '10.20.1.5',
        source: 'douyin',
        province: '浙江',
        product_line: 'ortho',
      })
    ).record;
    expect(first.phone).toBe('+8613800138000');
    expect(first.tags).toEqual(
      expect.arrayContaining(['影像设备', '公立三级', '院内网络', '抖音-骨科器械广告']),
    );
    expect([reps.zj1, reps.zj2]).toContain(first.owner);
  });

  it('marks a returning lead, links it to the original and routes it to the original owner', async () => {
    const again = (
      await api.expect<any>(201, 'POST', records, {
        name: '张伟',
        phone: '+86-138-0013-8000',
        organization: '北京协和医院',
        message: '再次咨询',
        province: '江苏',
        product_line: 'ortho',
      })
    ).record;
    expect(again.returning_of).toBe(first.id);
    expect(again.owner).toBe(first.owner);
    expect(again.tags).toContain('复访线索');
    const notices = await target.database.db
      .selectFrom('platform.outbox')
      .select(['topic', 'workflow_args'])
      .where('topic', '=', 'rules.actions')
      .execute();
    expect(notices.some((n) => JSON.stringify(n.workflow_args).includes('复访线索'))).toBe(true);
  });

  it('refuses a stage move without its evidence and names every missing item', async () => {
    const refused = await api.expect<any>(422, 'PATCH', `${records}/${first.id}`, {
      version: first.version,
      stage: 'ethics_filed',
    });
    expect(refused.error.code).toBe('GATE_BLOCKED');
    const messages = refused.error.details.missing.map((m: any) => m.message['zh-CN']);
    expect(messages).toEqual(
      expect.arrayContaining(['缺少伦理委员会备案 PDF 扫描件', '缺少医院红章照片']),
    );
    expect(refused.error.details.missing).toHaveLength(4);
    expect((await api.expect<any>(200, 'GET', `${records}/${first.id}`)).record.stage).toBeNull();
  });

  it('never pushes a rep over capacity when many leads arrive at once', async () => {
    const context = await resolveTable(target.database.db, 'meddev', 'lead');
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        createRecordDetailed(
          target.database.db,
          context,
          {
            name: `客户${i}`,
            phone: `1390000${String(1000 + i)}`,
            organization: `医院${i}`,
            province: '浙江',
            product_line: 'ortho',
          },
          { actor: null, source: 'intake' },
        ),
      ),
    );
    const owned = await target.database.db
      .selectFrom('space_meddev.lead' as never)
      .select(['owner' as never, (eb: any) => eb.fn.countAll().as('n')] as never)
      .where('deleted_at' as never, 'is', null)
      .groupBy('owner' as never)
      .execute();
    const counts = Object.fromEntries(
      (owned as Array<{ owner: string | null; n: string }>).map((r) => [
        r.owner ?? 'pool',
        Number(r.n),
      ]),
    );
    expect(counts[reps.zj1!]).toBe(8);
    expect(counts[reps.zj2!]).toBe(8);
    const pooled = results.filter((r) => r.outcome.assignment?.kind === 'pool');
    expect(pooled.length).toBe(30 - (16 - 2));
    expect(pooled[0]?.outcome.assignment).toMatchObject({
      pool: 'market',
      notify: 'role:supervisor',
    });
  });

  it('keeps a rep far over capacity out though counting stops at the limit, and frees them as leads close', async () => {
    const db = target.database.db;
    const context = await resolveTable(db, 'meddev', 'lead');
    const lead = (i: number, extra: Record<string, unknown> = {}) =>
      createRecordDetailed(
        db,
        context,
        {
          name: `满额${i}`,
          phone: `1370000${String(1000 + i)}`,
          organization: `满额医院${i}`,
          province: '浙江',
          product_line: 'ortho',
          ...extra,
        },
        { actor: null, source: 'api' },
      );
    // zj1 already holds 8 open leads (the limit); 5 more given by hand make 13.
    for (let i = 0; i < 5; i++) await lead(i, { owner: reps.zj1 });
    expect((await lead(10)).outcome.assignment?.kind).toBe('pool');
    // Closing 6 of zj1's 13 leaves 7 open: below 8 again, so zj1 takes the next one.
    await sql`update space_meddev.lead set stage = 'paid' where id in (
      select id from space_meddev.lead where owner = ${reps.zj1}::uuid and deleted_at is null
      order by created_at limit 6)`.execute(db);
    expect((await lead(11)).outcome.owner).toBe(reps.zj1);
    expect((await lead(12)).outcome.assignment?.kind).toBe('pool');
  });

  it('creates one new lead and links the rest when the same lead arrives many times at once', async () => {
    const context = await resolveTable(target.database.db, 'meddev', 'lead');
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        createRecordDetailed(
          target.database.db,
          context,
          {
            name: '李娜',
            phone: '137 0000 1111',
            organization: '四川大学华西医院',
            province: '江苏',
            product_line: 'ortho',
          },
          { actor: null, source: 'intake' },
        ),
      ),
    );
    const unique = results.filter((r) => r.outcome.dedupe.kind === 'unique');
    expect(unique).toHaveLength(1);
    const original = unique[0]!.record.id;
    for (const r of results.filter((x) => x.outcome.dedupe.kind !== 'unique')) {
      expect(r.outcome.dedupe).toMatchObject({ kind: 'returning', original });
      expect(r.record.returning_of).toBe(original);
    }
  });
});
