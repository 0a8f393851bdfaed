// The start command on a fresh data folder: ready, persistent across restarts, no orphans on stop.
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { freePort } from '../support/free-port';
import { processesMentioning, processTree, type ProcessInfo } from '../support/processes';
import { printedAdmin, signIn, spawnBaton } from '../support/spawn-baton';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('npm start', () => {
  let home: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'baton-start-'));
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
    };
  });
  afterAll(() => rm(home, { recursive: true, force: true }));

  it('starts PostgreSQL and Temporal, keeps data across restarts and leaves no process behind', async () => {
    const first = spawnBaton(env);
    const url = await first.ready;
    const children = processTree(first.child.pid!).filter((p) => p.pid !== first.child.pid);
    const started = [...children, ...processesMentioning(home)];
    expect(started.some((p) => /postgres/.test(p.cmdline))).toBe(true);
    expect(started.some((p) => /temporal/.test(p.cmdline))).toBe(true);

    const health = await fetch(`${url}/api/health`);
    expect(health.status).toBe(200);
    // An empty database gets a first admin whose generated password is printed once, not logged.
    const admin = printedAdmin(first.output())!;
    expect(admin.email).toBe('admin@baton.local');
    expect(first.output().split(admin.password)).toHaveLength(2);
    expect((await fetch(`${url}/api/spaces`)).status).toBe(401);
    const auth = await signIn(url, admin.email, admin.password);
    const created = await fetch(`${url}/api/spaces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ key: 'persisted', name: { 'zh-CN': '保留', en: 'Kept' } }),
    });
    expect(created.status).toBe(201);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(stillAlive(started)).toEqual([]);
    expect(processesMentioning(home)).toEqual([]);

    const second = spawnBaton(env);
    const again = await second.ready;
    const space = await fetch(`${again}/api/spaces/persisted`, { headers: auth });
    expect(space.status).toBe(200);
    expect(printedAdmin(second.output())).toBeUndefined();
    const secondChildren = [
      ...processTree(second.child.pid!).filter((p) => p.pid !== second.child.pid),
      ...processesMentioning(home),
    ];
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
    expect(stillAlive(secondChildren)).toEqual([]);
  });

  describe('in external mode', () => {
    let target: TestDatabase;
    beforeAll(async () => {
      target = await createTestDatabase({ migrate: false });
    });
    afterAll(() => target.drop());

    it('uses DATABASE_URL and TEMPORAL_ADDRESS and starts no server of its own', async () => {
      const externalHome = path.join(home, 'external');
      const baton = spawnBaton({
        ...env,
        BATON_HOME: externalHome,
        DATABASE_URL: target.url,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_TASK_QUEUE: 'external-mode',
        BATON_ADMIN_EMAIL: 'ops@example.cn',
        BATON_ADMIN_PASSWORD: 'set by the deployment',
      });
      const url = await baton.ready;
      try {
        const children = processTree(baton.child.pid!).filter((p) => p.pid !== baton.child.pid);
        expect(children.filter((p) => /postgres|temporal/.test(p.cmdline))).toEqual([]);
        expect(await readdir(externalHome).catch(() => [])).toEqual([]);
        const health = await fetch(`${url}/api/health`);
        expect(health.status).toBe(200);
        expect(await health.json()).toMatchObject({ db: { ok: true }, temporal: { ok: true } });
        const migrated = await target.database.db
          .selectFrom('platform.spaces')
          .select('key')
          .execute();
        expect(migrated).toEqual([]);
        // The admin comes from the environment: nothing printed, the given password works.
        expect(printedAdmin(baton.output())).toBeUndefined();
        expect(baton.output()).not.toContain('set by the deployment');
        await signIn(url, 'ops@example.cn', 'set by the deployment');
      } finally {
        baton.child.kill('SIGTERM');
        expect(await baton.exited).toBe(0);
      }
    });
  });
});

function stillAlive(processes: readonly ProcessInfo[]): ProcessInfo[] {
  return processesMentioning('').filter((live) =>
    processes.some((p) => p.pid === live.pid && p.cmdline === live.cmdline),
  );
}
