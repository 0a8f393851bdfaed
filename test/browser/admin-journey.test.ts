// The admin's journey in zh-CN against a real server, PostgreSQL and Temporal: build a table with
// three fields by dragging from the palette (reordering one), see a validation problem pointed at
// its field, publish with the server's migration plan, lay out a form in two columns, test-submit
// it from the live preview, publish again; the records API then accepts a record. Then a flow with
// a wait-until and a notify, an intake source mapped on the canvas with a test delivery, the
// permission matrix, raw mode and the pack gallery.
// Screenshots go to test-artifacts/admin-journey (gitignored).
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/test-browser';
import { designerDist, startTestServer } from '../support/test-server';

const artifacts = path.resolve(import.meta.dirname, '../../test-artifacts/admin-journey');

describe('admin designer journey', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let context: BrowserContext;
  let page: Page;

  const api = <T = any>(method: string, route: string, body?: unknown) =>
    server.json<T>(method, route, body);
  const shot = (name: string) =>
    page.screenshot({ path: path.join(artifacts, name), fullPage: true });

  beforeAll(async () => {
    if (!existsSync(path.join(designerDist, 'index.html'))) {
      throw new Error('designer/dist is missing: run `npm run build` first (npm test does)');
    }
    await mkdir(artifacts, { recursive: true });
    server = await startTestServer();
    browser = await launchBrowser();
    context = browser.context;
    await api('POST', '/api/spaces', { key: 'acme', name: { 'zh-CN': '华东事业部', en: 'East' } });
    for (let tries = 0; ; tries += 1) {
      const { space } = await api<{ space: { status: string } }>('GET', '/api/spaces/acme');
      if (space.status === 'active') break;
      if (tries > 100) throw new Error('space acme never became active');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    page = await context.newPage();
    await page.setViewportSize({ width: 1440, height: 1000 });
    await page.goto(`${server.url}/#/tables`);
    const signIn = page.locator('[data-testid="sign-in"]');
    await signIn.or(page.locator('[data-testid="space-list"]')).first().waitFor();
    if (await signIn.isVisible()) {
      await signIn.locator('input[name="email"]').fill(server.admin.email);
      await signIn.locator('input[name="password"]').fill(server.admin.password);
      await signIn.locator('button[type="submit"]').click();
    }
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('builds a table by dragging fields, shows a problem on its field, and publishes the migration plan', async () => {
    await page.goto(`${server.url}/#/tables`);
    await page.click('[data-testid="space-acme"]');
    await page.locator('[data-testid="table-designer"]').waitFor();
    expect(await page.locator('h2').first().textContent()).toContain('数据表设计');

    await page.fill('[data-testid="new-table-key"]', 'lead');
    await page.fill('[data-testid="new-table-label-zh"]', '线索');
    await page.fill('[data-testid="new-table-label-en"]', 'Lead');
    await page.click('[data-testid="add-table"]');
    await page.locator('[data-testid="field-list"]').waitFor();

    const addField = async (type: string, key: string, zh: string, en: string) => {
      await page.dragAndDrop(`[data-testid="palette-${type}"]`, '[data-testid="field-list"]');
      await page
        .locator(`[data-testid="field-${type}_1"]`)
        .waitFor({ timeout: 5_000 })
        .catch(async (e: unknown) => {
          await shot(`debug-${type}.png`);
          throw e;
        });
      await page.fill('[data-testid="prop-key"]', key);
      await page.fill('[data-testid="prop-label-zh"]', zh);
      await page.fill('[data-testid="prop-label-en"]', en);
    };
    await addField('text', 'name', '姓名', 'Name');
    await page.check('[data-testid="prop-required"]');
    await addField('phone', 'phone', '手机号', 'Phone');
    await addField('select', 'channel', '渠道', 'Channel');
    await page.fill('[data-testid="option-0-value"]', 'expo');
    await page.fill('[data-testid="option-0-label-zh"]', '展会');
    await page.fill('[data-testid="option-0-label-en"]', 'Expo');
    await page.click('[data-testid="add-option"]');
    await page.fill('[data-testid="option-1-value"]', 'web');
    await page.fill('[data-testid="option-1-label-zh"]', '官网');
    await page.fill('[data-testid="option-1-label-en"]', 'Website');

    // Reorder: drop the phone field onto the name field, so it goes first.
    await page.dragAndDrop('[data-testid="field-phone"]', '[data-testid="field-name"]');
    const order = await page
      .locator('[data-testid="field-list"] li code')
      .evaluateAll((els) => els.map((e) => e.textContent));
    expect(order).toEqual(['phone', 'name', 'channel']);

    // A broken pattern: publishing lists it, and choosing it highlights the field.
    await page.click('[data-testid="field-name"]');
    await page.fill('[data-testid="prop-pattern"]', '([a-z');
    await page.click('[data-testid="open-publish"]');
    const dialog = page.locator('[data-testid="publish-dialog"]');
    await dialog.locator('[data-testid="issues"]').waitFor();
    expect(await dialog.textContent()).toContain('/tables/0/fields/1/pattern');
    expect(await dialog.textContent()).toContain('正则表达式无效');
    await shot('1-table-issue.png');
    await dialog.locator('[data-testid="issues"] button').first().click();
    expect(await page.getAttribute('[data-testid="field-name"]', 'class')).toContain('has-issue');
    await page.fill('[data-testid="prop-pattern"]', '');

    await page.click('[data-testid="open-publish"]');
    const plan = page.locator('[data-testid="migration-plan"]');
    await plan.waitFor();
    const planText = (await plan.textContent()) ?? '';
    expect(planText).toContain('新建数据表');
    expect(planText).toMatch(/CREATE TABLE/i);
    expect(planText).toContain('"phone"');
    await shot('2-migration-plan.png');
    await page.click('[data-testid="confirm-publish"]');
    await page.locator('[data-testid="published"]').waitFor({ timeout: 20_000 });
    expect(await page.textContent('[data-testid="published"]')).toContain('已发布版本 1');
    await page.click('[data-testid="close-dialog"]');

    const published = await api<{ version: number; definition: any }>(
      'GET',
      '/api/spaces/acme/definition',
    );
    expect(published.version).toBe(1);
    expect(published.definition.tables[0].fields.map((f: { key: string }) => f.key)).toEqual([
      'phone',
      'name',
      'channel',
    ]);
  });

  it('lays out a form in two columns, previews it live, test-submits it and publishes it', async () => {
    await page.goto(`${server.url}/#/forms/acme`);
    await page.locator('[data-testid="form-designer"]').waitFor();
    await page.fill('[data-testid="new-form-key"]', 'entry');
    await page.fill('[data-testid="new-form-label-zh"]', '新线索登记');
    await page.fill('[data-testid="new-form-label-en"]', 'New lead');
    await page.click('[data-testid="add-form"]');
    await page.locator('[data-testid="form-canvas"]').waitFor();

    await page.dragAndDrop('[data-testid="form-palette-name"]', '[data-testid="drop-main-0"]');
    await page.dragAndDrop('[data-testid="form-palette-phone"]', '[data-testid="drop-main-1"]');
    await page.dragAndDrop('[data-testid="form-palette-channel"]', '[data-testid="drop-main-0"]');
    await page.locator('[data-testid="drop-main-1"] [data-testid="item-phone"]').waitFor();

    // The phone is required on this form, and shows only for the web channel.
    await page.click('[data-testid="item-phone"]');
    await page.check('[data-testid="item-required"]');
    await page.fill('[data-testid="item-visible-if"]', 'record.channel == "web"');

    const preview = page.locator('[data-testid="form-preview"]');
    await preview.locator('#root_name').waitFor();
    expect(await preview.locator('#root_phone').count()).toBe(0);
    await preview.locator('#root_channel').selectOption({ label: '官网' });
    await preview.locator('#root_phone').waitFor();
    await preview.locator('#root_name').fill('王主任');
    await preview.locator('#root_phone').fill('13800138000');
    await shot('3-form-designer.png');
    await preview.locator('button[type="submit"]').click();
    const result = preview.locator('[data-testid="test-submit-result"]');
    await result.waitFor({ timeout: 15_000 }).catch(async (e: unknown) => {
      await shot('debug-submit.png');
      throw e;
    });
    expect(await result.textContent()).toContain('服务器已保存记录');

    await page.click('[data-testid="open-publish"]');
    await page.locator('[data-testid="no-migration"]').waitFor();
    await page.click('[data-testid="confirm-publish"]');
    await page.locator('[data-testid="published"]').waitFor({ timeout: 20_000 });
    await shot('4-form-published.png');

    const published = await api<{ version: number; definition: any }>(
      'GET',
      '/api/spaces/acme/definition',
    );
    expect(published.version).toBe(2);
    expect(published.definition.forms[0]).toMatchObject({
      key: 'entry',
      table: 'lead',
      sections: [
        {
          key: 'main',
          columns: 2,
          items: [
            // The channel was dropped onto the name, so it sits above it.
            { field: 'channel' },
            { field: 'name' },
            { field: 'phone', column: 1, required: true, visibleIf: 'record.channel == "web"' },
          ],
        },
      ],
    });
    const records = await api<{ records: { name: string; phone: string }[] }>(
      'GET',
      '/api/spaces/acme/tables/lead/records',
    );
    expect(records.records.map((r) => r.name)).toEqual(['王主任']);
    const created = await api<{ record: { id: string; channel: string } }>(
      'POST',
      '/api/spaces/acme/tables/lead/records',
      { name: '李工', channel: 'expo' },
    );
    expect(created.record.channel).toBe('expo');
  });

  it('designs a flow with a wait-until and a notify on the new table and publishes it', async () => {
    await page.goto(`${server.url}/#/flows/acme`);
    const form = page.locator('[data-testid="new-flow"]');
    await form.waitFor({ timeout: 15_000 });
    await form.locator('input[name="key"]').fill('channel_check');
    await form.locator('input[name="zh"]').fill('渠道确认提醒');
    await form.locator('input[name="en"]').fill('Channel check reminder');
    await form.locator('button[type="submit"]').click();
    const canvas = page.locator('[data-testid="flow-canvas"]');
    await canvas.waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="node-end"]').waitFor();
    const box = (await canvas.boundingBox())!;
    await page.dragAndDrop('[data-testid="palette-wait_until"]', '[data-testid="flow-canvas"]', {
      targetPosition: { x: box.width / 2 - 200, y: 60 },
    });
    await page.locator('[data-testid="node-wait_until_1"]').waitFor();
    await page.dragAndDrop('[data-testid="palette-notify"]', '[data-testid="flow-canvas"]', {
      targetPosition: { x: box.width / 2 + 150, y: 200 },
    });
    await page.locator('[data-testid="node-notify_1"]').waitFor();
    const connect = async (from: string, to: string) => {
      const a = (await page.locator(from).boundingBox())!;
      const b = (await page.locator(to).boundingBox())!;
      await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
      await page.mouse.down();
      await page.mouse.move(a.x + a.width / 2 + 10, a.y + a.height / 2 + 10, { steps: 3 });
      await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 10 });
      await page.mouse.up();
    };
    const endHandle = '[data-testid="node-end"] .react-flow__handle.target';
    await connect(
      '[data-testid="handle-wait_until_1-timeout"]',
      '[data-testid="node-notify_1"] .react-flow__handle.target',
    );
    await connect('[data-testid="handle-notify_1-next"]', endHandle);
    await connect('[data-testid="handle-wait_until_1-met"]', endHandle);
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(3);

    await page.locator('[data-testid="node-wait_until_1"]').click();
    await page.locator('[data-testid="node-panel"]').waitFor();
    await page.fill('[data-testid="prop-condition"]', 'record.channel != null');
    await page.fill('[data-testid="prop-timeout"]', 'PT2H');
    await page.click('[data-testid="make-start"]');
    await page.locator('[data-testid="node-notify_1"]').click();
    await page.selectOption('[data-testid="prop-channel"]', 'inapp');
    await page.fill('[data-testid="prop-to"]', 'owner');
    await page.fill('[data-testid="prop-title.zh-CN"]', '请确认线索渠道');
    await page.fill('[data-testid="prop-title.en"]', 'Confirm the lead channel');
    await shot('5-flow.png');
    await page.click('[data-testid="publish"]');
    await page.locator('[data-testid="confirm-publish"]').click({ timeout: 15_000 });
    await page.locator('[data-testid="published"]').waitFor({ timeout: 15_000 });

    const published = await api<{ version: number; definition: any }>(
      'GET',
      '/api/spaces/acme/definition',
    );
    expect(published.version).toBe(3);
    const flow = published.definition.flows.find((f: { key: string }) => f.key === 'channel_check');
    expect(flow.nodes.map((n: { type: string }) => n.type).sort()).toEqual([
      'end',
      'notify',
      'wait_until',
    ]);
    expect(published.definition.forms[0].key).toBe('entry');
  });

  it('maps an intake source on the canvas, rotates its secret and shows what a test delivery did', async () => {
    await page.goto(`${server.url}/#/intake/acme`);
    await page.locator('[data-testid="intake-designer"]').waitFor();
    await page.fill('[data-testid="new-source-key"]', 'web');
    await page.click('[data-testid="add-source"]');
    await page.locator('[data-testid="mapping-canvas"]').waitFor();
    await page.click('[data-testid="path-name"]');
    await page.click('[data-testid="target-name"]');
    await page.dragAndDrop('[data-testid="path-mobile"]', '[data-testid="target-phone"]');
    await page.fill('[data-testid="cel-channel"]', '"web"');
    await page.locator('[data-testid="line-name->name"]').waitFor();
    await page.locator('[data-testid="line-mobile->phone"]').waitFor();
    await shot('6-intake-mapping.png');

    await page.click('[data-testid="open-publish"]');
    await page.locator('[data-testid="no-migration"]').waitFor();
    await page.click('[data-testid="confirm-publish"]');
    await page.locator('[data-testid="published"]').waitFor({ timeout: 20_000 });
    await page.click('[data-testid="close-dialog"]');

    await page.click('[data-testid="rotate-secret"]');
    expect(await page.textContent('[data-testid="secret"] code')).toMatch(/\S{20,}/);
    await page.click('[data-testid="send-test"]');
    const outcome = page.locator('[data-testid="test-outcome"]');
    await outcome.waitFor({ timeout: 20_000 });
    expect(await outcome.textContent()).toContain('新线索');
    await shot('7-intake-test-delivery.png');
    const records = await api<{ records: { name: string; phone: string; channel: string }[] }>(
      'GET',
      '/api/spaces/acme/tables/lead/records',
    );
    expect(records.records.find((r) => r.name === '王医生')).toMatchObject({ channel: 'web' });
  });

  it('edits roles in the permission matrix, underlines a server problem in raw mode and installs a pack with parameters', async () => {
    await page.goto(`${server.url}/#/people/acme`);
    await page.locator('[data-testid="people"]').waitFor();
    await page.locator('[data-testid="members"]').waitFor();
    await page.fill('[data-testid="new-role-key"]', 'sales');
    await page.click('[data-testid="add-role"]');
    await page.check('[data-testid="table-access-sales"]');
    await page.uncheck('[data-testid="read-sales-phone"]');
    await page.check('[data-testid="write-sales-name"]');
    await page.selectOption('[data-testid="scope-sales-read"]', 'all');
    await page.click('[data-testid="save-roles"]');
    await expect
      .poll(async () => {
        const draft = await api<{ definition: any }>('GET', '/api/spaces/acme/definition/draft');
        return draft.definition.roles?.[0]?.tables?.lead;
      })
      .toEqual({ read: 'all', fields: { read: ['name', 'channel'], write: ['name'] } });
    await page.click('[data-testid="open-publish"]');
    await page.click('[data-testid="confirm-publish"]');
    await page.locator('[data-testid="published"]').waitFor({ timeout: 20_000 });
    await page.click('[data-testid="close-dialog"]');
    // Viewing as the role: its readable fields only, no phone.
    await page.click('[data-testid="view-as-sales"]');
    const seen = page.locator('[data-testid="view-as"] table');
    await seen.waitFor({ timeout: 15_000 });
    const headers = await seen.locator('th').allTextContents();
    expect(headers).toContain('name');
    expect(headers).not.toContain('phone');
    expect(await seen.textContent()).toContain('王主任');
    await shot('8-permission-matrix.png');

    // A draft condition naming a field the table lacks: raw mode underlines it where it sits.
    const { definition: draft } = await api<{ definition: any }>(
      'GET',
      '/api/spaces/acme/definition/draft',
    );
    const waitUntil = draft.flows[0].nodes.find((n: { type: string }) => n.type === 'wait_until');
    waitUntil.condition = 'record.budget != null';
    await api('PUT', '/api/spaces/acme/definition/draft', draft);
    await page.goto(`${server.url}/#/raw/acme`);
    const editor = page.locator('[data-testid="raw-editor"] .monaco-editor');
    await editor.waitFor({ timeout: 30_000 });
    await expect.poll(() => editor.textContent()).toContain('"channel_check"');
    await page.click('[data-testid="raw-validate"]');
    const issues = page.locator('[data-testid="raw-editor"] [data-testid="issues"]');
    await issues.waitFor();
    expect(await issues.textContent()).toContain('/condition');
    await editor.locator('.squiggly-error').first().waitFor({ timeout: 10_000 });
    await shot('9-raw-mode.png');

    await page.goto(`${server.url}/#/templates`);
    await page.locator('[data-testid="template-medical-device"]').waitFor();
    expect(await page.locator('[data-testid="template-industrial-automation"]').count()).toBe(1);
    expect(
      await page.locator('[data-testid="template-medical-device"] input').count(),
    ).toBeGreaterThan(2);
    const pack = page.locator('[data-testid="template-industrial-automation"]');
    await pack.locator('[data-testid="param-hot_score"]').fill('12');
    await pack.locator('[data-testid="param-urgent_keywords"]').fill('故障，停机，报警');
    await pack.locator('[data-testid="install-space"]').fill('factory');
    await pack.locator('[data-testid="install"]').click();
    const installed = pack.locator('[data-testid="install-result"]');
    await installed.waitFor({ timeout: 60_000 });
    expect(await installed.textContent()).toContain('发布版本 1');
    await shot('10-templates.png');
    const factory = await api<{ version: number; definition: any }>(
      'GET',
      '/api/spaces/factory/definition',
    );
    expect(factory.version).toBe(1);
    expect(JSON.stringify(factory.definition)).toContain('报警');
  });
});
