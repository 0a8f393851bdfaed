// The rep's journey on a phone (375×812, zh-CN) against a real server, PostgreSQL and Temporal:
// the medical-device pack installed with shrunk durations, a lead handed over live, the rep
// accepts it, submits the follow-up card and sees the golden-4-hours escalation stop on the
// timeline; a stage move the gate refuses lists every missing item; an invalid verdict needs a
// preset reason and a note. Screenshots go to test-artifacts/rep-journey (gitignored).
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/test-browser';
import { designerDist, startTestServer } from '../support/test-server';

const artifacts = path.resolve(import.meta.dirname, '../../test-artifacts/rep-journey');
/** Long enough for the rep to act before level 1, short enough to see the countdown move. */
const params = {
  first_response: 'PT5M',
  supervisor_after: 'PT2M',
  director_after: 'PT2M',
  accept_within: 'PT10M',
};
const onePixelPng =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
/** What the handover contract needs from marketing before it is issued to the rep. */
const handedOver = {
  first_touch_summary: '设备科王主任来电，计划更新 DR',
  department: 'radiology',
  equipment_type: 'imaging',
  annual_purchase_band: '1m_5m',
  credibility: 'A',
};

describe('rep app on a phone', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let context: BrowserContext;
  let rep: { id: string; email: string; displayName: string };
  const repPassword = 'rep-password-2026';

  /** The API as the seeded platform admin (bearer token). */
  const api = <T = any>(method: string, route: string, body?: unknown) =>
    server.json<T>(method, route, body);
  const createLead = async (values: Record<string, unknown>, space = 'meddev') =>
    (
      await api<{ record: { id: string } }>('POST', `/api/spaces/${space}/tables/lead/records`, {
        province: '浙江',
        product_line: 'ortho',
        owner: rep.id,
        ...values,
      })
    ).record;
  const timelineKinds = async (id: string) =>
    (
      await api<{ entries: { kind: string }[] }>(
        'GET',
        `/api/spaces/meddev/tables/lead/records/${id}/timeline`,
      )
    ).entries.map((e) => e.kind);

  /** A phone-sized page of the rep app, signed in as the rep (the session cookie then stays). */
  const openAsRep = async (hash: string, space = 'meddev'): Promise<Page> => {
    const page = await context.newPage();
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto(`${server.url}/#/rep/${space}`);
    const signIn = page.locator('[data-testid="sign-in"], [data-testid="rep-login"]');
    const signedIn = page.locator('[data-testid="rep-me"]');
    await signIn.or(signedIn).first().waitFor({ timeout: 15_000 });
    if (await signIn.isVisible()) {
      await signIn.locator('input[name="email"]').fill(rep.email);
      await signIn.locator('input[name="password"]').fill(repPassword);
      await signIn.locator('button[type="submit"]').click();
      if (!page.url().includes('#/rep/')) await page.goto(`${server.url}/#/rep/${space}`);
    }
    expect(await signedIn.textContent({ timeout: 15_000 })).toBe(rep.displayName);
    await page.locator('[data-testid="rep-live"].ok').waitFor({ timeout: 15_000 });
    if (hash) await page.goto(`${server.url}/#/rep/${space}/${hash}`);
    return page;
  };

  beforeAll(async () => {
    if (!existsSync(path.join(designerDist, 'index.html'))) {
      throw new Error('designer/dist is missing: run `npm run build` first (npm test does)');
    }
    await mkdir(artifacts, { recursive: true });
    server = await startTestServer();
    browser = await launchBrowser();
    context = browser.context;
    const installed = await api<{ users: { key: string; id: string }[] }>(
      'POST',
      '/api/templates/medical-device/install',
      { space: 'meddev', params },
    );
    const id = installed.users.find((u) => u.key === 'rep_hz')!.id;
    rep = (await api<{ user: typeof rep }>('GET', `/api/users/${id}`)).user;
    // The rep signs in with a password the administrator set.
    await api('PUT', `/api/auth/users/${id}/password`, { password: repPassword });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows a live handover, the SLA countdown, and stops the escalation with the follow-up card', async () => {
    const page = await openAsRep('');
    await page.locator('.rep-leads').waitFor();

    // The lead arrives while the rep is looking: a toast, the badge and the list update live.
    const lead = await createLead({
      name: '王主任',
      phone: '138 0013 8000',
      organization: '浙江省人民医院',
      ...handedOver,
    });
    const toast = page.locator('[data-testid="rep-toast"]', { hasText: '请确认接收线索' });
    await toast.waitFor({ timeout: 20_000 });
    await page.locator('[data-testid="rep-badge"]').waitFor();
    const card = page.locator(`[data-testid="rep-lead"][data-id="${lead.id}"]`);
    await card.waitFor({ timeout: 20_000 });
    await expect.poll(() => card.getAttribute('class')).toContain('band-green');
    expect(await card.locator('[data-testid="rep-lead-handover"]').textContent()).toBe(
      '待确认移交',
    );
    expect(await card.locator('[data-testid="rep-countdown"]').textContent()).toMatch(/^\d+:\d\d$/);
    await page.screenshot({ path: path.join(artifacts, '1-my-leads.png'), fullPage: true });

    await card.click();
    await page.locator('[data-testid="rep-record-title"]', { hasText: '王主任' }).waitFor();
    const countdown = page.locator('[data-testid="rep-record"] [data-testid="rep-countdown"]');
    await countdown.waitFor();
    const first = await countdown.textContent();
    expect(first).toMatch(/^[45]:\d\d$/);
    expect(await page.locator('.rep-record-head [data-testid="rep-sla"]').textContent()).toContain(
      '距下一级升级',
    );
    await expect.poll(() => countdown.textContent(), { timeout: 5_000 }).not.toBe(first);
    // Frozen until the verdict: the follow-up card says so.
    expect(await page.locator('[data-testid="rep-followup"]').textContent()).toContain(
      '请先确认接收此线索',
    );
    await page.screenshot({ path: path.join(artifacts, '2-record-handover.png'), fullPage: true });

    await page.click('[data-testid="verdict-valid"]');
    await page
      .locator('[data-testid="rep-timeline"] li[data-kind="handover.verdict"]', {
        hasText: '有效',
      })
      .waitFor({ timeout: 20_000 });
    await page.locator('[data-testid="rep-handover"]').waitFor({ state: 'detached' });

    // The card: first what stops the escalation, then the pack's follow-up form.
    expect(
      await page.locator('[data-testid="rep-followup"] fieldset legend').allTextContents(),
    ).toEqual(['首次响应', '本次跟进', '下一步']);
    expect(await page.locator('[data-field="next_action_due"]').count()).toBe(0);
    await page.click('[data-testid="now-first_contact_at"]');
    await page.check('input[name="screening_done"]');
    await page.fill('input[name="touch_count"]', '1');
    await page.selectOption('select[name="pain_point"]', 'equipment_aging');
    await page.click('[data-testid="rep-followup-submit"]');
    // The form asks for the next action and the decision chain (two roles, the field's minimum).
    await page.locator('[data-testid="rep-followup-error"]').waitFor();
    expect(
      await page
        .locator('.rep-field.missing')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-field'))),
    ).toEqual(['decision_roles', 'next_action']);
    expect(await page.locator('[data-field="decision_roles"] small.error').textContent()).toBe(
      '至少选择 2 项',
    );
    await page.check('input[name="decision_roles.equipment_head"]');
    await page.check('input[name="decision_roles.president"]');
    await page.selectOption('select[name="next_action"]', 'book_demo');
    await page.locator('[data-field="next_action_due"]').waitFor();
    await page.click('[data-testid="rep-followup-submit"]');
    await expect
      .poll(() => page.locator('[data-testid="rep-followup-message"]').textContent())
      .toBe('已提交');

    const resolved = page.locator(
      '[data-testid="rep-timeline"] li[data-kind="escalation.resolved"]',
    );
    await resolved.waitFor({ timeout: 30_000 });
    expect(await resolved.textContent()).toContain('升级已停止');
    const kinds = await timelineKinds(lead.id);
    expect(kinds).toContain('escalation.resolved');
    expect(kinds).not.toContain('escalation.level');
    // The next deadline shown is now the second touch, no longer an escalation.
    await expect
      .poll(() => page.locator('.rep-record-head [data-testid="rep-sla"]').textContent(), {
        timeout: 10_000,
      })
      .toMatch(/^等待超时剩余\d+:\d\d:\d\d$/);
    expect(
      await page
        .locator('[data-testid="rep-fields"] [data-field="screening_done"] dd')
        .textContent(),
    ).toBe('是');
    await resolved.scrollIntoViewIfNeeded();
    await page.screenshot({
      path: path.join(artifacts, '3-escalation-stopped.png'),
      fullPage: true,
    });
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      375,
    );
    await page.close();
  });

  it('lists every item the gate finds missing when a stage move is refused, until the evidence is attached', async () => {
    // Without marketing's handover fields the handover waits, so the lead is not frozen. It sits
    // in the to-be-cleaned pool, where every intake lead lands first.
    const lead = await createLead({
      name: '李主任',
      phone: '13900001111',
      organization: '宁波市第一医院',
      stage: 'new',
    });
    const page = await openAsRep(`lead/${lead.id}`);
    await page.locator('[data-testid="rep-record-title"]', { hasText: '李主任' }).waitFor();
    const checklist = page.locator('[data-testid="rep-checklist"] li');
    await expect.poll(() => checklist.count()).toBe(2);
    expect(await page.locator('[data-testid="rep-move-stage"]').textContent()).toBe(
      '推进到「伦理委员会备案」',
    );

    await page.click('[data-testid="rep-move-stage"]');
    const missing = page.locator('[data-testid="rep-gate-missing"] li');
    await expect
      .poll(() => missing.allTextContents())
      .toEqual(['缺少伦理委员会备案 PDF 扫描件 (0/1)', '缺少医院红章照片 (0/1)']);
    expect(await page.locator('[data-testid="rep-checklist"] li.flagged').count()).toBe(2);
    const record = await api<{ record: { stage: string | null } }>(
      'GET',
      `/api/spaces/meddev/tables/lead/records/${lead.id}`,
    );
    expect(record.record.stage).toBe('new');

    // A later stage lists the rest of the evidence too.
    await page.click('[data-stage="nhc_registered"]');
    await page.click('[data-testid="rep-move-stage"]');
    await expect.poll(() => missing.count()).toBe(4);
    expect(await missing.allTextContents()).toContain('缺少卫健委备案号');
    await page.locator('[data-testid="rep-gate-missing"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(artifacts, '4-gate-refused.png'), fullPage: true });

    // The same answer in English.
    await page.click('[data-testid="toggle-locale"]');
    expect(await missing.allTextContents()).toContain('Health-commission filing number missing');
    expect(await page.locator('[data-testid="rep-move-stage"]').textContent()).toBe(
      'Move to “Health-commission filing”',
    );
    await page.click('[data-testid="toggle-locale"]');

    // The rep attaches the evidence from the phone; then the move goes through.
    await page.click('[data-stage="ethics_filed"]');
    await page.setInputFiles('input[name="upload-ethics_filing"]', {
      name: '伦理备案.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
    });
    const ok = page.locator('[data-testid="rep-checklist"] li[data-status="ok"]');
    await expect.poll(() => ok.count(), { timeout: 10_000 }).toBe(1);
    await page.setInputFiles('input[name="upload-hospital_seal_photo"]', {
      name: 'seal.png',
      mimeType: 'image/png',
      buffer: Buffer.from(onePixelPng, 'base64'),
    });
    await expect.poll(() => ok.count(), { timeout: 10_000 }).toBe(2);
    await page.click('[data-testid="rep-move-stage"]');
    await page
      .locator('.rep-stagebar li.current', { hasText: '伦理委员会备案' })
      .waitFor({ timeout: 10_000 });
    const moved = await api<{ record: { stage: string | null; ethics_filing: string[] } }>(
      'GET',
      `/api/spaces/meddev/tables/lead/records/${lead.id}`,
    );
    expect(moved.record.stage).toBe('ethics_filed');
    expect(moved.record.ethics_filing).toHaveLength(1);
    await page.close();
  });

  it('rejects a handover only with a preset reason and a note, and the lead leaves the rep', async () => {
    const lead = await createLead({
      name: '赵科长',
      phone: '13900002222',
      organization: '杭州第三医院',
      ...handedOver,
    });
    const page = await openAsRep(`lead/${lead.id}`);
    await page.locator('[data-testid="rep-handover"]').waitFor({ timeout: 20_000 });
    await page.click('[data-testid="verdict-invalid"]');
    expect(await page.locator('[data-testid="verdict-reason"] option').count()).toBe(13);
    await page.click('[data-testid="verdict-confirm-invalid"]');
    const error = page.locator('[data-testid="verdict-error"]');
    await error.waitFor();
    expect(await error.textContent()).toContain('判定无效时必须填写说明');

    await page.selectOption('[data-testid="verdict-reason"]', 'contact_left');
    await page.fill('[data-testid="verdict-note"]', '王主任已调往省立医院');
    await page.screenshot({
      path: path.join(artifacts, '5-handover-reject-form.png'),
      fullPage: true,
    });
    await page.click('[data-testid="verdict-confirm-invalid"]');
    // The flow returns the lead to the market pool: it leaves the rep's scope.
    await page.locator('[data-testid="rep-record-gone"]').waitFor({ timeout: 20_000 });
    await page.screenshot({
      path: path.join(artifacts, '6-handover-rejected.png'),
      fullPage: true,
    });
    const { entries } = await api<{ entries: { kind: string; data: Record<string, unknown> }[] }>(
      'GET',
      `/api/spaces/meddev/tables/lead/records/${lead.id}/timeline`,
    );
    expect(entries.find((e) => e.kind === 'handover.verdict')?.data).toMatchObject({
      verdict: 'invalid',
      reason: 'contact_left',
      note: '王主任已调往省立医院',
      by: rep.id,
    });
    await page.close();
  });

  it('shows the ladder climbing: toasts, escalation levels on the timeline, the band turning red', async () => {
    // The same pack in a second space with a ladder of seconds.
    await api('POST', '/api/templates/medical-device/install', {
      space: 'meddev_fast',
      params: { first_response: 'PT4S', supervisor_after: 'PT4S', director_after: 'PT1H' },
    });
    const page = await openAsRep('', 'meddev_fast');
    await page.locator('.rep-leads').waitFor();
    const lead = await createLead(
      { name: '孙院长', phone: '13900003333', organization: '温州医科大学附属第一医院' },
      'meddev_fast',
    );
    const card = page.locator(`[data-testid="rep-lead"][data-id="${lead.id}"]`);
    await card.waitFor({ timeout: 20_000 });
    await page
      .locator('[data-testid="rep-toast"]', { hasText: '首呼超时' })
      .waitFor({ timeout: 20_000 });
    await card.click();
    const levels = page.locator('[data-testid="rep-timeline"] li[data-kind="escalation.level"]');
    await expect.poll(() => levels.count(), { timeout: 20_000 }).toBe(2);
    expect(await levels.allTextContents()).toEqual([
      expect.stringContaining('升级到第 2 级，通知负责人的上级'),
      expect.stringContaining('升级到第 1 级，通知负责人'),
    ]);
    const sla = page.locator('.rep-record-head [data-testid="rep-sla"]');
    await expect.poll(() => sla.getAttribute('data-band'), { timeout: 10_000 }).toBe('red');
    expect(await sla.textContent()).toContain('已升级 L2');
    await page.screenshot({ path: path.join(artifacts, '7-escalated.png'), fullPage: true });
    await page.close();
  });

  it('asks marketing for more information: the task appears, completing it hands the lead over again', async () => {
    const lead = await createLead({
      name: '钱主任',
      phone: '13900004444',
      organization: '宁波市第一医院',
      ...handedOver,
    });
    const page = await openAsRep(`lead/${lead.id}`);
    await page.locator('[data-testid="rep-handover"]').waitFor({ timeout: 20_000 });
    await page.click('[data-testid="verdict-needs-info"]');
    const task = page.locator('[data-testid="rep-task"]');
    await task.waitFor({ timeout: 20_000 });
    expect(await task.textContent()).toContain('销售要求补充线索信息：钱主任');
    await page.screenshot({ path: path.join(artifacts, '8-task.png'), fullPage: true });

    await task.locator('button').click();
    await expect.poll(() => task.textContent(), { timeout: 10_000 }).toContain('已完成');
    const issued = page.locator('[data-testid="rep-timeline"] li[data-kind="handover.issued"]');
    await expect.poll(() => issued.count(), { timeout: 20_000 }).toBe(2);
    await page.locator('[data-testid="rep-handover"] [data-testid="verdict-valid"]').waitFor();
    await page.close();
  });
});
