// Installing starter packs through the API on real PostgreSQL: space, demo people and definition in
// one call; the installed rules then run on every lead; installing again changes nothing.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/api-client';
import { freePort } from '../support/free-port';
import { createTestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const install = (key: string) => `/api/templates/${key}/install`;
const leads = (space: string) => `/api/spaces/${space}/tables/lead/records`;
/** Shrunk durations and a capacity of 2, as a test or a demo would install the pack. */
const shrunk = { first_response: 'PT2S', supervisor_after: 'PT1S', capacity: '2' };

describe('installing starter packs', () => {
  let target: TestDatabase;
  let app: ReturnType<typeof createTestApp>;
  let api: ReturnType<typeof apiClient>;
  let users: Record<string, { id: string; email: string; roles: string[] }>;

  beforeAll(async () => {
    target = await createTestDatabase();
    app = createTestApp({
      database: target.database,
      health: { temporal: () => undefined, taskQueue: 'x' },
    });
    api = apiClient(app);
  });
  afterAll(() => target.drop());

  it('lists the packs with their parameters', async () => {
    const { templates } = await api.expect<any>(200, 'GET', '/api/templates');
    expect(templates.map((t: any) => t.key)).toEqual(['industrial-automation', 'medical-device']);
    const meddev = templates.find((t: any) => t.key === 'medical-device');
    expect(meddev.parameters.first_response).toMatchObject({ type: 'duration', default: 'PT240M' });
    expect(meddev.parameters.capacity).toMatchObject({ type: 'integer', default: 8, min: 1 });
    expect(meddev.demoUsers).toBe(11);
  });

  it('creates the space, the demo people with their reporting lines and publishes version 1', async () => {
    const result = await api.expect<any>(201, 'POST', install('medical-device'), {
      space: 'meddev',
      params: shrunk,
    });
    expect(result).toMatchObject({ space: { key: 'meddev' }, version: 1, changed: true });
    users = Object.fromEntries(result.users.map((u: any) => [u.key, u]));
    expect(result.users.every((u: any) => u.created)).toBe(true);
    expect(result.users.filter((u: any) => u.roles.includes('rep'))).toHaveLength(6);

    const rep = (await api.expect<any>(200, 'GET', `/api/users/${users.rep_hz!.id}`)).user;
    const supervisor = (await api.expect<any>(200, 'GET', `/api/users/${rep.managerId}`)).user;
    expect(rep).toMatchObject({ province: '浙江', productLines: ['ortho', 'rehab'] });
    expect(supervisor.email).toBe(users.sup_zj!.email);
    expect(supervisor.managerId).toBe(users.director!.id);

    const published = await api.expect<any>(200, 'GET', '/api/spaces/meddev/definition');
    expect(published.version).toBe(1);
    const ladder = published.definition.flows[0].nodes[0];
    expect(ladder.levels.map((level: any) => level.after)).toEqual(['PT2S', 'PT1S', 'PT60M']);
  });

  let first: any;

  it('normalizes, tags and assigns a new lead to a demo rep of its province and product line', async () => {
    first = (
      await api.expect<any>(201, 'POST', leads('meddev'), {
        name: '张伟',
        phone: '138 0013 8000',
        organization: '浙江大学医学院附属第一医院',
        message: '科室想更新一台 DR',
        source: 'douyin',
        province: '浙江',
        product_line: 'ortho',
      })
    ).record;
    expect(first.phone).toBe('+8613800138000');
    expect(first.tags).toEqual(
      expect.arrayContaining(['影像设备', '公立三级', '抖音-骨科器械广告']),
    );
    expect([users.rep_hz!.id, users.rep_nb!.id]).toContain(first.owner);
    expect(first.health_band).toBe('red');
  });

  it('marks a returning lead and routes it to the original owner', async () => {
    const again = (
      await api.expect<any>(201, 'POST', leads('meddev'), {
        name: '张伟',
        phone: '+86 138-0013-8000',
        organization: '浙江大学医学院附属第一医院',
        province: '浙江',
        product_line: 'ortho',
      })
    ).record;
    expect(again.returning_of).toBe(first.id);
    expect(again.owner).toBe(first.owner);
    expect(again.tags).toContain('复访线索');
  });

  it('keeps every rep under the installed capacity and pools the rest', async () => {
    const owners: Array<string | null> = [];
    for (let i = 0; i < 4; i++) {
      const { record } = await api.expect<any>(201, 'POST', leads('meddev'), {
        name: `客户${i}`,
        phone: `1390000100${i}`,
        organization: `杭州第${i}医院`,
        province: '浙江',
        product_line: 'ortho',
      });
      owners.push(record.owner);
    }
    // Two reps of 浙江 sell ortho, two open leads each; the first rep already holds two.
    const all = [first.owner, first.owner, ...owners];
    const count = (id: string) => all.filter((o) => o === id).length;
    expect(count(users.rep_hz!.id)).toBe(2);
    expect(count(users.rep_nb!.id)).toBe(2);
    expect(owners.filter((o) => o === null)).toHaveLength(2);
  });

  it('matches province and product line exactly', async () => {
    const shanghaiNeuro = await api.expect<any>(201, 'POST', leads('meddev'), {
      name: '陈医生',
      phone: '13600000001',
      organization: '复旦大学附属华山医院',
      province: '上海',
      product_line: 'neuro',
    });
    expect(shanghaiNeuro.record.owner).toBe(users.rep_sh2!.id);
    const jiangsuRehab = await api.expect<any>(201, 'POST', leads('meddev'), {
      name: '王主任',
      phone: '13600000002',
      organization: '苏州大学附属第一医院',
      province: '江苏',
      product_line: 'rehab',
    });
    expect(jiangsuRehab.record.owner).toBe(users.rep_sz!.id);
  });

  it('publishes nothing when installed again with the same parameters', async () => {
    const again = await api.expect<any>(200, 'POST', install('medical-device'), {
      space: 'meddev',
      params: { ...shrunk, capacity: 2 },
    });
    expect(again).toMatchObject({ version: 1, changed: false });
    expect(again.users.some((u: any) => u.created)).toBe(false);
    expect(again.users.map((u: any) => u.id)).toEqual(Object.values(users).map((u) => u.id));
    const { versions } = await api.expect<any>(
      200,
      'GET',
      '/api/spaces/meddev/definition/versions',
    );
    expect(versions).toHaveLength(1);
  });

  it('publishes a new version when the parameters change, once', async () => {
    const changed = await api.expect<any>(201, 'POST', install('medical-device'), {
      space: 'meddev',
      params: { ...shrunk, capacity: 3 },
    });
    expect(changed).toMatchObject({ version: 2, changed: true });
    const same = await api.expect<any>(200, 'POST', install('medical-device'), {
      space: 'meddev',
      params: { ...shrunk, capacity: 3 },
    });
    expect(same).toMatchObject({ version: 2, changed: false });
  });

  it('refuses parameters that do not fit, pointing at each, and creates nothing', async () => {
    const refused = await api.expect<any>(400, 'POST', install('medical-device'), {
      space: 'baddev',
      params: { first_response: 'soon', capacity: 0, colour: 'red' },
    });
    expect(refused.error.code).toBe('TEMPLATE_PARAMS_INVALID');
    expect(refused.error.details.issues.map((i: any) => [i.pointer, i.code])).toEqual([
      ['/params/colour', 'UNKNOWN_PARAMETER'],
      ['/params/first_response', 'INVALID_DURATION'],
      ['/params/capacity', 'TOO_SMALL'],
    ]);
    for (const i of refused.error.details.issues) expect(i.message['zh-CN']).toBeTruthy();
    await api.expect(404, 'GET', '/api/spaces/baddev');
  });

  it('answers 404 for a template that does not exist', async () => {
    const missing = await api.expect<any>(404, 'POST', install('bakery'), { space: 'cakes' });
    expect(missing.error.code).toBe('NOT_FOUND');
  });

  it('installs the industrial-automation pack into an existing space', async () => {
    await api.expect(201, 'POST', '/api/spaces', {
      key: 'automation',
      name: { 'zh-CN': '工业自动化', en: 'Automation' },
    });
    const result = await api.expect<any>(201, 'POST', install('industrial-automation'), {
      space: 'automation',
      params: { urgent_keywords: '故障,停机,急,报警' },
    });
    expect(result).toMatchObject({ space: { key: 'automation' }, version: 1, changed: true });
    const reps = result.users.filter((u: any) => u.roles.includes('rep')).map((u: any) => u.id);

    const { record } = await api.expect<any>(201, 'POST', leads('automation'), {
      company: '苏州精工机械有限公司',
      phone: '0512 6666 8888',
      message: '二号线伺服报警，已经停机',
    });
    expect(record.tags).toContain('紧急工单');
    expect(record.score_band).toBe('red');
    expect(reps).toContain(record.owner);
  });

  it('publishes once when the same pack is installed twice at the same moment', async () => {
    const body = { space: 'parallel', params: { capacity: 4 } };
    const answers = await Promise.all([
      api.post(install('medical-device'), body),
      api.post(install('medical-device'), body),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 201]);
    expect(answers.map((a) => a.body.version)).toEqual([1, 1]);
    const { versions } = await api.expect<any>(
      200,
      'GET',
      '/api/spaces/parallel/definition/versions',
    );
    expect(versions).toHaveLength(1);
  });

  it('installs from the command line through the HTTP API', async () => {
    const port = await freePort();
    const server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port }, () => resolve(s));
    });
    let token = '';
    const baton = (...args: string[]) =>
      promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', path.resolve(import.meta.dirname, '../../bin/baton.ts'), ...args],
        { env: { ...process.env, BATON_URL: `http://127.0.0.1:${port}`, BATON_TOKEN: token } },
      );
    try {
      const anonymous = await baton('template', 'list').catch((e) => e);
      expect(anonymous.stderr).toContain('401 UNAUTHENTICATED');
      const admin = await app.testAdmin();
      const signedIn = await baton('login', '--email', admin.email, '--password', admin.password);
      token = signedIn.stdout.trim();
      expect(token).toMatch(/^bt_/);
      const listed = await baton('template', 'list');
      expect(listed.stdout).toContain('medical-device 1.0.0');
      expect(listed.stdout).toMatch(/first_response\s+duration\s+PT240M/);

      const args = ['template', 'install', 'industrial-automation', '--space', 'cli'];
      const installed = await baton(...args, '--param', 'hot_score=8', '--json');
      expect(JSON.parse(installed.stdout)).toMatchObject({ version: 1, changed: true });
      const again = await baton(...args, '--param', 'hot_score=8');
      expect(again.stdout).toContain('version 1 (unchanged, nothing published)');

      const refused = await baton(...args, '--param', 'hot_score=hot').catch((e) => e);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('400 TEMPLATE_PARAMS_INVALID');
      expect(refused.stderr).toContain('/params/hot_score');
    } finally {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
    }
  });
});
