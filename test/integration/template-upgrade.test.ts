// A space as a template on real PostgreSQL: exported and installed again without loss, and upgraded
// to a newer pack version by a three-way merge that keeps the admin's own changes.
import { execFile } from 'node:child_process';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/api-client';
import { freePort } from '../support/free-port';
import { createTestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const packFile = path.resolve(import.meta.dirname, '../../templates/medical-device/template.json');
const l = (en: string, zh: string) => ({ 'zh-CN': zh, en });

describe('templates from spaces', () => {
  let target: TestDatabase;
  let app: ReturnType<typeof createTestApp>;
  let api: ReturnType<typeof apiClient>;
  let pack: any;

  beforeAll(async () => {
    target = await createTestDatabase();
    app = createTestApp({
      database: target.database,
    });
    api = apiClient(app);
    pack = JSON.parse(await readFile(packFile, 'utf8'));
  });
  afterAll(() => target.drop());

  const published = async (space: string) =>
    (await api.expect<any>(200, 'GET', `/api/spaces/${space}/definition`)).definition;
  const publish = async (space: string, definition: unknown) => {
    await api.expect(200, 'PUT', `/api/spaces/${space}/definition/draft`, definition);
    await api.expect(201, 'POST', `/api/spaces/${space}/definition/publish`);
  };
  const fieldOf = (definition: any, key: string) =>
    definition.tables.find((t: any) => t.key === 'lead').fields.find((f: any) => f.key === key);

  it('exports a space as a template that installs into a new space and exports the same again', async () => {
    await api.expect(201, 'POST', '/api/templates/medical-device/install', {
      space: 'origin',
      params: { capacity: 5, first_response: 'PT2H' },
    });
    // An admin's own change, so the export is not just the pack.
    const mine = await published('origin');
    fieldOf(mine, 'memo').label = l('Voice memo', '语音速记（口述）');
    await publish('origin', mine);

    const exported = await api.expect<any>(200, 'GET', '/api/spaces/origin/template?members=true');
    // Named after the space, never after the pack it came from: upgrading a space installed from
    // this template with the shipped pack would otherwise take the export for that pack's base.
    expect(exported).toMatchObject({ formatVersion: 1, key: 'space-origin', version: '1.0.0' });
    expect(exported.parameters).toEqual({});
    expect(exported.demoUsers).toHaveLength(pack.demoUsers.length);
    expect(JSON.stringify(exported.definition)).not.toContain('{{params.');
    expect(fieldOf(exported.definition, 'memo').label.en).toBe('Voice memo');

    const imported = await api.expect<any>(201, 'POST', '/api/templates/import', {
      template: exported,
      space: 'copy',
    });
    expect(imported).toMatchObject({ version: 1, changed: true, space: { key: 'copy' } });
    expect(imported.users.some((u: any) => u.created)).toBe(false);
    const again = await api.expect<any>(
      200,
      'GET',
      '/api/spaces/copy/template?members=true&key=space-origin',
    );
    expect(again).toEqual(exported);
    expect(await published('copy')).toEqual(await published('origin'));

    // An earlier version exports as it was: the pack as installed.
    const first = await api.expect<any>(
      200,
      'GET',
      '/api/spaces/origin/template?definitionVersion=1',
    );
    expect(fieldOf(first.definition, 'memo').label.en).not.toBe('Voice memo');
    await api.expect(404, 'GET', '/api/spaces/origin/template?definitionVersion=9');
  });

  it('refuses a template document that does not parse, pointing at the problem', async () => {
    const refused = await api.expect<any>(400, 'POST', '/api/templates/import', {
      template: { ...pack, version: 'one' },
      space: 'broken',
    });
    expect(refused.error.code).toBe('TEMPLATE_INVALID');
    expect(refused.error.details.issues[0].pointer).toBe('/version');
    await api.expect(404, 'GET', '/api/spaces/broken');
  });

  describe('upgrading to a newer pack version', () => {
    let v2: any;

    beforeAll(async () => {
      await api.expect(201, 'POST', '/api/templates/medical-device/install', {
        space: 'upgraded',
        params: { capacity: 6 },
      });
      // The admin renames a field, adds one of their own and relabels another.
      const mine = await published('upgraded');
      const lead = mine.tables.find((t: any) => t.key === 'lead');
      fieldOf(mine, 'city').label = l('City / district', '城市/区县');
      fieldOf(mine, 'memo').label = l('Visit notes', '拜访纪要');
      lead.fields.push({ key: 'wechat_id', type: 'text', label: l('WeChat ID', '微信号') });
      await publish('upgraded', mine);

      // Version 1.1.0 of the pack: relabels `message`, adds `budget_year`, relabels `memo` too.
      v2 = structuredClone(pack);
      v2.version = '1.1.0';
      const packLead = v2.definition.tables.find((t: any) => t.key === 'lead');
      const packField = (key: string) => packLead.fields.find((f: any) => f.key === key);
      packField('message').label = l('Customer message', '客户留言（原文）');
      packField('memo').label = l('Memo (dictated)', '语音速记（口述）');
      packLead.fields.push({
        key: 'budget_year',
        type: 'integer',
        label: l('Budget year', '预算年度'),
      });
      // …and a new rep reporting to an existing supervisor.
      v2.demoUsers.push({
        key: 'rep_wz',
        email: 'zheng.kai@meddev.example.cn',
        displayName: '郑凯',
        province: '浙江',
        city: '温州',
        productLines: ['ortho'],
        managerKey: 'sup_zj',
        roles: ['rep'],
      });
    });

    it('answers the merged draft with both sides kept and the conflict reported, writing nothing', async () => {
      const plan = await api.expect<any>(200, 'POST', '/api/spaces/upgraded/template/upgrade', {
        template: v2,
      });
      expect(plan).toMatchObject({
        from: { key: 'medical-device', version: pack.version },
        to: { key: 'medical-device', version: '1.1.0' },
        params: { capacity: 6 },
        applied: false,
        issues: [],
        draftPending: false,
        addedUsers: ['zheng.kai@meddev.example.cn'],
      });
      const merged = plan.merged;
      expect(fieldOf(merged, 'city').label).toEqual(l('City / district', '城市/区县'));
      expect(fieldOf(merged, 'wechat_id')).toBeDefined();
      expect(fieldOf(merged, 'message').label).toEqual(l('Customer message', '客户留言（原文）'));
      expect(fieldOf(merged, 'budget_year')).toMatchObject({ type: 'integer' });
      // The conflicting label keeps the space's value until it is resolved.
      expect(fieldOf(merged, 'memo').label).toEqual(l('Visit notes', '拜访纪要'));
      expect(plan.conflicts).toHaveLength(2);
      expect(plan.conflicts).toEqual(
        expect.arrayContaining([
          {
            pointer: '/tables/lead/fields/memo/label/zh-CN',
            kind: 'changed_both',
            base: fieldOf(pack.definition, 'memo').label['zh-CN'],
            ours: '拜访纪要',
            theirs: '语音速记（口述）',
          },
          {
            pointer: '/tables/lead/fields/memo/label/en',
            kind: 'changed_both',
            base: fieldOf(pack.definition, 'memo').label.en,
            ours: 'Visit notes',
            theirs: 'Memo (dictated)',
          },
        ]),
      );
      expect(plan.changes).toEqual(
        expect.arrayContaining([
          { kind: 'field_added', table: 'lead', field: 'budget_year' },
          expect.objectContaining({ kind: 'field_changed', field: 'message' }),
        ]),
      );
      expect(fieldOf(await published('upgraded'), 'budget_year')).toBeUndefined();
    });

    it('refuses to apply while a conflict is left, and publishes nothing', async () => {
      const refused = await api.expect<any>(409, 'POST', '/api/spaces/upgraded/template/upgrade', {
        template: v2,
        apply: true,
      });
      expect(refused.error.code).toBe('UPGRADE_CONFLICTS');
      expect(refused.error.details.conflicts).toHaveLength(2);
      const { versions } = await api.expect<any>(
        200,
        'GET',
        '/api/spaces/upgraded/definition/versions',
      );
      expect(versions).toHaveLength(2);
    });

    it('refuses to apply over unpublished draft changes', async () => {
      const current = await published('upgraded');
      const draft = structuredClone(current);
      fieldOf(draft, 'city').label.en = 'Town';
      await api.expect(200, 'PUT', '/api/spaces/upgraded/definition/draft', draft);
      const plan = await api.expect<any>(200, 'POST', '/api/spaces/upgraded/template/upgrade', {
        template: v2,
      });
      expect(plan.draftPending).toBe(true);
      const refused = await api.expect<any>(409, 'POST', '/api/spaces/upgraded/template/upgrade', {
        template: v2,
        apply: true,
        resolutions: [
          { pointer: '/tables/lead/fields/memo/label/zh-CN', take: 'ours' },
          { pointer: '/tables/lead/fields/memo/label/en', take: 'ours' },
        ],
      });
      expect(refused.error.code).toBe('DRAFT_PENDING');
      const kept = await api.expect<any>(200, 'GET', '/api/spaces/upgraded/definition/draft');
      expect(fieldOf(kept.definition, 'city').label.en).toBe('Town');
      // Discarded: the draft is the published definition again.
      await api.expect(200, 'PUT', '/api/spaces/upgraded/definition/draft', current);
    });

    it('applies with explicit resolutions and keeps both sides, then records the new base', async () => {
      const applied = await api.expect<any>(201, 'POST', '/api/spaces/upgraded/template/upgrade', {
        template: v2,
        apply: true,
        resolutions: [
          { pointer: '/tables/lead/fields/memo/label/zh-CN', take: 'ours' },
          { pointer: '/tables/lead/fields/memo/label/en', value: 'Visit notes (dictated)' },
        ],
      });
      expect(applied).toMatchObject({ applied: true, version: 3, conflicts: [] });
      const now = await published('upgraded');
      expect(fieldOf(now, 'city').label.en).toBe('City / district');
      expect(fieldOf(now, 'wechat_id')).toBeDefined();
      expect(fieldOf(now, 'message').label.en).toBe('Customer message');
      expect(fieldOf(now, 'budget_year')).toBeDefined();
      expect(fieldOf(now, 'memo').label).toEqual(l('Visit notes (dictated)', '拜访纪要'));
      // Real columns: a record can carry both new fields.
      const { record } = await api.expect<any>(
        201,
        'POST',
        '/api/spaces/upgraded/tables/lead/records',
        {
          name: '周主任',
          wechat_id: 'zhou_doc',
          budget_year: 2027,
        },
      );
      expect(record).toMatchObject({ wechat_id: 'zhou_doc', budget_year: 2027 });

      const installed = await api.expect<any>(
        200,
        'GET',
        '/api/spaces/upgraded/template/installed',
      );
      expect(installed).toMatchObject({
        key: 'medical-device',
        version: '1.1.0',
        params: { capacity: 6 },
      });
      // Against the new base the same version has nothing left to change.
      const same = await api.expect<any>(200, 'POST', '/api/spaces/upgraded/template/upgrade', {
        template: v2,
        apply: true,
      });
      expect(same).toMatchObject({ applied: true, version: 3, conflicts: [], changes: [] });
    });

    it('refuses to upgrade a space that was not installed from a pack, or to another pack', async () => {
      await api.expect(201, 'POST', '/api/spaces', {
        key: 'handmade',
        name: l('Handmade', '手工'),
      });
      const none = await api.expect<any>(409, 'POST', '/api/spaces/handmade/template/upgrade', {
        template: v2,
      });
      expect(none.error.code).toBe('NOT_INSTALLED_FROM_TEMPLATE');
      const other = await api.expect<any>(409, 'POST', '/api/spaces/upgraded/template/upgrade', {
        template: { ...v2, key: 'industrial-automation' },
      });
      expect(other.error.code).toBe('TEMPLATE_MISMATCH');
    });
  });

  it('exports, imports and upgrades from the command line', async () => {
    const port = await freePort();
    const server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port }, () => resolve(s));
    });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'baton-cli-'));
    const admin = await app.testAdmin();
    const baton = (...args: string[]) =>
      promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', path.resolve(import.meta.dirname, '../../bin/baton.ts'), ...args],
        {
          env: {
            ...process.env,
            BATON_URL: `http://127.0.0.1:${port}`,
            BATON_TOKEN: admin.headers.authorization.replace('Bearer ', ''),
          },
        },
      );
    try {
      const file = path.join(dir, 'origin.template.json');
      const exported = await baton('template', 'export', 'origin', '--out', file);
      expect(exported.stdout).toContain(file);
      const document = JSON.parse(await readFile(file, 'utf8'));
      expect(document.key).toBe('space-origin');

      const imported = await baton('template', 'import', file, '--space', 'cli_copy');
      expect(imported.stdout).toContain('space "cli_copy": version 1 (published)');
      expect(await published('cli_copy')).toEqual(await published('origin'));

      const v2File = path.join(dir, 'v2.json');
      const { writeFile } = await import('node:fs/promises');
      await writeFile(v2File, JSON.stringify({ ...pack, version: '1.0.1' }));
      const planned = await baton('template', 'upgrade', 'upgraded', '--file', v2File);
      expect(planned.stdout).toContain('1.1.0 → 1.0.1');
      expect(planned.stdout).toMatch(/conflict/i);
    } finally {
      await rm(dir, { recursive: true, force: true });
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
    }
  });
});
