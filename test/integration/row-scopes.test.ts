// Row scopes compiled to SQL on real PostgreSQL: the whole team down the reporting line, the user's
// regions, CEL predicates over record fields and user attributes, and several roles adding up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../platform/auth/api-token-store';
import { apiClient } from '../support/api-client';
import { createTestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const l = (zh: string, en: string) => ({ 'zh-CN': zh, en });
const deals = '/api/spaces/scopes/tables/deal/records';

const design = {
  formatVersion: 1,
  tables: [
    {
      key: 'deal',
      label: l('商机', 'Deal'),
      fields: [
        { key: 'title', type: 'text', label: l('名称', 'Title') },
        { key: 'province', type: 'text', label: l('省份', 'Province') },
        { key: 'amount', type: 'integer', label: l('金额', 'Amount') },
        { key: 'tags', type: 'tags', label: l('标签', 'Tags') },
        { key: 'secret', type: 'text', label: l('内部备注', 'Internal note') },
      ],
    },
  ],
  roles: [
    { key: 'manager', label: l('经理', 'Manager'), tables: { deal: { read: 'team' } } },
    { key: 'regional', label: l('区域', 'Regional'), tables: { deal: { read: 'region' } } },
    {
      key: 'big_vip',
      label: l('大客户', 'Key accounts'),
      tables: {
        deal: {
          read: {
            cel: 'record.amount >= 100 && ("vip" in record.tags || record.province in user.regions) && record.owner != null',
          },
          fields: { read: ['title', 'amount'] },
        },
      },
    },
    {
      key: 'stage_free',
      label: l('未分阶段', 'Unstaged'),
      tables: {
        deal: { read: { cel: 'record.stage == null && !(record.title in ["丙", "丁"])' } },
      },
    },
  ],
};

describe('row scopes', () => {
  let target: TestDatabase;
  let app: ReturnType<typeof createTestApp>;
  let api: ReturnType<typeof apiClient>;
  const ids: Record<string, string> = {};
  const tokens: Record<string, string> = {};
  const titles = async (who: string) => {
    const response = await app.request(`${deals}?limit=100&sort=title`, {
      headers: { authorization: `Bearer ${tokens[who]}` },
    });
    const body = (await response.json()) as any;
    expect(response.status, JSON.stringify(body)).toBe(200);
    return body.records as Record<string, unknown>[];
  };
  /** Titles in code-point order, whatever the database collation. */
  const names = async (who: string) => (await titles(who)).map((r) => String(r.title)).sort();
  const sorted = (list: string[]) => [...list].sort();

  beforeAll(async () => {
    target = await createTestDatabase();
    app = createTestApp({
      database: target.database,
      health: { temporal: () => undefined, taskQueue: 'x' },
    });
    api = apiClient(app);
    await api.expect(201, 'POST', '/api/spaces', { key: 'scopes', name: l('范围', 'Scopes') });
    await api.expect(200, 'PUT', '/api/spaces/scopes/definition/draft', design);
    await api.expect(201, 'POST', '/api/spaces/scopes/definition/publish');
    const user = async (key: string, body: Record<string, unknown>, roles: string[]) => {
      const { user } = await api.expect<any>(201, 'POST', '/api/users', {
        email: `${key}@scopes.example.cn`,
        displayName: key,
        ...body,
      });
      ids[key] = user.id;
      await api.expect(200, 'PUT', `/api/spaces/scopes/members/${user.id}`, { roles });
      tokens[key] = (
        await createApiToken(target.database.db, {
          name: 'scopes',
          userId: user.id,
          spaceId: null,
          expiresAt: null,
        })
      ).token;
    };
    await user('top', { province: '上海' }, ['manager']);
    await user('mid', { managerId: ids.top, province: '浙江' }, ['manager']);
    await user('low', { managerId: ids.mid, province: '浙江' }, ['manager']);
    await user('outsider', { province: '江苏' }, ['manager']);
    await user('east', { province: '上海', attributes: { regions: ['浙江', '江苏'] } }, [
      'regional',
    ]);
    await user('local', { province: '上海' }, ['regional']);
    await user('key_accounts', { attributes: { regions: ['江苏'] } }, ['big_vip']);
    await user('both', { province: '上海' }, ['regional', 'stage_free']);
    const deal = async (title: string, owner: string | null, values: Record<string, unknown>) =>
      api.expect(201, 'POST', deals, { title, owner, secret: `内部-${title}`, ...values });
    await deal('甲', ids.low!, { province: '浙江', amount: 500, tags: ['vip'] });
    await deal('乙', ids.mid!, { province: '江苏', amount: 50 });
    await deal('丙', ids.top!, { province: '上海', amount: 300 });
    await deal('丁', ids.outsider!, { province: '江苏', amount: 100 });
    await deal('戊', null, { province: '浙江', amount: 1000, tags: ['vip'] });
  }, 120_000);
  afterAll(() => target?.drop());

  it('reach the whole team down the reporting line, and no one outside it', async () => {
    expect(await names('top')).toEqual(sorted(['丙', '乙', '甲']));
    expect(await names('mid')).toEqual(sorted(['乙', '甲']));
    expect(await names('low')).toEqual(['甲']);
    expect(await names('outsider')).toEqual(['丁']);
  });

  it("reach the records in the user's regions, their own province by default", async () => {
    expect(await names('east')).toEqual(sorted(['丁', '乙', '戊', '甲']));
    expect(await names('local')).toEqual(['丙']);
  });

  it('compile CEL predicates over fields, lists and user attributes into the WHERE', async () => {
    expect(await names('key_accounts')).toEqual(sorted(['丁', '甲']));
    const records = await titles('key_accounts');
    expect(
      Object.keys(records[0]!)
        .filter((k) => !k.endsWith('_at') && !k.endsWith('_by'))
        .sort(),
    ).toEqual(['amount', 'id', 'owner', 'stage', 'title', 'version'].sort());
  });

  it('add several roles up', async () => {
    expect(await names('both')).toEqual(sorted(['乙', '丙', '戊', '甲']));
  });

  it('match nothing, and do not fail, when a user attribute does not fit the column', async () => {
    await api.expect(200, 'PATCH', `/api/users/${ids.key_accounts}`, {
      attributes: { quota: 'many' },
    });
    await api.expect(200, 'PUT', '/api/spaces/scopes/definition/draft', {
      ...design,
      roles: [
        ...design.roles,
        {
          key: 'quota',
          label: l('额度', 'Quota'),
          tables: {
            deal: { read: { cel: 'record.amount <= user.quota || record.owner == user.id' } },
          },
        },
      ],
    });
    await api.expect(201, 'POST', '/api/spaces/scopes/definition/publish');
    await api.expect(200, 'PUT', `/api/spaces/scopes/members/${ids.key_accounts}`, {
      roles: ['quota'],
    });
    expect(await names('key_accounts')).toEqual([]);
    await api.expect(200, 'PATCH', `/api/users/${ids.key_accounts}`, {
      attributes: { quota: 100 },
    });
    expect(await names('key_accounts')).toEqual(sorted(['乙', '丁']));
    await api.expect(200, 'PUT', `/api/spaces/scopes/members/${ids.key_accounts}`, {
      roles: ['big_vip'],
    });
  });

  it('give a CEL predicate naming user.team the whole team down the reporting line', async () => {
    await api.expect(200, 'PUT', '/api/spaces/scopes/definition/draft', {
      ...design,
      roles: [
        ...design.roles,
        {
          key: 'team_big',
          label: l('团队大单', 'Team big deals'),
          tables: { deal: { read: { cel: 'record.owner in user.team && record.amount >= 100' } } },
        },
      ],
    });
    await api.expect(201, 'POST', '/api/spaces/scopes/definition/publish');
    await api.expect(200, 'PUT', `/api/spaces/scopes/members/${ids.mid}`, {
      roles: ['team_big'],
    });
    // 甲 belongs to mid's report low (500); mid's own 乙 is too small.
    expect(await names('mid')).toEqual(['甲']);
    await api.expect(200, 'PUT', `/api/spaces/scopes/members/${ids.mid}`, {
      roles: ['manager'],
    });
  });

  it('bind user values as parameters, so quotes in them stay data', async () => {
    await api.expect(200, 'PATCH', `/api/users/${ids.key_accounts}`, {
      attributes: { regions: ["江苏') or true or ('"] },
    });
    expect(await names('key_accounts')).toEqual(['甲']);
  });
});
