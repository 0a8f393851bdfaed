// Demo mode on real PostgreSQL and a real Temporal worker: the medical-device pack installed with
// demo data has leads in every stage with their evidence, owned by the pack's reps, first-response
// escalations running for the leads nobody has called, and a second install adds nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planDemoLeads } from '../../platform/templates/demo-data-plan';
import { startTestServer, type TestServer } from '../support/test-server';

describe('demo data', () => {
  let server: TestServer;
  let installed: any;

  const api = <T = any>(method: string, route: string, body?: unknown) =>
    server.json<T>(method, route, body);
  const allLeads = async () => {
    const leads: any[] = [];
    let cursor: string | undefined;
    do {
      const page = await api(
        'GET',
        `/api/spaces/demo/tables/lead/records?limit=200${cursor ? `&cursor=${cursor}` : ''}`,
      );
      leads.push(...page.records);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return leads;
  };

  beforeAll(async () => {
    server = await startTestServer();
    installed = await api('POST', '/api/templates/medical-device/install', {
      space: 'demo',
      demo: true,
    });
  });
  afterAll(() => server?.close());

  it('fills every stage of the lead table through the normal pipeline', async () => {
    const { definition } = await api('GET', '/api/spaces/demo/definition');
    const stages: string[] = definition.tables[0].stages.map((s: any) => s.key);
    expect(installed.demo.created).toBeGreaterThanOrEqual(stages.length * 4);
    for (const stage of stages) expect(installed.demo.byStage[stage]).toBeGreaterThanOrEqual(4);

    const leads = await allLeads();
    expect(leads).toHaveLength(installed.demo.created);
    // Rules ran: phones normalized, tags from channel and hospital lists, reps assigned.
    expect(leads.every((l) => /^\+86139\d{8}$/.test(l.phone))).toBe(true);
    expect(leads.some((l) => l.tags?.includes('公立三级'))).toBe(true);
    const reps = new Set(
      installed.users.filter((u: any) => u.roles.includes('rep')).map((u: any) => u.id),
    );
    const owned = leads.filter((l) => reps.has(l.owner));
    expect(owned.length).toBeGreaterThan(leads.length / 2);
    expect(new Set(owned.map((l) => l.owner)).size).toBeGreaterThanOrEqual(4);
    // Every lead in the last stage carries the evidence its gates ask for.
    const paid = leads.filter((l) => l.stage === stages.at(-1));
    for (const lead of paid) {
      expect(lead.contract_scan).toHaveLength(1);
      expect(lead.payment_receipt).toHaveLength(1);
      expect(lead.contract_amount).toBeGreaterThan(0);
    }
    const [file] = paid[0].contract_scan;
    const scan = await server.fetch(`/api/spaces/demo/files/${file}/content`);
    expect(scan.headers.get('content-type')).toContain('application/pdf');
    // zh-CN people: hospital names and contacts.
    expect(leads.every((l) => /[\u4e00-\u9fff]/.test(l.name + l.organization))).toBe(true);
  });

  it('runs first-response escalations for leads nobody has called, on Temporal', async () => {
    const leads = await allLeads();
    const waiting = leads.filter(
      (l) => l.first_contact_at === null || l.first_contact_at === undefined,
    );
    expect(waiting.length).toBeGreaterThanOrEqual(4);
    for (const lead of waiting.slice(0, 3)) {
      await expect
        .poll(
          async () => {
            const { entries } = await api(
              'GET',
              `/api/spaces/demo/tables/lead/records/${lead.id}/timeline`,
            );
            return entries
              .filter((e: any) => e.data?.flow === 'golden_4_hours')
              .map((e: any) => e.data.node);
          },
          { timeout: 30_000, interval: 500 },
        )
        .toContain('ladder');
    }
  });

  it('accepts the handovers of leads past the first stage so they can be worked on', () => {
    expect(installed.demo.accepted).toBeGreaterThan(0);
  });

  it('adds nothing when installed again with demo data', async () => {
    const before = (await allLeads()).length;
    const again = await api('POST', '/api/templates/medical-device/install', {
      space: 'demo',
      demo: true,
    });
    expect(again.changed).toBe(false);
    expect(again.demo.created).toBe(0);
    expect((await allLeads()).length).toBe(before);
  });

  it('fills the industrial-automation pack too: factories in every stage', async () => {
    const ia = await api('POST', '/api/templates/industrial-automation/install', {
      space: 'demo_ia',
      demo: true,
    });
    const { definition } = await api('GET', '/api/spaces/demo_ia/definition');
    const lead = definition.tables.find((t: any) => t.key === 'lead');
    for (const stage of lead.stages) expect(ia.demo.byStage[stage.key]).toBeGreaterThanOrEqual(4);
    const { records } = await api('GET', '/api/spaces/demo_ia/tables/lead/records?limit=200');
    expect(records).toHaveLength(ia.demo.created);
    expect(records.every((r: any) => /有限公司$/.test(r.company))).toBe(true);
  });

  it('plans the same leads for the same seed and other leads for another', async () => {
    const { definition } = await api('GET', '/api/spaces/demo/definition');
    const users = installed.users.map((u: any, i: number) => ({
      ...u,
      key: `u${i}`,
      productLines: ['ortho'],
      province: '浙江',
    }));
    const now = new Date('2026-11-02T02:00:00Z');
    const a = planDemoLeads(definition, 'lead', users, { seed: 7, now });
    expect(planDemoLeads(definition, 'lead', users, { seed: 7, now })).toEqual(a);
    expect(planDemoLeads(definition, 'lead', users, { seed: 8, now })).not.toEqual(a);
    expect(new Set(a.map((l) => l.phone)).size).toBe(a.length);
  });
});
