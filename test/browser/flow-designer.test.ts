// The flow designer in a real Chromium against a real server, PostgreSQL and Temporal: an admin
// creates a flow on a published table, drags a wait-until and a notify node from the palette,
// connects them, fills in their settings, simulates (the trace shows the notification at the
// timeout) and publishes; the server then holds the new flow version. Screenshots go to
// test-artifacts/flow-designer (gitignored).
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/test-browser';
import { designerDist, startTestServer, type TestServer } from '../support/test-server';

const artifacts = path.resolve(import.meta.dirname, '../../test-artifacts/flow-designer');

const leadTable = {
  key: 'lead',
  label: { 'zh-CN': '线索', en: 'Lead' },
  fields: [
    { key: 'name', type: 'text', required: true, label: { 'zh-CN': '姓名', en: 'Name' } },
    { key: 'phone', type: 'phone', label: { 'zh-CN': '手机号', en: 'Mobile' } },
    {
      key: 'first_contact_at',
      type: 'datetime',
      label: { 'zh-CN': '首次联系', en: 'First contact' },
    },
  ],
};

/** Drags from the centre of one element to the centre of another with real mouse moves. */
async function dragBetween(page: Page, from: Locator, to: Locator): Promise<void> {
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 10, a.y + a.height / 2 + 10, { steps: 3 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 10 });
  await page.mouse.up();
}

describe('flow designer', () => {
  let server: TestServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let context: BrowserContext;

  const api = <T = any>(method: string, route: string, body?: unknown) =>
    server.json<T>(method, route, body);

  beforeAll(async () => {
    if (!existsSync(path.join(designerDist, 'index.html'))) {
      throw new Error('designer/dist is missing: run `npm run build` first (npm test does)');
    }
    await mkdir(artifacts, { recursive: true });
    server = await startTestServer();
    browser = await launchBrowser();
    context = browser.context;
    await api('POST', '/api/spaces', {
      key: 'flowdemo',
      name: { 'zh-CN': '流程演示', en: 'Flow demo' },
    });
    for (let tries = 0; tries < 100; tries++) {
      const { space } = await api<{ space: { status: string } }>('GET', '/api/spaces/flowdemo');
      if (space.status === 'active') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await api('PUT', '/api/spaces/flowdemo/definition/draft', {
      formatVersion: 1,
      tables: [leadTable],
    });
    await api('POST', '/api/spaces/flowdemo/definition/publish');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('builds a wait-until → notify flow by dragging, simulates it and publishes it', async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width: 1440, height: 1000 });
    await page.goto(`${server.url}/#/flows/flowdemo`);
    const signIn = page.locator('[data-testid="sign-in"]');
    await page.locator('[data-testid="sign-in"], [data-testid="flow-list"]').first().waitFor();
    if (await signIn.isVisible()) {
      await signIn.locator('input[name="email"]').fill(server.admin.email);
      await signIn.locator('input[name="password"]').fill(server.admin.password);
      await signIn.locator('button[type="submit"]').click();
    }
    const form = page.locator('[data-testid="new-flow"]');
    await form.waitFor({ timeout: 15_000 });
    await form.locator('input[name="key"]').fill('first_call');
    await form.locator('input[name="zh"]').fill('首呼提醒');
    await form.locator('input[name="en"]').fill('First call reminder');
    await form.locator('button[type="submit"]').click();
    const canvas = page.locator('[data-testid="flow-canvas"]');
    await canvas.waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="node-end"]').waitFor();

    // Drag the two nodes from the palette onto the canvas.
    const box = (await canvas.boundingBox())!;
    await page.dragAndDrop('[data-testid="palette-wait_until"]', '[data-testid="flow-canvas"]', {
      targetPosition: { x: box.width / 2 - 200, y: 60 },
    });
    await page.locator('[data-testid="node-wait_until_1"]').waitFor();
    await page.dragAndDrop('[data-testid="palette-notify"]', '[data-testid="flow-canvas"]', {
      targetPosition: { x: box.width / 2 + 150, y: 200 },
    });
    await page.locator('[data-testid="node-notify_1"]').waitFor();

    // Connect wait-until's timeout outcome to notify, and notify on to the end.
    await dragBetween(
      page,
      page.locator('[data-testid="handle-wait_until_1-timeout"]'),
      page.locator('[data-testid="node-notify_1"] .react-flow__handle.target'),
    );
    await dragBetween(
      page,
      page.locator('[data-testid="handle-notify_1-next"]'),
      page.locator('[data-testid="node-end"] .react-flow__handle.target'),
    );
    await dragBetween(
      page,
      page.locator('[data-testid="handle-wait_until_1-met"]'),
      page.locator('[data-testid="node-end"] .react-flow__handle.target'),
    );
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(3);

    // Settings: the condition and timeout of the wait, who is notified and with what.
    await page.locator('[data-testid="node-wait_until_1"]').click();
    await page.locator('[data-testid="node-panel"]').waitFor();
    await page.fill('[data-testid="prop-condition"]', 'record.first_contact_at != null');
    await page.fill('[data-testid="prop-timeout"]', 'PT2H');
    await page.click('[data-testid="make-start"]');
    await page.locator('[data-testid="node-notify_1"]').click();
    await page.selectOption('[data-testid="prop-channel"]', 'inapp');
    await page.fill('[data-testid="prop-to"]', 'owner.manager');
    await page.fill('[data-testid="prop-title.zh-CN"]', '两小时未首呼');
    await page.fill('[data-testid="prop-title.en"]', 'No first call in two hours');
    await page.click('[data-testid="save-draft"]');
    await expect
      .poll(() => page.locator('[data-testid="flow-status"]').textContent(), { timeout: 10_000 })
      .toContain('校验通过');

    // Simulate: nobody calls, so the notification goes out at +2h.
    await page.fill('[data-testid="sim-record"]', '{"name": "浙江省人民医院"}');
    await page.click('[data-testid="sim-run"]');
    const trace = page.locator('[data-testid="sim-trace"]');
    await trace.waitFor({ timeout: 10_000 });
    const sent = trace.locator('tr[data-kind="notification.sent"]');
    expect(await sent.count()).toBe(1);
    expect(await sent.textContent()).toContain('+2h 0m');
    expect(await sent.textContent()).toContain('owner.manager');
    expect(await trace.locator('tr[data-kind="flow.completed"]').count()).toBe(1);
    // Scrub back to the start: the execution is waiting at the wait-until node.
    await page.locator('[data-testid="sim-scrubber"]').fill('0');
    await expect
      .poll(() => page.locator('[data-testid="node-wait_until_1"]').getAttribute('class'))
      .toContain('active');
    await page.screenshot({
      path: path.join(artifacts, '1-designed-and-simulated.png'),
      fullPage: true,
    });

    // A scripted first call before the timeout takes the `met` way straight to the end: no notification.
    await page.click('[data-testid="sim-add-event"]');
    await page.fill('[data-testid="sim-event-at-0"]', 'PT30M');
    await page.fill(
      '[data-testid="sim-event-set-0"]',
      '{"first_contact_at": "2026-03-02T01:30:00Z"}',
    );
    await page.click('[data-testid="sim-run"]');
    await expect.poll(() => trace.locator('tr[data-kind="notification.sent"]').count()).toBe(0);

    // Publish.
    await page.click('[data-testid="publish"]');
    await page.locator('[data-testid="confirm-publish"]').click({ timeout: 15_000 });
    await page.locator('[data-testid="published"]').waitFor({ timeout: 15_000 });
    await page.screenshot({ path: path.join(artifacts, '2-published.png'), fullPage: true });

    const published = await api<{ version: number; definition: { flows: any[] } }>(
      'GET',
      '/api/spaces/flowdemo/definition',
    );
    expect(published.version).toBe(2);
    const flow = published.definition.flows.find((f) => f.key === 'first_call');
    expect(flow.start).toBe('wait_until_1');
    expect(flow.nodes.map((n: { type: string }) => n.type).sort()).toEqual([
      'end',
      'notify',
      'wait_until',
    ]);
    expect(flow.nodes.find((n: { type: string }) => n.type === 'wait_until')).toMatchObject({
      condition: 'record.first_contact_at != null',
      timeout: 'PT2H',
    });
    expect(flow.nodes.find((n: { type: string }) => n.type === 'notify')).toMatchObject({
      to: 'owner.manager',
      channel: 'inapp',
      title: { 'zh-CN': '两小时未首呼', en: 'No first call in two hours' },
    });
    expect(flow.edges).toEqual(
      expect.arrayContaining([
        { from: 'wait_until_1', to: 'notify_1', on: 'timeout' },
        { from: 'notify_1', to: 'end' },
        { from: 'wait_until_1', to: 'end', on: 'met' },
      ]),
    );
    expect(Object.keys(flow.layout).sort()).toEqual(['end', 'notify_1', 'wait_until_1']);
  });

  it('marks the node the server finds wrong', async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width: 1440, height: 1000 });
    await page.goto(`${server.url}/#/flows/flowdemo/first_call`);
    await page.locator('[data-testid="node-wait_until_1"]').click({ timeout: 15_000 });
    await page.fill('[data-testid="prop-condition"]', 'record.no_such_field != null');
    await page.click('[data-testid="save-draft"]');
    const marker = page.locator('[data-testid="node-issue-wait_until_1"]');
    await marker.waitFor({ timeout: 10_000 });
    expect(await marker.textContent()).toContain('no_such_field');
    expect(
      await page.locator('[data-testid="node-wait_until_1"]').getAttribute('data-invalid'),
    ).toBe('true');
    await page.screenshot({
      path: path.join(artifacts, '3-validation-marker.png'),
      fullPage: true,
    });
  });
});
