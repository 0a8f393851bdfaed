// The rule designer in a real Chromium against a real server and PostgreSQL: a scorecard built with
// the visual condition builder writes CEL, the dry run lists the score each stored record would
// get, and the advanced Monaco editor (loaded from the local package: no request leaves the
// machine) underlines the server's type error. Screenshots go to test-artifacts/rule-designer.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/test-browser';
import { designerDist, startTestServer, type TestServer } from '../support/test-server';

const artifacts = path.resolve(import.meta.dirname, '../../test-artifacts/rule-designer');

const leadTable = {
  key: 'lead',
  label: { 'zh-CN': '线索', en: 'Lead' },
  fields: [
    { key: 'name', type: 'text', required: true, label: { 'zh-CN': '姓名', en: 'Name' } },
    { key: 'budget', type: 'number', label: { 'zh-CN': '预算', en: 'Budget' } },
    { key: 'score', type: 'number', label: { 'zh-CN': '评分', en: 'Score' } },
  ],
};

describe('rule designer', () => {
  let server: TestServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let context: BrowserContext;
  const ids = new Map<string, string>();

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
    await api('POST', '/api/spaces', { key: 'rules', name: { 'zh-CN': '规则演示', en: 'Rules' } });
    for (let tries = 0; tries < 100; tries++) {
      const { space } = await api<{ space: { status: string } }>('GET', '/api/spaces/rules');
      if (space.status === 'active') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await api('PUT', '/api/spaces/rules/definition/draft', {
      formatVersion: 1,
      tables: [leadTable],
    });
    await api('POST', '/api/spaces/rules/definition/publish');
    for (const [name, budget] of [
      ['浙江省人民医院', 500_000],
      ['杭州诊所', 20_000],
      ['江苏省人民医院', 100_000],
    ] as const) {
      const { record } = await api<{ record: { id: string } }>(
        'POST',
        '/api/spaces/rules/tables/lead/records',
        { name, budget },
      );
      ids.set(name, record.id);
    }
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('builds a scorecard visually, dry-runs it, and underlines a CEL type error offline', async () => {
    const page = await context.newPage();
    const outside: string[] = [];
    page.on('request', (r) => {
      if (
        !r.url().startsWith(server.url) &&
        !r.url().startsWith('data:') &&
        !r.url().startsWith('blob:')
      )
        outside.push(r.url());
    });
    await page.setViewportSize({ width: 1440, height: 1000 });
    await page.goto(`${server.url}/#/rules/rules`);
    const signIn = page.locator('[data-testid="sign-in"]');
    await page
      .locator('[data-testid="sign-in"], [data-testid="rule-designer"]')
      .first()
      .waitFor({ timeout: 15_000 });
    if (await signIn.isVisible()) {
      await signIn.locator('input[name="email"]').fill(server.admin.email);
      await signIn.locator('input[name="password"]').fill(server.admin.password);
      await signIn.locator('button[type="submit"]').click();
    }
    await page.locator('[data-testid="add-scorecard"]').click({ timeout: 15_000 });
    const card = page.locator('[data-testid="scorecard-score_1"]');
    await card.waitFor();
    await card.locator('select').first().selectOption('score');

    // Visual: budget ≥ 100000 → 10 points.
    await page.click('[data-testid="score-when-0-add-row"]');
    await page.selectOption('[data-testid="score-when-0-field-0"]', 'budget');
    await page.selectOption('[data-testid="score-when-0-op-0"]', '>=');
    await page.fill('[data-testid="score-when-0-value-0"]', '100000');
    expect(await page.locator('[data-testid="score-when-0-cel"]').textContent()).toBe(
      'record.budget >= 100000.0',
    );
    await page.click('[data-testid="save-rules"]');
    await expect
      .poll(() => page.locator('[data-testid="rules-status"]').textContent(), { timeout: 10_000 })
      .toContain('校验通过');

    // Dry run: the two big-budget leads would score 10, the clinic 0.
    await page.click('[data-testid="run-dry-run"]');
    const rows = page.locator('[data-testid="dry-run-row"][data-kind="score"]');
    await rows.first().waitFor({ timeout: 15_000 });
    const after = async (name: string) =>
      page
        .locator(
          `[data-testid="dry-run-row"][data-kind="score"][data-record="${ids.get(name)}"] td`,
        )
        .nth(3)
        .textContent();
    expect(await after('浙江省人民医院')).toBe('10');
    expect(await after('江苏省人民医院')).toBe('10');
    expect(await after('杭州诊所')).toBe('0');
    await page.screenshot({
      path: path.join(artifacts, '1-scorecard-dry-run.png'),
      fullPage: true,
    });

    // Advanced: Monaco with the server's type checker.
    await page.click('[data-testid="score-when-0-advanced"]');
    const editor = page.locator('[data-testid="score-when-0"] .monaco-editor');
    await editor.waitFor({ timeout: 20_000 });
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('record.budget + "元" > 1');
    await page
      .locator('[data-testid="score-when-0"] [data-issues="1"]')
      .waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="score-when-0"] .squiggly-error').first().waitFor();
    // Completion of field names after `record.`.
    await page.keyboard.press('Control+A');
    await page.keyboard.type('record.');
    // `.` opens the field names; should the widget still show an earlier list, ask again.
    const budget = page.locator('.suggest-widget .monaco-list-row', { hasText: 'budget' });
    await budget.waitFor({ timeout: 5_000 }).catch(async () => {
      // A list still open from before the dot is closed first; Ctrl+Space then asks afresh.
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+Space');
      await budget.waitFor({ timeout: 10_000 });
    });
    await page.screenshot({ path: path.join(artifacts, '2-cel-editor.png'), fullPage: true });
    expect(outside).toEqual([]);
  });
});
