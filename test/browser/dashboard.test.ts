// Dashboards in a real Chromium against a real server and PostgreSQL: numbers computed from real
// records, threshold colours, a click on a number or a bar drills down to exactly the records
// behind it, a new record reaches the open dashboard over SSE, and the wallboard fills the screen.
// Screenshots go to test-artifacts/dashboard (gitignored).
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/test-browser';
import { designerDist, startTestServer, type TestServer } from '../support/test-server';

const artifacts = path.resolve(import.meta.dirname, '../../test-artifacts/dashboard');

const definition = {
  formatVersion: 1,
  tables: [
    {
      key: 'lead',
      label: { 'zh-CN': '线索', en: 'Lead' },
      fields: [
        { key: 'name', type: 'text', required: true, label: { 'zh-CN': '姓名', en: 'Name' } },
        { key: 'province', type: 'text', label: { 'zh-CN': '省份', en: 'Province' } },
        { key: 'budget', type: 'number', label: { 'zh-CN': '预算', en: 'Budget' } },
      ],
    },
  ],
  metrics: [
    {
      key: 'leads',
      label: { 'zh-CN': '线索数', en: 'Leads' },
      table: 'lead',
      measure: { kind: 'count' },
      unit: 'count',
    },
    {
      key: 'leads_by_province',
      label: { 'zh-CN': '各省线索', en: 'Leads by province' },
      table: 'lead',
      measure: { kind: 'count' },
      groupBy: ['province'],
      unit: 'count',
    },
    {
      key: 'big_budget',
      label: { 'zh-CN': '大预算线索', en: 'Big-budget leads' },
      table: 'lead',
      measure: { kind: 'count' },
      filter: 'record.budget != null && record.budget >= 100000.0',
      unit: 'count',
    },
  ],
  dashboards: [
    {
      key: 'morning',
      label: { 'zh-CN': '线索作战会', en: 'Morning lead meeting' },
      widgets: [
        {
          key: 'total',
          type: 'kpi',
          label: { 'zh-CN': '线索总数', en: 'All leads' },
          metric: 'leads',
          position: { x: 0, y: 0, w: 3, h: 2 },
          thresholds: { direction: 'higher_is_better', green: 10, yellow: 5 },
        },
        {
          key: 'big',
          type: 'kpi',
          label: { 'zh-CN': '大预算', en: 'Big budget' },
          metric: 'big_budget',
          position: { x: 3, y: 0, w: 3, h: 2 },
        },
        {
          key: 'provinces',
          type: 'bar',
          label: { 'zh-CN': '各省线索', en: 'By province' },
          metric: 'leads_by_province',
          position: { x: 6, y: 0, w: 6, h: 3 },
        },
        {
          key: 'province_table',
          type: 'table',
          label: { 'zh-CN': '各省明细', en: 'Province table' },
          metric: 'leads_by_province',
          position: { x: 0, y: 2, w: 6, h: 3 },
        },
      ],
    },
  ],
};

const leads = [
  { name: '浙江省人民医院', province: '浙江', budget: 500_000 },
  { name: '杭州市第一医院', province: '浙江', budget: 50_000 },
  { name: '宁波市医疗中心', province: '浙江', budget: 120_000 },
  { name: '江苏省人民医院', province: '江苏', budget: 300_000 },
  { name: '南京鼓楼医院', province: '江苏' },
  { name: '上海瑞金医院', province: '上海', budget: 80_000 },
];

describe('dashboards', () => {
  let server: TestServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let context: BrowserContext;
  const ids = new Map<string, string>();

  const api = <T = any>(method: string, route: string, body?: unknown) =>
    server.json<T>(method, route, body);
  const drillIds = async (page: Page) => {
    await page.locator('[data-testid="drill-total"]').waitFor({ timeout: 10_000 });
    const rows = page.locator('[data-testid="drill-record"]');
    const out: string[] = [];
    for (let i = 0; i < (await rows.count()); i++)
      out.push((await rows.nth(i).getAttribute('data-id'))!);
    return out.sort();
  };
  const idsOf = (names: string[]) => names.map((n) => ids.get(n)!).sort();

  beforeAll(async () => {
    if (!existsSync(path.join(designerDist, 'index.html'))) {
      throw new Error('designer/dist is missing: run `npm run build` first (npm test does)');
    }
    await mkdir(artifacts, { recursive: true });
    server = await startTestServer();
    browser = await launchBrowser();
    context = browser.context;
    await api('POST', '/api/spaces', {
      key: 'dash',
      name: { 'zh-CN': '看板演示', en: 'Dashboards' },
    });
    for (let tries = 0; tries < 100; tries++) {
      const { space } = await api<{ space: { status: string } }>('GET', '/api/spaces/dash');
      if (space.status === 'active') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await api('PUT', '/api/spaces/dash/definition/draft', definition);
    await api('POST', '/api/spaces/dash/definition/publish');
    for (const lead of leads) {
      const { record } = await api<{ record: { id: string } }>(
        'POST',
        '/api/spaces/dash/tables/lead/records',
        lead,
      );
      ids.set(lead.name, record.id);
    }
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const open = async (hash: string): Promise<Page> => {
    const page = await context.newPage();
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${server.url}/#/${hash}`);
    const signIn = page.locator('[data-testid="sign-in"]');
    await page
      .locator('[data-testid="sign-in"], [data-testid="dashboard"]')
      .first()
      .waitFor({ timeout: 15_000 });
    if (await signIn.isVisible()) {
      await signIn.locator('input[name="email"]').fill(server.admin.email);
      await signIn.locator('input[name="password"]').fill(server.admin.password);
      await signIn.locator('button[type="submit"]').click();
    }
    await page.locator('[data-testid="dashboard"]').waitFor({ timeout: 15_000 });
    return page;
  };

  it('shows numbers from the records and drills down to exactly the records behind them', async () => {
    const page = await open('dashboards/dash/morning');
    const total = page.locator('[data-testid="kpi-total"]');
    await expect.poll(() => total.textContent()).toBe('6');
    expect(await total.getAttribute('data-color')).toBe('yellow');
    expect(await page.locator('[data-testid="kpi-big"]').textContent()).toBe('3');
    await page.locator('[data-testid="chart-provinces"] canvas').waitFor();
    await page.screenshot({ path: path.join(artifacts, '1-dashboard.png'), fullPage: true });

    // The KPI: every lead.
    await total.click();
    expect(await drillIds(page)).toEqual(idsOf(leads.map((l) => l.name)));
    await page.click('[data-testid="close-drill"]');

    // A filtered KPI: exactly the big-budget leads.
    await page.locator('[data-testid="kpi-big"]').click();
    expect(await drillIds(page)).toEqual(
      idsOf(['浙江省人民医院', '宁波市医疗中心', '江苏省人民医院']),
    );
    await page.click('[data-testid="close-drill"]');

    // A table cell: one province's leads.
    const table = page.locator('[data-testid="widget-province_table"]');
    const row = table.locator('tr', { hasText: '江苏' });
    expect(await row.locator('button').textContent()).toBe('2');
    await row.locator('button').click();
    expect(await drillIds(page)).toEqual(idsOf(['江苏省人民医院', '南京鼓楼医院']));
    await page.screenshot({ path: path.join(artifacts, '2-drill-down.png'), fullPage: true });
    await page.click('[data-testid="close-drill"]');

    // A bar of the chart: click on the tallest bar (浙江, 3 leads).
    const canvas = page.locator('[data-testid="chart-provinces"] canvas');
    const box = (await canvas.boundingBox())!;
    // Scan across the plot at mid height until a click opens a drill-down of 浙江.
    let opened: string[] | null = null;
    for (let x = box.x + 50; x < box.x + box.width - 20 && !opened; x += 15) {
      await page.mouse.click(x, box.y + box.height - 50);
      const dialog = page.locator('[data-testid="drill-down"]');
      if (await dialog.isVisible({ timeout: 300 }).catch(() => false)) {
        const title = (await dialog.locator('h3').textContent()) ?? '';
        const found = await drillIds(page);
        await page.click('[data-testid="close-drill"]');
        if (title.includes('浙江')) opened = found;
      }
    }
    expect(opened).toEqual(idsOf(['浙江省人民医院', '杭州市第一医院', '宁波市医疗中心']));
  });

  it('updates live when a record arrives, and fits a TV screen as a wallboard', async () => {
    const page = await open('dashboards/dash/morning/wall');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page
      .locator('[data-testid="dashboard-live"]', { hasText: '实时' })
      .waitFor({ timeout: 15_000 });
    const total = page.locator('[data-testid="kpi-total"]');
    await expect.poll(() => total.textContent()).toBe('6');
    expect(await page.locator('.app > header').isVisible()).toBe(false);
    const { record } = await api<{ record: { id: string } }>(
      'POST',
      '/api/spaces/dash/tables/lead/records',
      {
        name: '广州中山医院',
        province: '广东',
        budget: 200_000,
      },
    );
    ids.set('广州中山医院', record.id);
    await expect.poll(() => total.textContent(), { timeout: 15_000 }).toBe('7');
    await expect.poll(() => page.locator('[data-testid="kpi-big"]').textContent()).toBe('4');
    const size = Number.parseFloat(
      await total.evaluate(
        (el) => (el.ownerDocument.defaultView as any).getComputedStyle(el).fontSize,
      ),
    );
    expect(size).toBeGreaterThan(60);
    await page.screenshot({ path: path.join(artifacts, '3-wallboard.png') });
  });

  it('lets an admin rearrange widgets by dragging and saves the positions to the draft', async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${server.url}/#/dashboards/dash/morning/edit`);
    const signIn = page.locator('[data-testid="sign-in"]');
    await page
      .locator('[data-testid="sign-in"], [data-testid="dashboard-editor"]')
      .first()
      .waitFor({ timeout: 15_000 });
    if (await signIn.isVisible()) {
      await signIn.locator('input[name="email"]').fill(server.admin.email);
      await signIn.locator('input[name="password"]').fill(server.admin.password);
      await signIn.locator('button[type="submit"]').click();
    }
    const item = page.locator('[data-testid="grid-big"]');
    await item.waitFor({ timeout: 15_000 });
    const from = (await item.boundingBox())!;
    const column = (await page.locator('.grid-editor').boundingBox())!.width / 12;
    // Drag the 3-column "big budget" KPI three columns right and down.
    await page.mouse.move(from.x + from.width / 2, from.y + 20);
    await page.mouse.down();
    await page.mouse.move(from.x + from.width / 2 + 20, from.y + 40, { steps: 3 });
    await page.mouse.move(from.x + from.width / 2 + column * 3, from.y + 600, { steps: 15 });
    await page.mouse.up();
    await page.click('[data-testid="save-layout"]');
    await page.locator('[data-testid="layout-status"]').waitFor({ timeout: 10_000 });
    const draft = await api<{ definition: typeof definition }>(
      'GET',
      '/api/spaces/dash/definition/draft',
    );
    const widgets = draft.definition.dashboards[0]!.widgets;
    const big = widgets.find((w) => w.key === 'big')!;
    expect(big.position.x).toBe(6);
    // Vertical compaction settles it right under the province bars (rows 0–2 of columns 6–11).
    expect(big.position.y).toBe(3);
    expect(big.position).toMatchObject({ w: 3, h: 2 });
    // The other widgets keep their sizes.
    expect(widgets.find((w) => w.key === 'provinces')!.position).toMatchObject({ w: 6, h: 3 });
    await page.screenshot({ path: path.join(artifacts, '4-layout-editor.png'), fullPage: true });
  });
});
