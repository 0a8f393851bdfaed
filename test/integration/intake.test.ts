// The intake hub on real PostgreSQL: signed, idempotent deliveries become leads through the rule
// pipeline (normalize, tag, dedupe, assign under capacity), also under 50 parallel HTTP deliveries.
import { serve, type ServerType } from '@hono/node-server';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntakeSource } from '../../runtime/intake/intake-schema';
import { medicalDeviceDefinition } from '../../runtime/rules/test-rules';
import { signDelivery } from '../../platform/intake/intake-signature';
import { apiClient } from '../support/api-client';
import { freePort } from '../support/free-port';
import { createTestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const l = (en: string, zh: string) => ({ 'zh-CN': zh, en });

const webForm: IntakeSource = {
  key: 'web_form',
  label: l('Website form', '官网H5表单'),
  kind: 'web_form',
  table: 'lead',
  map: {
    name: 'payload.nickname',
    phone: 'payload.mobile',
    organization: 'payload.org',
    message: 'payload.message',
    ip: 'payload.ip',
    province: 'payload.province',
    product_line: 'payload.product_line',
  },
  set: { source: 'web_form' },
  signature: {
    header: 'x-baton-signature',
    algorithm: 'hmac-sha256',
    timestampHeader: 'x-baton-timestamp',
    toleranceSeconds: 300,
  },
};

/** Douyin posts its own shape and signs the body only. */
const douyin: IntakeSource = {
  key: 'douyin',
  label: l('Douyin ads', '抖音'),
  kind: 'douyin',
  table: 'lead',
  map: {
    name: 'payload.user.nickname',
    phone: 'payload.user.phone',
    organization: 'payload.form.hospital',
    province: 'payload.form.province',
    product_line: '"ortho"',
  },
  set: { source: 'douyin' },
  tags: ['抖音线索'],
  signature: { header: 'x-douyin-signature', algorithm: 'hmac-sha256' },
};

type Send = (path: string, init: RequestInit) => Promise<Response>;

interface Delivered {
  readonly status: number;
  readonly body: any;
  readonly text: string;
  readonly replay: string | null;
}

/** Posts a payload to a source, signed like a sender would, unless told otherwise. */
async function deliver(
  send: Send,
  space: string,
  source: string,
  secret: string,
  payload: unknown,
  options: {
    key?: string | null;
    timestamp?: number | null;
    signature?: string;
    header?: string;
  } = {},
): Promise<Delivered> {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const timestamp =
    options.timestamp === null
      ? undefined
      : String(options.timestamp ?? Math.floor(Date.now() / 1000));
  if (timestamp !== undefined && source === 'web_form') headers['x-baton-timestamp'] = timestamp;
  headers[options.header ?? (source === 'web_form' ? 'x-baton-signature' : 'x-douyin-signature')] =
    options.signature ?? signDelivery(secret, body, source === 'web_form' ? timestamp : undefined);
  if (options.key !== null) headers['idempotency-key'] = options.key ?? crypto.randomUUID();
  const response = await send(`/api/spaces/${space}/intake/${source}`, {
    method: 'POST',
    headers,
    body,
  });
  const text = await response.text();
  return {
    status: response.status,
    body: JSON.parse(text),
    text,
    replay: response.headers.get('idempotent-replay'),
  };
}

async function addRep(
  target: TestDatabase,
  spaceId: string,
  key: string,
  province: string,
  roles = ['rep'],
): Promise<string> {
  const db = target.database.db;
  const { id } = await db
    .insertInto('platform.users')
    .values({
      email: `${key}@example.cn`,
      display_name: key,
      province,
      // Supervisors take no leads themselves.
      product_lines: roles.includes('rep') ? ['ortho'] : [],
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('platform.space_members')
    .values({ space_id: spaceId, user_id: id, roles })
    .execute();
  return id;
}

describe('intake hub', () => {
  let target: TestDatabase;
  let app: ReturnType<typeof createTestApp>;
  let api: ReturnType<typeof apiClient>;
  let send: Send;
  let secret: string;
  let douyinSecret: string;
  const reps: Record<string, string> = {};

  async function createSpace(key: string): Promise<string> {
    const space = (await api.expect<any>(201, 'POST', '/api/spaces', { key, name: l(key, key) }))
      .space;
    return space.id;
  }

  async function publish(space: string, definition: unknown) {
    await api.expect(200, 'PUT', `/api/spaces/${space}/definition/draft`, definition);
    await api.expect(201, 'POST', `/api/spaces/${space}/definition/publish`);
  }

  beforeAll(async () => {
    target = await createTestDatabase();
    app = createTestApp({
      database: target.database,
    });
    api = apiClient(app);
    send = async (path, init) => app.request(path, init);
    const spaceId = await createSpace('meddev');
    reps.zj1 = await addRep(target, spaceId, 'zj1', '浙江');
    reps.zj2 = await addRep(target, spaceId, 'zj2', '浙江');
    await addRep(target, spaceId, 'sup', '浙江', ['supervisor']);
    await publish('meddev', { ...medicalDeviceDefinition(), intake: [webForm, douyin] });
    secret = (await api.expect<any>(201, 'POST', '/api/spaces/meddev/intake/web_form/secret'))
      .secret;
    douyinSecret = (await api.expect<any>(201, 'POST', '/api/spaces/meddev/intake/douyin/secret'))
      .secret;
  });
  afterAll(() => target.drop());

  it('refuses to publish a source that maps unknown fields or broken expressions', async () => {
    const broken: IntakeSource = {
      ...webForm,
      key: 'broken',
      map: { nope: 'payload.x', phone: 'payload.mobile +', tags: '{"a": 1}' },
      pool: 'limbo',
    };
    await api.expect(200, 'PUT', '/api/spaces/meddev/definition/draft', {
      ...medicalDeviceDefinition(),
      intake: [webForm, broken],
    });
    const refused = await api.expect<any>(422, 'POST', '/api/spaces/meddev/definition/publish');
    const issues = refused.error.details.issues.map((i: any) => [i.pointer, i.code]);
    expect(issues).toEqual(
      expect.arrayContaining([
        ['/intake/1/map/nope', 'UNKNOWN_FIELD'],
        ['/intake/1/map/phone', 'CEL_SYNTAX'],
        ['/intake/1/map/tags', 'CEL_RESULT_TYPE'],
        ['/intake/1/pool', 'UNKNOWN_STAGE'],
      ]),
    );
    await api.expect(200, 'PUT', '/api/spaces/meddev/definition/draft', {
      ...medicalDeviceDefinition(),
      intake: [webForm, douyin],
    });
  });

  let first: any;

  it('creates a lead from a signed delivery: normalized phone, keyword and network tags, pool stage, a rep', async () => {
    const answer = await deliver(send, 'meddev', 'web_form', secret, {
      nickname: '张伟',
      mobile: 13800138000,
      org: '北京协和医院有限公司',
      message: '想了解 DR 和 CT 的报价',
      ip: '10.20.1.5',
      province: '浙江',
      product_line: 'ortho',
    });
    expect(answer.status, answer.text).toBe(201);
    expect(answer.replay).toBeNull();
    first = answer.body;
    expect(first).toMatchObject({ dedupe: 'unique', stage: 'new', score: null, band: null });
    expect(first.tags).toEqual(expect.arrayContaining(['影像设备', '院内网络', '公立三级']));
    expect([reps.zj1, reps.zj2]).toContain(first.owner);
    const record = (
      await api.expect<any>(200, 'GET', `/api/spaces/meddev/tables/lead/records/${first.recordId}`)
    ).record;
    expect(record).toMatchObject({
      phone: '+8613800138000',
      source: 'web_form',
      stage: 'new',
      owner: first.owner,
    });
    const history = await api.expect<any>(
      200,
      'GET',
      `/api/spaces/meddev/tables/lead/records/${first.recordId}/history`,
    );
    expect(history.entries[0].source).toBe('intake');
  });

  it('routes the same phone and organisation within 30 days to the original owner as returning', async () => {
    const answer = await deliver(send, 'meddev', 'douyin', douyinSecret, {
      user: { nickname: '张伟', phone: '+86 138-0013-8000' },
      form: { hospital: '北京协和医院', province: '江苏' },
    });
    expect(answer.status, answer.text).toBe(201);
    expect(answer.body).toMatchObject({
      dedupe: 'returning',
      original: first.recordId,
      owner: first.owner,
    });
    expect(answer.body.tags).toEqual(
      expect.arrayContaining(['复访线索', '抖音线索', '抖音-骨科器械广告']),
    );
  });

  it('refuses wrong, missing and malformed signatures and stale timestamps with 401', async () => {
    const payload = {
      nickname: '李雷',
      mobile: '13911112222',
      province: '浙江',
      product_line: 'ortho',
    };
    const wrong = await deliver(send, 'meddev', 'web_form', 'not-the-secret', payload);
    expect([wrong.status, wrong.body.error.code]).toEqual([401, 'SIGNATURE_MISMATCH']);
    const missing = await deliver(send, 'meddev', 'web_form', secret, payload, {
      header: 'x-other',
    });
    expect([missing.status, missing.body.error.code]).toEqual([401, 'SIGNATURE_MISSING']);
    expect(missing.body.error.message).toContain('x-baton-signature');
    const malformed = await deliver(send, 'meddev', 'web_form', secret, payload, {
      signature: 'abc',
    });
    expect([malformed.status, malformed.body.error.code]).toEqual([401, 'SIGNATURE_MALFORMED']);
    const stale = await deliver(send, 'meddev', 'web_form', secret, payload, {
      timestamp: Math.floor(Date.now() / 1000) - 301,
    });
    expect([stale.status, stale.body.error.code]).toEqual([401, 'TIMESTAMP_OUT_OF_WINDOW']);
    const noTime = await deliver(send, 'meddev', 'web_form', secret, payload, { timestamp: null });
    expect([noTime.status, noTime.body.error.code]).toEqual([401, 'TIMESTAMP_MISSING']);
    // Signed for the body only, but the source signs `<timestamp>.<body>`.
    const bodyOnly = await deliver(send, 'meddev', 'web_form', secret, payload, {
      signature: signDelivery(secret, JSON.stringify(payload)),
    });
    expect([bodyOnly.status, bodyOnly.body.error.code]).toEqual([401, 'SIGNATURE_MISMATCH']);
    const leads = await sql<{
      n: string;
    }>`select count(*) as n from space_meddev.lead where name = '李雷'`.execute(target.database.db);
    expect(Number(leads.rows[0]!.n)).toBe(0);
  });

  it('refuses a captured signed request replayed under another Idempotency-Key within the window', async () => {
    const payload = {
      nickname: '韩梅梅',
      mobile: '13922223333',
      province: '浙江',
      product_line: 'ortho',
    };
    const timestamp = Math.floor(Date.now() / 1000);
    const first = await deliver(send, 'meddev', 'web_form', secret, payload, {
      key: 'replay-1',
      timestamp,
    });
    expect(first.status, first.text).toBe(201);
    const retried = await deliver(send, 'meddev', 'web_form', secret, payload, {
      key: 'replay-1',
      timestamp,
    });
    expect([retried.status, retried.replay]).toEqual([201, 'true']);
    const replayed = await deliver(send, 'meddev', 'web_form', secret, payload, {
      key: 'replay-2',
      timestamp,
    });
    expect([replayed.status, replayed.body.error.code]).toEqual([409, 'SIGNATURE_REPLAYED']);
    expect(replayed.body.error.message).toContain('重放');
    const leads = await sql<{
      n: string;
    }>`select count(*) as n from space_meddev.lead where name = '韩梅梅'`.execute(
      target.database.db,
    );
    expect(Number(leads.rows[0]!.n)).toBe(1);
  });

  it('needs an Idempotency-Key and names the field a mapping cannot fill', async () => {
    const payload = {
      nickname: '韩梅梅',
      mobile: '13911113333',
      province: '浙江',
      product_line: 'ortho',
    };
    const noKey = await deliver(send, 'meddev', 'web_form', secret, payload, { key: null });
    expect([noKey.status, noKey.body.error.code]).toEqual([400, 'IDEMPOTENCY_KEY_REQUIRED']);
    const badValue = await deliver(send, 'meddev', 'web_form', secret, {
      ...payload,
      province: { name: '浙江' },
    });
    expect([badValue.status, badValue.body.error.code]).toEqual([400, 'INTAKE_MAPPING_FAILED']);
    expect(badValue.body.error.details.issues[0]).toMatchObject({
      field: 'province',
      code: 'INTAKE_VALUE_TYPE',
    });
    const badOption = await deliver(send, 'meddev', 'web_form', secret, {
      ...payload,
      product_line: 'dental',
    });
    expect(badOption.status).toBe(400);
    expect(badOption.body.error.message).toContain('/product_line');
  });

  it('answers a retried delivery with the first answer and writes nothing, also when both arrive at once', async () => {
    const payload = {
      nickname: '王芳',
      mobile: '13700001234',
      org: '浙江省人民医院',
      province: '浙江',
      product_line: 'ortho',
    };
    const once = await deliver(send, 'meddev', 'web_form', secret, payload, { key: 'wf-0001' });
    const again = await deliver(send, 'meddev', 'web_form', secret, payload, { key: 'wf-0001' });
    expect(once.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.replay).toBe('true');
    expect(again.text).toBe(once.text);

    const together = await Promise.all(
      Array.from({ length: 4 }, () =>
        deliver(
          send,
          'meddev',
          'web_form',
          secret,
          { ...payload, nickname: '赵敏', mobile: '13700005678' },
          { key: 'wf-0002' },
        ),
      ),
    );
    expect(together.map((d) => d.status)).toEqual([201, 201, 201, 201]);
    expect(new Set(together.map((d) => d.text)).size).toBe(1);
    expect(together.filter((d) => d.replay === 'true')).toHaveLength(3);
    const rows = await sql<{
      n: string;
    }>`select count(*) as n from space_meddev.lead where name in ('王芳', '赵敏')`.execute(
      target.database.db,
    );
    expect(Number(rows.rows[0]!.n)).toBe(2);
  });

  it('keeps accepting the previous secret for 10 minutes after a rotation, then refuses it', async () => {
    const rotated = await api.expect<any>(201, 'POST', '/api/spaces/meddev/intake/web_form/secret');
    expect(rotated.secret).not.toBe(secret);
    expect(rotated.previousValidUntil).toBeTruthy();
    const payload = {
      nickname: '周杰',
      mobile: '13600001111',
      province: '浙江',
      product_line: 'ortho',
    };
    expect((await deliver(send, 'meddev', 'web_form', secret, payload)).status).toBe(201);
    expect(
      (
        await deliver(send, 'meddev', 'web_form', rotated.secret, {
          ...payload,
          mobile: '13600002222',
        })
      ).status,
    ).toBe(201);
    // Ten minutes pass for the first secret; the next rotation also clears it out.
    await target.database.db
      .updateTable('platform.intake_secrets')
      .set({ rotated_at: new Date(Date.now() - 11 * 60 * 1000) })
      .where('rotated_at', 'is not', null)
      .execute();
    const newest = await api.expect<any>(201, 'POST', '/api/spaces/meddev/intake/web_form/secret');
    const late = await deliver(send, 'meddev', 'web_form', secret, {
      ...payload,
      mobile: '13600003333',
    });
    expect([late.status, late.body.error.code]).toEqual([401, 'SIGNATURE_MISMATCH']);
    for (const [valid, mobile] of [
      [rotated.secret, '13600004444'],
      [newest.secret, '13600005555'],
    ]) {
      expect(
        (await deliver(send, 'meddev', 'web_form', valid, { ...payload, mobile })).status,
      ).toBe(201);
    }
    const kept = await target.database.db
      .selectFrom('platform.intake_secrets')
      .select('secret')
      .execute();
    expect(kept.map((k) => k.secret).sort()).toEqual(
      [rotated.secret, newest.secret, douyinSecret].sort(),
    );
    secret = newest.secret;
  });

  it('never pushes a rep over capacity nor creates two leads for one dedupe key under 50 parallel HTTP deliveries', async () => {
    const spaceId = await createSpace('fair');
    const fair = await Promise.all(
      ['a', 'b', 'c'].map((k) => addRep(target, spaceId, `fair_${k}`, '浙江')),
    );
    await publish('fair', { ...medicalDeviceDefinition(), intake: [webForm] });
    const fairSecret = (
      await api.expect<any>(201, 'POST', '/api/spaces/fair/intake/web_form/secret')
    ).secret;
    const port = await freePort();
    const server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port }, () => resolve(s));
    });
    try {
      const http: Send = (path, init) => fetch(`http://127.0.0.1:${port}${path}`, init);
      // 40 distinct leads for the three 浙江 reps; 2 江苏 leads (no rep there) sent 5 times each.
      const payloads = [
        ...Array.from({ length: 40 }, (_, i) => ({
          nickname: `客户${i}`,
          mobile: `1390000${String(1000 + i)}`,
          org: `医院${i}`,
          province: '浙江',
          product_line: 'ortho',
        })),
        ...Array.from({ length: 10 }, (_, i) => ({
          nickname: `江苏客户${i % 2}`,
          // Each resend differs, as real ones do (an identical signed body would be a replay).
          message: `第${i}次提交`,
          mobile: `1380000${String(2000 + (i % 2))}`,
          org: `江苏医院${i % 2}`,
          province: '江苏',
          product_line: 'ortho',
        })),
      ];
      const answers = await Promise.all(
        payloads.map((p) => deliver(http, 'fair', 'web_form', fairSecret, p)),
      );
      expect(answers.map((a) => a.status)).toEqual(payloads.map(() => 201));
      const bodies = answers.map((a) => a.body);
      const owned = bodies.filter((b) => b.owner !== null);
      expect(owned).toHaveLength(24);
      for (const rep of fair) expect(owned.filter((b) => b.owner === rep)).toHaveLength(8);
      expect(bodies.filter((b) => b.owner === null)).toHaveLength(26);
      expect(bodies.filter((b) => b.pool === 'market')).toHaveLength(16 + 2);
      for (const i of [0, 1]) {
        const same = bodies.slice(40).filter((_, j) => j % 2 === i);
        const unique = same.filter((b) => b.dedupe === 'unique');
        expect(unique).toHaveLength(1);
        for (const b of same.filter((x) => x.dedupe !== 'unique')) {
          expect(b).toMatchObject({ dedupe: 'returning', original: unique[0].recordId });
        }
      }
      const counts = await sql<{ owner: string | null; n: string }>`
        select owner, count(*) as n from space_fair.lead group by owner`.execute(
        target.database.db,
      );
      const byOwner = Object.fromEntries(counts.rows.map((r) => [r.owner ?? 'pool', Number(r.n)]));
      expect(byOwner).toEqual({ [fair[0]!]: 8, [fair[1]!]: 8, [fair[2]!]: 8, pool: 26 });
      const originals = await sql<{ n: string }>`
        select count(*) as n from space_fair.lead where returning_of is null`.execute(
        target.database.db,
      );
      expect(Number(originals.rows[0]!.n)).toBe(42);
    } finally {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
    }
  });
});
