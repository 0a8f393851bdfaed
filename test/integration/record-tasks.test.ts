// A record's flow tasks over the API: open ones first, readable by whoever may read the record and
// by nobody else (the record's row scope decides, as for its timeline).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../platform/auth/api-token-store';
import { apiClient } from '../support/api-client';
import { createTestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('record tasks API', () => {
  let target: TestDatabase;
  let app: ReturnType<typeof createTestApp>;
  let api: ReturnType<typeof apiClient>;
  let users: Record<string, string>;
  let lead: { id: string };

  const as = async (userId: string) => {
    const { token } = await createApiToken(target.database.db, {
      name: 'test',
      userId,
      spaceId: null,
      expiresAt: null,
    });
    return { authorization: `Bearer ${token}` };
  };
  const tasksOf = (id: string, headers?: Record<string, string>) =>
    app.request(`/api/spaces/meddev/tables/lead/records/${id}/tasks`, { headers });

  beforeAll(async () => {
    target = await createTestDatabase();
    app = createTestApp({
      database: target.database,
      health: { temporal: () => undefined, taskQueue: 'x' },
    });
    api = apiClient(app);
    const installed = await api.expect<any>(201, 'POST', '/api/templates/medical-device/install', {
      space: 'meddev',
    });
    users = Object.fromEntries(installed.users.map((u: any) => [u.key, u.id]));
    lead = (
      await api.expect<any>(201, 'POST', '/api/spaces/meddev/tables/lead/records', {
        name: '张伟',
        phone: '13800138000',
        province: '浙江',
        product_line: 'ortho',
        owner: users.rep_hz,
      })
    ).record;
    const space = await target.database.db
      .selectFrom('platform.spaces')
      .select('id')
      .where('key', '=', 'meddev')
      .executeTakeFirstOrThrow();
    const task = (key: string, title: string, due: string, status: 'open' | 'done') => ({
      space_id: space.id,
      table_key: 'lead',
      record_id: lead.id,
      flow_key: 'handover_contract',
      node: 'supplement',
      assignee: 'role:market',
      title: { 'zh-CN': title, en: title },
      due_at: new Date(due),
      status,
      idempotency_key: key,
    });
    await target.database.db
      .insertInto('platform.tasks')
      .values([
        task('t1', 'earlier, done', '2026-11-20T00:00:00Z', 'done'),
        task('t2', 'later, open', '2026-11-25T00:00:00Z', 'open'),
        task('t3', 'sooner, open', '2026-11-24T00:00:00Z', 'open'),
      ])
      .execute();
  });
  afterAll(() => target.drop());

  it('lists open tasks first, earliest due first, then the rest', async () => {
    const response = await tasksOf(lead.id);
    expect(response.status).toBe(200);
    const { tasks } = (await response.json()) as { tasks: any[] };
    expect(tasks.map((t) => [t.title.en, t.status])).toEqual([
      ['sooner, open', 'open'],
      ['later, open', 'open'],
      ['earlier, done', 'done'],
    ]);
    expect(tasks[0]).toMatchObject({
      flow: 'handover_contract',
      node: 'supplement',
      assignee: 'role:market',
      dueAt: '2026-11-24T00:00:00.000Z',
      completedAt: null,
    });
  });

  it('shows them to the owning rep and to nobody outside the record’s scope', async () => {
    expect((await tasksOf(lead.id, await as(users.rep_hz!))).status).toBe(200);
    expect((await tasksOf(lead.id, await as(users.sup_zj!))).status).toBe(200);
    const other = await tasksOf(lead.id, await as(users.rep_nb!));
    expect(other.status).toBe(404);
    expect(JSON.stringify(await other.json())).not.toContain('sooner');
  });

  it('answers 404 for a record that does not exist', async () => {
    const response = await tasksOf('00000000-0000-4000-8000-000000000000');
    expect(response.status).toBe(404);
  });
});
