// Behaviour events feeding the B1 score card (a crossed threshold notifies the supervisor exactly
// once, through the outbox), and the rules dry run that lists what a draft would change, writing nothing.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDefinition } from '../../runtime/definition/definition-schema';
import { b1Definition, medicalDeviceDefinition } from '../../runtime/rules/test-rules';
import { apiClient } from '../support/api-client';
import { createTestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const l = (en: string, zh: string) => ({ 'zh-CN': zh, en });
const at = (minute: number) => `2025-03-03T10:${String(minute).padStart(2, '0')}:00+08:00`;

const whitepaper = (recordId: string, key?: string) => ({
  table: 'lead',
  recordId,
  type: 'download',
  at: at(1),
  payload: { asset: 'whitepaper' },
  ...(key ? { idempotencyKey: key } : {}),
});
const demo = (recordId: string, key?: string) => ({
  table: 'lead',
  recordId,
  type: 'demo_booked',
  at: at(2),
  ...(key ? { idempotencyKey: key } : {}),
});
const budgetReply = (recordId: string, key?: string) => ({
  table: 'lead',
  recordId,
  type: 'email_reply',
  at: at(3),
  payload: { text: '我们的预算已经批下来了' },
  ...(key ? { idempotencyKey: key } : {}),
});
const techQuestion = (recordId: string) => ({
  table: 'lead',
  recordId,
  type: 'wechat_message',
  at: at(4),
  payload: { topic: 'tech_params' },
});
const dwell = (recordId: string) => ({
  table: 'lead',
  recordId,
  type: 'page_dwell',
  at: at(5),
  payload: { page: 'product', seconds: 240 },
});

describe('behaviour events and the rules dry run', () => {
  let target: TestDatabase;
  let api: ReturnType<typeof apiClient>;
  let repId: string;

  async function space(
    key: string,
    definition: unknown,
    members: Array<[string, string[], string[]]>,
  ) {
    const created = (await api.expect<any>(201, 'POST', '/api/spaces', { key, name: l(key, key) }))
      .space;
    const ids: string[] = [];
    for (const [name, roles, lines] of members) {
      const { id } = await target.database.db
        .insertInto('platform.users')
        .values({
          email: `${key}.${name}@example.cn`,
          display_name: name,
          province: '浙江',
          product_lines: lines,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await target.database.db
        .insertInto('platform.space_members')
        .values({ space_id: created.id, user_id: id, roles })
        .execute();
      ids.push(id);
    }
    await api.expect(200, 'PUT', `/api/spaces/${key}/definition/draft`, definition);
    await api.expect(201, 'POST', `/api/spaces/${key}/definition/publish`);
    return ids;
  }

  const createLead = async (spaceKey: string, values: Record<string, unknown>) =>
    (await api.expect<any>(201, 'POST', `/api/spaces/${spaceKey}/tables/lead/records`, values))
      .record;
  const events = (spaceKey: string, batch: unknown[]) =>
    api.expect<any>(200, 'POST', `/api/spaces/${spaceKey}/events`, { events: batch });

  async function thresholdEntries(recordId: string) {
    const rows = await target.database.db
      .selectFrom('platform.outbox')
      .select(['workflow_args'])
      .where('topic', '=', 'rules.actions')
      .execute();
    return rows
      .map((r) => (r.workflow_args as any[])[0])
      .filter(
        (a) =>
          a.recordId === recordId && a.notifications.some((n: any) => n.to === 'role:supervisor'),
      );
  }

  beforeAll(async () => {
    target = await createTestDatabase();
    api = apiClient(
      createTestApp({
        database: target.database,
      }),
    );
    await space('auto', b1Definition(), [['supervisor', ['supervisor'], []]]);
    repId = (await space('dry', medicalDeviceDefinition(), [['zj1', ['rep'], ['ortho']]]))[0]!;
  });
  afterAll(() => target.drop());

  let hot: any;

  it('scores whitepaper +3 and demo +5, then notifies the supervisor once with the last 3 behaviours when a budget reply crosses 10', async () => {
    hot = await createLead('auto', { company: '苏州精工自动化' });
    const warm = await events('auto', [whitepaper(hot.id, 'wp-1'), demo(hot.id, 'demo-1')]);
    expect(warm.events.map((e: any) => [e.status, e.score, e.band])).toEqual([
      ['stored', 3, 'red'],
      ['stored', 8, 'yellow'],
    ]);
    expect(await thresholdEntries(hot.id)).toHaveLength(0);

    const crossed = await events('auto', [budgetReply(hot.id, 'mail-1')]);
    expect(crossed.events[0]).toMatchObject({ status: 'stored', score: 14, band: 'green' });
    expect(crossed.records).toEqual([{ table: 'lead', recordId: hot.id, written: true }]);
    const stored = (
      await api.expect<any>(200, 'GET', `/api/spaces/auto/tables/lead/records/${hot.id}`)
    ).record;
    expect(stored).toMatchObject({ score: 14, score_band: 'green' });

    const entries = await thresholdEntries(hot.id);
    expect(entries).toHaveLength(1);
    const notice = entries[0].notifications.find((n: any) => n.to === 'role:supervisor');
    expect(notice.body.en).toBe(
      'Latest behaviours: E-mail reply about budget or timeline (2025-03-03T02:03:00.000Z); ' +
        'Online demo booked (2025-03-03T02:02:00.000Z); Whitepaper download (2025-03-03T02:01:00.000Z)',
    );
    expect(notice.body['zh-CN']).toContain('邮件回复含“预算”或“时间表”');
  });

  it('answers repeated events as duplicates and never fires a threshold twice', async () => {
    const again = await events('auto', [
      budgetReply(hot.id, 'mail-1'),
      whitepaper(hot.id, 'wp-1'),
      techQuestion(hot.id),
    ]);
    expect(again.events.map((e: any) => [e.status, e.score])).toEqual([
      ['duplicate', 14],
      ['duplicate', 14],
      ['stored', 18],
    ]);
    const inBatch = await events('auto', [
      { ...dwell(hot.id), idempotencyKey: 'dwell-1' },
      { ...dwell(hot.id), idempotencyKey: 'dwell-1' },
      demo(hot.id, 'demo-1'),
    ]);
    expect(inBatch.events.map((e: any) => [e.status, e.score])).toEqual([
      ['stored', 20],
      ['duplicate', 20],
      ['duplicate', 20],
    ]);
    expect(await thresholdEntries(hot.id)).toHaveLength(1);
    const count = await target.database.db
      .selectFrom('platform.behaviour_events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('record_id', '=', hot.id)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(5);
  });

  it('fires the threshold exactly once when the events that cross it arrive in parallel batches', async () => {
    const lead = await createLead('auto', { company: '无锡伺服科技' });
    const batches = [whitepaper, demo, budgetReply, techQuestion, dwell].map((make) => [
      make(lead.id),
    ]);
    await Promise.all(batches.map((batch) => events('auto', batch)));
    const stored = (
      await api.expect<any>(200, 'GET', `/api/spaces/auto/tables/lead/records/${lead.id}`)
    ).record;
    expect(stored).toMatchObject({ score: 20, score_band: 'green' });
    expect(await thresholdEntries(lead.id)).toHaveLength(1);
  });

  it('rejects events of unknown tables or records one by one and stores the rest', async () => {
    const answer = await events('auto', [
      { ...demo(hot.id), table: 'nope' },
      demo('00000000-0000-4000-8000-000000000000'),
      { ...techQuestion(hot.id), at: at(9) },
    ]);
    expect(answer.events.map((e: any) => [e.status, e.error?.code ?? null])).toEqual([
      ['rejected', 'NOT_FOUND'],
      ['rejected', 'NOT_FOUND'],
      ['stored', null],
    ]);
    const refused = await api.post('/api/spaces/auto/events', {
      events: [{ ...demo(hot.id), at: '2025-03-03 10:00' }],
    });
    expect(refused.status).toBe(400);
  });

  async function snapshot(schema: string) {
    const db = target.database.db;
    const one = async (query: any) => Number((await query.execute(db)).rows[0].n);
    return {
      outbox: await one(sql`select count(*) as n from platform.outbox`),
      audit: await one(sql`select count(*) as n from platform.audit_log`),
      events: await one(sql`select count(*) as n from platform.behaviour_events`),
      versions: await one(
        sql`select coalesce(sum(version), 0) as n from ${sql.raw(`"${schema}"."lead"`)}`,
      ),
      state: await one(
        sql`select coalesce(sum(assigned_count), 0) as n from platform.assignment_state`,
      ),
    };
  }

  it('lists the score and band changes a draft score card would make, writing nothing', async () => {
    const draft = b1Definition() as AppDefinition;
    const card = structuredClone(draft.rules!.scorecards![0]!);
    card.rules = card.rules.map((r) =>
      r.key === 'demo_booked' || r.key === 'budget_reply' ? { ...r, points: 0 } : r,
    );
    const before = await snapshot('space_auto');
    const run = await api.expect<any>(200, 'POST', '/api/spaces/auto/rules/dry-run', {
      table: 'lead',
      definition: { ...draft, rules: { ...draft.rules, scorecards: [card] } },
    });
    expect(run).toMatchObject({
      draft: 'request',
      total: 2,
      evaluated: 2,
      truncated: false,
      changed: 2,
    });
    const hotChanges = run.records.find((r: any) => r.id === hot.id).changes;
    expect(hotChanges).toEqual([
      { kind: 'score', card: 'lead_health', before: 20, after: 9 },
      { kind: 'band', card: 'lead_health', before: 'green', after: 'yellow' },
    ]);
    expect(run.summary).toMatchObject({ score: 2, band: 2, tags: 0, owner: 0, gate: 0 });
    expect(await snapshot('space_auto')).toEqual(before);
  });

  it('lists tag, owner and gate changes of a draft against the saved draft by default, writing nothing', async () => {
    const mri = await createLead('dry', {
      name: '刘洋',
      phone: '13500001111',
      organization: '杭州市第一人民医院',
      message: '想了解 MRI 设备',
      province: '浙江',
      product_line: 'ortho',
      stage: 'new',
    });
    expect(mri.owner).toBe(repId);
    const pooled = await createLead('dry', {
      name: '陈静',
      phone: '13500002222',
      organization: '南京鼓楼医院',
      province: '江苏',
      product_line: 'ortho',
      department: '放射科',
      stage: 'new',
    });
    expect(pooled.owner).toBeNull();

    const draft = medicalDeviceDefinition() as AppDefinition;
    const rules = structuredClone(draft.rules!);
    rules.tagging = rules.tagging!.map((t) =>
      t.key === 'imaging_keywords' && t.kind === 'keywords'
        ? { ...t, keywords: ['DR', 'CT', 'MRI'] }
        : t,
    );
    rules.assignment![0]!.entries[0]!.candidates = 'record.product_line in user.product_lines';
    rules.gates = [
      ...rules.gates!,
      {
        key: 'new_needs_department',
        table: 'lead',
        to: 'new',
        require: [{ kind: 'fields', fields: ['department'] }],
      },
    ];
    await api.expect(200, 'PUT', '/api/spaces/dry/definition/draft', { ...draft, rules });

    const before = await snapshot('space_dry');
    const run = await api.expect<any>(200, 'POST', '/api/spaces/dry/rules/dry-run', {
      table: 'lead',
    });
    expect(run).toMatchObject({ draft: 'saved', evaluated: 2, changed: 2 });
    const changesOf = (id: string) => run.records.find((r: any) => r.id === id).changes;
    expect(changesOf(mri.id)).toEqual(
      expect.arrayContaining([
        { kind: 'tags', field: 'tags', added: ['影像设备'], removed: [] },
        expect.objectContaining({
          kind: 'gate',
          before: { ok: true },
          after: expect.objectContaining({ ok: false }),
        }),
      ]),
    );
    expect(changesOf(mri.id).some((c: any) => c.kind === 'owner')).toBe(false);
    expect(changesOf(pooled.id)).toEqual([{ kind: 'owner', before: 'pool:market', after: repId }]);

    const sampled = await api.expect<any>(200, 'POST', '/api/spaces/dry/rules/dry-run', {
      table: 'lead',
      sample: 1,
    });
    expect(sampled.evaluated).toBe(1);
    const invalid = await api.post('/api/spaces/dry/rules/dry-run', {
      table: 'lead',
      definition: { ...draft, rules: { ...rules, gates: [{ ...rules.gates[0], to: 'nowhere' }] } },
    });
    expect([invalid.status, invalid.body.error.code]).toEqual([422, 'DEFINITION_INVALID']);
    expect(await snapshot('space_dry')).toEqual(before);
    const stored = (
      await api.expect<any>(200, 'GET', `/api/spaces/dry/tables/lead/records/${pooled.id}`)
    ).record;
    expect(stored.owner).toBeNull();
  });
});
