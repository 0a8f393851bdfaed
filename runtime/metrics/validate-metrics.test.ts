import { describe, expect, it } from 'vitest';
import { validateDefinition } from '../definition/validate-definition';

const label = (zh: string, en = zh) => ({ 'zh-CN': zh, en });
function definition(extra: Record<string, unknown>) {
  return {
    formatVersion: 1,
    tables: [
      {
        key: 'lead',
        label: label('线索', 'Lead'),
        fields: [
          { key: 'province', type: 'text', label: label('省份') },
          {
            key: 'grade',
            type: 'select',
            options: ['A', 'B', 'C'].map((v) => ({ value: v, label: label(v) })),
            label: label('等级'),
          },
          { key: 'amount', type: 'money', label: label('金额') },
        ],
      },
    ],
    ...extra,
  };
}
const metric = {
  key: 'a_share',
  label: label('A 类占比', 'A share'),
  table: 'lead',
  measure: { kind: 'ratio', numerator: 'record.grade == "A"' },
  groupBy: ['province', 'created_at:week'],
  time: { field: 'created_at', window: 'P30D' },
};
const widget = {
  key: 'kpi',
  type: 'kpi',
  label: label('A 类占比'),
  metric: 'a_share',
  position: { x: 0, y: 0, w: 4, h: 2 },
  thresholds: { direction: 'higher_is_better', green: 0.5, yellow: 0.3 },
};

describe('validateMetrics', () => {
  it('accepts metrics, dashboards and reports that reference what exists', () => {
    const result = validateDefinition(
      definition({
        metrics: [metric],
        dashboards: [{ key: 'ops', label: label('作战会'), widgets: [widget] }],
        reports: [
          {
            key: 'weekly',
            kind: 'team_health',
            label: label('周报'),
            dashboard: 'ops',
            cron: '0 9 * * MON',
            recipients: ['role:supervisor'],
          },
        ],
      }),
    );
    expect(result.ok ? [] : result.issues).toEqual([]);
  });

  it('points at every broken reference', () => {
    const result = validateDefinition(
      definition({
        metrics: [
          {
            ...metric,
            measure: { kind: 'sum', field: 'province' },
            groupBy: ['province:week', 'nope'],
          },
          { ...metric, key: 'b', table: 'deal' },
          { ...metric, key: 'c', filter: 'record.amount.exists(x, x > 1)' },
          { ...metric, key: 'd', filter: 'record.grade == 1' },
        ],
        dashboards: [
          {
            key: 'ops',
            label: label('作战会'),
            widgets: [
              { ...widget, metric: 'missing', position: { x: 10, y: 0, w: 4, h: 2 } },
              {
                ...widget,
                key: 'k2',
                thresholds: { direction: 'higher_is_better', green: 0.1, yellow: 0.3 },
                actions: [{ when: 'red', startFlow: 'no_flow' }],
              },
            ],
          },
        ],
        reports: [
          {
            key: 'weekly',
            kind: 'team_health',
            label: label('周报'),
            dashboard: 'nope',
            cron: '0 9 * * MON',
            timezone: 'Mars/Olympus',
            recipients: ['role:supervisor'],
          },
        ],
      }),
    );
    expect(result.ok).toBe(false);
    const found = result.ok ? [] : result.issues.map((i) => `${i.pointer} ${i.code}`);
    expect(found).toEqual(
      expect.arrayContaining([
        '/metrics/0/measure/field FIELD_NOT_NUMERIC',
        '/metrics/0/groupBy/0 FIELD_NOT_TEMPORAL',
        '/metrics/0/groupBy/1 UNKNOWN_FIELD',
        '/metrics/1/table UNKNOWN_TABLE',
        '/dashboards/0/widgets/0/metric UNKNOWN_METRIC',
        '/dashboards/0/widgets/0/position WIDGET_OFF_GRID',
        '/dashboards/0/widgets/1/thresholds THRESHOLDS_ORDER',
        '/dashboards/0/widgets/1/actions/0/startFlow UNKNOWN_FLOW',
        '/reports/0/dashboard UNKNOWN_DASHBOARD',
        '/reports/0/timezone UNKNOWN_TIME_ZONE',
      ]),
    );
    expect(found.some((f) => f.startsWith('/metrics/2/filter'))).toBe(true);
    expect(found.some((f) => f.startsWith('/metrics/3/filter'))).toBe(true);
    const zh = result.ok ? undefined : result.issues.find((i) => i.code === 'UNKNOWN_TABLE');
    expect(zh?.message['zh-CN']).toBe('没有表「deal」');
  });
});

describe('the contribution bonus split', () => {
  const contribution = (params: Record<string, unknown>) => ({
    key: 'contribution',
    label: label('贡献值占比', 'Contribution'),
    table: 'lead',
    measure: { kind: 'builtin', formula: 'contribution_share', params },
  });
  const withStages = (metrics: unknown[]) => {
    const d = definition({ metrics });
    d.tables[0] = {
      ...d.tables[0]!,
      stages: [{ key: 'contract', label: label('合同签署', 'Contract') }],
    } as (typeof d.tables)[0];
    return d;
  };

  it('accepts a money field and a stage of the table', () => {
    const result = validateDefinition(
      withStages([contribution({ bonusField: 'amount', closedStages: ['contract'] })]),
    );
    expect(result.ok ? [] : result.issues).toEqual([]);
  });

  it('names a field that is not a number, a stage that does not exist and a half-given split', () => {
    const result = validateDefinition(
      withStages([
        contribution({ bonusField: 'province', closedStages: ['won'] }),
        { ...contribution({ bonusField: 'amount' }), key: 'half' },
      ]),
    );
    expect(result.ok ? [] : result.issues.map((i) => [i.pointer, i.code])).toEqual([
      ['/metrics/0/measure/params/bonusField', 'FIELD_NOT_NUMERIC'],
      ['/metrics/0/measure/params/closedStages/0', 'UNKNOWN_STAGE'],
      ['/metrics/1/measure/params', 'BONUS_SPLIT_INCOMPLETE'],
    ]);
  });
});
