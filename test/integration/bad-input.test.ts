// Bad input against a real server and PostgreSQL: every refusal is a 4xx with a precise message,
// the server keeps answering, and nothing is written.
import http from 'node:http';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server';

const l = (zh: string, en: string) => ({ 'zh-CN': zh, en });

const definition = {
  formatVersion: 1,
  tables: [
    {
      key: 'lead',
      label: l('线索', 'Lead'),
      fields: [
        { key: 'name', type: 'text', required: true, maxLength: 200, label: l('姓名', 'Name') },
        { key: 'note', type: 'long_text', maxLength: 5000, label: l('备注', 'Note') },
        { key: 'amount', type: 'number', label: l('金额', 'Amount') },
        { key: 'extra', type: 'json', label: l('扩展', 'Extra') },
      ],
    },
  ],
};

describe('bad input', () => {
  let server: TestServer;
  const records = '/api/spaces/bad/tables/lead/records';

  /** Sends a raw body (a string, sent as is) as the admin. */
  const send = async (method: string, path: string, body?: string | object) => {
    const response = await server.fetch(path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = { text };
    }
    return { status: response.status, body: json };
  };

  /**
   * Posts a body the server refuses before reading it all: node:http, so the connection the server
   * closes under the unread rest ends this request only (fetch would report it later, elsewhere).
   */
  const sendOversized = (path: string, body: string, framing: 'length' | 'chunked' = 'length') =>
    new Promise<{ status: number; body: any }>((resolve, reject) => {
      const request = http.request(`${server.url}${path}`, {
        method: 'POST',
        headers: {
          ...server.admin.headers,
          'content-type': 'application/json',
          ...(framing === 'length'
            ? { 'content-length': Buffer.byteLength(body) }
            : { 'transfer-encoding': 'chunked' }),
        },
      });
      request.on('response', (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode!, body: JSON.parse(text) }));
        response.on('error', reject);
      });
      request.on('error', () => {}); // EPIPE / ECONNRESET once the server has answered
      request.end(body);
    });

  const count = async () =>
    Number(
      (await sql<{ n: string }>`select count(*) as n from space_bad.lead`.execute(server.db))
        .rows[0]!.n,
    );
  const versions = async () =>
    Number(
      (
        await sql<{
          n: string;
        }>`select count(*) as n from platform.definition_versions v join platform.spaces s on s.id = v.space_id where s.key = 'bad'`.execute(
          server.db,
        )
      ).rows[0]!.n,
    );

  /** Asserts a refusal: the status, a message containing `message`, nothing written, still up. */
  const refused = async (
    answer: { status: number; body: any },
    status: number | readonly number[],
    message: string | RegExp,
    before: { rows: number; versions: number },
  ) => {
    const allowed = typeof status === 'number' ? [status] : status;
    expect(allowed, JSON.stringify(answer.body).slice(0, 500)).toContain(answer.status);
    expect(answer.body.error?.message ?? '', JSON.stringify(answer.body).slice(0, 800)).toMatch(
      message,
    );
    expect(await count()).toBe(before.rows);
    expect(await versions()).toBe(before.versions);
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(200);
  };
  const snapshot = async () => ({ rows: await count(), versions: await versions() });

  beforeAll(async () => {
    server = await startTestServer();
    expect(
      (await send('POST', '/api/spaces', { key: 'bad', name: l('坏输入', 'Bad input') })).status,
    ).toBe(201);
    expect((await send('PUT', '/api/spaces/bad/definition/draft', definition)).status).toBe(200);
    const published = await send('POST', '/api/spaces/bad/definition/publish');
    expect(published.status, JSON.stringify(published.body)).toBe(201);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses malformed JSON with the reason', async () => {
    const before = await snapshot();
    await refused(await send('POST', records, '{"name": "未闭合'), 400, /JSON/, before);
    await refused(await send('POST', records, '{"name": "x",}'), 400, /JSON/, before);
    const deep = `{"name": "x", "extra": ${'['.repeat(100)}1${']'.repeat(100)}}`;
    await refused(await send('POST', records, deep), 400, /deeper than 64/, before);
    await refused(
      await send('PUT', '/api/spaces/bad/definition/draft', '[1, 2'),
      400,
      /JSON/,
      before,
    );
  });

  it('refuses wrong types naming the field', async () => {
    const before = await snapshot();
    await refused(await send('POST', records, { name: 123 }), 400, /name/, before);
    await refused(
      await send('POST', records, { name: '张三', amount: 'lots' }),
      400,
      /amount/,
      before,
    );
    await refused(await send('POST', records, [{ name: '数组' }]), 400, /./, before);
    await refused(await send('POST', records, 'null'), 400, /./, before);
  });

  it('refuses strings over their limit with 400 and bodies over the body limit with 413', async () => {
    const before = await snapshot();
    await refused(await send('POST', records, { name: '长'.repeat(201) }), 400, /name/, before);
    await refused(
      await send('POST', records, { name: 'ok', note: 'x'.repeat(5001) }),
      400,
      /note/,
      before,
    );
    await refused(
      await sendOversized(
        records,
        JSON.stringify({ name: 'ok', extra: { blob: 'x'.repeat(2 << 20) } }),
      ),
      413,
      /exceeds/,
      before,
    );
    // Without a Content-Length the body is counted as it streams.
    const chunked = JSON.stringify({ name: 'ok', extra: { blob: 'y'.repeat(2 << 20) } });
    await refused(await sendOversized(records, chunked, 'chunked'), 413, /exceeds/, before);
    const small = await sendOversized(records, JSON.stringify({ name: '分块' }), 'chunked');
    expect(small.status).toBe(201);
    expect(small.body.record.name).toBe('分块');
  });

  it('stores RTL text, emoji, combining marks and SQL-looking values verbatim', async () => {
    const values = [
      'مستشفى القاهرة',
      '👩🏽‍⚕️ 医院 🏥',
      'e\u0301 Å\u030a',
      "Robert'); DROP TABLE lead;--",
      '1 OR 1=1; select pg_sleep(10)',
      '\u202eevil\u202c',
    ];
    for (const name of values) {
      const created = await send('POST', records, { name, extra: { sql: name } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const read = await send('GET', `${records}/${created.body.record.id}`);
      expect(read.body.record.name).toBe(name);
      expect(read.body.record.extra).toEqual({ sql: name });
    }
  });

  it('refuses NUL characters and lone surrogates, which PostgreSQL text cannot hold', async () => {
    const before = await snapshot();
    await refused(await send('POST', records, { name: 'a\u0000b' }), 400, /\/name/, before);
    await refused(await send('POST', records, '{"name": "\\ud800x"}'), 400, /\/name/, before);
    await refused(
      await send('POST', records, { name: 'ok', extra: { deep: ['\u0000'] } }),
      400,
      /\/extra\/deep\/0/,
      before,
    );
  });

  it('refuses __proto__ and constructor keys and leaves Object.prototype untouched', async () => {
    const before = await snapshot();
    const polluting = '{"name": "x", "__proto__": {"polluted": true}}';
    await refused(await send('POST', records, polluting), 400, /__proto__/, before);
    await refused(
      await send('POST', records, '{"name": "x", "extra": {"__proto__": {"polluted": true}}}'),
      400,
      /__proto__/,
      before,
    );
    await refused(
      await send('POST', records, { name: 'x', constructor: { prototype: { polluted: true } } }),
      400,
      /constructor/,
      before,
    );
    const draft = structuredClone(definition) as any;
    draft.tables[0].fields.push({ key: 'constructor', type: 'text', label: l('构造', 'Ctor') });
    const saved = await send('PUT', '/api/spaces/bad/definition/draft', draft);
    const validated = await send('POST', '/api/spaces/bad/definition/draft/validate');
    const published = await send('POST', '/api/spaces/bad/definition/publish');
    expect([saved.status, validated.status]).toContain(saved.status);
    await refused(published, [400, 422], /constructor/, before);
    await refused(
      await send(
        'PUT',
        '/api/spaces/bad/definition/draft',
        '{"formatVersion": 1, "__proto__": {"polluted": true}, "tables": []}',
      ),
      400,
      /__proto__/,
      before,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    // The server process shares nothing with ours; ask it to prove the same about itself.
    const listed = await send('GET', records);
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain('polluted');
    await send('PUT', '/api/spaces/bad/definition/draft', definition);
  });

  it('refuses SQL-looking table and field keys and keeps them out of the database', async () => {
    const before = await snapshot();
    for (const key of ['users; drop table lead', 'lead"--', 'Robert', 'select', '1abc']) {
      const draft = structuredClone(definition) as any;
      draft.tables.push({ key, label: l('表', 'Table'), fields: definition.tables[0]!.fields });
      await send('PUT', '/api/spaces/bad/definition/draft', draft);
      await refused(
        await send('POST', '/api/spaces/bad/definition/publish'),
        [400, 422],
        /key|保留|reserved|pattern|must match/,
        before,
      );
      const field = structuredClone(definition) as any;
      field.tables[0].fields.push({ key, type: 'text', label: l('字段', 'Field') });
      await send('PUT', '/api/spaces/bad/definition/draft', field);
      await refused(
        await send('POST', '/api/spaces/bad/definition/publish'),
        [400, 422],
        /must match|reserved/,
        before,
      );
    }
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'space_bad'`.execute(
      server.db,
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(['lead']);
    await refused(await send('GET', '/api/spaces/bad/tables/users;drop/records'), 404, /./, before);
    await send('PUT', '/api/spaces/bad/definition/draft', definition);
  });

  it('refuses expensive CEL at publish and in a dry run with a clear message', async () => {
    const before = await snapshot();
    const deep = `${'('.repeat(200)}true${')'.repeat(200)}`;
    const wide = `[${Array.from({ length: 2000 }, (_, i) => i).join(',')}].all(x, x >= 0)`;
    const nested =
      '[1,2,3].all(a, [1,2,3].all(b, [1,2,3].all(c, [1,2,3].exists(d, a + b + c + d > 0))))';
    const list = `[${Array(1200).fill('1').join(',')}].all(x, [${Array(900).fill('2').join(',')}].exists(y, x < y))`;
    const regex = "record.name.matches('(a+)+$')";
    for (const cel of [deep, wide, list, nested, regex]) {
      const draft = structuredClone(definition) as any;
      draft.tables[0].validations = [{ key: 'costly', cel, message: l('太贵', 'Too costly') }];
      await send('PUT', '/api/spaces/bad/definition/draft', draft);
      const published = await send('POST', '/api/spaces/bad/definition/publish');
      await refused(
        published,
        [400, 422],
        /too complex|too big|at most|nest|regular|pattern|嵌套|复杂/i,
        before,
      );
      const dry = await send('POST', '/api/spaces/bad/rules/dry-run', {
        table: 'lead',
        definition: draft,
      });
      expect(dry.status, JSON.stringify(dry.body).slice(0, 300)).toBeGreaterThanOrEqual(400);
      expect(dry.status).toBeLessThan(500);
    }
    await send('PUT', '/api/spaces/bad/definition/draft', definition);
  });
});
