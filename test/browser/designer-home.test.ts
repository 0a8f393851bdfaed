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

  /** Opens the designer and signs in as the seeded platform admin through the sign-in form. */
  const signedInPage = async () => {
    const page = await context.newPage();
    await page.goto(server.url);
    await page.locator('[data-testid="sign-in"], h1:has-text("Baton")').first().waitFor();
    if (await page.locator('[data-testid="sign-in"]').isVisible()) {
      await page.fill('[data-testid="sign-in"] input[name="email"]', server.admin.email);
      await page.fill('[data-testid="sign-in"] input[name="password"]', server.admin.password);
      await page.click('[data-testid="sign-in"] button[type="submit"]');
    }
    return page;
  };

  it('asks for a sign-in first and refuses a wrong password in both languages', async () => {
    // Runs first: the browser has no session yet.
    const page = await context.newPage();
    await page.goto(server.url);
    await page.locator('[data-testid="sign-in"]').waitFor();
    await page.fill('input[name="email"]', server.admin.email);
    await page.fill('input[name="password"]', 'not the password');
    await page.click('button[type="submit"]');
    const alert = page.locator('[role="alert"]');
    await alert.waitFor();
    expect(await alert.textContent()).toBe('wrong e-mail address or password / 邮箱或密码错误');
    await page.close();
  });

  it('runs under a Content-Security-Policy that blocks injected scripts but allows workers and inline styles', async () => {
    const response = await fetch(server.url);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("worker-src 'self' blob:");
    expect(csp).toContain("frame-ancestors 'none'");
    const page = await signedInPage();
    await page.locator('[data-testid="health-database"]').waitFor({ timeout: 15_000 });
    // Runs in the page (a string: the test's TypeScript has no DOM types).
    const probe = await page.evaluate(`(async () => {
      const violations = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
      // What Monaco does: workers from bundled files (here a blob); what ECharts does: styles.
      const blob = new Blob(['postMessage(6 * 7)'], { type: 'text/javascript' });
      const worker = new Worker(URL.createObjectURL(blob));
      const fromWorker = await new Promise((resolve) => (worker.onmessage = (e) => resolve(e.data)));
      const div = document.createElement('div');
      div.setAttribute('style', 'width: 12px');
      document.body.append(div);
      // An injected inline script must not run.
      const script = document.createElement('script');
      script.textContent = 'window.__injected = true';
      document.body.append(script);
      await new Promise((resolve) => setTimeout(resolve, 100));
      return { fromWorker, width: getComputedStyle(div).width, injected: window.__injected ?? false, violations };
    })()`);
    expect(probe).toEqual({
      fromWorker: 42,
      width: '12px',
      injected: false,
      violations: ['script-src-elem'],
    });
  });

  it('shows live system health and creates a space that the workflow activates', async () => {
    const page = await signedInPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (m.text().includes('Content Security Policy')) violations.push(m.text());
    });
    await expect.poll(() => page.locator('h1').textContent()).toBe('Baton 线索运营平台');
    for (const part of ['database', 'temporal', 'worker']) {
      await page
        .locator(`[data-testid="health-${part}"][data-ok="true"]`)
        .waitFor({ timeout: 15_000 });
    }

    // A key no other test file uses: every test server shares one Temporal namespace, and a space's
    // lifecycle execution (workflow id space/<key>) of another file would take this one's signal.
    await page.fill('input[name="key"]', 'home_meddev');
    await page.fill('input[name="zh"]', '医疗器械事业部');
    await page.fill('input[name="en"]', 'Medical devices');
    await page.click('button[type="submit"]');
    const status = page.locator('[data-testid="space-home_meddev"] [data-testid="space-status"]');
    await page
      .locator('[data-testid="space-home_meddev"] [data-status="active"]')
      .waitFor({ timeout: 20_000 });
    expect(await status.textContent()).toBe('已启用');
    expect(await page.locator('[data-testid="space-home_meddev"]').textContent()).toContain(
      '医疗器械事业部',
    );

    await page.click('[data-testid="toggle-locale"]');
    expect(await page.locator('h1').textContent()).toBe('Baton lead operations');
    expect(await page.locator('[data-testid="space-home_meddev"]').textContent()).toContain(
      'Medical devices',
    );
    await page.screenshot({
      path: path.join(process.env.TMPDIR ?? '/tmp', 'baton-designer-home.png'),
    });
    expect(violations).toEqual([]);
  });

  it('shows the server refusing a malformed space key', async () => {
    const page = await signedInPage();
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
