// API → PostgreSQL → outbox → Temporal → activity → PostgreSQL → API, against real servers.
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../support/test-app';
import { createLogger } from '../../platform/logger';
import { createOutboxRelay, type OutboxRelay } from '../../platform/outbox/outbox-relay';
import { spaceWorkflowId } from '../../workflows/shared';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { startTestTemporal, type TestTemporal } from '../support/test-temporal';

const logger = createLogger('error');

describe('transactional outbox to Temporal', () => {
  let target: TestDatabase;
  let temporal: TestTemporal;
  let app: ReturnType<typeof createTestApp>;

  beforeAll(async () => {
    target = await createTestDatabase();
    temporal = await startTestTemporal(target.database.db);
    app = createTestApp({
      database: target.database,
      logger,
      health: { temporal: () => temporal.client, taskQueue: temporal.taskQueue },
    });
  });
  afterAll(async () => {
    await temporal.close();
    await target.drop();
  });

  const relay = (options: { afterSignal?: () => void; client?: Client } = {}): OutboxRelay =>
    createOutboxRelay({
      database: target.database,
      temporal: options.client ?? temporal.client,
      taskQueue: temporal.taskQueue,
      logger,
      pollIntervalMs: 100,
      afterSignal: options.afterSignal,
    });

  async function createSpace(key: string) {
    const response = await app.request('/api/spaces', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key, name: { 'zh-CN': '医疗器械', en: 'Medical devices' } }),
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { space: { status: string } };
    expect(body.space.status).toBe('provisioning');
  }

  async function waitForActive(key: string) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const response = await app.request(`/api/spaces/${key}`);
      const body = (await response.json()) as { space: { status: string } };
      if (body.space.status === 'active') return;
      if (Date.now() > deadline) throw new Error(`space ${key} never became active`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function timeline(key: string) {
    const response = await app.request(`/api/spaces/${key}/timeline`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { entries: Array<{ kind: string; data: { seq: string } }> })
      .entries;
  }

  async function outboxRow(spaceKey: string) {
    return target.database.db
      .selectFrom('platform.outbox')
      .selectAll()
      .where('workflow_id', '=', spaceWorkflowId(spaceKey))
      .executeTakeFirstOrThrow();
  }

  it('commits the row and its outbox entry together, and the workflow writes back', async () => {
    const running = relay();
    await running.start();
    try {
      await createSpace('thread');
      await waitForActive('thread');
      const entries = await timeline('thread');
      expect(entries).toHaveLength(1);
      expect(entries[0]?.kind).toBe('space.activated');
      const row = await outboxRow('thread');
      expect(row.delivered_at).not.toBeNull();
      expect(entries[0]?.data.seq).toBe(row.seq);
    } finally {
      await running.stop();
    }
  });

  it('keeps nothing when the write is refused', async () => {
    const before = await target.database.db
      .selectFrom('platform.outbox')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const duplicate = await app.request('/api/spaces', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: 'thread', name: { 'zh-CN': '重复', en: 'Duplicate' } }),
    });
    expect(duplicate.status).toBe(409);
    expect(((await duplicate.json()) as { error: { code: string } }).error.code).toBe(
      'SPACE_EXISTS',
    );
    const after = await target.database.db
      .selectFrom('platform.outbox')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('delivers an entry committed while no relay ran, once, after the relay starts', async () => {
    await createSpace('offline');
    expect((await outboxRow('offline')).delivered_at).toBeNull();
    const running = relay();
    await running.start();
    try {
      await waitForActive('offline');
      expect(await timeline('offline')).toHaveLength(1);
    } finally {
      await running.stop();
    }
  });

  it('has the effect once when the relay dies between signalling and recording the delivery', async () => {
    const crashing = relay({
      afterSignal: () => {
        throw new Error('relay killed');
      },
    });
    await createSpace('crash');
    await expect(crashing.drain()).rejects.toThrow('relay killed');
    expect((await outboxRow('crash')).delivered_at).toBeNull();

    const restarted = relay();
    expect(await restarted.drain()).toBeGreaterThanOrEqual(1);
    await waitForActive('crash');
    expect((await outboxRow('crash')).delivered_at).not.toBeNull();

    // The workflow saw the signal twice; the effect happened once.
    const handle = temporal.client.workflow.getHandle(spaceWorkflowId('crash'));
    const history = await handle.fetchHistory();
    const signals = history.events?.filter((e) => e.workflowExecutionSignaledEventAttributes) ?? [];
    const activities = history.events?.filter((e) => e.activityTaskScheduledEventAttributes) ?? [];
    expect(signals).toHaveLength(2);
    expect(activities).toHaveLength(1);
    expect(await timeline('crash')).toHaveLength(1);
  });

  it('keeps an entry pending while Temporal refuses it and delivers it when Temporal accepts', async () => {
    const broken = new Client({ connection: temporal.connection, namespace: 'no-such-namespace' });
    await createSpace('outage');
    expect(await relay({ client: broken }).drain()).toBe(0);
    const pending = await outboxRow('outage');
    expect(pending.delivered_at).toBeNull();
    expect(pending.attempts).toBe(1);
    expect(pending.last_error).toMatch(/namespace/i);

    expect(await relay().drain()).toBe(1);
    await waitForActive('outage');
    expect(await timeline('outage')).toHaveLength(1);
  });
});
