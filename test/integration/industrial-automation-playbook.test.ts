// PLAYBOOKS B end to end: the industrial-automation pack installed through the API runs on real
// PostgreSQL and the real Temporal server — behaviour events raise a lead to green and alert the
// supervisor once; 故障/停机/急 opens an urgent ticket for technical service; a quote with no reply
// reminds the rep; a closed deal splits its bonus by contribution points. Durations in seconds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlaybookHarness, until, type PlaybookHarness } from '../support/playbook-harness';

const space = 'automation';
const leads = `/api/spaces/${space}/tables/lead/records`;
/** The quote clocks shrunk from hours and days to seconds. */
const shrunk = {
  quote_reply_within: 'PT3S',
  care_first_after: 'PT2S',
  care_second_after: 'PT2S',
  urgent_response: 'PT1H',
  grade_within: 'PT1H',
};
const pdf = new TextEncoder().encode('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const png = Uint8Array.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
]);

describe('the industrial-automation playbook (PLAYBOOKS B)', () => {
  let h: PlaybookHarness;
  let users: Record<string, { id: string; email: string }>;

  const create = async (values: Record<string, unknown>) =>
    (await h.api.expect<any>(201, 'POST', leads, values)).record;
  const record = async (id: string) =>
    (await h.api.expect<any>(200, 'GET', `${leads}/${id}`)).record;
  const patch = async (id: string, values: Record<string, unknown>) => {
    const current = await record(id);
    return (
      await h.api.expect<any>(200, 'PATCH', `${leads}/${id}`, {
        version: current.version,
        ...values,
      })
    ).record;
  };
  const inbox = async (user: string, recordId: string) =>
    (
      (
        await h.api.expect<any>(
          200,
          'GET',
          `/api/spaces/${space}/notifications?user=${user}&limit=200`,
        )
      ).notifications as Array<{ title: string; body: string; recordId: string | null }>
    ).filter((n) => n.recordId === recordId);
  const timeline = async (id: string) =>
    (await h.api.expect<any>(200, 'GET', `${leads}/${id}/timeline`)).entries as Array<{
      kind: string;
      data: any;
    }>;
  const events = (body: unknown[]) =>
    h.api.expect<any>(200, 'POST', `/api/spaces/${space}/events`, { events: body });
  const upload = async (bytes: Uint8Array, name: string) => {
    const form = new FormData();
    form.append('file', new Blob([bytes]), name);
    const response = await h.app.request(`/api/spaces/${space}/files`, {
      method: 'POST',
      body: form,
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { file: { id: string } }).file.id;
  };

  beforeAll(async () => {
    h = await startPlaybookHarness();
    const result = await h.api.expect<any>(
      201,
      'POST',
      '/api/templates/industrial-automation/install',
      {
        space,
        params: shrunk,
      },
    );
    expect(result).toMatchObject({ version: 1, changed: true });
    users = Object.fromEntries(result.users.map((u: any) => [u.key, u]));
  });
  afterAll(async () => {
    await h?.close();
  });

  it('raises a lead to green on behaviour events and alerts the supervisor once, with the last three (B1)', async () => {
    const lead = await create({
      company: '苏州精工机械有限公司',
      phone: '0512 6666 8888',
      message: '想了解 PLC 改造方案',
      source: 'website',
    });
    expect(lead).toMatchObject({ score: 0, score_band: 'red' });
    const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
    const event = (type: string, minutesAgo: number, payload: object, key: string) => ({
      table: 'lead',
      recordId: lead.id,
      type,
      at: at(minutesAgo),
      payload,
      idempotencyKey: key,
    });
    // 2 minutes on the product page scores nothing; 4 minutes scores +2.
    const first = await events([
      event('page_dwell', 50, { page: 'product', seconds: 120 }, 'd1'),
      event('page_dwell', 40, { page: 'product', seconds: 240 }, 'd2'),
      event('download', 30, { asset: 'whitepaper' }, 'w1'),
    ]);
    expect(first.events.map((e: any) => [e.status, e.score, e.band])).toEqual([
      ['stored', 0, 'red'],
      ['stored', 2, 'red'],
      ['stored', 5, 'red'],
    ]);
    const second = await events([event('demo_booked', 20, {}, 'b1')]);
    expect(second.events[0]).toMatchObject({ score: 10, band: 'green' });
    expect(await record(lead.id)).toMatchObject({ score: 10, score_band: 'green' });
    // A repeated delivery and a further behaviour do not alert again.
    const third = await events([
      event('demo_booked', 20, {}, 'b1'),
      event('wechat_message', 10, { topic: 'tech_params' }, 'q1'),
    ]);
    expect(third.events.map((e: any) => e.status)).toEqual(['duplicate', 'stored']);
    expect(third.events[1]).toMatchObject({ score: 14, band: 'green' });

    const alerts = await until(
      () => inbox(users.supervisor!.id, lead.id),
      (n) => n.length >= 1,
      20_000,
      'the supervisor alert',
    );
    await new Promise((r) => setTimeout(r, 1_500));
    const settled = await inbox(users.supervisor!.id, lead.id);
    expect(settled).toHaveLength(1);
    expect(alerts[0]!.title).toBe('热线索：请立即跟进（附最近 3 条行为）');
    const behaviours = alerts[0]!.body.replace(/^最近行为：/, '').split('；');
    expect(behaviours.map((b) => b.replace(/（.*）$/, ''))).toEqual([
      '预约在线演示',
      '下载白皮书',
      '产品页停留',
    ]);
  });

  it('opens an urgent ticket for technical service when a message says 故障, 停机 or 急 (B2)', async () => {
    const urgent = await create({
      company: '无锡汇川装备有限公司',
      phone: '0510 8888 1234',
      message: '二号线伺服驱动器故障，整线停机，急！',
    });
    const calm = await create({
      company: '常州新材料科技有限公司',
      phone: '0519 8888 4321',
      message: '明年计划做产线改造，先了解一下',
    });
    expect(urgent.tags).toContain('紧急工单');
    expect(calm.tags ?? []).not.toContain('紧急工单');
    const tasks = await until(
      async () => (await h.api.expect<any>(200, 'GET', `${leads}/${urgent.id}/tasks`)).tasks,
      (t: any[]) => t.length >= 1,
      20_000,
      'the urgent ticket',
    );
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({
      assignee: 'role:tech_service',
      status: 'open',
      title: {
        'zh-CN': '紧急工单：无锡汇川装备有限公司',
        en: 'Urgent ticket: 无锡汇川装备有限公司',
      },
    });
    // Technical service hears of it in-app, once.
    const told = await until(
      () => inbox(users.engineer!.id, urgent.id),
      (n) => n.length >= 1,
      10_000,
      'the technical-service notification',
    );
    expect(told.map((n) => n.title)).toEqual(['紧急工单：无锡汇川装备有限公司']);
    const due = Date.parse(tasks[0].dueAt) - Date.parse(tasks[0].createdAt);
    expect(due).toBeGreaterThan(3_500_000);
    expect(due).toBeLessThanOrEqual(3_600_000);
    await until(
      () => timeline(calm.id),
      (e) => e.some((x) => x.kind === 'flow.completed'),
      20_000,
      'the calm lead passing the branch',
    );
    expect((await h.api.expect<any>(200, 'GET', `${leads}/${calm.id}/tasks`)).tasks).toEqual([]);
  });

  it('reminds the rep when a quote gets no reply in time, and not when the customer replied (B4)', async () => {
    const silent = await create({ company: '昆山精密模具有限公司', phone: '0512 5555 0001' });
    const answered = await create({ company: '嘉兴智能包装有限公司', phone: '0573 5555 0002' });
    const sentAt = new Date().toISOString();
    await patch(silent.id, { quote_sent_at: sentAt });
    await patch(answered.id, { quote_sent_at: sentAt });
    await patch(answered.id, { last_reply_at: new Date(Date.now() + 1_000).toISOString() });

    const reminders = await until(
      () => inbox(silent.owner, silent.id),
      (n) => n.some((x) => x.title.includes('报价后未回复')),
      20_000,
      'the quote reminder',
    );
    expect(reminders.filter((n) => n.title === '昆山精密模具有限公司 报价后未回复')).toHaveLength(
      1,
    );
    expect(reminders.find((n) => n.title.includes('报价后未回复'))!.body).toBe(
      '请查看异议处理话术包并联系客户。',
    );
    const quiet = await until(
      () => timeline(answered.id),
      (e) => e.some((x) => x.kind === 'flow.completed' && x.data.flow === 'quote_follow_up'),
      20_000,
      'the answered quote flow',
    );
    expect(quiet.some((e) => e.kind === 'notification.sent' && e.data.node === 'remind')).toBe(
      false,
    );
    expect(
      (await inbox(answered.owner, answered.id)).filter((n) => n.title.includes('报价后未回复')),
    ).toEqual([]);
    // The three-day care flow, shrunk: comparison sheet, then the case-study video.
    const care = await until(
      () => inbox(silent.owner, silent.id),
      (n) => n.some((x) => x.title.includes('案例视频')),
      20_000,
      'the care flow',
    );
    expect(care.filter((n) => n.title === '向 昆山精密模具有限公司 发送技术对比表')).toHaveLength(
      1,
    );
    expect(care.filter((n) => n.title === '向 昆山精密模具有限公司 发送案例视频')).toHaveLength(1);
  });

  it('splits a closed deal’s bonus by each person’s contribution points (B5)', async () => {
    const deal = await create({
      company: '宁波海天注塑设备有限公司',
      phone: '0574 8600 0000',
      source: 'referral',
      content_preference: ['plc', 'servo'],
    });
    const action = (type: string, actor: string, key: string) => ({
      table: 'lead',
      recordId: deal.id,
      type,
      at: new Date(Date.now() - 60_000).toISOString(),
      payload: { actor },
      idempotencyKey: key,
    });
    const rep = users.rep_1!.id;
    await events([
      action('lead_introduced', users.market!.id, 'c1'),
      action('needs_diagnosis', rep, 'c2'),
      action('demo', users.rep_2!.id, 'c3'),
      action('director_visit', users.director!.id, 'c4'),
      action('payment_push', rep, 'c5'),
    ]);
    // market 10, rep_1 15 + 30 = 45, rep_2 20, director 25: 100 points.
    const contribution = async () =>
      (
        await h.api.expect<any>(200, 'GET', `/api/spaces/${space}/metrics/contribution/values`)
      ).groups.filter((g: any) => g.key[0] === deal.id);
    const open = await contribution();
    expect(open.map((g: any) => [g.key[1], g.count, g.value, g.amount])).toEqual(
      [
        [users.director!.id, 25, 0.25, null],
        [users.market!.id, 10, 0.1, null],
        [rep, 45, 0.45, null],
        [users.rep_2!.id, 20, 0.2, null],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );

    // Through the four gated stages to the contract (B4), with a bonus of ¥8,888.88.
    await patch(deal.id, { stage: 'initial_contact' });
    await patch(deal.id, { stage: 'demo', demo_booked_at: new Date().toISOString() });
    const refused = await h.api.expect<any>(422, 'PATCH', `${leads}/${deal.id}`, {
      version: (await record(deal.id)).version,
      stage: 'quote',
    });
    expect(refused.error.details.missing.map((m: any) => m.field)).toEqual([
      'demo_screenshot',
      'customer_questions',
      'needs_second_demo',
    ]);
    await patch(deal.id, {
      stage: 'quote',
      demo_screenshot: [await upload(png, 'demo.png')],
      customer_questions: '伺服响应时间？PLC 品牌兼容？',
      needs_second_demo: false,
    });
    await patch(deal.id, {
      stage: 'contract',
      quote_sent_at: new Date().toISOString(),
      last_reply_at: new Date(Date.now() + 1_000).toISOString(),
      quote_document: [await upload(pdf, 'quote.pdf')],
      deal_bonus: 8888.88,
    });
    const closed = await contribution();
    const amount = new Map(closed.map((g: any) => [g.key[1], g.amount]));
    // 8888.88 × 0.45 = 3999.996, × 0.25 = 2222.22, × 0.2 = 1777.776, × 0.1 = 888.888: whole
    // cents 3999.99 + 2222.22 + 1777.77 + 888.88 = 8888.86; the two cents left go to the largest
    // remainders: market (.8), then rep_1 and rep_2 tie (.6) and rep_1 has more points.
    expect(amount.get(rep)).toBe(4000);
    expect(amount.get(users.rep_2!.id)).toBe(1777.77);
    expect(amount.get(users.director!.id)).toBe(2222.22);
    expect(amount.get(users.market!.id)).toBe(888.89);
    const cents = [...amount.values()].reduce((s: number, a: any) => s + Math.round(a * 100), 0);
    expect(cents).toBe(888_888);
  });
});
