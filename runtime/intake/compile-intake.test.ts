import { describe, expect, it } from 'vitest';
import type { AppDefinition } from '../definition/definition-schema';
import { validateDefinition } from '../definition/validate-definition';
import { leadTable, l, medicalDeviceDefinition } from '../rules/test-rules';
import { compileIntake, validateIntake } from './compile-intake';
import type { IntakeSource } from './intake-schema';

const now = '2025-03-01T09:00:00+08:00';
const signature = { header: 'x-baton-signature', algorithm: 'hmac-sha256' } as const;

const smsGateway: IntakeSource = {
  key: 'sms',
  label: l('SMS gateway', '短信网关'),
  kind: 'sms',
  table: 'lead',
  map: {
    name: 'payload.name',
    phone: 'payload.from',
    message: 'payload.text',
    province: 'payload.province',
  },
  set: { source: 'sms', province: '浙江' },
  tags: ['短信线索'],
  signature: { ...signature, timestampHeader: 'x-baton-timestamp' },
};

function withIntake(...intake: IntakeSource[]): AppDefinition {
  return { ...medicalDeviceDefinition(), intake };
}

function mapperOf(source: IntakeSource) {
  const compiled = compileIntake(withIntake(source));
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.issues));
  return compiled.value.source(source.key)!;
}

describe('intake mappings', () => {
  it('maps a payload, adds the source tags and lands the lead in the first stage', () => {
    const sms = mapperOf(smsGateway);
    expect(
      sms.map({ name: '张伟', from: 13800138000, text: '咨询CT', province: '江苏' }, now),
    ).toEqual({
      ok: true,
      values: {
        name: '张伟',
        phone: '13800138000',
        message: '咨询CT',
        province: '江苏',
        source: 'sms',
        tags: ['短信线索'],
        stage: 'new',
      },
    });
    expect(sms.secretName).toBe('sms');
    expect(sms.toleranceSeconds).toBe(300);
  });

  it('leaves a field to its constant or empty when the payload lacks the key', () => {
    const sms = mapperOf(smsGateway);
    const mapped = sms.map({ from: '13800138000' }, now);
    expect(mapped).toEqual({
      ok: true,
      values: {
        phone: '13800138000',
        source: 'sms',
        province: '浙江',
        tags: ['短信线索'],
        stage: 'new',
      },
    });
  });

  it('uses the named pool stage and keeps a mapped stage', () => {
    const source = {
      ...smsGateway,
      pool: 'contacted',
      map: { ...smsGateway.map, stage: 'payload.stage' },
    };
    const sms = mapperOf(source);
    expect(sms.map({ from: '1' }, now)).toMatchObject({ ok: true, values: { stage: 'contacted' } });
    expect(sms.map({ from: '1', stage: 'paid' }, now)).toMatchObject({
      ok: true,
      values: { stage: 'paid' },
    });
  });

  it('names the field whose mapping fails or gives a value of the wrong shape', () => {
    const source = { ...smsGateway, map: { ...smsGateway.map, notes: 'payload.text + 1' } };
    const mapped = mapperOf(source).map({ text: '你好', province: ['浙江'] }, now);
    expect(mapped.ok).toBe(false);
    if (mapped.ok) return;
    expect(mapped.issues.map((i) => [i.field, i.code])).toEqual([
      ['province', 'INTAKE_VALUE_TYPE'],
      ['notes', 'INTAKE_MAPPING_FAILED'],
    ]);
    expect(mapped.issues[1]!.message.en).toContain('payload.text + 1');
  });

  it('turns form-encoded text into numbers and booleans for number and boolean fields', () => {
    const table = {
      ...leadTable,
      fields: [
        ...leadTable.fields,
        { key: 'budget', type: 'money' as const, currency: 'CNY', label: l('Budget', '预算') },
        { key: 'urgent', type: 'boolean' as const, label: l('Urgent', '紧急') },
      ],
    };
    const source = { ...smsGateway, map: { budget: 'payload.budget', urgent: 'payload.urgent' } };
    const compiled = compileIntake({
      ...medicalDeviceDefinition(),
      tables: [table],
      intake: [source],
    });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.issues));
    expect(
      compiled.value.source('sms')!.map({ budget: ' 1200000 ', urgent: 'true' }, now),
    ).toMatchObject({
      ok: true,
      values: { budget: 1_200_000, urgent: true },
    });
  });
});

describe('validateIntake', () => {
  it('accepts the sources of a well-formed definition', () => {
    expect(validateIntake(withIntake(smsGateway))).toEqual([]);
    expect(validateDefinition(withIntake(smsGateway)).ok).toBe(true);
  });

  it('names unknown tables, fields and stages, computed targets, bad constants and broken CEL', () => {
    const broken: IntakeSource = {
      ...smsGateway,
      key: 'broken',
      map: { nope: 'payload.a', phone: 'payload.a +', tags: '1 + 2', stage: '"x"' },
      set: { product_line: ['ortho', 'rehab'], name: { a: 1 } as never },
      pool: 'limbo',
      signature: { ...signature, toleranceSeconds: 60 },
    };
    const issues = validateIntake(withIntake(smsGateway, broken, { ...smsGateway, table: 'nope' }));
    expect(issues.map((i) => [i.pointer, i.code])).toEqual([
      ['/intake/1/map/nope', 'UNKNOWN_FIELD'],
      ['/intake/1/map/phone', 'CEL_SYNTAX'],
      ['/intake/1/map/tags', 'CEL_RESULT_TYPE'],
      ['/intake/1/set/product_line', 'CONSTANT_TYPE'],
      ['/intake/1/set/name', 'CONSTANT_TYPE'],
      ['/intake/1/pool', 'UNKNOWN_STAGE'],
      ['/intake/1/signature/toleranceSeconds', 'TOLERANCE_WITHOUT_TIMESTAMP'],
      ['/intake/2/key', 'DUPLICATE_KEY'],
    ]);
  });

  it('refuses a source whose table has no stages when it names a pool, and tags without a tags field', () => {
    const table = { key: 'contact', label: l('Contact', '联系人'), fields: [leadTable.fields[0]!] };
    const source: IntakeSource = {
      ...smsGateway,
      table: 'contact',
      map: { name: 'payload.name' },
      set: {},
      pool: 'new',
    };
    const issues = validateIntake({ formatVersion: 1, tables: [table], intake: [source] });
    expect(issues.map((i) => [i.pointer, i.code])).toEqual([
      ['/intake/0/tags', 'NO_TAGS_FIELD'],
      ['/intake/0/pool', 'UNKNOWN_STAGE'],
    ]);
  });

  it('reports through validateDefinition, so publish refuses a broken source', () => {
    const result = validateDefinition(
      withIntake({ ...smsGateway, map: { phone: 'record.phone' } }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues[0]).toMatchObject({ pointer: '/intake/0/map/phone', code: 'CEL_TYPE' });
  });
});
