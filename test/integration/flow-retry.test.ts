// Long and broken executions on a real Temporal dev server: retry of a terminated execution (restart
// on its pinned version, or reset to its last workflow task), listing by search attributes, and
// continue-as-new keeping state and timeline across runs.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowDefinition } from '../../runtime/flows/flow-schema';
import type { TemporalClientHandle } from '../../workflows/client';
import type { apiClient } from '../support/api-client';
import { startFlowTestStack, type FlowTestStack } from '../support/flow-test-stack';

// Executions continue as new after this many history events (read when a start is written).
process.env.BATON_FLOW_HISTORY_LIMIT = '60';

const l = (en: string, zh: string) => ({ 'zh-CN': zh, en });
const loops = 8;
const fields = [
  { key: 'name', type: 'text', label: l('Name', '姓名') },
  { key: 'touch_count', type: 'integer', label: l('Touches', '触达次数') },
];
const slow: FlowDefinition = {
  key: 'slow',
  label: l('Slow', '慢流程'),
  table: 'slow_lead',
  trigger: { on: 'record.created' },
  nodes: [
    { id: 'pause', type: 'wait', duration: 'PT2S' },
    { id: 'later', type: 'wait', duration: 'PT1H' },
  ],
  edges: [{ from: 'pause', to: 'later' }],
};
const looping: FlowDefinition = {
  key: 'looping',
  label: l('Looping', '循环'),
  table: 'loop_lead',
  trigger: { on: 'record.created' },
  nodes: [
    { id: 'bump', type: 'update', set: { touch_count: 'record.touch_count + 1' } },
    { id: 'pause', type: 'wait', duration: 'PT0.4S' },
    {
      id: 'check',
      type: 'branch',
      cases: [{ when: `record.touch_count >= ${loops}`, outcome: 'done' }],
    },
    { id: 'finish', type: 'end' },
  ],
  edges: [
    { from: 'bump', to: 'pause' },
    { from: 'pause', to: 'check' },
    { from: 'check', to: 'finish', on: 'done' },
    { from: 'check', to: 'bump', on: 'else' },
  ],
};

describe('retry, search attributes and continue-as-new', () => {
  let stack: FlowTestStack;
  let handle: TemporalClientHandle;
  let api: ReturnType<typeof apiClient>;
  const space = `retry${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    stack = await startFlowTestStack();
    ({ handle, api } = stack);
    await api.expect(201, 'POST', '/api/spaces', { key: space, name: l('Retry', '重试') });
    await api.expect(200, 'PUT', `/api/spaces/${space}/definition/draft`, {
      formatVersion: 1,
      tables: [
        { key: 'slow_lead', label: l('Slow', '慢'), fields },
        { key: 'loop_lead', label: l('Loop', '循环'), fields },
      ],
      flows: [slow, looping],
    });
    await api.expect(201, 'POST', `/api/spaces/${space}/definition/publish`);
  });
  afterAll(async () => {
    await stack?.close();
  });

  const timeline = async (table: string, id: string) =>
    (
      await api.expect<any>(
        200,
        'GET',
        `/api/spaces/${space}/tables/${table}/records/${id}/timeline`,
      )
    ).entries as Array<{ kind: string; data: any }>;
  async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 30_000) {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`never got there: ${JSON.stringify(value)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const runs = (flow: string, recordId: string) =>
    until(
      async () =>
        (
          await api.expect<any>(200, 'GET', `/api/spaces/${space}/flows/${flow}/executions`)
        ).executions.filter((e: any) => e.recordId === recordId) as Array<{
          status: string;
          runId: string;
        }>,
      () => true,
    );

  it('restarts a terminated execution on its pinned version, resets another, and shows both on the timeline', async () => {
    const created = await api.expect<any>(
      201,
      'POST',
      `/api/spaces/${space}/tables/slow_lead/records`,
      {
        name: '终止',
      },
    );
    const id = created.record.id as string;
    const workflowId = `${space}/slow/${id}`;
    await until(
      () => timeline('slow_lead', id),
      (e) => e.some((x) => x.kind === 'timer.set'),
    );
    const running = await api.post(`/api/spaces/${space}/flows/slow/executions/${id}/retry`);
    expect(running.status).toBe(409);
    expect(running.body.error.code).toBe('EXECUTION_NOT_FAILED');

    await handle.client.workflow.getHandle(workflowId).terminate('test');
    const restarted = await api.expect<any>(
      202,
      'POST',
      `/api/spaces/${space}/flows/slow/executions/${id}/retry`,
      {
        mode: 'restart',
      },
    );
    expect(restarted.workflowId).toBe(workflowId);
    // The new run starts over on the pinned flow, and goes on past the first wait.
    const entries = await until(
      () => timeline('slow_lead', id),
      (e) => e.filter((x) => x.kind === 'node.entered' && x.data.node === 'later').length === 1,
    );
    expect(entries.filter((e) => e.kind === 'flow.started')).toHaveLength(2);
    expect(entries.find((e) => e.kind === 'flow.retried')?.data).toMatchObject({
      mode: 'restart',
      previousStatus: 'TERMINATED',
      runId: restarted.runId,
    });
    expect((await handle.client.workflow.getHandle(workflowId).describe()).status.name).toBe(
      'RUNNING',
    );

    await handle.client.workflow.getHandle(workflowId).terminate('again');
    const reset = await api.expect<any>(
      202,
      'POST',
      `/api/spaces/${space}/flows/slow/executions/${id}/retry`,
      {
        mode: 'reset',
      },
    );
    const described = await handle.client.workflow.getHandle(workflowId).describe();
    expect(described.runId).toBe(reset.runId);
    expect(described.status.name).toBe('RUNNING');
    const after = await timeline('slow_lead', id);
    expect(after.filter((e) => e.kind === 'flow.retried').map((e) => e.data.mode)).toEqual([
      'restart',
      'reset',
    ]);
    // Reset replays the run up to where it was: nothing is written twice.
    expect(after.filter((e) => e.kind === 'flow.started')).toHaveLength(2);

    // Every run of the record is listed through the search attributes, newest first.
    const listed = await until(
      () => runs('slow', id),
      (rows) => rows.length >= 3,
    );
    expect(listed.map((r) => r.status)).toContain('TERMINATED');
    expect(listed[0]).toMatchObject({ status: 'RUNNING', runId: reset.runId });
  });

  it('continues a long execution as new, keeping its state and its timeline', async () => {
    const created = await api.expect<any>(
      201,
      'POST',
      `/api/spaces/${space}/tables/loop_lead/records`,
      {
        name: '循环',
        touch_count: 0,
      },
    );
    const id = created.record.id as string;
    const entries = await until(
      () => timeline('loop_lead', id),
      (e) => e.some((x) => x.kind === 'flow.completed' || x.kind === 'flow.failed'),
      90_000,
    );
    expect(entries.filter((e) => e.kind === 'flow.completed')).toHaveLength(1);
    expect(entries.filter((e) => e.kind === 'flow.started')).toHaveLength(1);
    const record = (
      await api.expect<any>(200, 'GET', `/api/spaces/${space}/tables/loop_lead/records/${id}`)
    ).record;
    const bumps = entries.filter((e) => e.kind === 'node.entered' && e.data.node === 'bump');
    // Each pass through `bump` added one, exactly once, across every run.
    expect(record.touch_count).toBe(bumps.length);
    expect(record.touch_count).toBeGreaterThanOrEqual(loops);

    const listed = await until(
      () => runs('looping', id),
      (rows) => rows.some((r) => r.status === 'COMPLETED'),
    );
    expect(listed.filter((r) => r.status === 'CONTINUED_AS_NEW').length).toBeGreaterThanOrEqual(2);
    expect(listed.filter((r) => r.status === 'COMPLETED')).toHaveLength(1);
  });
});
