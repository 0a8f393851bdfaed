// `npm start -- --template medical-device --demo` on a fresh data folder: the pack's space comes up
// with demo leads in every stage; a restart (configured through the environment this time) adds none.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port';
import { printedAdmin, signIn, spawnBaton } from '../support/spawn-baton';

describe('npm start in demo mode', () => {
  let home: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'baton-demo-'));
    await chmod(home, 0o755);
    const [port, pgPort, temporalPort] = await Promise.all([freePort(), freePort(), freePort()]);
    env = {
      BATON_HOME: home,
      PORT: String(port),
      BATON_PG_PORT: String(pgPort),
      TEMPORAL_DEV_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: '0',
      BATON_DESIGNER_DIST: path.join(home, 'no-designer'),
      DATABASE_URL: '',
      TEMPORAL_ADDRESS: '',
      BATON_TEMPLATE: '',
      BATON_DEMO: '',
    };
  });
  afterAll(() => rm(home, { recursive: true, force: true }));

  it('installs the pack with demo leads in every stage, once', { timeout: 300_000 }, async () => {
    const first = spawnBaton(env, 180_000, ['--template', 'medical-device', '--demo']);
    let url: string;
    let auth: { authorization: string };
    let count: number;
    try {
      url = await first.ready;
      expect(first.output()).toMatch(
        /Space "medical_device" installed from medical-device with \d+ demo leads: http:\/\/\S+\/#\/rep\/medical_device/,
      );
      const admin = printedAdmin(first.output())!;
      auth = await signIn(url, admin.email, admin.password);
      const leads = await leadsOf(url, auth);
      count = leads.length;
      const { definition } = (await (
        await fetch(`${url}/api/spaces/medical_device/definition`, { headers: auth })
      ).json()) as { definition: { tables: { stages: { key: string }[] }[] } };
      const stages = definition.tables[0]!.stages.map((s) => s.key);
      expect(new Set(leads.map((l) => l.stage))).toEqual(new Set(stages));
      expect(leads.filter((l) => l.first_contact_at == null).length).toBeGreaterThan(0);
      expect(leads.some((l) => String(l.organization).includes('医院'))).toBe(true);
    } finally {
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
    }

    const second = spawnBaton(
      { ...env, BATON_TEMPLATE: 'medical-device', BATON_DEMO: 'true' },
      180_000,
    );
    try {
      const again = await second.ready;
      expect(second.output()).toContain('(demo data already there)');
      expect(await leadsOf(again, auth)).toHaveLength(count);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  });
});

async function leadsOf(url: string, auth: { authorization: string }) {
  const response = await fetch(`${url}/api/spaces/medical_device/tables/lead/records?limit=200`, {
    headers: auth,
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { records: Record<string, unknown>[] }).records;
}
