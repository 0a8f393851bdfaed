// Login, sessions with CSRF, API tokens, the first admin, rate limits and the admin audit log,
// against real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFirstAdmin } from '../../platform/auth/login-service';
import type { Db } from '../../platform/db/database';
import { createTestApp } from '../support/test-app';
import { seedTestUser, type TestCaller } from '../support/test-auth';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('authentication', () => {
  let target: TestDatabase;
  let db: Db;
  let app: ReturnType<typeof createTestApp>;
  let admin: TestCaller;
  let rep: TestCaller;

  const call = async (
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await app.request(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    return { response, status: response.status, body: text ? JSON.parse(text) : {} };
  };

  /** Logs in and answers the cookie header and CSRF token of the new session. */
  const login = async (email: string, password: string) => {
    const answer = await call('POST', '/api/auth/login', { body: { email, password } });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const cookies = answer.response.headers.getSetCookie();
    const cookie = cookies.map((c) => c.split(';')[0]).join('; ');
    return { cookie, csrf: answer.body.csrfToken as string, cookies, body: answer.body };
  };

  beforeAll(async () => {
    target = await createTestDatabase();
    db = target.database.db;
    app = createTestApp({ database: target.database }, { caller: 'anonymous' });
    admin = await seedTestUser(db, { email: 'boss@example.cn' });
    rep = await seedTestUser(db, { email: 'rep@example.cn', platformAdmin: false });
  });
  afterAll(async () => {
    await target?.drop();
  });

  it('refuses anonymous API calls with a bilingual 401 but keeps health and login public', async () => {
    const spaces = await call('GET', '/api/spaces');
    expect(spaces.status).toBe(401);
    expect(spaces.body.error.code).toBe('UNAUTHENTICATED');
    expect(spaces.body.error.message).toContain('authentication required');
    expect(spaces.body.error.message).toContain('请先登录');
    expect((await call('GET', '/api/health')).status).not.toBe(401);
    expect((await call('GET', '/api/openapi.json')).status).toBe(200);
    const wrong = await call('POST', '/api/auth/login', {
      body: { email: 'boss@example.cn', password: 'not the password' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toBe('wrong e-mail address or password / 邮箱或密码错误');
    const unknown = await call('POST', '/api/auth/login', {
      body: { email: 'nobody@example.cn', password: 'not the password' },
    });
    expect(unknown.body).toEqual(wrong.body);
    const badToken = await call('GET', '/api/spaces', {
      headers: { authorization: 'Bearer bt_nope' },
    });
    expect(badToken.status).toBe(401);
    expect(badToken.body.error.message).toContain('unknown, expired or revoked');
  });

  it('logs in with an HttpOnly SameSite=Lax session cookie and answers who is calling', async () => {
    const session = await login('BOSS@example.cn', admin.password);
    const sessionCookie = session.cookies.find((c) => c.startsWith('baton_session='))!;
    expect(sessionCookie).toMatch(/HttpOnly/i);
    expect(sessionCookie).toMatch(/SameSite=Lax/i);
    expect(sessionCookie).not.toMatch(/Secure/i); // plain http here; https sets Secure
    const csrfCookie = session.cookies.find((c) => c.startsWith('baton_csrf='))!;
    expect(csrfCookie).not.toMatch(/HttpOnly/i);
    const me = await call('GET', '/api/auth/me', { headers: { cookie: session.cookie } });
    expect(me.body).toMatchObject({
      via: 'session',
      user: { id: admin.userId, email: 'boss@example.cn', platformAdmin: true },
    });
    // Only hashes are stored: the cookie's token is nowhere in the table.
    const token = session.cookie.match(/baton_session=([^;]+)/)![1]!;
    const rows = await db.selectFrom('platform.sessions').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(token);

    const logout = await call('POST', '/api/auth/logout', {
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrf },
    });
    expect(logout.status).toBe(204);
    expect(
      (await call('GET', '/api/auth/me', { headers: { cookie: session.cookie } })).status,
    ).toBe(401);
  });

  it('refuses a sign-in posted from another site (login CSRF)', async () => {
    const answer = await call('POST', '/api/auth/login', {
      body: { email: 'boss@example.cn', password: admin.password },
      headers: { origin: 'https://evil.example.com' },
    });
    expect(answer.status).toBe(403);
    expect(answer.body.error.code).toBe('CSRF_REJECTED');
    expect(answer.response.headers.getSetCookie()).toEqual([]);
  });

  it('sets Secure on cookies served over https', async () => {
    const answer = await app.request('https://baton.example.cn/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'boss@example.cn', password: admin.password }),
    });
    expect(answer.status).toBe(200);
    for (const cookie of answer.headers.getSetCookie()) expect(cookie).toMatch(/; Secure/i);
  });

  it('refuses cookie-authenticated unsafe requests without the CSRF token or from another origin', async () => {
    const session = await login('boss@example.cn', admin.password);
    const body = { key: 'csrf_space', name: { 'zh-CN': '跨站', en: 'CSRF' } };
    const missing = await call('POST', '/api/spaces', {
      body,
      headers: { cookie: session.cookie },
    });
    expect(missing.status).toBe(403);
    expect(missing.body.error.code).toBe('CSRF_REJECTED');
    const foreign = await call('POST', '/api/spaces', {
      body,
      headers: {
        cookie: session.cookie,
        'x-csrf-token': session.csrf,
        origin: 'https://evil.example.com',
      },
    });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.message).toContain('evil.example.com');
    const wrongToken = await call('POST', '/api/spaces', {
      body,
      headers: { cookie: session.cookie, 'x-csrf-token': 'guessed' },
    });
    expect(wrongToken.status).toBe(403);
    expect(await db.selectFrom('platform.spaces').select('key').execute()).toEqual([]);
    // Safe methods need no token; the right token with our own origin passes.
    expect((await call('GET', '/api/spaces', { headers: { cookie: session.cookie } })).status).toBe(
      200,
    );
    const ok = await call('POST', '/api/spaces', {
      body,
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, origin: 'http://localhost' },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
  });

  it('creates, lists, scopes, expires and revokes API tokens, showing each only once', async () => {
    const created = await call('POST', '/api/auth/tokens', {
      headers: rep.headers,
      body: { name: 'CRM 同步' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const token = created.body.token as string;
    expect(token).toMatch(/^bt_[A-Za-z0-9_-]{43}$/);
    const bearer = { authorization: `Bearer ${token}` };
    expect((await call('GET', '/api/auth/me', { headers: bearer })).body).toMatchObject({
      via: 'token',
      user: { id: rep.userId, platformAdmin: false },
    });
    const list = await call('GET', '/api/auth/tokens', { headers: rep.headers });
    expect(list.body.tokens.map((t: { name: string }) => t.name)).toContain('CRM 同步');
    expect(JSON.stringify(list.body)).not.toContain(token);
    // Not an admin: someone else's token looks absent, the admin's list is refused.
    const adminToken = await call('POST', '/api/auth/tokens', {
      headers: admin.headers,
      body: { name: 'admin only' },
    });
    expect(
      (
        await call('DELETE', `/api/auth/tokens/${adminToken.body.apiToken.id}`, {
          headers: rep.headers,
        })
      ).status,
    ).toBe(404);
    expect((await call('GET', '/api/auth/tokens?all=true', { headers: rep.headers })).status).toBe(
      403,
    );

    const revoked = await call('DELETE', `/api/auth/tokens/${created.body.apiToken.id}`, {
      headers: rep.headers,
    });
    expect(revoked.body.apiToken.revokedAt).not.toBeNull();
    expect((await call('GET', '/api/auth/me', { headers: bearer })).status).toBe(401);

    const past = await call('POST', '/api/auth/tokens', {
      headers: rep.headers,
      body: { name: 'old', expiresAt: '2020-01-01T00:00:00Z' },
    });
    expect(past.status).toBe(400);
    const shortLived = await call('POST', '/api/auth/tokens', {
      headers: rep.headers,
      body: { name: 'short', expiresAt: new Date(Date.now() + 60_000).toISOString() },
    });
    await db
      .updateTable('platform.api_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', shortLived.body.apiToken.id)
      .execute();
    const expired = await call('GET', '/api/auth/me', {
      headers: { authorization: `Bearer ${shortLived.body.token}` },
    });
    expect(expired.status).toBe(401);
  });

  it('drops a cached token or user the moment another process changes them (NOTIFY)', async () => {
    const made = await call('POST', '/api/auth/tokens', {
      headers: rep.headers,
      body: { name: 'cached' },
    });
    const bearer = { authorization: `Bearer ${made.body.token}` };
    // Used twice: the second call is answered from this process's people cache.
    expect((await call('GET', '/api/auth/me', { headers: bearer })).status).toBe(200);
    expect((await call('GET', '/api/auth/me', { headers: bearer })).status).toBe(200);
    // Written straight to PostgreSQL, as another Baton process would: only the trigger's notice
    // tells this process.
    await db
      .updateTable('platform.api_tokens')
      .set({ revoked_at: new Date() })
      .where('id', '=', made.body.apiToken.id)
      .execute();
    await expect
      .poll(async () => (await call('GET', '/api/auth/me', { headers: bearer })).status, {
        timeout: 5_000,
        interval: 20,
      })
      .toBe(401);

    const second = await call('POST', '/api/auth/tokens', {
      headers: rep.headers,
      body: { name: 'cached-2' },
    });
    const other = { authorization: `Bearer ${second.body.token}` };
    expect((await call('GET', '/api/auth/me', { headers: other })).status).toBe(200);
    await db
      .updateTable('platform.users')
      .set({ active: false })
      .where('id', '=', rep.userId)
      .execute();
    try {
      await expect
        .poll(async () => (await call('GET', '/api/auth/me', { headers: other })).status, {
          timeout: 5_000,
          interval: 20,
        })
        .toBe(401);
    } finally {
      await db
        .updateTable('platform.users')
        .set({ active: true })
        .where('id', '=', rep.userId)
        .execute();
    }
  });

  it('keeps a space-scoped token inside its space', async () => {
    await db
      .insertInto('platform.spaces')
      .values([
        {
          key: 'east',
          name: { 'zh-CN': '华东', en: 'East' },
          schema_name: 'space_east',
          status: 'active',
        },
        {
          key: 'west',
          name: { 'zh-CN': '华西', en: 'West' },
          schema_name: 'space_west',
          status: 'active',
        },
      ])
      .execute();
    const created = await call('POST', '/api/auth/tokens', {
      headers: admin.headers,
      body: { name: 'east only', space: 'east' },
    });
    const bearer = { authorization: `Bearer ${created.body.token}` };
    expect((await call('GET', '/api/spaces/east', { headers: bearer })).status).toBe(200);
    const west = await call('GET', '/api/spaces/west', { headers: bearer });
    expect(west.status).toBe(403);
    expect(west.body.error.code).toBe('TOKEN_SCOPE');
    expect((await call('GET', '/api/spaces', { headers: bearer })).status).toBe(403);
  });

  it('keeps platform-wide management for platform admins', async () => {
    const space = await call('POST', '/api/spaces', {
      headers: rep.headers,
      body: { key: 'mine', name: { 'zh-CN': '我的', en: 'Mine' } },
    });
    expect(space.status).toBe(403);
    expect(space.body.error.message).toContain('仅平台管理员');
    expect((await call('GET', '/api/admin/audit', { headers: rep.headers })).status).toBe(403);
    const grant = await call('PUT', `/api/auth/users/${rep.userId}/platform-admin`, {
      headers: rep.headers,
      body: { platformAdmin: true },
    });
    expect(grant.status).toBe(403);
  });

  it('sets passwords: your own with the current one, anyone’s as admin; sessions end', async () => {
    const session = await login('rep@example.cn', rep.password);
    const wrong = await call('PUT', `/api/auth/users/${rep.userId}/password`, {
      headers: rep.headers,
      body: { password: 'a brand new password', currentPassword: 'nope' },
    });
    expect(wrong.status).toBe(401);
    const short = await call('PUT', `/api/auth/users/${rep.userId}/password`, {
      headers: admin.headers,
      body: { password: 'short' },
    });
    expect(short.status).toBe(400);
    expect(short.body.error.message).toContain('密码长度');
    const set = await call('PUT', `/api/auth/users/${rep.userId}/password`, {
      headers: rep.headers,
      body: { password: 'a brand new password', currentPassword: rep.password },
    });
    expect(set.status).toBe(204);
    expect(
      (await call('GET', '/api/auth/me', { headers: { cookie: session.cookie } })).status,
    ).toBe(401);
    await login('rep@example.cn', 'a brand new password');
    const stored = await db.selectFrom('platform.user_passwords').select('hash').execute();
    for (const row of stored) expect(row.hash).toMatch(/^\$argon2id\$/);
  });

  it('limits login attempts per account with 429 and Retry-After', async () => {
    const limited = createTestApp(
      {
        database: target.database,
        auth: { loginLimit: { limit: 3, windowMs: 60_000 } },
      },
      { caller: 'anonymous' },
    );
    const attempt = () =>
      limited.request('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'boss@example.cn', password: 'wrong password!' }),
      });
    for (let i = 0; i < 3; i += 1) expect((await attempt()).status).toBe(401);
    const refused = await attempt();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('RATE_LIMITED');
    expect(body.error.message).toContain('请求过于频繁');
  });

  it('limits intake deliveries per space and source', async () => {
    const limited = createTestApp(
      {
        database: target.database,
        auth: { intakeLimit: { limit: 2, windowMs: 60_000 } },
      },
      { caller: 'anonymous' },
    );
    const deliver = (source: string) =>
      limited.request(`/api/spaces/east/intake/${source}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
    expect([(await deliver('web')).status, (await deliver('web')).status]).toEqual([404, 404]);
    const refused = await deliver('web');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await deliver('sms')).status).toBe(404); // another source has its own budget
  });

  it('seeds the first admin once, from the environment or with a generated password', async () => {
    const empty = await createTestDatabase();
    try {
      const first = await ensureFirstAdmin(empty.database.db, {});
      expect(first?.email).toBe('admin@baton.local');
      expect(first?.generatedPassword).toMatch(/^[A-Za-z0-9]{20}$/);
      expect(await ensureFirstAdmin(empty.database.db, {})).toBeUndefined();
      const other = await createTestDatabase();
      try {
        const given = await ensureFirstAdmin(other.database.db, {
          email: 'Ops@Example.cn',
          password: 'from the environment',
        });
        expect(given).toEqual({ email: 'ops@example.cn' });
      } finally {
        await other.drop();
      }
      const seeded = createTestApp({ database: empty.database }, { caller: 'anonymous' });
      const answer = await seeded.request('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@baton.local', password: first!.generatedPassword }),
      });
      expect(answer.status).toBe(200);
    } finally {
      await empty.drop();
    }
  });

  it('records admin actions in an append-only audit log platform admins can read', async () => {
    const audit = await call('GET', '/api/admin/audit?limit=50', { headers: admin.headers });
    expect(audit.status).toBe(200);
    const actions = audit.body.entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['token.create', 'token.revoke', 'user.password']),
    );
    const revoke = audit.body.entries.find((e: { action: string }) => e.action === 'token.revoke');
    expect(revoke.actorId).toBe(rep.userId);
    await expect(
      db.updateTable('platform.admin_audit').set({ action: 'forged' }).execute(),
    ).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom('platform.admin_audit').execute()).rejects.toThrow(/append-only/);
    // Filtered by action.
    const onlyCreates = await call('GET', '/api/admin/audit?action=token.create', {
      headers: admin.headers,
    });
    expect(new Set(onlyCreates.body.entries.map((e: { action: string }) => e.action))).toEqual(
      new Set(['token.create']),
    );
  });
});
