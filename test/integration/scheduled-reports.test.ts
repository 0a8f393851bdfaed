// Scheduled reports on a real Temporal dev server: the Monday 09:00 (Asia/Shanghai) team health
// report and the weekly per-rep diagnosis, triggered through their Temporal Schedules and received
// at a local SMTP server as HTML with an .xlsx attachment, and in the recipients' in-app inbox.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEmailSender } from '../../platform/notifications/email-channel';
import { startReportReconciler } from '../../platform/reports/report-reconciler';
import { createReportScheduler } from '../../platform/reports/report-schedules';
import { apiClient } from '../support/api-client';
import { startSmtpSink, type SmtpSink, type SinkMessage } from '../support/smtp-sink';
import { createTestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { startTestTemporal, type TestTemporal } from '../support/test-temporal';

const l = (en: string, zh: string) => ({ 'zh-CN': zh, en });

const definition = {
  formatVersion: 1,
  tables: [
    {
      key: 'lead',
      label: l('Lead', '线索'),
      titleField: 'name',
      fields: [
        { key: 'name', type: 'text', label: l('Name', '名称') },
        { key: 'province', type: 'text', label: l('Province', '省份') },
      ],
      stages: [{ key: 'quote', label: l('Quote', '方案报价') }],
    },
  ],
  // Reports show each recipient what their roles read: the supervisor reads every lead.
  roles: [{ key: 'supervisor', label: l('Supervisor', '主管'), tables: { lead: { read: 'all' } } }],
  metrics: [
    {
      key: 'leads',
      label: l('Leads', '线索数'),
      table: 'lead',
      measure: { kind: 'count' },
      unit: 'count',
    },
    {
      key: 'lai',
      label: l('LAI', '线索活性指数'),
      table: 'lead',
      measure: { kind: 'builtin', formula: 'lai' },
    },
  ],
  dashboards: [
    {
      key: 'health',
      label: l('Team health', '团队健康'),
      widgets: [
        {
          key: 'leads',
          type: 'kpi',
          label: l('Leads', '线索数'),
          metric: 'leads',
          position: { x: 0, y: 0, w: 4, h: 2 },
        },
        {
          key: 'lai',
          type: 'kpi',
          label: l('LAI', '线索活性指数'),
          metric: 'lai',
          position: { x: 4, y: 0, w: 4, h: 2 },
          thresholds: { direction: 'higher_is_better', green: 75, yellow: 60 },
        },
      ],
    },
  ],
  reports: [
    {
      key: 'weekly_health',
      kind: 'team_health',
      label: l('Team process-health report', '团队过程健康周报'),
      dashboard: 'health',
      cron: '0 9 * * 1',
      timezone: 'Asia/Shanghai',
      recipients: ['role:supervisor'],
    },
    {
      key: 'rep_diagnosis',
      kind: 'rep_diagnosis',
      label: l('Weekly rep diagnosis', '销售周诊断'),
      dashboard: 'health',
      cron: '0 18 * * 5',
      timezone: 'Asia/Shanghai',
      recipients: ['role:supervisor'],
    },
  ],
};

/** The base64 body of the message's first attachment, decoded. */
function attachmentOf(message: SinkMessage): { filename: string; content: Buffer } {
  const match =
    /Content-Disposition: attachment;\s*filename="?([^"\r\n]+)"?[\s\S]*?\r?\n\r?\n([A-Za-z0-9+/=\r\n]+?)\r?\n--/i.exec(
      message.raw,
    );
  if (!match) throw new Error('no attachment in the message');
  return { filename: match[1]!, content: Buffer.from(match[2]!.replace(/\s+/g, ''), 'base64') };
}

describe('scheduled reports', () => {
  let smtp: SmtpSink;
  let target: TestDatabase;
  let temporal: TestTemporal;
  let api: ReturnType<typeof apiClient>;
  let supervisor: string;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    target = await createTestDatabase();
    temporal = await startTestTemporal(target.database.db, {
      notifications: {
        email: createEmailSender({ url: smtp.url, from: 'Baton <baton@example.cn>' }),
      },
    });
    const app = createTestApp({
      database: target.database,
      health: { temporal: () => temporal.client, taskQueue: temporal.taskQueue },
    });
    api = apiClient(app);
    const db = target.database.db;
    const space = (
      await api.expect<any>(201, 'POST', '/api/spaces', { key: 'rpt', name: l('Reports', '报表') })
    ).space;
    const users: Record<string, string> = {};
    for (const [name, email, roles] of [
      ['王主管', 'sup@example.cn', ['supervisor']],
      ['张销售', 'rep@example.cn', ['rep']],
    ] as const) {
      const { id } = await db
        .insertInto('platform.users')
        .values({ email, display_name: name })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('platform.space_members')
        .values({ space_id: space.id, user_id: id, roles: [...roles] })
        .execute();
      users[email] = id;
    }
    supervisor = users['sup@example.cn']!;
    await api.expect(200, 'PUT', '/api/spaces/rpt/definition/draft', definition);
    await api.expect(201, 'POST', '/api/spaces/rpt/definition/publish');
    for (const name of ['浙江省人民医院', '苏州精工']) {
      await api.expect(201, 'POST', '/api/spaces/rpt/tables/lead/records', {
        name,
        province: '浙江',
        stage: 'quote',
        owner: users['rep@example.cn'],
      });
    }
  }, 120_000);

  afterAll(async () => {
    for (const report of ['weekly_health', 'rep_diagnosis']) {
      const space = await target.database.db
        .selectFrom('platform.spaces')
        .select('id')
        .where('key', '=', 'rpt')
        .executeTakeFirst();
      await temporal.client.schedule
        .getHandle(`baton/${space?.id}/report/${report}`)
        .delete()
        .catch(() => {});
      await temporal.client.schedule
        .getHandle(`baton/${space?.id}/lai`)
        .delete()
        .catch(() => {});
    }
    await temporal?.close();
    await smtp?.close();
    await target?.drop();
  });

  it('creates the schedules of a newly published version without being asked', async () => {
    const space = await target.database.db
      .selectFrom('platform.spaces')
      .select('id')
      .where('key', '=', 'rpt')
      .executeTakeFirstOrThrow();
    const scheduler = createReportScheduler(temporal.client, temporal.taskQueue);
    const stop = startReportReconciler({
      db: target.database.db,
      scheduler: () => scheduler,
      intervalMs: 200,
    });
    try {
      await vi.waitFor(
        async () => {
          const described = await temporal.client.schedule
            .getHandle(`baton/${space.id}/report/weekly_health`)
            .describe();
          expect(described.spec.timezone).toBe('Asia/Shanghai');
          await temporal.client.schedule.getHandle(`baton/${space.id}/lai`).describe();
        },
        { timeout: 30_000, interval: 300 },
      );
    } finally {
      stop();
    }
  }, 60_000);

  it('schedules the team health report for Monday 09:00 in Asia/Shanghai', async () => {
    const { reports } = await api.expect<any>(200, 'GET', '/api/spaces/rpt/reports');
    const weekly = reports.find((r: any) => r.key === 'weekly_health');
    const next = new Date(weekly.nextRunAt);
    // 09:00 in Shanghai is 01:00 UTC on the same Monday
    expect([next.getUTCDay(), next.getUTCHours(), next.getUTCMinutes()]).toEqual([1, 1, 0]);
    expect(next.getTime()).toBeGreaterThan(Date.now());
  }, 60_000);

  it('delivers the team health report by e-mail with an .xlsx attachment and in-app when its schedule is triggered', async () => {
    await api.expect(202, 'POST', '/api/spaces/rpt/reports/weekly_health/trigger');
    const [message] = await smtp.waitFor(1, 60_000);
    expect(message!.to).toEqual(['sup@example.cn']);
    expect(message!.subject).toContain('团队过程健康周报 / Team process-health report');
    expect(message!.html).toContain('线索数 / Leads');
    expect(message!.html).toContain('苏州精工');
    const attachment = attachmentOf(message!);
    expect(attachment.filename).toMatch(/^weekly_health-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(attachment.content as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('指标 Metrics')!;
    const rows = sheet.getSheetValues().slice(2) as unknown[][];
    const leads = rows.find((r) => r[3] === 'Leads')!;
    expect([leads[1], leads[2], leads[4]]).toEqual(['团队 Team', '线索数', 2]);
    const lai = rows.find((r) => r[3] === 'LAI')!;
    // Both leads were just written (fresh) with no follow-ups: 100 × 0.4
    expect([lai[4], lai[6]]).toEqual([40, 'red']);
    const stalled = workbook.getWorksheet('停滞 Stalled')!;
    expect(stalled.rowCount).toBe(3);

    const inbox = await target.database.db
      .selectFrom('platform.notifications')
      .select(['title', 'channel', 'status'])
      .where('user_id', '=', supervisor)
      .where('channel', '=', 'inapp')
      .execute();
    expect(inbox).toHaveLength(1);
    expect(inbox[0]!.title).toContain('团队过程健康周报');
  }, 90_000);

  it('delivers the per-rep diagnosis with one line per rep and metric', async () => {
    await api.expect(202, 'POST', '/api/spaces/rpt/reports/rep_diagnosis/trigger');
    const messages = await smtp.waitFor(2, 60_000);
    const diagnosis = messages.find((m) => m.subject.includes('销售周诊断'))!;
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(attachmentOf(diagnosis).content as unknown as ArrayBuffer);
    const rows = (
      workbook.getWorksheet('指标 Metrics')!.getSheetValues().slice(2) as unknown[][]
    ).map((r) => [r[1], r[3], r[4]]);
    expect(rows).toEqual([
      ['张销售', 'LAI', 40],
      ['张销售', 'Leads', 2],
    ]);
  }, 90_000);

  it('refuses to trigger an unknown report', async () => {
    await api.expect(404, 'POST', '/api/spaces/rpt/reports/nope/trigger');
  });
});
