// Render time of the form designer's live preview (@rjsf/core from the compiled JSON Schema and
// uiSchema, in sections and columns, with CEL visibility) for a 200-field form, in Debian's
// Chromium (headless, software rendering).
// Run: npm run build && node --import tsx test/bench/form-render-bench.ts
// The built designer is served from designer/dist by a small static server; the API calls the
// screen makes are answered by Playwright, since the database plays no part in how fast it draws.
// Measured in the page: from the hash change that selects the big form to the frame after its
// last field input exists (compile + visibility + React render + layout).
import path from 'node:path';
import { launchBrowser } from '../support/test-browser';
import { serveDist } from './serve-dist';

const dist = path.resolve(import.meta.dirname, '../../designer/dist');
const fieldCount = Number(process.env.FIELDS ?? 200);
const runs = Number(process.env.RUNS ?? 9);

const label = (n: number) => ({ 'zh-CN': `字段${n}`, en: `Field ${n}` });
const options = [1, 2, 3, 4].map((o) => ({
  value: `o${o}`,
  label: { 'zh-CN': `选项${o}`, en: `Option ${o}` },
}));
const kinds = ['text', 'number', 'select', 'date', 'boolean', 'long_text', 'multi_select', 'email'];

function field(n: number): Record<string, unknown> {
  const type = kinds[n % kinds.length]!;
  const base = { key: `f${n}`, type, label: label(n), ...(n % 10 === 0 ? { required: true } : {}) };
  if (type === 'select' || type === 'multi_select') return { ...base, options };
  if (type === 'number') return { ...base, min: 0, max: 1000 };
  return base;
}

const fields = Array.from({ length: fieldCount }, (_, n) => field(n));
const sections = 4;
const perSection = Math.ceil(fieldCount / sections);
const definition = {
  formatVersion: 1,
  tables: [{ key: 'lead', label: { 'zh-CN': '线索', en: 'Lead' }, fields }],
  forms: [
    {
      key: 'small',
      label: { 'zh-CN': '小表单', en: 'Small form' },
      table: 'lead',
      sections: [{ key: 'main', label: label(0), items: [{ field: 'f1' }] }],
    },
    {
      key: 'big',
      label: { 'zh-CN': '大表单', en: 'Big form' },
      table: 'lead',
      sections: Array.from({ length: sections }, (_, s) => ({
        key: `s${s}`,
        label: { 'zh-CN': `分区${s}`, en: `Section ${s}` },
        columns: 2,
        items: fields.slice(s * perSection, (s + 1) * perSection).map((f, i) => ({
          field: f.key as string,
          ...(i % 2 === 1 ? { column: 1 } : {}),
          // Every 20th field has a visibility condition, evaluated on each render.
          ...(i % 20 === 5 ? { visibleIf: 'record.f0 != "hide"' } : {}),
        })),
      })),
    },
  ],
};

async function main(): Promise<void> {
  const site = await serveDist(dist);
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1600, height: 1000 });
    await page.route('**/api/**', async (route) => {
      const url = new URL(route.request().url());
      if (url.pathname === '/api/auth/me') {
        return route.fulfill({
          json: {
            user: {
              id: 'u',
              email: 'bench@baton.test',
              displayName: 'Bench',
              managerId: null,
              platformAdmin: true,
            },
            via: 'session',
            tokenSpace: null,
          },
        });
      }
      if (url.pathname === '/api/spaces/bench/definition/draft') {
        return route.fulfill({ json: { basedOnVersion: 1, updatedAt: null, definition } });
      }
      if (url.pathname === '/api/spaces/bench/definition') {
        return route.fulfill({ json: { version: 1, publishedAt: null, definition } });
      }
      return route.fulfill({
        status: 404,
        json: { error: { code: 'NOT_FOUND', message: 'bench' } },
      });
    });
    await page.goto(`${site.url}/#/forms/bench/small`);
    await page.locator('#root_f1').waitFor({ timeout: 60_000 });
    const last = `root_f${fieldCount - 1}`;
    const times: number[] = [];
    for (let run = 0; run < runs; run++) {
      // A string, not a function: tsx's name-keeping helper does not exist in the page.
      const ms = (await page.evaluate(`new Promise((resolve) => {
        const start = performance.now();
        location.hash = '#/forms/bench/big';
        const check = () => {
          if (document.getElementById(${JSON.stringify(last)})) {
            requestAnimationFrame(() => resolve(performance.now() - start));
          } else requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      })`)) as number;
      times.push(ms);
      const inputs = await page.locator('[data-testid="form-preview"] [id^="root_f"]').count();
      if (run === 0)
        console.log(`big form: ${fieldCount} fields, ${inputs} input elements rendered`);
      await page.goto(`${site.url}/#/forms/bench/small`);
      await page.locator('#root_f1').waitFor();
    }
    const sorted = [...times].sort((a, b) => a - b);
    console.log(
      `form preview render (${runs} runs): median ${sorted[Math.floor(runs / 2)]!.toFixed(0)} ms, ` +
        `min ${sorted[0]!.toFixed(0)} ms, max ${sorted[runs - 1]!.toFixed(0)} ms ` +
        `[${times.map((t) => t.toFixed(0)).join(', ')}]`,
    );
  } finally {
    await browser.close();
    await site.close();
  }
}

await main();
