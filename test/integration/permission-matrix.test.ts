// The permission matrix of the medical-device pack: every role × every path against a real server
// and PostgreSQL, and no hidden value in any byte of any answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../platform/auth/api-token-store';
import { createTestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/** Values only hidden fields hold: none may appear in an answer to a role that cannot read them. */
const privateMarker = 'PRIVATE-7f3a-私密手机';
const ipMarker = '203.0.113.77';
const space = 'perm_meddev';
const leads = `/api/spaces/${space}/tables/lead/records`;

type Role = 'rep_hz' | 'rep_nb' | 'rep_nj' | 'sup_zj' | 'director' | 'market_1' | 'admin';
const roles: readonly Role[] = [
  'rep_hz',
  'rep_nb',
  'rep_nj',
  'sup_zj',
  'director',
  'market_1',
  'admin',
];
/** Who may read the key person's private contact of lead A (owned by rep_hz). */
const readsPrivate = new Set<Role>(['rep_hz', 'sup_zj', 'admin']);
/** Who may read the intake IP address. */
const readsIp = new Set<Role>(['sup_zj', 'director', 'market_1', 'admin']);

/** The body as JSON, or null for an empty or non-JSON (CSV, file) answer. */
function parseJson(text: string): unknown {
  try {
    return text === '' ? null : JSON.parse(text);
  } catch {
    return null;
  }
}

interface Answer {
  readonly status: number;
  readonly text: string;
  readonly json: any;
}

describe('permission matrix of the medical-device pack', () => {
  let target: TestDatabase;
  let app: ReturnType<typeof createTestApp>;
  const users: Record<string, string> = {};
  const tokens = new Map<Role, string>();
  /** Every answer each role got, to search for hidden values at the end. */
  const seen = new Map<Role, string[]>();
  let leadA: any;
  let leadB: any;
  let leadC: any;
  let pool: any;
  let handover: any;
  let fileId: string;

  const call = async (
    role: Role,
    method: string,
    path: string,
    body?: unknown,
    extra: Record<string, string> = {},
  ): Promise<Answer> => {
    const headers: Record<string, string> = {
      authorization: `Bearer ${tokens.get(role)}`,
      ...extra,
    };
    let payload: RequestInit['body'];
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    const response = await app.request(path, { method, headers, body: payload });
    const text = await response.text();
    seen.get(role)!.push(text);
    return { status: response.status, text, json: parseJson(text) };
  };
  const expectStatus = (answer: Answer, status: number, what: string) =>
    expect(answer.status, `${what} → ${answer.text.slice(0, 400)}`).toBe(status);
  const create = async (values: Record<string, unknown>) => {
    const answer = await call('admin', 'POST', leads, values);
    expectStatus(answer, 201, 'create');
    return answer.json.record;
  };

  beforeAll(async () => {
    target = await createTestDatabase();
    app = createTestApp({
      database: target.database,
      health: { temporal: () => undefined, taskQueue: 'x' },
    });
    const admin = await app.testAdmin();
    tokens.set('admin', admin.token);
    for (const role of roles) seen.set(role, []);
    const installed = await call('admin', 'POST', '/api/templates/medical-device/install', {
      space,
    });
    expectStatus(installed, 201, 'install');
    for (const u of installed.json.users) users[u.key] = u.id;
    for (const role of roles.filter((r) => r !== 'admin')) {
      const { token } = await createApiToken(target.database.db, {
        name: 'matrix',
        userId: users[role]!,
        spaceId: null,
        expiresAt: null,
      });
      tokens.set(role, token);
    }
    const lead = (name: string, owner: string | null, extra: Record<string, unknown> = {}) => ({
      name,
      organization: `${name}医院`,
      province: '浙江',
      city: '杭州',
      owner,
      ...extra,
    });
    leadA = await create(
      lead('甲', users.rep_hz!, {
        phone: '13800138001',
        key_person_mobile: privateMarker,
        ip: ipMarker,
        memo: '骨科主任想看样机',
      }),
    );
    leadB = await create(lead('乙', users.rep_nb!, { phone: '13800138002' }));
    leadC = await create(lead('丙', users.rep_nj!, { phone: '13800138003', province: '江苏' }));
    pool = await create(lead('丁', null, { phone: '13800138004' }));
    handover = await create(lead('戊', users.rep_hz!, { phone: '13800138005' }));
    // Rules may assign on create; the matrix needs these exact owners.
    const schema = target.database.sql(installed.json.space.schemaName ?? `space_${space}`);
    await target.database.sql`update ${schema}.lead set owner = null where id = ${pool.id}`;
    for (const [record, owner] of [
      [leadA, users.rep_hz],
      [leadB, users.rep_nb],
      [leadC, users.rep_nj],
      [handover, users.rep_hz],
    ] as const) {
      await target.database
        .sql`update ${schema}.lead set owner = ${owner!} where id = ${record.id}`;
    }
    // B returns an earlier lead of another team: its title must not leak through the relation.
    await target.database
      .sql`update ${schema}.lead set returning_of = ${leadC.id} where id = ${leadB.id}`;
    const form = new FormData();
    form.append(
      'file',
      new Blob([new TextEncoder().encode('%PDF-1.4\n% ethics filing\n%%EOF\n')]),
      'ethics.pdf',
    );
    const uploaded = await call('admin', 'POST', `/api/spaces/${space}/files`, form);
    expectStatus(uploaded, 201, 'upload');
    fileId = uploaded.json.file.id;
    const fresh = await call('admin', 'GET', `${leads}/${leadA.id}`);
    const attached = await call('admin', 'PATCH', `${leads}/${leadA.id}`, {
      version: fresh.json.record.version,
      ethics_filing: [fileId],
    });
    expectStatus(attached, 200, 'attach');
    const flow = 'handover_contract';
    const published = await call('admin', 'GET', `/api/spaces/${space}/definition`);
    const node = published.json.definition.flows
      .find((f: any) => f.key === flow)
      .nodes.find((n: any) => n.type === 'handover').id;
    await target.database.db
      .insertInto('platform.record_freezes')
      .values({
        space_id: installed.json.space.id,
        table_key: 'lead',
        record_id: handover.id,
        flow_key: flow,
        node,
      })
      .execute();
  }, 120_000);

  afterAll(() => target?.drop());

  it('reads a record only inside the row scope, with hidden fields removed', async () => {
    const expected: Record<Role, number> = {
      rep_hz: 200,
      rep_nb: 404,
      rep_nj: 404,
      sup_zj: 200,
      director: 200,
      market_1: 404,
      admin: 200,
    };
    for (const role of roles) {
      const answer = await call(role, 'GET', `${leads}/${leadA.id}`);
      expectStatus(answer, expected[role], `${role} get`);
      if (answer.status !== 200) continue;
      expect('key_person_mobile' in answer.json.record).toBe(readsPrivate.has(role));
      expect('ip' in answer.json.record).toBe(readsIp.has(role));
    }
    const poolAnswer = await call('market_1', 'GET', `${leads}/${pool.id}`);
    expectStatus(poolAnswer, 200, 'market reads the pool');
  });

  it('lists exactly the rows of the scope', async () => {
    const expected: Record<Role, string[]> = {
      rep_hz: [leadA.id, handover.id],
      rep_nb: [leadB.id],
      rep_nj: [leadC.id],
      sup_zj: [leadA.id, leadB.id, handover.id],
      director: [leadA.id, leadB.id, leadC.id, pool.id, handover.id],
      market_1: [pool.id],
      admin: [leadA.id, leadB.id, leadC.id, pool.id, handover.id],
    };
    for (const role of roles) {
      const answer = await call(role, 'GET', `${leads}?limit=100`);
      expectStatus(answer, 200, `${role} list`);
      const ids = answer.json.records.map((r: any) => r.id).sort();
      expect(ids, role).toEqual([...expected[role]].sort());
      const query = await call(role, 'POST', `${leads}/query`, { sort: ['-created_at'] });
      expect(query.json.records.map((r: any) => r.id).sort(), role).toEqual(ids);
    }
  });

  it('refuses filtering and sorting on a hidden field, and search never matches one', async () => {
    const filter = encodeURIComponent(
      JSON.stringify({ field: 'key_person_mobile', op: 'eq', value: privateMarker }),
    );
    for (const role of roles) {
      const filtered = await call(role, 'GET', `${leads}?filter=${filter}`);
      const sorted = await call(role, 'GET', `${leads}?sort=-key_person_mobile`);
      const byBody = await call(role, 'POST', `${leads}/query`, {
        filter: { field: 'ip', op: 'contains', value: '203.0' },
      });
      const searched = await call(role, 'GET', `${leads}?q=${encodeURIComponent(privateMarker)}`);
      expectStatus(searched, 200, `${role} search`);
      // Every rep may read the field on their own leads; only rows in scope can match.
      if (role.startsWith('rep_') || readsPrivate.has(role)) {
        const matches = readsPrivate.has(role) ? [leadA.id] : [];
        expectStatus(filtered, 200, `${role} filter`);
        expect(filtered.json.records.map((r: any) => r.id)).toEqual(matches);
        expectStatus(sorted, 200, `${role} sort`);
        expect(searched.json.records.map((r: any) => r.id)).toEqual(matches);
      } else {
        expectStatus(filtered, 403, `${role} filter`);
        expect(filtered.json.error.code).toBe('FIELD_NOT_READABLE');
        expectStatus(sorted, 403, `${role} sort`);
        expect(searched.json.records).toEqual([]);
      }
      expectStatus(byBody, readsIp.has(role) ? 200 : 403, `${role} filter on ip`);
    }
  });

  it('shows history and timeline only of readable records, without hidden fields', async () => {
    for (const role of roles) {
      const readable = ['rep_hz', 'sup_zj', 'director', 'admin'].includes(role);
      const history = await call(role, 'GET', `${leads}/${leadA.id}/history`);
      const timeline = await call(role, 'GET', `${leads}/${leadA.id}/timeline`);
      expectStatus(history, readable ? 200 : 404, `${role} history`);
      expectStatus(timeline, readable ? 200 : 404, `${role} timeline`);
      if (!readable) continue;
      const fields = history.json.entries.flatMap((e: any) => [
        e.field,
        ...Object.keys(e.after ?? {}),
      ]);
      expect(fields.includes('key_person_mobile')).toBe(readsPrivate.has(role));
      expect(fields.includes('ethics_filing')).toBe(true);
    }
  });

  it('writes only writable fields of records in the update scope', async () => {
    const memo = (role: Role) => ({ memo: `${role} 跟进`, version: 0 });
    const expected: Record<Role, number> = {
      rep_hz: 200,
      rep_nb: 404,
      rep_nj: 404,
      sup_zj: 200,
      director: 403,
      market_1: 404,
      admin: 200,
    };
    for (const role of roles) {
      const current = await call('admin', 'GET', `${leads}/${leadA.id}`);
      const body = { ...memo(role), version: current.json.record.version };
      const answer = await call(role, 'PATCH', `${leads}/${leadA.id}`, body);
      expectStatus(answer, expected[role], `${role} update`);
    }
    const current = await call('admin', 'GET', `${leads}/${leadA.id}`);
    const version = current.json.record.version;
    const refused = await call('rep_hz', 'PATCH', `${leads}/${leadA.id}`, {
      version,
      ip: '198.51.100.1',
      health_score: 99,
      memo: '可以写',
    });
    expectStatus(refused, 403, 'rep writes a hidden and a computed field');
    expect(refused.json.error).toMatchObject({
      code: 'FIELDS_NOT_WRITABLE',
      details: { fields: ['ip', 'health_score'] },
    });
    const unchanged = await call('admin', 'GET', `${leads}/${leadA.id}`);
    expect(unchanged.json.record.version).toBe(version);

    // Once the contract is signed, the rep's stage override makes the amount read-only.
    const amount = await call('rep_hz', 'PATCH', `${leads}/${leadA.id}`, {
      version,
      contract_amount: 120000,
    });
    expectStatus(amount, 200, 'rep sets the amount before signing');
    await target.database
      .sql`update ${target.database.sql(`space_${space}`)}.lead set stage = 'contract_signed' where id = ${leadA.id}`;
    const signed = await call('admin', 'GET', `${leads}/${leadA.id}`);
    const locked = await call('rep_hz', 'PATCH', `${leads}/${leadA.id}`, {
      version: signed.json.record.version,
      contract_amount: 1,
      memo: '签约后跟进',
    });
    expectStatus(locked, 403, 'rep changes the amount after signing');
    expect(locked.json.error.details.fields).toEqual(['contract_amount']);
    const memoAfter = await call('rep_hz', 'PATCH', `${leads}/${leadA.id}`, {
      version: signed.json.record.version,
      memo: '签约后跟进',
    });
    expectStatus(memoAfter, 200, 'rep keeps following up after signing');
    await target.database
      .sql`update ${target.database.sql(`space_${space}`)}.lead set stage = null where id = ${leadA.id}`;

    // Lead B belongs to rep_nb: readable to them and their supervisor, deletable by neither.
    const deletes: Record<Role, number> = {
      rep_hz: 404,
      rep_nb: 403,
      rep_nj: 404,
      sup_zj: 403,
      director: 403,
      market_1: 404,
      admin: 200,
    };
    for (const role of roles) {
      const answer = await call(role, 'DELETE', `${leads}/${leadB.id}`);
      expectStatus(answer, deletes[role], `${role} delete`);
    }
    expectStatus(await call('director', 'POST', `${leads}/${leadB.id}/restore`), 403, 'restore');
    expectStatus(await call('admin', 'POST', `${leads}/${leadB.id}/restore`), 200, 'restore');
  });

  it('creates records only with the create right and writable fields', async () => {
    const expected: Record<Role, number> = {
      rep_hz: 201,
      rep_nb: 201,
      rep_nj: 201,
      sup_zj: 201,
      director: 403,
      market_1: 201,
      admin: 201,
    };
    for (const [i, role] of roles.entries()) {
      const answer = await call(role, 'POST', leads, {
        name: `新客户${i}`,
        organization: `新医院${i}`,
        phone: `1390000000${i}`,
      });
      expectStatus(answer, expected[role], `${role} create`);
    }
    const hidden = await call('market_1', 'POST', leads, {
      name: '市场',
      key_person_mobile: '13900000099',
    });
    expectStatus(hidden, 403, 'market writes a private contact');
    expect(hidden.json.error.details.fields).toEqual(['key_person_mobile']);
  });

  it('exports only with the export right: scoped rows and readable columns', async () => {
    const expected: Record<Role, number> = {
      rep_hz: 403,
      rep_nb: 403,
      rep_nj: 403,
      sup_zj: 200,
      director: 200,
      market_1: 403,
      admin: 200,
    };
    for (const role of roles) {
      const answer = await call(role, 'GET', `${leads}/export?format=csv&locale=en`);
      expectStatus(answer, expected[role], `${role} export`);
      if (answer.status !== 200) continue;
      expect(answer.text.includes('甲')).toBe(true);
      expect(answer.text.includes('丙')).toBe(role !== 'sup_zj');
      expect(answer.text.includes("Key person's private mobile")).toBe(readsPrivate.has(role));
    }
  });

  it('imports only with the import right into writable fields', async () => {
    const csv = 'name,organization,phone\n导入客户,导入医院,13911112222\n';
    const preview = (role: Role, options?: unknown) => {
      const form = new FormData();
      if (options !== undefined) form.append('options', JSON.stringify(options));
      form.append('file', new Blob([new TextEncoder().encode(csv)]), 'leads.csv');
      return call(role, 'POST', `/api/spaces/${space}/tables/lead/imports/preview`, form);
    };
    const expected: Record<Role, number> = {
      rep_hz: 403,
      rep_nb: 403,
      rep_nj: 403,
      sup_zj: 200,
      director: 403,
      market_1: 200,
      admin: 200,
    };
    for (const role of roles) expectStatus(await preview(role), expected[role], `${role} preview`);
    const mapping = {
      columns: { name: 'name', organization: 'organization', phone: 'key_person_mobile' },
    };
    const refused = await preview('market_1', { mapping });
    expectStatus(refused, 403, 'market maps a column to a private field');
    expect(refused.json.error.code).toBe('FIELDS_NOT_WRITABLE');
  });

  it('hands out attachment bytes only to readers of the record and field', async () => {
    const expected: Record<Role, number> = {
      rep_hz: 200,
      rep_nb: 403,
      rep_nj: 403,
      sup_zj: 200,
      director: 200,
      market_1: 403,
      admin: 200,
    };
    for (const role of roles) {
      const content = await call(role, 'GET', `/api/spaces/${space}/files/${fileId}/content`);
      expectStatus(content, expected[role], `${role} download`);
      const meta = await call(role, 'GET', `/api/spaces/${space}/files/${fileId}`);
      expectStatus(meta, expected[role], `${role} file metadata`);
    }
  });

  it('streams and lists notifications only of their own user', async () => {
    for (const role of roles) {
      const own = role === 'admin' ? users.rep_hz! : users[role]!;
      for (const user of [own, users.rep_nj!]) {
        const allowed = role === 'admin' || user === users[role];
        const list = await call(role, 'GET', `/api/spaces/${space}/notifications?user=${user}`);
        expectStatus(list, allowed ? 200 : 403, `${role} inbox of ${user}`);
        const response = await app.request(
          `/api/spaces/${space}/notifications/stream?user=${user}`,
          { headers: { authorization: `Bearer ${tokens.get(role)}` } },
        );
        expect(response.status, `${role} stream of ${user}`).toBe(allowed ? 200 : 403);
        if (response.status !== 200) {
          seen.get(role)!.push(await response.text());
          continue;
        }
        const reader = response.body!.getReader();
        const { value } = await reader.read();
        expect(new TextDecoder().decode(value)).toContain('event: ready');
        await reader.cancel();
      }
    }
  });

  it('takes handover verdicts only from people who may update the record', async () => {
    const expected: Record<Role, number> = {
      rep_hz: 202,
      rep_nb: 404,
      rep_nj: 404,
      sup_zj: 202,
      director: 403,
      market_1: 404,
      admin: 202,
    };
    for (const role of roles) {
      const answer = await call(role, 'POST', `${leads}/${handover.id}/handover`, {
        flow: 'handover_contract',
        verdict: 'valid',
      });
      expectStatus(answer, expected[role], `${role} verdict`);
    }
    const outbox = await target.database.db
      .selectFrom('platform.outbox')
      .select('payload')
      .where('topic', '=', 'handover.verdict')
      .execute();
    const admin = await app.testAdmin();
    expect(outbox.map((o: any) => o.payload.by).sort()).toEqual(
      [users.rep_hz, users.sup_zj, admin.userId].sort(),
    );
  });

  it('takes behaviour events only on records the caller may update', async () => {
    const expected: Record<Role, number> = {
      rep_hz: 200,
      rep_nb: 404,
      rep_nj: 404,
      sup_zj: 200,
      director: 403,
      market_1: 404,
      admin: 200,
    };
    for (const [i, role] of roles.entries()) {
      const answer = await call(role, 'POST', `/api/spaces/${space}/events`, {
        events: [
          {
            table: 'lead',
            recordId: leadA.id,
            type: 'download',
            at: '2026-11-20T09:00:00+08:00',
            idempotencyKey: `matrix-${i}`,
          },
        ],
      });
      expectStatus(answer, expected[role], `${role} event`);
    }
  });

  it('lets administrators view as a role, and nobody else', async () => {
    const asRep = await call('admin', 'GET', `${leads}/${leadA.id}?viewAs=director`);
    expectStatus(asRep, 200, 'admin views as director');
    expect('key_person_mobile' in asRep.json.record).toBe(false);
    seen.get('director')!.push(asRep.text);
    const listAsRep = await call('admin', 'GET', `${leads}?viewAs=rep`);
    expectStatus(listAsRep, 200, 'admin views as rep');
    expect(listAsRep.json.records).toEqual([]);
    const header = await call('admin', 'GET', `${leads}?limit=100`, undefined, {
      'X-Baton-View-As': 'market',
    });
    expect(header.json.records.map((r: any) => r.id)).toContain(pool.id);
    expect(header.json.records.every((r: any) => r.owner === null)).toBe(true);
    expectStatus(await call('sup_zj', 'GET', `${leads}?viewAs=director`), 403, 'supervisor');
    expectStatus(
      await call('admin', 'PATCH', `${leads}/${leadA.id}?viewAs=rep`, { version: 1 }),
      400,
      'view as on a write',
    );
  });

  it('never sends a hidden value in any byte to a role that cannot read it', () => {
    for (const role of roles) {
      const answers = seen.get(role)!;
      expect(answers.length, role).toBeGreaterThan(10);
      const all = answers.join('\n');
      if (!readsPrivate.has(role)) expect(all.includes(privateMarker), role).toBe(false);
      if (!readsIp.has(role)) expect(all.includes(ipMarker), role).toBe(false);
    }
    expect(seen.get('rep_hz')!.join('\n').includes(privateMarker)).toBe(true);
    expect(seen.get('director')!.join('\n').includes(ipMarker)).toBe(true);
  });
});
