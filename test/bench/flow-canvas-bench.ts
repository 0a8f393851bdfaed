// Frame timing of the flow designer's canvas with a generated 300-node flow, panned and zoomed
// with the mouse in Debian's Chromium (headless, software rendering).
// Run: npm run build && node --import tsx test/bench/flow-canvas-bench.ts
// The built designer is served from designer/dist by a small static server; the two API calls the
// screen makes (who am I, the draft) are answered by Playwright, since the database plays no part
// in how fast the canvas draws.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../support/test-browser';
import { serveDist } from './serve-dist';

// DIST points at another build (e.g. `vite build --outDir /tmp/x`) to compare two versions.
const dist = path.resolve(
  process.env.DIST ?? path.join(import.meta.dirname, '../../designer/dist'),
);
const lanes = Number(process.env.LANES ?? 20);
const perLane = Number(process.env.PER_LANE ?? 15);
const steps = Number(process.env.STEPS ?? 90);

const cycle = ['wait_until', 'notify', 'wait', 'task', 'update', 'escalation'] as const;
const title = { 'zh-CN': '提醒', en: 'Reminder' };

/** A start branch fanning out into lanes of mixed nodes, every lane ending at one end node. */
function generatedFlow() {
  const nodes: Record<string, unknown>[] = [];
  const edges: Record<string, unknown>[] = [];
  const cases = Array.from({ length: lanes - 1 }, (_, i) => ({
    when: `record.score >= ${(lanes - i) * 5}.0`,
    outcome: `lane_${i}`,
  }));
  nodes.push({ id: 'route', type: 'branch', cases });
  for (let lane = 0; lane < lanes; lane++) {
    for (let step = 0; step < perLane; step++) {
      const id = `n_${lane}_${step}`;
      const type = cycle[(lane + step) % cycle.length]!;
      const settings: Record<string, unknown> = {
        wait_until: { condition: 'record.first_contact_at != null', timeout: 'PT4H' },
        notify: { to: 'owner', channel: 'inapp', title },
        wait: { duration: 'PT1H' },
        task: { assignee: 'owner', due: 'P1D', title },
        update: { set: { stage: '"contacted"' } },
        escalation: {
          until: 'record.first_contact_at != null',
          levels: [{ after: 'PT4H', to: 'owner', channel: 'inapp', title }],
        },
      }[type];
      nodes.push({ id, type, ...settings });
      const next = step + 1 < perLane ? `n_${lane}_${step + 1}` : 'end';
      if (type === 'wait_until') {
        edges.push({ from: id, to: next, on: 'met' }, { from: id, to: next, on: 'timeout' });
      } else if (type === 'escalation') {
        edges.push({ from: id, to: next, on: 'resolved' }, { from: id, to: next, on: 'exhausted' });
      } else if (type === 'task') {
        edges.push({ from: id, to: next, on: 'done' }, { from: id, to: next, on: 'overdue' });
      } else edges.push({ from: id, to: next });
    }
    edges.push({
      from: 'route',
      to: `n_${lane}_0`,
      on: lane < lanes - 1 ? `lane_${lane}` : 'else',
    });
  }
  nodes.push({ id: 'end', type: 'end' });
  return {
    key: 'big',
    label: { 'zh-CN': '大流程', en: 'Big flow' },
    table: 'lead',
    trigger: { on: 'record.created' },
    start: 'route',
    nodes,
    edges,
  };
}

const definition = {
  formatVersion: 1,
  tables: [
    {
      key: 'lead',
      label: { 'zh-CN': '线索', en: 'Lead' },
      fields: [
        { key: 'name', type: 'text', label: { 'zh-CN': '姓名', en: 'Name' } },
        { key: 'score', type: 'number', label: { 'zh-CN': '评分', en: 'Score' } },
        { key: 'stage', type: 'text', label: { 'zh-CN': '阶段', en: 'Stage' } },
        {
          key: 'first_contact_at',
          type: 'datetime',
          label: { 'zh-CN': '首次联系', en: 'First contact' },
        },
      ],
    },
  ],
  flows: [generatedFlow()],
};

/** Starts collecting requestAnimationFrame intervals in the page. */
async function startFrames(page: Page): Promise<void> {
  // A string, not a function: tsx's name-keeping helper does not exist in the page.
  // Each phase's loop stops itself when a newer one starts: an older loop still waiting for its
  // next frame would otherwise add a second interval per frame to the new phase.
  await page.evaluate(`(() => {
    const frames = [];
    const run = (window.__run ?? 0) + 1;
    window.__run = run;
    window.__frames = frames;
    window.__stop = false;
    let last = performance.now();
    const tick = (now) => {
      if (window.__run !== run) return;
      frames.push(now - last);
      last = now;
      if (!window.__stop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })()`);
}

async function stopFrames(page: Page): Promise<number[]> {
  return page.evaluate<number[]>(`(() => {
    window.__stop = true;
    return window.__frames.slice(1);
  })()`);
}

function report(name: string, frames: number[], ms: number): void {
  const sorted = [...frames].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  // A frame longer than 1.5 intervals of 60 Hz means at least one refresh was missed.
  const dropped = frames.reduce((n, f) => n + Math.max(0, Math.round(f / 16.7) - 1), 0);
  console.log(
    `${name.padEnd(30)} frames ${String(frames.length).padStart(4)}  ` +
      `p50 ${at(0.5).toFixed(1)} ms  p95 ${at(0.95).toFixed(1)} ms  p99 ${at(0.99).toFixed(1)} ms  ` +
      `max ${sorted[sorted.length - 1]!.toFixed(1)} ms  dropped ${dropped}  fps ${((frames.length / ms) * 1000).toFixed(1)}`,
  );
}

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
      return route.fulfill({
        status: 404,
        json: { error: { code: 'NOT_FOUND', message: 'bench' } },
      });
    });
    const opened = performance.now();
    await page.goto(`${site.url}/#/flows/bench/big`);
    const count = definition.flows[0]!.nodes.length;
    await page.waitForFunction(
      `document.querySelectorAll('.react-flow__node').length >= ${Math.min(count, 50)}`,
      undefined,
      { timeout: 60_000 },
    );
    const loadMs = performance.now() - opened;
    const rendered = await page.locator('.react-flow__node').count();
    console.log(
      `flow: ${count} nodes, ${definition.flows[0]!.edges.length} edges; first paint with nodes after ${loadMs.toFixed(0)} ms (${rendered} node elements, fit to screen)`,
    );
    const pane = (await page.locator('.react-flow__pane').boundingBox())!;
    const cx = pane.x + pane.width / 2;
    const cy = pane.y + pane.height / 2;
    await page.mouse.move(cx, cy);
    await page.waitForTimeout(500);

    const phase = async (name: string, act: (i: number) => Promise<void>) => {
      await startFrames(page);
      const t = performance.now();
      for (let i = 0; i < steps; i++) {
        await act(i);
        await page.waitForTimeout(16);
      }
      await page.waitForTimeout(200);
      const frames = await stopFrames(page);
      report(name, frames, performance.now() - t);
    };

    await phase('pan, whole flow visible', async (i) => {
      if (i === 0) await page.mouse.down();
      await page.mouse.move(cx + Math.sin(i / 8) * 300, cy + Math.cos(i / 8) * 200);
      if (i === steps - 1) await page.mouse.up();
    });
    await phase('zoom in (wheel)', async () => {
      await page.mouse.wheel(0, -60);
    });
    await phase('pan, zoomed in', async (i) => {
      if (i === 0) await page.mouse.down();
      await page.mouse.move(cx + Math.sin(i / 8) * 400, cy + Math.cos(i / 8) * 250);
      if (i === steps - 1) await page.mouse.up();
    });
    await phase('zoom out (wheel)', async () => {
      await page.mouse.wheel(0, 60);
    });
  } finally {
    await browser.close();
    await site.close();
  }
}

await main();
