// "Send test delivery" from the designer on real PostgreSQL: the server signs a sample payload with
// the source's current secret and answers the mapped values and what the pipeline did.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/api-client';
import { createTestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const l = (en: string, zh: string) => ({ 'zh-CN': zh, en });

const definition = {
  formatVersion: 1,
  tables: [
    {
      key: 'lead',
      label: l('Lead', '线索'),
      fields: [
        { key: 'name', type: 'text', label: l('Name', '姓名'), required: true },
        { key: 'phone', type: 'phone', label: l('Phone', '手机号') },
        { key: 'tags', type: 'tags', label: l('Tags', '标签') },
      ],
    },
  ],
  intake: [
    {
      key: 'expo',
      label: l('Trade show', '展会'),
      kind: 'offline_qr',
      table: 'lead',
      map: { name: 'payload.visitor.name', phone: 'payload.visitor.mobile' },
      tags: ['展会线索'],
      signature: {
        header: 'x-expo-signature',
        algorithm: 'hmac-sha256',
        timestampHeader: 'x-expo-timestamp',
      },
    },
  ],
};

describe('intake test delivery', () => {
  let target: TestDatabase;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    target = await createTestDatabase();
    const app = createTestApp({
      database: target.database,
    });
    api = apiClient(app);
    await api.expect(201, 'POST', '/api/spaces', { key: 'fair', name: l('Fair', '展会') });
    await api.expect(200, 'PUT', '/api/spaces/fair/definition/draft', definition);
    await api.expect(201, 'POST', '/api/spaces/fair/definition/publish');
  });
  afterAll(() => target.drop());

  const payload = { visitor: { name: '李主任', mobile: '13900139000' } };

  it('asks for a secret first', async () => {
    const refused = await api.expect<any>(409, 'POST', '/api/spaces/fair/intake/expo/test', {
      payload,
    });
    expect(refused.error.code).toBe('INTAKE_NO_SECRET');
    expect(refused.error.message).toContain('请先生成');
  });

  it('delivers a signed sample through the pipeline and answers what it did', async () => {
    await api.expect(201, 'POST', '/api/spaces/fair/intake/expo/secret');
    const result = await api.expect<any>(201, 'POST', '/api/spaces/fair/intake/expo/test', {
      payload,
    });
    expect(result.mapped).toMatchObject({ name: '李主任', phone: '13900139000' });
    expect(result.answer).toMatchObject({ dedupe: 'unique', tags: ['展会线索'] });
    const record = await api.expect<any>(
      200,
      'GET',
      `/api/spaces/fair/tables/lead/records/${result.answer.recordId}`,
    );
    expect(record.record).toMatchObject({ name: '李主任', tags: ['展会线索'] });
  });

  it('reports a payload the mapping cannot use, and an unknown source', async () => {
    const refused = await api.expect<any>(400, 'POST', '/api/spaces/fair/intake/expo/test', {
      payload: { visitor: { mobile: '13900139001' } },
    });
    expect(refused.error.code).toMatch(/VALIDATION|MAPPING/);
    await api.expect(404, 'POST', '/api/spaces/fair/intake/nope/test', { payload });
  });
});
