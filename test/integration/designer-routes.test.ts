// The designer's helper endpoints: simulating a flow as drawn over the draft's table, and
// type-checking one CEL expression for the editors; bad input gets a precise 4xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/api-client';
import { createTestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const l = (en: string, zh: string) => ({ 'zh-CN': zh, en });
const lead = {
  key: 'lead',
  label: l('Lead', '线索'),
  fields: [
    { key: 'name', type: 'text', label: l('Name', '姓名') },
    { key: 'budget', type: 'number', label: l('Budget', '预算') },
    { key: 'first_contact_at', type: 'datetime', label: l('First contact', '首次联系') },
  ],
};
const flow = {
  key: 'first_call',
  label: l('First call', '首呼'),
  table: 'lead',
  trigger: { on: 'record.created' },
  nodes: [
    {
      id: 'wait',
      type: 'wait_until',
      condition: 'record.first_contact_at != null',
      timeout: 'PT2H',
    },
    { id: 'tell', type: 'notify', to: 'owner.manager', channel: 'inapp', title: l('Late', '超时') },
    { id: 'end', type: 'end' },
  ],
  edges: [
    { from: 'wait', to: 'end', on: 'met' },
    { from: 'wait', to: 'tell', on: 'timeout' },
    { from: 'tell', to: 'end' },
  ],
};

describe('designer endpoints', () => {
  let target: TestDatabase;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    target = await createTestDatabase();
    api = apiClient(
      createTestApp({
        database: target.database,
      }),
    );
    await api.expect(201, 'POST', '/api/spaces', { key: 'design', name: l('Design', '设计') });
    // Only in the draft: the endpoints work on what the admin is drawing, before any publish.
    await api.expect(200, 'PUT', '/api/spaces/design/definition/draft', {
      formatVersion: 1,
      tables: [lead],
    });
  });
  afterAll(() => target.drop());

  it('simulates an unpublished flow over the draft table', async () => {
    const start = '2026-03-02T01:00:00.000Z';
    const late = await api.expect<any>(200, 'POST', '/api/spaces/design/flows/simulate-draft', {
      flow,
      record: { name: '浙江省人民医院' },
      start,
    });
    const sent = late.trace.filter((t: any) => t.kind === 'notification.sent');
    expect(sent).toEqual([
      expect.objectContaining({ at: '2026-03-02T03:00:00.000Z', node: 'tell' }),
    ]);
    const onTime = await api.expect<any>(200, 'POST', '/api/spaces/design/flows/simulate-draft', {
      flow,
      record: { name: '浙江省人民医院' },
      start,
      events: [{ at: 'PT30M', type: 'record', set: { first_contact_at: '2026-03-02T01:30:00Z' } }],
    });
    expect(onTime.trace.map((t: any) => t.kind)).not.toContain('notification.sent');
    expect(onTime.trace.at(-1)).toMatchObject({ kind: 'flow.completed' });
  });

  it('refuses a flow that does not parse or compile, saying where', async () => {
    const broken = await api.post<any>('/api/spaces/design/flows/simulate-draft', {
      flow: { ...flow, nodes: [{ id: 'wait', type: 'wait_until', timeout: 'PT2H' }] },
      record: {},
    });
    expect(broken.status).toBe(422);
    expect(broken.body.error.code).toBe('FLOW_INVALID');
    expect(broken.body.error.details.issues[0].pointer).toBe('/nodes/0/condition');
    const typo = await api.post<any>('/api/spaces/design/flows/simulate-draft', {
      flow: {
        ...flow,
        nodes: [
          { ...flow.nodes[0], condition: 'record.frist_contact_at != null' },
          ...flow.nodes.slice(1),
        ],
      },
      record: {},
    });
    expect(typo.status).toBe(422);
    expect(typo.body.error.details.issues[0].pointer).toBe('/nodes/0/condition');
    expect(typo.body.error.details.issues[0].issue.message).toContain(
      "did you mean 'first_contact_at'",
    );
    const noTable = await api.post<any>('/api/spaces/design/flows/simulate-draft', {
      flow: { ...flow, table: 'nope' },
      record: {},
    });
    expect(noTable.status).toBe(404);
  });

  it('type-checks an expression against a draft table, with positions to underline', async () => {
    const fine = await api.expect<any>(200, 'POST', '/api/spaces/design/cel/check', {
      table: 'lead',
      expression: 'record.budget >= 100000.0',
      expect: 'bool',
    });
    expect(fine).toEqual({ ok: true, resultType: 'bool', issues: [] });
    const wrong = await api.expect<any>(200, 'POST', '/api/spaces/design/cel/check', {
      table: 'lead',
      expression: 'record.budget + "元" > 1',
      expect: 'bool',
    });
    expect(wrong.ok).toBe(false);
    expect(wrong.issues[0]).toMatchObject({ code: 'CEL_TYPE', line: 1 });
    const notBool = await api.expect<any>(200, 'POST', '/api/spaces/design/cel/check', {
      table: 'lead',
      expression: 'record.name',
      expect: 'bool',
    });
    expect(notBool.issues[0].code).toBe('CEL_RESULT_TYPE');
    const published = await api.post<any>('/api/spaces/design/cel/check', {
      table: 'lead',
      expression: 'true',
      from: 'published',
    });
    expect(published.status).toBe(404);
    expect(published.body.error.message).toContain('lead');
  });
});
