import { describe, expect, it } from 'vitest';
import type { AppDefinition } from '../../runtime/definition/definition-schema';
import { metricSchema, type MetricDefinition } from '../../runtime/metrics/metric-schema';
import { roleSchema } from '../../runtime/permissions/role-schema';
import { celFields, hiddenFieldsOf, metricFields } from './metric-access';
import { tableAccessOf } from './table-access';

const label = { 'zh-CN': '字段', en: 'Field' };
const definition = {
  formatVersion: 1,
  tables: [
    {
      key: 'lead',
      label,
      fields: ['name', 'ip', 'source', 'need_grade', 'amount', 'pain_point'].map((key) => ({
        key,
        type: 'text',
        label,
      })),
    },
  ],
  metricLabels: [
    { key: 'suspicious', label, table: 'lead', predicate: 'record["ip"].startsWith("10.")' },
    { key: 'loop', label, table: 'lead', predicate: 'labels.loop && record.name != ""' },
  ],
} as unknown as AppDefinition;
const metric = (raw: Record<string, unknown>): MetricDefinition =>
  metricSchema.parse({ key: 'm', label, table: 'lead', ...raw });

describe('fields a metric reads', () => {
  it('finds record fields in CEL, through labels, in either accessor form', () => {
    expect([...celFields("record.name != '' && record['amount'] > 3", definition)]).toEqual([
      'name',
      'amount',
    ]);
    expect([...celFields('labels.suspicious || labels.loop', definition)].sort()).toEqual([
      'ip',
      'name',
    ]);
  });

  it('collects the measure, filter, window, group-by and built-in parameters', () => {
    const fields = metricFields(
      metric({
        measure: { kind: 'sum', field: 'amount' },
        filter: 'record.source == "douyin"',
        time: { field: 'created_at', window: 'P30D' },
        groupBy: ['created_at:week', 'pain_point'],
      }),
      definition,
    );
    expect([...fields].sort()).toEqual(['amount', 'created_at', 'pain_point', 'source']);
    const channel = metric({ measure: { kind: 'builtin', formula: 'channel_effectiveness' } });
    expect([...metricFields(channel, definition, ['ip'])].sort()).toEqual([
      'ip',
      'need_grade',
      'source',
    ]);
    const shares = metric({
      measure: {
        kind: 'builtin',
        formula: 'contribution_share',
        params: { bonusField: 'amount', closedStages: ['won'] },
      },
    });
    expect([...metricFields(shares, definition)]).toEqual(['amount']);
  });

  it('names only designed fields the viewer cannot read everywhere', () => {
    const rep = roleSchema.parse({
      key: 'rep',
      label,
      tables: { lead: { read: 'own', fields: { read: ['name', 'source'] } } },
    });
    const access = tableAccessOf(definition.tables[0], 'lead', [rep], null, false);
    // `day` (an LAI snapshot dimension) and `owner` are no hidden fields.
    expect(hiddenFieldsOf(access, definition, ['day', 'owner', 'name', 'ip', 'amount'])).toEqual([
      'ip',
      'amount',
    ]);
    const admin = tableAccessOf(definition.tables[0], 'lead', [], null, true);
    expect(hiddenFieldsOf(admin, definition, ['ip'])).toEqual([]);
  });
});
