// The designer's first page in a real Chromium: health, creating a space, switching language.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/test-browser';
import { designerDist, startTestServer } from '../support/test-server';

describe('designer home page', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let context: BrowserContext;

  beforeAll(async () => {
    if (!existsSync(path.join(designerDist, 'index.html'))) {
      throw new Error('designer/dist is missing: run `npm run build` first (npm test does)');
    }
    server = await startTestServer();
    browser = await launchBrowser();
    context = browser.context;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows live system health and creates a space that the workflow activates', async () => {
    const page = await context.newPage();
    await page.goto(server.url);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Baton 线索运营平台');
    for (const part of ['database', 'temporal', 'worker']) {
      await page
        .locator(`[data-testid="health-${part}"][data-ok="true"]`)
        .waitFor({ timeout: 15_000 });
    }

    await page.fill('input[name="key"]', 'meddev');
    await page.fill('input[name="zh"]', '医疗器械事业部');
    await page.fill('input[name="en"]', 'Medical devices');
    await page.click('button[type="submit"]');
    const status = page.locator('[data-testid="space-meddev"] [data-testid="space-status"]');
    await page
      .locator('[data-testid="space-meddev"] [data-status="active"]')
      .waitFor({ timeout: 20_000 });
    expect(await status.textContent()).toBe('已启用');
    expect(await page.locator('[data-testid="space-meddev"]').textContent()).toContain(
      '医疗器械事业部',
    );

    await page.click('[data-testid="toggle-locale"]');
    expect(await page.locator('h1').textContent()).toBe('Baton lead operations');
    expect(await page.locator('[data-testid="space-meddev"]').textContent()).toContain(
      'Medical devices',
    );
    await page.screenshot({
      path: path.join(process.env.TMPDIR ?? '/tmp', 'baton-designer-home.png'),
    });
  });

  it('shows the server refusing a malformed space key', async () => {
    const page = await context.newPage();
    await page.goto(server.url);
    await page.fill('input[name="key"]', 'Bad Key');
    await page.fill('input[name="zh"]', '坏');
    await page.fill('input[name="en"]', 'Bad');
    await page.click('button[type="submit"]');
    const alert = page.locator('[role="alert"]');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('VALIDATION_FAILED');
    expect(await alert.textContent()).toContain('/key');
  });
});
