// The permission model on the paths beside records: metrics and dashboards over hidden fields,
// blocked duplicates, members holding several roles, availability, admin audit atomicity and the
// API description's security schemes — against the medical-device pack on real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../platform/auth/api-token-store';
import { deliverReport } from '../../platform/reports/report-service';
import { createTestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const space = 'perm_paths';
const leads = `/api/spaces/${space}/tables/lead/records`;
const ipMarker = '192.0.2.211';
const privateMarker = 'PRIVATE-5d0e-私人';
const label = (en: string) => ({ 'zh-CN': en, en });
const position = (x: number) => ({ x, y: 0, w: 4, h: 3 });

interface Answer {
  readonly status: number;
  readonly text: string;
  readonly json: any;
}

describe('permissions beside the record paths', () => {
  let target: TestDatabase;
  let app: ReturnType<typeof createTestApp>;
  const users: Record<string, string> = {};
  const tokens = new Map<string, string>();
  /** Every answer each caller got, to search for hidden values. */
  const seen = new Map<string, string[]>();
  let leadA: any;

  const call = async (who: string, method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (who !== 'admin') headers.authorization = `Bearer ${tokens.get(who)}`;
    let payload: RequestInit['body'];
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    const response = await app.request(path, { method, headers, body: payload });
    const text = await response.text();
    (seen.get(who) ?? seen.set(who, []).get(who)!).push(text);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: response.status, text, json } as Answer;
  };
  const expectStatus = (answer: Answer, status: number, what: string) =>
    expect(answer.status, `${what} → ${answer.text.slice(0, 400)}`).toBe(status);
  const tokenFor = async (who: string) => {
    const { token } = await createApiToken(target.database.db, {
      name: 'paths',
      userId: users[who]!,
      spaceId: null,
      expiresAt: null,
    });
    tokens.set(who, token);
  };
  const schema = () => target.database.sql(`space_${space}`);
  const setOwner = (id: string, owner: string | null) =>
    target.database.sql`update ${schema()}.lead set owner = ${owner} where id = ${id}`;
  const create = async (values: Record<string, unknown>) => {
    const answer = await call('admin', 'POST', leads, values);
    expectStatus(answer, 201, 'create');
    return answer.json.record;
  };

  beforeAll(async () => {
    target = await createTestDatabase();
    app = createTestApp({
      database: target.database,
      health: { temporal: () => undefined, taskQueue: 'x' },
    });
    const installed = await call('admin', 'POST', '/api/templates/medical-device/install', {
      space,
    });
    expectStatus(installed, 201, 'install');
    for (const u of installed.json.users) users[u.key] = u.id;

    // Metrics over hidden fields, a dashboard mixing them with harmless ones, and duplicates blocked.
    const draft = (await call('admin', 'GET', `/api/spaces/${space}/definition/draft`)).json
      .definition;
    draft.metrics.push(
      {
        key: 'by_ip',
        label: label('By IP'),
        table: 'lead',
        measure: { kind: 'count' },
        groupBy: ['ip'],
      },
      {
        key: 'private_contacts',
        label: label('Private contacts'),
        table: 'lead',
        measure: { kind: 'count_distinct', field: 'key_person_mobile' },
      },
      {
        key: 'ip_known',
        label: label('IP known'),
        table: 'lead',
        measure: { kind: 'count' },
        filter: `record.ip == "${ipMarker}"`,
      },
      { key: 'all_leads', label: label('All leads'), table: 'lead', measure: { kind: 'count' } },
    );
    draft.dashboards.push({
      key: 'mixed',
      label: label('Mixed'),
      widgets: [
        { key: 'w_ip', type: 'bar', label: label('IP'), metric: 'by_ip', position: position(0) },
        {
          key: 'w_all',
          type: 'kpi',
          label: label('All'),
          metric: 'all_leads',
          position: position(4),
        },
        {
          key: 'w_private',
          type: 'kpi',
          label: label('Private'),
          metric: 'private_contacts',
          position: position(8),
        },
      ],
    });
    draft.rules.dedupe[0].outcome = 'block';
    delete draft.rules.dedupe[0].linkField;
    delete draft.rules.dedupe[0].notify;
    delete draft.rules.dedupe[0].tag;
    expectStatus(
      await call('admin', 'PUT', `/api/spaces/${space}/definition/draft`, draft),
      200,
      'draft',
    );
    expectStatus(
      await call('admin', 'POST', `/api/spaces/${space}/definition/publish`),
      201,
      'publish',
    );

    // A member holding two roles: a rep (own leads) who also tends the market pool.
    const hybrid = await call('admin', 'POST', '/api/users', {
      email: 'hybrid@meddev.example.cn',
      displayName: '双角色',
      province: '江苏',
    });
    expectStatus(hybrid, 201, 'hybrid user');
    users.hybrid = hybrid.json.user.id;
    expectStatus(
      await call('admin', 'PUT', `/api/spaces/${space}/members/${users.hybrid}`, {
        roles: ['rep', 'market'],
      }),
      200,
      'hybrid roles',
    );
    for (const who of ['rep_hz', 'rep_nb', 'rep_nj', 'sup_zj', 'director', 'market_1', 'hybrid'])
      await tokenFor(who);

    leadA = await create({
      name: '甲',
      organization: '甲医院',
      phone: '13800138101',
      province: '浙江',
      city: '杭州',
      ip: ipMarker,
      key_person_mobile: privateMarker,
    });
    await setOwner(leadA.id, users.rep_hz!);
  }, 120_000);

  afterAll(() => target?.drop());

  describe('metrics and dashboards', () => {
    it('refuses a metric grouping, filtering or counting over a field the role hides', async () => {
      const values = (who: string, metric: string, query = '') =>
        call(who, 'GET', `/api/spaces/${space}/metrics/${metric}/values${query}`);
      const refused = await values('rep_hz', 'by_ip');
      expectStatus(refused, 403, 'rep groups by ip');
      expect(refused.json.error).toMatchObject({
        code: 'METRIC_FIELDS_HIDDEN',
        details: { fields: ['ip'] },
      });
      expect(refused.json.error.message).toContain('ip');
      expectStatus(await values('rep_hz', 'ip_known'), 403, 'rep filters on ip');
      expectStatus(await values('rep_hz', 'all_leads', '?groupBy=ip'), 403, 'rep asks by ip');
      expectStatus(await values('rep_hz', 'all_leads', '?groupBy=province'), 200, 'by province');
      expectStatus(await values('rep_hz', 'private_contacts'), 200, 'rep counts own contacts');
      expectStatus(await values('director', 'private_contacts'), 403, 'director counts contacts');
      const director = await values('director', 'by_ip');
      expectStatus(director, 200, 'director groups by ip');
      expect(director.text).toContain(ipMarker);
      expectStatus(await values('admin', 'by_ip', '?viewAs=rep'), 403, 'admin viewing as rep');
    });

    it('refuses the drill-down behind such a number', async () => {
      const drill = await call('rep_hz', 'GET', `/api/spaces/${space}/metrics/ip_known/records`);
      expectStatus(drill, 403, 'rep drills into an ip filter');
      const widget = await call(
        'rep_hz',
        'GET',
        `/api/spaces/${space}/dashboards/mixed/widgets/w_ip/records`,
      );
      expectStatus(widget, 403, 'rep drills into the ip widget');
      const allowed = await call(
        'rep_hz',
        'GET',
        `/api/spaces/${space}/dashboards/mixed/widgets/w_all/records`,
      );
      expectStatus(allowed, 200, 'rep drills into all leads');
      expect(allowed.json.records.map((r: any) => r.id)).toEqual([leadA.id]);
      expect('ip' in allowed.json.records[0]).toBe(false);
    });

    it('previews a label predicate only over readable fields, with a sample stripped of hidden ones', async () => {
      const preview = (who: string, predicate: string) =>
        call(who, 'POST', `/api/spaces/${space}/metrics/preview`, { table: 'lead', predicate });
      const refused = await preview('rep_hz', `record.ip == "${ipMarker}"`);
      expectStatus(refused, 403, 'rep previews over ip');
      expect(refused.json.error.code).toBe('METRIC_FIELDS_HIDDEN');
      expectStatus(
        await preview('director', `record["key_person_mobile"] != ""`),
        403,
        'director previews over private contacts',
      );
      for (const who of ['rep_hz', 'director']) {
        const answer = await preview(who, 'record.name != ""');
        expectStatus(answer, 200, `${who} previews over names`);
        expect(answer.json.sample.map((r: any) => r.id)).toContain(leadA.id);
        const sample = answer.json.sample.find((r: any) => r.id === leadA.id);
        expect('ip' in sample).toBe(who === 'director');
        expect('key_person_mobile' in sample).toBe(who === 'rep_hz');
      }
    });

    it('leaves the widgets out of a dashboard that would reveal a hidden field', async () => {
      const keys = async (who: string) => {
        const answer = await call(who, 'GET', `/api/spaces/${space}/dashboards/mixed`);
        expectStatus(answer, 200, `${who} dashboard`);
        const widgets = answer.json.widgets.map((w: any) => w.key);
        expect(answer.json.dashboard.widgets.map((w: any) => w.key)).toEqual(widgets);
        return widgets;
      };
      expect(await keys('rep_hz')).toEqual(['w_all', 'w_private']);
      expect(await keys('director')).toEqual(['w_ip', 'w_all']);
      expect(await keys('admin')).toEqual(['w_ip', 'w_all', 'w_private']);
    });
  });

  describe('scheduled reports', () => {
    it('gives each recipient the report as their roles see it', async () => {
      const zj = await create({ name: '辛', organization: '辛医院', phone: '13800138121' });
      const js = await create({ name: '壬', organization: '壬医院', phone: '13800138122' });
      await setOwner(zj.id, users.rep_hz!);
      await setOwner(js.id, users.rep_nj!);
      await target.database
        .sql`update ${schema()}.lead set stage = 'contract_signed', updated_at = now() - interval '30 days' where id in ${target.database.sql([zj.id, js.id])}`;
      await deliverReport({ db: target.database.db }, space, 'weekly_health', 'perm-run');
      await deliverReport({ db: target.database.db }, space, 'rep_diagnosis', 'perm-run');
      const inbox = async (who: string, report: string) => {
        const row = await target.database.db
          .selectFrom('platform.notifications')
          .select('body')
          .where('user_id', '=', users[who]!)
          .where('channel', '=', 'inapp')
          .where('idempotency_key', 'like', `report/${report}/%`)
          .executeTakeFirstOrThrow();
        return row.body;
      };
      const zjHealth = await inbox('sup_zj', 'weekly_health');
      expect(zjHealth).toContain('辛');
      expect(zjHealth).not.toContain('壬');
      const jsHealth = await inbox('sup_js_sh', 'weekly_health');
      expect(jsHealth).toContain('壬');
      expect(jsHealth).not.toContain('辛');
      const directorHealth = await inbox('director', 'weekly_health');
      expect(directorHealth).toContain('辛');
      expect(directorHealth).toContain('壬');
      // The diagnosis lists the supervisor's own reps only.
      const diagnosis = await inbox('sup_zj', 'rep_diagnosis');
      expect(diagnosis).toContain('王磊');
      expect(diagnosis).not.toContain('李强');
      expect(await inbox('sup_js_sh', 'rep_diagnosis')).toContain('李强');
    });
  });

  describe('blocked duplicates', () => {
    it('names the earlier lead only to someone who may read it', async () => {
      const duplicate = { name: '甲2', organization: '甲医院', phone: '13800138101' };
      const rep = await call('rep_nb', 'POST', leads, duplicate);
      expectStatus(rep, 409, 'another rep enters the same lead');
      expect(rep.json.error.code).toBe('DUPLICATE_BLOCKED');
      expect(rep.json.error.details.original).toBeUndefined();
      expect(rep.text).not.toContain(leadA.id);
      const supervisor = await call('sup_zj', 'POST', leads, duplicate);
      expectStatus(supervisor, 409, 'the supervisor enters it');
      expect(supervisor.json.error.details.original).toBe(leadA.id);
    });
  });

  describe('import hints', () => {
    it('tell an importer a row matched an existing lead, never which one or whose', async () => {
      const csv = `name,organization,phone\n甲复,甲医院,13800138101\n新客,新客医院,13911112233\n`;
      const upload = (onMatch: string) => {
        const form = new FormData();
        form.append(
          'options',
          JSON.stringify({
            mapping: { columns: { name: 'name', organization: 'organization', phone: 'phone' } },
            mode: 'partial',
            dedupe: { keys: ['phone'], onMatch },
          }),
        );
        form.append('file', new Blob([new TextEncoder().encode(csv)]), 'leads.csv');
        return call('market_1', 'POST', `/api/spaces/${space}/tables/lead/imports`, form);
      };
      // Updating matches would write records outside the market pool.
      expectStatus(await upload('update'), 403, 'market updates matches');
      const started = await upload('skip');
      expectStatus(started, 202, 'market imports, skipping matches');
      const jobUrl = `/api/spaces/${space}/tables/lead/imports/${started.json.job.id}`;
      let job: any;
      for (let i = 0; i < 600; i++) {
        job = (await call('market_1', 'GET', jobUrl)).json.job;
        if (job.status === 'succeeded' || job.status === 'failed') break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(job).toMatchObject({ status: 'succeeded', created: 1 });
      expect(job.skipped + job.failed).toBe(1);
      const errors = await call('market_1', 'GET', `${jobUrl}/errors.csv`);
      for (const text of [JSON.stringify(job), errors.text]) {
        expect(text).not.toContain(leadA.id);
        expect(text).not.toContain(users.rep_hz);
        expect(text).not.toContain(privateMarker);
      }
    });
  });

  describe('a member with several roles', () => {
    it('gets the union of their roles: rows, fields and rights', async () => {
      const own = await create({ name: '己', organization: '己医院', phone: '13800138102' });
      const pooled = await create({
        name: '庚',
        organization: '庚医院',
        phone: '13800138103',
        ip: '192.0.2.5',
      });
      await setOwner(own.id, users.hybrid!);
      await setOwner(pooled.id, null);

      const list = await call('hybrid', 'GET', `${leads}?limit=100`);
      expectStatus(list, 200, 'hybrid list');
      const ids = list.json.records.map((r: any) => r.id);
      expect(ids).toContain(own.id); // as rep: own leads
      expect(ids).toContain(pooled.id); // as market: the pool
      expect(ids).not.toContain(leadA.id); // neither role reaches another rep's lead
      // Fields: the rep role reads private contacts, the market role the IP address.
      const pool = await call('hybrid', 'GET', `${leads}/${pooled.id}`);
      expect(pool.json.record.ip).toBe('192.0.2.5');
      const mine = await call('hybrid', 'GET', `${leads}/${own.id}`);
      expect('key_person_mobile' in mine.json.record).toBe(true);
      const market = await call('market_1', 'GET', `${leads}/${pooled.id}`);
      expect('key_person_mobile' in market.json.record).toBe(false);

      for (const record of [own, pooled]) {
        const current = await call('hybrid', 'GET', `${leads}/${record.id}`);
        const updated = await call('hybrid', 'PATCH', `${leads}/${record.id}`, {
          version: current.json.record.version,
          memo: '双角色跟进',
        });
        expectStatus(updated, 200, `hybrid updates ${record.name}`);
      }
      const other = await call('hybrid', 'PATCH', `${leads}/${leadA.id}`, {
        version: 1,
        memo: 'x',
      });
      expectStatus(other, 404, "hybrid updates another rep's lead");

      // Import is a market right the rep role lacks: the union has it.
      const csv = 'name,organization,phone\n导入,导入医院,13911110000\n';
      const form = () => {
        const data = new FormData();
        data.append('file', new Blob([new TextEncoder().encode(csv)]), 'leads.csv');
        return data;
      };
      const preview = `/api/spaces/${space}/tables/lead/imports/preview`;
      expectStatus(await call('hybrid', 'POST', preview, form()), 200, 'hybrid imports');
      expectStatus(await call('rep_nj', 'POST', preview, form()), 403, 'a rep imports');
      // Filtering on a field one of the roles reads is allowed.
      const filtered = await call('hybrid', 'POST', `${leads}/query`, {
        filter: { field: 'ip', op: 'eq', value: '192.0.2.5' },
      });
      expectStatus(filtered, 200, 'hybrid filters on ip');
      expect(filtered.json.records.map((r: any) => r.id)).toEqual([pooled.id]);
    });
  });

  describe('availability', () => {
    const assignable = () => ({
      name: `康复${Math.random().toString(36).slice(2, 8)}`,
      organization: `康复医院${Math.random().toString(36).slice(2, 8)}`,
      phone: `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
      province: '浙江',
      city: '杭州',
      product_line: 'rehab',
    });

    it('lets people mark themselves away, and assignment passes them over until they are back', async () => {
      const before = await create(assignable());
      expect(before.owner).toBe(users.rep_hz);

      const away = await call('rep_hz', 'PUT', '/api/me/availability', { away: true });
      expectStatus(away, 200, 'rep marks away');
      expect(away.json.user).toMatchObject({ id: users.rep_hz, away: true, onShift: true });
      const during = await create(assignable());
      expect(during.owner).not.toBe(users.rep_hz);

      const back = await call('rep_hz', 'PUT', '/api/me/availability', { away: false });
      expect(back.json.user.away).toBe(false);
      expect((await create(assignable())).owner).toBe(users.rep_hz);

      expectStatus(
        await call('rep_hz', 'PUT', '/api/me/availability', {}),
        400,
        'nothing to change',
      );
    });

    it('lets supervisors and directors set it for the people below them, and nobody else', async () => {
      const offShift = await call('sup_zj', 'PUT', `/api/users/${users.rep_hz}/availability`, {
        onShift: false,
      });
      expectStatus(offShift, 200, 'supervisor takes their rep off shift');
      expect(offShift.json.user.onShift).toBe(false);
      expect((await create(assignable())).owner).not.toBe(users.rep_hz);

      const refusals: [string, string][] = [
        ['rep_nb', 'rep_hz'], // a peer
        ['rep_hz', 'sup_zj'], // upwards
        ['sup_zj', 'rep_nj'], // another supervisor's rep
        ['market_1', 'rep_hz'],
      ];
      for (const [who, whom] of refusals) {
        const answer = await call(who, 'PUT', `/api/users/${users[whom]}/availability`, {
          away: true,
        });
        expectStatus(answer, 403, `${who} sets ${whom}`);
      }
      expectStatus(
        await call('director', 'PUT', `/api/users/${users.rep_nj}/availability`, { away: true }),
        200,
        'director sets a rep two levels down',
      );
      expectStatus(
        await call('admin', 'PUT', `/api/users/${users.rep_hz}/availability`, { onShift: true }),
        200,
        'administrator',
      );
      expect((await create(assignable())).owner).toBe(users.rep_hz);

      const audit = await target.database.db
        .selectFrom('platform.admin_audit')
        .select(['actor_id', 'target', 'details'])
        .where('action', '=', 'user.update')
        .execute();
      expect(audit).toContainEqual(
        expect.objectContaining({
          actor_id: users.sup_zj,
          target: users.rep_hz,
          details: { availability: { onShift: false } },
        }),
      );
      // Marking yourself is no administrative act.
      expect(audit.some((a) => a.actor_id === users.rep_hz)).toBe(false);
    });
  });

  describe('admin audit', () => {
    it('writes the entry in the transaction of the publish, role change or token it records', async () => {
      // While the audit log refuses entries, none of the three changes may happen.
      await target.database.sql.unsafe(`
        create function platform.refuse_audit() returns trigger language plpgsql as
          $$ begin raise exception 'audit log unavailable'; end $$;
        create trigger refuse_audit before insert on platform.admin_audit
          for each row execute function platform.refuse_audit();`);
      const published = async () =>
        (await call('admin', 'GET', `/api/spaces/${space}/definition`)).json.version;
      const versionBefore = await published();
      const draft = (await call('admin', 'GET', `/api/spaces/${space}/definition/draft`)).json
        .definition;
      draft.tables
        .find((t: any) => t.key === 'lead')
        .fields.push({ key: 'audit_probe', type: 'text', label: label('Probe') });
      expectStatus(
        await call('admin', 'PUT', `/api/spaces/${space}/definition/draft`, draft),
        200,
        'draft',
      );
      try {
        const publish = await call('admin', 'POST', `/api/spaces/${space}/definition/publish`);
        expect(publish.status).toBeGreaterThanOrEqual(500);
        expect(await published()).toBe(versionBefore);
        const columns = await target.database.sql`
          select 1 from information_schema.columns
           where table_schema = ${`space_${space}`} and table_name = 'lead' and column_name = 'audit_probe'`;
        expect(columns.length).toBe(0);

        const token = await call('rep_nj', 'POST', '/api/auth/tokens', { name: 'unaudited' });
        expect(token.status).toBeGreaterThanOrEqual(500);
        const tokens = await target.database.db
          .selectFrom('platform.api_tokens')
          .select('id')
          .where('name', '=', 'unaudited')
          .execute();
        expect(tokens).toEqual([]);

        const roles = await call('admin', 'PUT', `/api/spaces/${space}/members/${users.rep_nj}`, {
          roles: ['director'],
        });
        expect(roles.status).toBeGreaterThanOrEqual(500);
        const member = await target.database.db
          .selectFrom('platform.space_members')
          .select('roles')
          .where('user_id', '=', users.rep_nj!)
          .executeTakeFirstOrThrow();
        expect(member.roles).toEqual(['rep']);
      } finally {
        await target.database.sql.unsafe(`
          drop trigger refuse_audit on platform.admin_audit;
          drop function platform.refuse_audit();`);
      }

      const publish = await call('admin', 'POST', `/api/spaces/${space}/definition/publish`);
      expectStatus(publish, 201, 'publish once the log takes entries');
      const entry = await target.database.db
        .selectFrom('platform.admin_audit')
        .select('details')
        .where('action', '=', 'definition.publish')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      expect(entry.details).toMatchObject({ version: versionBefore + 1 });
      expectStatus(
        await call('rep_nj', 'POST', '/api/auth/tokens', { name: 'audited' }),
        201,
        'token once the log takes entries',
      );
    });
  });

  it('declares the bearer token and the session cookie in the API description', async () => {
    const answer = await call('rep_hz', 'GET', '/api/openapi.json');
    expectStatus(answer, 200, 'openapi');
    const doc = answer.json;
    expect(doc.components.securitySchemes).toMatchObject({
      bearerToken: { type: 'http', scheme: 'bearer' },
      cookieSession: { type: 'apiKey', in: 'cookie', name: 'baton_session' },
    });
    expect(doc.security).toEqual([{ bearerToken: [] }, { cookieSession: [] }]);
    expect(doc.paths['/api/health'].get.security).toEqual([]);
    expect(doc.paths['/api/auth/login'].post.security).toEqual([]);
    expect(doc.paths['/api/spaces/{space}/intake/{source}'].post.security).toEqual([]);
    expect(doc.paths['/api/me/availability'].put.security).toBeUndefined();
    expect(doc.paths[`/api/spaces/{space}/tables/{table}/records`].post.security).toBeUndefined();
  });

  it('never sends a hidden value to a role that cannot read it', () => {
    for (const who of ['rep_hz', 'rep_nb', 'rep_nj']) {
      expect((seen.get(who) ?? []).join('\n').includes(ipMarker), who).toBe(false);
    }
    for (const who of ['director', 'rep_nb', 'market_1']) {
      expect((seen.get(who) ?? []).join('\n').includes(privateMarker), who).toBe(false);
    }
    expect(seen.get('director')!.join('\n').includes(ipMarker)).toBe(true);
  });
});
