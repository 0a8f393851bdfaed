// People API and recipient resolution against real PostgreSQL: reporting lines, roles, regions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../platform/db/database';
import { systemActor } from '../../platform/people/actor';
import { resolveRecipients } from '../../platform/people/resolve-recipients';
import { updateUser } from '../../platform/people/user-repository';
import { apiClient } from '../support/api-client';
import { createTestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('people', () => {
  let target: TestDatabase;
  let db: Db;
  let api: ReturnType<typeof apiClient>;
  let spaceId: string;
  const ids: Record<string, string> = {};

  const createUser = async (key: string, body: Record<string, unknown>) => {
    const { user } = await api.expect(201, 'POST', '/api/users', {
      email: `${key}@meddev.example.cn`,
      ...body,
    });
    ids[key] = user.id;
    return user;
  };

  beforeAll(async () => {
    target = await createTestDatabase();
    db = target.database.db;
    api = apiClient(
      createTestApp({
        database: target.database,
      }),
    );
    const space = await db
      .insertInto('platform.spaces')
      .values({
        key: 'meddev',
        name: { 'zh-CN': '医疗器械事业部', en: 'Medical devices' },
        schema_name: 'space_meddev',
        status: 'active',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    spaceId = space.id;

    // director ← supervisor (浙江) ← rep; a second supervisor in 江苏.
    await createUser('director', { displayName: '王总监', province: '浙江' });
    await createUser('zj_supervisor', {
      displayName: '赵主管',
      province: '浙江',
      managerId: ids.director,
    });
    await createUser('js_supervisor', {
      displayName: '钱主管',
      province: '江苏',
      managerId: ids.director,
    });
    await createUser('rep', {
      displayName: '李雷',
      province: '浙江',
      city: '杭州',
      managerId: ids.zj_supervisor,
      productLines: ['骨科'],
    });
    for (const [key, roles] of [
      ['director', ['director']],
      ['zj_supervisor', ['supervisor']],
      ['js_supervisor', ['supervisor']],
      ['rep', ['rep']],
    ] as const) {
      await api.expect(200, 'PUT', `/api/spaces/meddev/members/${ids[key]}`, { roles });
    }
  });
  afterAll(async () => {
    await target?.drop();
  });

  it('resolves the reporting line two levels up from the owner', async () => {
    const context = { ownerId: ids.rep };
    const owner = await resolveRecipients(db, spaceId, 'owner', context);
    const manager = await resolveRecipients(db, spaceId, 'owner.manager', context);
    const director = await resolveRecipients(db, spaceId, 'owner.manager.manager', context);
    expect(owner.recipients.map((u) => u.id)).toEqual([ids.rep]);
    expect(manager.recipients.map((u) => u.id)).toEqual([ids.zj_supervisor]);
    expect(director).toMatchObject({ reason: null, recipients: [{ id: ids.director }] });
  });

  it('answers an empty list with a reason when the line ends or the spec is wrong', async () => {
    const tooHigh = await resolveRecipients(db, spaceId, 'owner.manager.manager.manager', {
      ownerId: ids.rep,
    });
    expect(tooHigh.recipients).toEqual([]);
    expect(tooHigh.reason).toContain('director@meddev.example.cn has no manager');
    const noOwner = await resolveRecipients(db, spaceId, 'owner.manager', { ownerId: null });
    expect(noOwner).toMatchObject({ recipients: [], reason: 'the record has no owner' });
    const bad = await resolveRecipients(db, spaceId, 'owner.boss', { ownerId: ids.rep });
    expect(bad.recipients).toEqual([]);
    expect(bad.reason).toContain('owner.boss');
  });

  it('narrows a role to the owner’s province with @region, or to the record’s province', async () => {
    const inRegion = await resolveRecipients(db, spaceId, 'role:supervisor@region', {
      ownerId: ids.rep,
    });
    expect(inRegion.recipients.map((u) => u.id)).toEqual([ids.zj_supervisor]);
    const recordInJiangsu = await resolveRecipients(db, spaceId, 'group:supervisor@region', {
      ownerId: ids.rep,
      province: '江苏',
    });
    expect(recordInJiangsu.recipients.map((u) => u.id)).toEqual([ids.js_supervisor]);
    const everywhere = await resolveRecipients(db, spaceId, 'group:supervisor', {});
    expect(everywhere.recipients.map((u) => u.id).sort()).toEqual(
      [ids.zj_supervisor, ids.js_supervisor].sort(),
    );
    const nobody = await resolveRecipients(db, spaceId, 'role:supervisor@region', {
      ownerId: ids.rep,
      province: '西藏',
    });
    expect(nobody).toMatchObject({ recipients: [], reason: expect.stringContaining('西藏') });
  });

  it('finds users by id or e-mail address and leaves deactivated users out', async () => {
    const byEmail = await resolveRecipients(db, spaceId, 'user:REP@meddev.example.cn', {});
    expect(byEmail.recipients.map((u) => u.id)).toEqual([ids.rep]);
    await createUser('leaver', { displayName: '离职员工', province: '浙江' });
    await api.expect(200, 'PUT', `/api/spaces/meddev/members/${ids.leaver}`, {
      roles: ['supervisor'],
    });
    await api.expect(200, 'PATCH', `/api/users/${ids.leaver}`, { active: false });
    const region = await resolveRecipients(db, spaceId, 'role:supervisor@region', {
      ownerId: ids.rep,
    });
    expect(region.recipients.map((u) => u.id)).toEqual([ids.zj_supervisor]);
    const gone = await resolveRecipients(db, spaceId, `user:${ids.leaver}`, {});
    expect(gone).toMatchObject({ recipients: [], reason: expect.stringContaining('deactivated') });
  });

  it('refuses a manager that would close a reporting cycle, naming the loop', async () => {
    const answer = await api.patch(`/api/users/${ids.director}`, { managerId: ids.rep });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('MANAGER_CYCLE');
    expect(answer.body.error.message).toContain(
      'director@meddev.example.cn → rep@meddev.example.cn → zj_supervisor@meddev.example.cn → director@meddev.example.cn',
    );
    const self = await api.patch(`/api/users/${ids.rep}`, { managerId: ids.rep });
    expect(self.status).toBe(400);
    expect(self.body.error.code).toBe('MANAGER_CYCLE');
  });

  it('lets only one of two concurrent opposite manager changes through', async () => {
    const a = await createUser('peer_a', { displayName: 'A' });
    const b = await createUser('peer_b', { displayName: 'B' });
    const results = await Promise.allSettled([
      updateUser(db, a.id, { managerId: b.id }, systemActor('test')),
      updateUser(db, b.id, { managerId: a.id }, systemActor('test')),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected');
    expect((refused as PromiseRejectedResult).reason.code).toBe('MANAGER_CYCLE');
  });

  it('updates availability, region, product lines and merges attributes, hiding secrets', async () => {
    const { user } = await api.expect(200, 'PATCH', `/api/users/${ids.rep}`, {
      away: true,
      onShift: false,
      province: '江苏',
      city: '南京',
      productLines: ['骨科', '康复'],
      attributes: { webhook_url: 'https://robot.example.cn/send?key=k', webhook_secret: 'SEC1' },
    });
    expect(user).toMatchObject({
      away: true,
      onShift: false,
      province: '江苏',
      city: '南京',
      productLines: ['骨科', '康复'],
      attributes: { webhook_url: 'https://robot.example.cn/send?key=k', webhook_secret: '***' },
    });
    const merged = await api.expect(200, 'PATCH', `/api/users/${ids.rep}`, {
      attributes: { webhook_url: null, wecom_id: 'lilei' },
    });
    expect(merged.user.attributes).toEqual({ webhook_secret: '***', wecom_id: 'lilei' });
    const stored = await db
      .selectFrom('platform.users')
      .select('attributes')
      .where('id', '=', ids.rep!)
      .executeTakeFirstOrThrow();
    expect(stored.attributes).toEqual({ webhook_secret: 'SEC1', wecom_id: 'lilei' });
  });

  it('validates input: e-mail format, ids, duplicates, unknown users', async () => {
    const badEmail = await api.post('/api/users', { email: 'not-an-email', displayName: 'X' });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.error.details.issues[0].pointer).toBe('/email');
    const duplicate = await api.post('/api/users', {
      email: 'Rep@MedDev.example.cn',
      displayName: '重复',
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.code).toBe('USER_EXISTS');
    const unknownManager = await api.post('/api/users', {
      email: 'new@meddev.example.cn',
      displayName: '新人',
      managerId: '0b7e7c52-3f0e-4d52-9a52-6d1c8a0f4b11',
    });
    expect(unknownManager.status).toBe(404);
    expect((await api.patch('/api/users/not-a-uuid', { away: true })).status).toBe(400);
    expect(
      (await api.patch('/api/users/0b7e7c52-3f0e-4d52-9a52-6d1c8a0f4b11', { away: true })).status,
    ).toBe(404);
    expect((await api.patch(`/api/users/${ids.rep}`, {})).status).toBe(400);
    expect((await api.patch(`/api/users/${ids.rep}`, { away: 'yes' })).status).toBe(400);
    const badUrl = await api.patch(`/api/users/${ids.rep}`, {
      attributes: { webhook_url: 'ftp://x' },
    });
    expect(badUrl.status).toBe(400);
    expect(
      (
        await api.put('/api/spaces/meddev/members/0b7e7c52-3f0e-4d52-9a52-6d1c8a0f4b11', {
          roles: ['rep'],
        })
      ).status,
    ).toBe(404);
    expect((await api.put(`/api/spaces/nope/members/${ids.rep}`, { roles: ['rep'] })).status).toBe(
      404,
    );
    expect(
      (await api.put(`/api/spaces/meddev/members/${ids.rep}`, { roles: ['a b'] })).status,
    ).toBe(400);
  });

  it('lists users and the members of a space by role', async () => {
    const { users } = await api.expect(200, 'GET', `/api/users?managerId=${ids.director}`);
    expect(users.map((u: any) => u.email)).toEqual([
      'js_supervisor@meddev.example.cn',
      'zj_supervisor@meddev.example.cn',
    ]);
    const { members } = await api.expect(200, 'GET', '/api/spaces/meddev/members?role=supervisor');
    expect(members.map((m: any) => m.user.email)).toEqual([
      'js_supervisor@meddev.example.cn',
      'leaver@meddev.example.cn',
      'zj_supervisor@meddev.example.cn',
    ]);
    expect(members[0].roles).toEqual(['supervisor']);
  });
});
