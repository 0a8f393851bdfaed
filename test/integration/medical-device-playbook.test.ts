// PLAYBOOKS A end to end: the medical-device pack installed through the API runs on real PostgreSQL
// and the real Temporal server — 200 leads from five signed channels tagged, deduped and assigned
// within capacity; the golden-4-hours ladder; a handover nobody accepts; the ethics-filing gate;
// the daily LAI against a hand computation and its first-aid kit. Durations are shrunk to seconds.
import { createApiToken } from '../../platform/auth/api-token-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deliverSigned,
  startPlaybookHarness,
  until,
  type PlaybookHarness,
} from '../support/playbook-harness';

const install = '/api/templates/medical-device/install';
const leadsOf = (space: string) => `/api/spaces/${space}/tables/lead/records`;
/** The escalation and handover clocks, shrunk from hours to seconds. */
const shrunk = {
  first_response: 'PT3S',
  supervisor_after: 'PT2S',
  director_after: 'PT2S',
  accept_within: 'PT4S',
  info_within: 'PT1M',
  second_touch_within: 'PT10M',
  capacity: 8,
  lai_target: 75,
};
/** How each channel signs and shapes its deliveries (as the pack's intake sources declare). */
const channels = {
  web_form: { header: 'x-baton-signature', timestamped: true },
  wecom: { header: 'x-wecom-signature', timestamped: true },
  douyin: { header: 'x-douyin-signature', timestamped: false },
  sms: { header: 'x-sms-signature', timestamped: true },
  offline_qr: { header: 'x-baton-signature', timestamped: true },
} as const;
type Channel = keyof typeof channels;
const channelTag: Record<Channel, string> = {
  web_form: '官网H5表单',
  wecom: '企业微信',
  douyin: '抖音-骨科器械广告',
  sms: '短信网关',
  offline_qr: '展会扫码',
};

interface Lead {
  readonly name: string;
  readonly phone: string;
  readonly hospital: string;
  readonly message: string;
  readonly province: string;
  readonly product_line: string;
}

/** The payload each channel's sender would post for a lead. */
function payloadFor(channel: Channel, lead: Lead, variant = 0): unknown {
  // Senders spell the same mobile differently; normalization makes them one.
  const phone = variant === 0 ? lead.phone : `+86 ${lead.phone.slice(0, 3)}-${lead.phone.slice(3)}`;
  const region = { province: lead.province, city: '', product_line: lead.product_line };
  switch (channel) {
    case 'web_form':
      return {
        name: lead.name,
        mobile: phone,
        hospital: lead.hospital,
        message: lead.message,
        ...region,
      };
    case 'wecom':
      return {
        contact: { name: lead.name, mobile: phone, corp_name: lead.hospital, ...region },
        content: lead.message,
      };
    case 'douyin':
      return {
        user: { nickname: lead.name, phone },
        form: { hospital: lead.hospital, remark: lead.message, ...region },
      };
    case 'sms':
      return {
        sender_name: lead.name,
        from: phone,
        org: lead.hospital,
        text: lead.message,
        ...region,
      };
    case 'offline_qr':
      return { name: lead.name, phone, hospital: lead.hospital, note: lead.message, ...region };
  }
}

const pdf = new TextEncoder().encode('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const png = Uint8Array.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
]);

describe('the medical-device playbook (PLAYBOOKS A)', () => {
  let h: PlaybookHarness;
  let users: Record<string, { id: string; email: string }>;
  const secrets: Record<string, Record<string, string>> = {};

  async function installInto(space: string, params: Record<string, unknown>) {
    const result = await h.api.expect<any>(201, 'POST', install, { space, params });
    expect(result).toMatchObject({ version: 1, changed: true });
    secrets[space] = {};
    for (const channel of Object.keys(channels)) {
      const rotated = await h.api.expect<any>(
        201,
        'POST',
        `/api/spaces/${space}/intake/${channel}/secret`,
      );
      secrets[space]![channel] = rotated.secret;
    }
    return Object.fromEntries(result.users.map((u: any) => [u.key, u]));
  }
  const deliver = (space: string, channel: Channel, payload: unknown) =>
    deliverSigned(
      h.app,
      `/api/spaces/${space}/intake/${channel}`,
      secrets[space]![channel]!,
      payload,
      channels[channel],
    );
  const record = async (space: string, id: string) =>
    (await h.api.expect<any>(200, 'GET', `${leadsOf(space)}/${id}`)).record;
  const patch = async (space: string, id: string, values: Record<string, unknown>) => {
    const current = await record(space, id);
    return (
      await h.api.expect<any>(200, 'PATCH', `${leadsOf(space)}/${id}`, {
        version: current.version,
        ...values,
      })
    ).record;
  };
  const timeline = async (space: string, id: string) =>
    (await h.api.expect<any>(200, 'GET', `${leadsOf(space)}/${id}/timeline`)).entries as Array<{
      kind: string;
      data: any;
      at: string;
    }>;
  const inbox = async (space: string, user: string) =>
    (
      await h.api.expect<any>(
        200,
        'GET',
        `/api/spaces/${space}/notifications?user=${user}&limit=200`,
      )
    ).notifications as Array<{
      title: string;
      body: string;
      recordId: string | null;
      status: string;
    }>;
  const upload = async (space: string, bytes: Uint8Array, name: string) => {
    const form = new FormData();
    form.append('file', new Blob([bytes]), name);
    const response = await h.app.request(`/api/spaces/${space}/files`, {
      method: 'POST',
      body: form,
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { file: { id: string } }).file.id;
  };
  /** The sender's half of the handover contract (A3), filled in by market. */
  const handoverTerms = {
    first_touch_summary: '展会上了解过骨科器械，想要型号对比表',
    department: 'orthopaedics',
    equipment_type: 'ortho_instruments',
    annual_purchase_band: '1m_5m',
    credibility: 'B',
  };

  beforeAll(async () => {
    h = await startPlaybookHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  describe('intake hub (A1): 200 leads from five channels', () => {
    const capacity = 15;
    const provinces = ['浙江', '江苏', '上海', '北京'];
    const lines = ['ortho', 'neuro', 'rehab'];
    const hospitals = ['浙江省人民医院', '宁波市第一医院', '浙江大学医学院附属第一医院'];
    const order = Object.keys(channels) as Channel[];
    const unique: Array<Lead & { channel: Channel }> = Array.from({ length: 160 }, (_, i) => ({
      channel: order[i % 5]!,
      name: `客户${i}`,
      phone: `139${String(10_000_000 + i * 7919).slice(0, 8)}`,
      // Every fourth lead is a listed tertiary hospital, the rest are numbered county hospitals.
      hospital: i % 4 === 0 ? `${hospitals[i % 3]}` : `第${i}县人民医院`,
      message: i % 3 === 0 ? '科室计划采购一台 DR' : '想了解骨科器械',
      province: provinces[i % 4]!,
      product_line: lines[Math.floor(i / 4) % 3]!,
    }));
    // 40 come back through another channel, their phone spelled another way.
    const returning = unique
      .filter((_, i) => i % 4 === 1)
      .map((lead, j) => ({ ...lead, channel: order[(j + 2) % 5]! }));
    const answers = new Map<number, any>();
    const again: any[] = [];

    it('installs the pack with its channels and takes every signed delivery', async () => {
      users = await installInto('hub', { capacity });
      for (let i = 0; i < unique.length; i += 8) {
        const batch = unique.slice(i, i + 8);
        const delivered = await Promise.all(
          batch.map((lead) => deliver('hub', lead.channel, payloadFor(lead.channel, lead))),
        );
        delivered.forEach((d, j) => {
          expect(d.status, JSON.stringify(d.body)).toBe(201);
          answers.set(i + j, d.body);
        });
      }
      for (let i = 0; i < returning.length; i += 8) {
        const delivered = await Promise.all(
          returning
            .slice(i, i + 8)
            .map((lead) => deliver('hub', lead.channel, payloadFor(lead.channel, lead, 1))),
        );
        for (const d of delivered) {
          expect(d.status, JSON.stringify(d.body)).toBe(201);
          again.push(d.body);
        }
      }
      expect(answers.size + again.length).toBe(200);
      const listed = await h.api.expect<any>(200, 'GET', `${leadsOf('hub')}?limit=500`);
      expect(listed.records).toHaveLength(200);
      expect(listed.records.every((r: any) => r.stage === 'new')).toBe(true);
    });

    it('tags every lead by channel, keyword and hospital list', async () => {
      unique.forEach((lead, i) => {
        const tags: string[] = answers.get(i).tags;
        expect(tags).toContain(channelTag[lead.channel]);
        expect(tags.includes('影像设备')).toBe(lead.message.includes('DR'));
        expect(tags.includes('公立三级')).toBe(hospitals.includes(lead.hospital));
      });
      returning.forEach((lead, j) => {
        expect(again[j].tags).toEqual(
          expect.arrayContaining(['复访线索', channelTag[lead.channel]]),
        );
      });
    });

    it('links each returning lead to the first one and routes it to the same owner', async () => {
      const firstOf = new Map(unique.map((lead, i) => [lead.phone, answers.get(i)]));
      for (const [i] of unique.entries()) expect(answers.get(i).dedupe).toBe('unique');
      returning.forEach((lead, j) => {
        const original = firstOf.get(lead.phone);
        expect(again[j]).toMatchObject({
          dedupe: 'returning',
          original: original.recordId,
          owner: original.owner,
        });
      });
    });

    it('assigns by province and product line, never past capacity, and pools the rest', async () => {
      const reps = await Promise.all(
        ['rep_hz', 'rep_nb', 'rep_nj', 'rep_sz', 'rep_sh1', 'rep_sh2'].map(
          async (key) => (await h.api.expect<any>(200, 'GET', `/api/users/${users[key]!.id}`)).user,
        ),
      );
      const fits = (rep: any, lead: Lead) =>
        rep.province === lead.province && rep.productLines.includes(lead.product_line);
      const assigned = new Map<string, number>();
      unique.forEach((lead, i) => {
        const { owner, pool } = answers.get(i);
        if (owner === null) {
          expect(pool).toBe('market');
          return;
        }
        const rep = reps.find((r) => r.id === owner);
        expect(rep && fits(rep, lead), `${lead.name} → ${owner}`).toBe(true);
        assigned.set(owner, (assigned.get(owner) ?? 0) + 1);
      });
      for (const rep of reps) expect(assigned.get(rep.id) ?? 0).toBeLessThanOrEqual(capacity);
      // A lead was pooled only while every rep who fits it held `capacity` open leads.
      const open = await h.api.expect<any>(200, 'GET', `${leadsOf('hub')}?limit=500`);
      const held = (id: string) => open.records.filter((r: any) => r.owner === id).length;
      unique.forEach((lead, i) => {
        if (answers.get(i).owner !== null) return;
        for (const rep of reps.filter((r) => fits(r, lead)))
          expect(
            held(rep.id),
            `${lead.name} pooled while ${rep.displayName} had room`,
          ).toBeGreaterThanOrEqual(capacity);
      });
      const pooled = unique.filter((_, i) => answers.get(i).owner === null).length;
      expect(pooled).toBeGreaterThan(40); // 北京 has no rep, and 浙江/江苏/上海 outgrow 15 each
      expect([...assigned.values()].reduce((s, n) => s + n, 0) + pooled).toBe(160);
    });
    it('starts both flows for every lead: the handover waits for marketing’s terms (A3)', async () => {
      const db = h.target.database.db;
      const space = await h.api.expect<any>(200, 'GET', '/api/spaces/hub');
      const waiting = await until(
        async () => {
          const undelivered = await db
            .selectFrom('platform.outbox')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('delivered_at', 'is', null)
            .executeTakeFirstOrThrow();
          const blocked = await db
            .selectFrom('platform.timeline')
            .select((eb) => eb.fn.count<number>('subject').distinct().as('n'))
            .where('space_id', '=', space.space.id)
            .where('kind', '=', 'handover.blocked')
            .executeTakeFirstOrThrow();
          return { undelivered: Number(undelivered.n), blocked: Number(blocked.n) };
        },
        (n) => n.undelivered === 0 && n.blocked === 200,
        120_000,
        'every handover waiting',
      );
      expect(waiting).toEqual({ undelivered: 0, blocked: 200 });
    });
  });

  describe('SLA, handover, gates and LAI with durations in seconds', () => {
    const zj = { province: '浙江', product_line: 'ortho' };
    let ladderLead: string;
    let owner: string;

    it('installs the pack with shrunk clocks', async () => {
      users = await installInto('meddev', shrunk);
      const robot = `${h.robot.url}/robot/send?access_token=meddev`;
      for (const key of ['sup_zj', 'sup_js_sh'])
        await h.api.expect(200, 'PATCH', `/api/users/${users[key]!.id}`, {
          attributes: { webhook_url: robot },
        });
    });

    it('escalates an untouched lead rep → supervisor → director, each once and in order (A4)', async () => {
      const answer = await deliver('meddev', 'web_form', {
        name: '周主任',
        mobile: '13700001111',
        hospital: '浙江省人民医院',
        message: '骨科想更新手术器械',
        ...zj,
      });
      expect(answer.status).toBe(201);
      ladderLead = answer.body.recordId;
      owner = answer.body.owner;
      expect([users.rep_hz!.id, users.rep_nb!.id]).toContain(owner);
      const entries = await until(
        () => timeline('meddev', ladderLead),
        (e) =>
          e.filter((x) => x.kind === 'escalation.level').length === 3 &&
          e.filter((x) => x.kind === 'notification.sent' && x.data.node === 'ladder').length === 3,
        60_000,
        'three escalation levels',
      );
      const levels = entries.filter((e) => e.kind === 'escalation.level');
      expect(levels.map((e) => [e.data.level, e.data.to, e.data.channel])).toEqual([
        [1, 'owner', 'inapp'],
        [2, 'owner.manager', 'webhook'],
        [3, 'owner.manager.manager', 'email'],
      ]);
      const at = levels.map((e) => Date.parse(e.at));
      expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(1_800);
      expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(1_800);

      const repInbox = (await inbox('meddev', owner)).filter((n) => n.recordId === ladderLead);
      expect(repInbox.filter((n) => n.title === '首呼超时')).toHaveLength(1);
      expect(repInbox.find((n) => n.title === '首呼超时')!.body).toContain(
        '周主任（浙江省人民医院）',
      );
      const supervisorMessages = h.robot.requests.filter((r) => r.text.includes('周主任'));
      expect(supervisorMessages).toHaveLength(1);
      expect(supervisorMessages[0]!.text).toContain('销售未首呼新线索');
      const director = await until(
        async () => h.smtp.messages.filter((m) => (m.text ?? '').includes('周主任')),
        (m) => m.length >= 1,
        10_000,
        'the director e-mail',
      );
      expect(director).toHaveLength(1);
      expect(director[0]!.to).toEqual([users.director!.email]);
      expect(director[0]!.subject).toContain('线索无人跟进');
    });

    it('returns a handover nobody accepts in time to the market pool (A3)', async () => {
      const answer = await deliver('meddev', 'offline_qr', {
        name: '钱护士长',
        phone: '13700002222',
        hospital: '宁波市第一医院',
        note: '康复科想看下肢康复设备',
        ...zj,
      });
      const id = answer.body.recordId;
      const assignedTo = answer.body.owner;
      expect(assignedTo).not.toBeNull();
      const blocked = await until(
        () => timeline('meddev', id),
        (e) => e.some((x) => x.kind === 'handover.blocked'),
        15_000,
        'handover waiting for the sender',
      );
      expect(blocked.find((e) => e.kind === 'handover.blocked')!.data.missing).toEqual(
        expect.arrayContaining(['first_touch_summary', 'equipment_type']),
      );
      await patch('meddev', id, handoverTerms);
      const entries = await until(
        () => timeline('meddev', id),
        (e) => e.some((x) => x.kind === 'handover.timeout'),
        20_000,
        'the handover deadline',
      );
      const kinds = entries.map((e) => e.kind);
      expect(kinds.indexOf('handover.issued')).toBeLessThan(kinds.indexOf('handover.timeout'));
      expect(entries.find((e) => e.kind === 'handover.timeout')!.data).toMatchObject({
        returnedTo: 'pool:market',
      });
      const back = await until(
        () => record('meddev', id),
        (r) => r.owner === null,
        10_000,
        'the lead back in the pool',
      );
      expect(back.owner).toBeNull();
      const history = (await h.api.expect<any>(200, 'GET', `${leadsOf('meddev')}/${id}/history`))
        .entries;
      expect(history.filter((e: any) => e.field === 'owner').at(-1)).toMatchObject({
        before: assignedTo,
        after: null,
        source: 'flow',
      });
    });

    let gateLead: string;

    it('refuses a milestone without the ethics-filing PDF and names what is missing (A5)', async () => {
      const answer = await deliver('meddev', 'wecom', {
        contact: {
          name: '孙院长',
          mobile: '13700003333',
          corp_name: '浙江大学医学院附属第一医院',
          ...zj,
        },
        content: '伦理委员会下周开会',
      });
      gateLead = answer.body.recordId;
      await patch('meddev', gateLead, {
        ...handoverTerms,
        first_contact_at: new Date().toISOString(),
        screening_done: true,
      });
      await until(
        () => timeline('meddev', gateLead),
        (e) => e.some((x) => x.kind === 'handover.issued'),
        15_000,
        'the handover',
      );
      await h.api.expect(202, 'POST', `${leadsOf('meddev')}/${gateLead}/handover`, {
        flow: 'handover_contract',
        verdict: 'valid',
      });
      await until(
        () => timeline('meddev', gateLead),
        (e) => e.some((x) => x.kind === 'handover.verdict'),
        15_000,
        'the verdict',
      );
      const seal = await upload('meddev', png, '医院红章.png');
      const current = await until(
        () => record('meddev', gateLead),
        (r) => r.stage === 'new',
        5_000,
      );
      const refused = await h.api.expect<any>(422, 'PATCH', `${leadsOf('meddev')}/${gateLead}`, {
        version: current.version,
        stage: 'ethics_filed',
        hospital_seal_photo: [seal],
      });
      expect(refused.error.code).toBe('GATE_BLOCKED');
      expect(refused.error.details.missing.map((m: any) => [m.field, m.message])).toEqual([
        [
          'ethics_filing',
          { 'zh-CN': '缺少伦理委员会备案 PDF 扫描件', en: 'Ethics filing PDF scan missing' },
        ],
      ]);
      expect((await record('meddev', gateLead)).stage).toBe('new');

      const filing = await upload('meddev', pdf, '伦理委员会备案.pdf');
      const moved = await patch('meddev', gateLead, {
        stage: 'ethics_filed',
        hospital_seal_photo: [seal],
        ethics_filing: [filing],
      });
      expect(moved.stage).toBe('ethics_filed');
    });

    it('computes the daily LAI as a hand computation does and pushes the first-aid kit below 75 (A6)', async () => {
      // 上海 neuro leads go to 吴婷 alone, 江苏 rehab leads to 赵芳 alone.
      const sh = { province: '上海', product_line: 'neuro' };
      const js = { province: '江苏', product_line: 'rehab' };
      const lead = async (name: string, mobile: string, region: object) => {
        const answer = await deliver('meddev', 'web_form', {
          name,
          mobile,
          hospital: `${name}所在医院`,
          message: '随访',
          ...region,
        });
        expect(answer.status).toBe(201);
        // First call and screening recorded, so the ladder stays quiet.
        await patch('meddev', answer.body.recordId, {
          first_contact_at: new Date().toISOString(),
          screening_done: true,
        });
        return answer.body as { recordId: string; owner: string };
      };
      const wu = [
        await lead('沪一', '13800000001', sh),
        await lead('沪二', '13800000002', sh),
        await lead('沪三', '13800000003', sh),
        await lead('沪四', '13800000004', sh),
      ];
      const zhao = [await lead('苏一', '13800000005', js), await lead('苏二', '13800000006', js)];
      expect(new Set(wu.map((l) => l.owner))).toEqual(new Set([users.rep_sh2!.id]));
      expect(new Set(zhao.map((l) => l.owner))).toEqual(new Set([users.rep_sz!.id]));

      const now = Date.now();
      const ago = (days: number) => new Date(now - days * 86_400_000 - 60_000).toISOString();
      const followUp = (l: { recordId: string }, at: string, role: string, key: string) => ({
        table: 'lead',
        recordId: l.recordId,
        type: 'follow_up',
        at,
        payload: {
          role,
          actor: l === zhao[0] || l === zhao[1] ? users.rep_sz!.id : users.rep_sh2!.id,
        },
        idempotencyKey: key,
      });
      const events = [
        // 沪一: three follow-ups within 30 days, two roles → dense and covered.
        followUp(wu[0]!, ago(1), 'equipment_head', 'w0a'),
        followUp(wu[0]!, ago(5), 'finance_head', 'w0b'),
        followUp(wu[0]!, ago(12), 'equipment_head', 'w0c'),
        // 沪二: three follow-ups but one 40 days ago, one role → neither.
        followUp(wu[1]!, ago(2), 'equipment_head', 'w1a'),
        followUp(wu[1]!, ago(3), 'equipment_head', 'w1b'),
        followUp(wu[1]!, ago(40), 'equipment_head', 'w1c'),
        // 沪三: one follow-up; 沪四: none.
        followUp(wu[2]!, ago(1), 'clinical_head', 'w2a'),
        // 苏一 and 苏二: three follow-ups each reaching two roles.
        ...zhao.flatMap((l, i) => [
          followUp(l, ago(1), 'equipment_head', `z${i}a`),
          followUp(l, ago(2), 'finance_head', `z${i}b`),
          followUp(l, ago(3), 'president', `z${i}c`),
        ]),
      ];
      const stored = await h.api.expect<any>(200, 'POST', '/api/spaces/meddev/events', { events });
      expect(stored.events.every((e: any) => e.status === 'stored')).toBe(true);

      const { snapshots } = await h.api.expect<any>(
        200,
        'POST',
        '/api/spaces/meddev/metrics/lai/recompute',
      );
      const [lai] = snapshots;
      // Every lead was written today: freshness 1. The three 浙江 leads above have no follow-ups.
      // dense: 沪一, 苏一, 苏二 = 3 of 9; covered: the same three = 3 of 9.
      const hand = 100 * (0.4 * 1 + 0.35 * (3 / 9) + 0.25 * (3 / 9));
      expect(lai).toMatchObject({ metric: 'lai', leads: 9, freshness: 1 });
      expect(lai.actionDensity).toBeCloseTo(3 / 9, 10);
      expect(lai.roleCoverage).toBeCloseTo(3 / 9, 10);
      expect(lai.lai).toBeCloseTo(hand, 10);
      expect(hand).toBeCloseTo(60, 10);

      const perOwner = await h.api.expect<any>(
        200,
        'GET',
        '/api/spaces/meddev/metrics/lai/values?groupBy=owner',
      );
      const byOwner = new Map(perOwner.groups.map((g: any) => [g.key[0], g.value]));
      // 吴婷: 4 leads, fresh 4, dense 1 (沪一), covered 1 (沪一) → 40 + 8.75 + 6.25 = 55.
      expect(byOwner.get(users.rep_sh2!.id)).toBeCloseTo(55, 10);
      expect(byOwner.get(users.rep_sz!.id)).toBeCloseTo(100, 10);
      // A rep reads only their own leads: the snapshot shows them their own LAI and nobody else's.
      const { token } = await createApiToken(h.target.database.db, {
        name: 'rep-lai',
        userId: users.rep_sh2!.id,
        spaceId: null,
        expiresAt: null,
      });
      const asRep = await h.app.request('/api/spaces/meddev/metrics/lai/values?groupBy=owner', {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(asRep.status).toBe(200);
      const repView = (await asRep.json()) as { value: number; groups: Array<{ key: string[] }> };
      expect(repView.groups.map((g) => g.key[0])).toEqual([users.rep_sh2!.id]);
      expect(repView.value).toBeCloseTo(55, 10);

      // The kit goes to 吴婷 (55 < 75), not to 赵芳 (100).
      const kits = lai.firstAid as Array<{ owner: string; lai: number; suggestions: any[] }>;
      const wuKit = kits.find((k) => k.owner === users.rep_sh2!.id)!;
      expect(wuKit.lai).toBeCloseTo(55, 10);
      expect(kits.some((k) => k.owner === users.rep_sz!.id)).toBe(false);
      expect(wuKit.suggestions.map((s) => s.kind)).toEqual(['sparse', 'roles', 'focus']);
      expect(wuKit.suggestions[0].leadIds).toEqual(wu.slice(1).map((l) => l.recordId));
      expect(wuKit.suggestions[2].leadIds).toEqual([wu[3]!.recordId]);

      const received = (await inbox('meddev', users.rep_sh2!.id)).filter((n) =>
        n.title.startsWith('线索急救包'),
      );
      expect(received).toHaveLength(1);
      expect(received[0]!.title).toBe('线索急救包：线索活性指数 55.0，低于目标 75');
      const lines = received[0]!.body.split('\n');
      expect(lines).toHaveLength(3);
      expect(lines[0]).toBe('1. 3 条线索近 30 天有效跟进不足 3 次，请补足跟进：沪二、沪三、沪四');
      expect(lines[1]).toContain('2. 3 条线索接触的决策链角色不足 2 个');
      expect(lines[2]).toContain('3. 优先跟进「沪四」');
      expect(
        (await inbox('meddev', users.rep_sz!.id)).filter((n) => n.title.startsWith('线索急救包')),
      ).toHaveLength(0);

      // Recomputing the same day sends nothing new.
      const again = await h.api.expect<any>(
        200,
        'POST',
        '/api/spaces/meddev/metrics/lai/recompute',
      );
      expect(again.snapshots[0].lai).toBeCloseTo(hand, 10);
      expect(
        (await inbox('meddev', users.rep_sh2!.id)).filter((n) => n.title.startsWith('线索急救包')),
      ).toHaveLength(1);
    });
  });
});
