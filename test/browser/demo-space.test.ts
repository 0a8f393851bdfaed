// Demo data from the template gallery, in Chromium against a real server, PostgreSQL and Temporal:
// the admin installs the medical-device pack with "with demo data" ticked, then a demo rep signs in
// and finds their demo leads — zh-CN hospitals in several stages — in the rep app's lead list.
// Then the admin upgrades a space to a newer pack version from a file, settling a conflict.
// Screenshots go to test-artifacts/demo-space (gitignored).
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/test-browser';
import { designerDist, startTestServer } from '../support/test-server';

const artifacts = path.resolve(import.meta.dirname, '../../test-artifacts/demo-space');

describe('demo space', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  const api = <T = any>(method: string, route: string, body?: unknown) =>
    server.json<T>(method, route, body);

  beforeAll(async () => {
    if (!existsSync(path.join(designerDist, 'index.html'))) {
      throw new Error('designer/dist is missing: run `npm run build` first (npm test does)');
    }
    await mkdir(artifacts, { recursive: true });
    server = await startTestServer();
    browser = await launchBrowser();
    page = await browser.context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('installs a pack with demo data from the gallery', async () => {
    await page.goto(`${server.url}/#/templates`);
    const signIn = page.locator('[data-testid="sign-in"]');
    const pack = page.locator('[data-testid="template-medical-device"]');
    await signIn.or(pack).first().waitFor();
    if (await signIn.isVisible()) {
      await signIn.locator('input[name="email"]').fill(server.admin.email);
      await signIn.locator('input[name="password"]').fill(server.admin.password);
      await signIn.locator('button[type="submit"]').click();
    }
    await pack.waitFor();
    await pack.locator('[data-testid="install-space"]').fill('demo');
    await pack.locator('[data-testid="install-demo"]').check();
    await pack.locator('[data-testid="install"]').click();
    const result = pack.locator('[data-testid="install-demo-result"]');
    await result.waitFor({ timeout: 120_000 });
    const text = (await result.textContent()) ?? '';
    expect(text).toMatch(/演示数据：新建 \d+ 条线索/);
    expect(Number(/新建 (\d+) 条/.exec(text)![1])).toBeGreaterThanOrEqual(30);
    await page.screenshot({ path: path.join(artifacts, '01-gallery-demo.png'), fullPage: true });
  });

  it("shows a demo rep their demo leads in the rep app's lead list", async () => {
    // Installing again answers the demo people and adds no lead.
    const again = await api<{ users: { key: string; id: string; email: string }[]; demo: any }>(
      'POST',
      '/api/templates/medical-device/install',
      { space: 'demo', demo: true },
    );
    expect(again.demo.created).toBe(0);
    const rep = again.users.find((u) => u.key === 'rep_hz')!;
    await api('PUT', `/api/auth/users/${rep.id}/password`, { password: 'demo-rep-2026' });
    const owned = (
      await api<{ records: { owner: string | null }[] }>(
        'GET',
        '/api/spaces/demo/tables/lead/records?limit=200',
      )
    ).records.filter((l) => l.owner === rep.id);
    expect(owned.length).toBeGreaterThan(0);

    await browser.context.clearCookies();
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto(`${server.url}/#/rep/demo`);
    const signIn = page.locator('[data-testid="sign-in"], [data-testid="rep-login"]');
    await signIn.first().waitFor({ timeout: 15_000 });
    await signIn.locator('input[name="email"]').fill(rep.email);
    await signIn.locator('input[name="password"]').fill('demo-rep-2026');
    await signIn.locator('button[type="submit"]').click();
    if (!page.url().includes('#/rep/')) await page.goto(`${server.url}/#/rep/demo`);
    expect(await page.locator('[data-testid="rep-me"]').textContent({ timeout: 15_000 })).toBe(
      '王磊',
    );

    const leads = page.locator('[data-testid="rep-lead"]');
    await expect.poll(() => leads.count(), { timeout: 30_000 }).toBe(owned.length);
    const cards = (await leads.allTextContents()).join('\n');
    expect(cards).toMatch(/医院/);
    // Leads sit in different stages, and fresh ones wait for their first call.
    const stages = new Set(await page.locator('.rep-stage-chip').allTextContents());
    expect(stages.size).toBeGreaterThan(1);
    await page.screenshot({ path: path.join(artifacts, '02-rep-leads.png'), fullPage: true });
  });

  it('upgrades a space to a newer pack version from the gallery, settling the conflict', async () => {
    await api('POST', '/api/templates/medical-device/install', { space: 'up' });
    const { definition } = await api('GET', '/api/spaces/up/definition');
    const memo = (d: any) =>
      d.tables.find((t: any) => t.key === 'lead').fields.find((f: any) => f.key === 'memo');
    memo(definition).label = { 'zh-CN': '拜访纪要', en: 'Visit notes' };
    await api('PUT', '/api/spaces/up/definition/draft', definition);
    await api('POST', '/api/spaces/up/definition/publish');
    const pack = JSON.parse(
      await readFile(
        path.resolve(import.meta.dirname, '../../templates/medical-device/template.json'),
        'utf8',
      ),
    );
    pack.version = '1.1.0';
    memo(pack.definition).label = { 'zh-CN': '语音速记（口述）', en: 'Memo (dictated)' };

    // A fresh page: the rep's app state must not carry over to the admin.
    await browser.context.clearCookies();
    await page.close();
    page = await browser.context.newPage();
    await page.goto(`${server.url}/#/templates`);
    const signIn = page.locator('[data-testid="sign-in"]');
    const panel = page.locator('[data-testid="template-upgrade"]');
    await signIn.waitFor();
    await signIn.locator('input[name="email"]').fill(server.admin.email);
    await signIn.locator('input[name="password"]').fill(server.admin.password);
    await signIn.locator('button[type="submit"]').click();
    await panel.locator('[data-testid="upgrade-space"] option[value="up"]').waitFor({
      state: 'attached',
    });
    await panel.locator('[data-testid="upgrade-space"]').selectOption('up');
    await panel.locator('[data-testid="upgrade-file"]').setInputFiles({
      name: 'medical-device-1.1.0.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(pack)),
    });
    await panel.locator('[data-testid="upgrade-preview"]').click();
    const conflicts = panel.locator('[data-testid="upgrade-conflict"]');
    await expect.poll(() => conflicts.count(), { timeout: 15_000 }).toBe(2);
    expect(await conflicts.first().textContent()).toContain('/tables/lead/fields/memo/label');
    const apply = panel.locator('[data-testid="upgrade-apply"]');
    expect(await apply.isDisabled()).toBe(true);
    for (const side of await panel.locator('[data-testid="upgrade-side"]').all())
      await side.selectOption('theirs');
    await apply.click();
    const applied = panel.locator('[data-testid="upgrade-applied"]');
    await applied.waitFor({ timeout: 15_000 });
    expect(await applied.textContent()).toContain('3');
    await page.screenshot({ path: path.join(artifacts, '03-upgrade.png'), fullPage: true });
    expect(memo((await api('GET', '/api/spaces/up/definition')).definition).label).toEqual({
      'zh-CN': '语音速记（口述）',
      en: 'Memo (dictated)',
    });
  });
});
