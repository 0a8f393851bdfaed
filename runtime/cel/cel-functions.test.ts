import { describe, expect, it } from 'vitest';
import type { FieldDefinition } from '../definition/field-schema';
import { celFunctionCatalog } from './cel-functions';
import { compileCel, type CelInput, type CelScope } from './compile-cel';

const label = { 'zh-CN': '字段', en: 'Field' };
const fields: FieldDefinition[] = [
  { key: 'message', type: 'long_text', label },
  { key: 'organization', type: 'text', label },
  { key: 'ip', type: 'text', label },
  { key: 'created_at', type: 'datetime', label },
  { key: 'due_on', type: 'date', label },
];
const scope: CelScope = { record: fields, variables: { event: 'map<string, dyn>' } };
const now = '2025-03-03T10:00:00+08:00'; // a Monday in Shanghai

function evaluate(source: string, input: Partial<CelInput> = {}) {
  const compiled = compileCel(source, scope);
  if (!compiled.ok) return compiled;
  return compiled.value.evaluate({ record: {}, now, ...input });
}

function value(source: string, input: Partial<CelInput> = {}): unknown {
  const result = evaluate(source, input);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.value;
}

function issueCode(source: string, input: Partial<CelInput> = {}): string | undefined {
  const result = evaluate(source, input);
  return result.ok ? undefined : result.issues[0]?.code;
}

describe('contains_any and contains_all', () => {
  const imaging = 'contains_any(record.message, ["DR", "CT"]) ? ["影像设备"] : []';

  it('tags a lead asking about DR or CT as 影像设备 (PLAYBOOKS A1)', () => {
    expect(value(imaging, { record: { message: '想了解一下dr设备的报价' } })).toEqual(['影像设备']);
    expect(value(imaging, { record: { message: '咨询ＣＴ机维保' } })).toEqual(['影像设备']);
    expect(value(imaging, { record: { message: '骨科耗材' } })).toEqual([]);
  });

  it('treats empty text as containing no keyword', () => {
    expect(value(imaging, { record: { message: null } })).toEqual([]);
    expect(value('contains_all(record.message, ["a"])')).toBe(false);
  });

  it('scores an e-mail reply that mentions 预算 or 时间表 (PLAYBOOKS B1)', () => {
    const reply = 'contains_any(event.body, ["预算", "时间表"]) ? 6 : 0';
    expect(value(reply, { event: { body: '我们今年的预算已经批下来了' } })).toBe(6);
    expect(value(reply, { event: { body: '请发一下时间表' } })).toBe(6);
    expect(value(reply, { event: { body: '谢谢，收到' } })).toBe(0);
  });

  it('requires every keyword for contains_all', () => {
    expect(
      value('contains_all(record.message, ["预算", "时间表"])', {
        record: { message: '预算和时间表' },
      }),
    ).toBe(true);
    expect(
      value('contains_all(record.message, ["预算", "时间表"])', {
        record: { message: '只有预算' },
      }),
    ).toBe(false);
  });

  it('refuses a keyword list of the wrong type at compile time', () => {
    expect(issueCode('contains_any(record.message, [1, 2])')).toBe('CEL_TYPE');
  });
});

describe('in_list and normalize_org', () => {
  it('matches list items trimmed and ignoring case and width', () => {
    const source = 'in_list(record.organization, ["北京协和医院", "Peking Union"])';
    expect(value(source, { record: { organization: '  peking  union ' } })).toBe(true);
    expect(value(source, { record: { organization: '北京协和医院 ' } })).toBe(true);
    expect(value(source, { record: { organization: '协和' } })).toBe(false);
    expect(value(source)).toBe(false);
  });

  it('normalises an organisation name and keeps null null', () => {
    expect(
      value('normalize_org(record.organization)', {
        record: { organization: ' 华西医院（本部）　A  区 ' },
      }),
    ).toBe('华西医院(本部) A 区');
    expect(value('normalize_org(record.organization)')).toBeNull();
  });
});

describe('in_cidr', () => {
  it('matches IPv4 addresses against a range', () => {
    expect(value('in_cidr(record.ip, "10.0.0.0/8")', { record: { ip: '10.20.30.40' } })).toBe(true);
    expect(value('in_cidr(record.ip, "10.0.0.0/8")', { record: { ip: '11.0.0.1' } })).toBe(false);
  });

  it('matches IPv6 addresses, including IPv4-mapped ones', () => {
    expect(value('in_cidr(record.ip, "2001:db8::/32")', { record: { ip: '2001:db8:1::5' } })).toBe(
      true,
    );
    expect(value('in_cidr(record.ip, "2001:db8::/32")', { record: { ip: '2001:db9::5' } })).toBe(
      false,
    );
    expect(value('in_cidr(record.ip, "10.0.0.0/8")', { record: { ip: '::ffff:10.1.2.3' } })).toBe(
      true,
    );
  });

  it('matches any range of a list, e.g. a hospital network list', () => {
    const source = 'in_cidr(record.ip, ["192.168.0.0/16", "2001:db8::/32"])';
    expect(value(source, { record: { ip: '192.168.3.4' } })).toBe(true);
    expect(value(source, { record: { ip: '2001:db8::1' } })).toBe(true);
    expect(value(source, { record: { ip: '8.8.8.8' } })).toBe(false);
  });

  it('puts an empty or malformed address in no range', () => {
    expect(value('in_cidr(record.ip, "0.0.0.0/0")')).toBe(false);
    expect(value('in_cidr(record.ip, "0.0.0.0/0")', { record: { ip: 'not an ip' } })).toBe(false);
  });

  it('fails on a malformed range that only shows up at run time', () => {
    expect(
      issueCode('in_cidr(record.ip, record.organization)', {
        record: { ip: '1.2.3.4', organization: 'x' },
      }),
    ).toBe('CEL_EVALUATION');
  });
});

describe('hours_since, minutes_since and days_since', () => {
  const created = { record: { created_at: '2025-03-03T07:30:00+08:00' } };

  it('measures from the evaluation input now, not the host clock', () => {
    expect(value('hours_since(record.created_at)', created)).toBe(2.5);
    expect(value('minutes_since(record.created_at)', created)).toBe(150);
    expect(
      value('days_since(record.created_at)', { ...created, now: '2025-03-05T07:30:00+08:00' }),
    ).toBe(2);
    expect(
      value('hours_since(record.created_at)', { ...created, now: '2025-03-03T08:30:00+08:00' }),
    ).toBe(1);
  });

  it('counts calendar days since a date in Asia/Shanghai', () => {
    expect(value('days_since(record.due_on)', { record: { due_on: '2025-02-28' } })).toBe(3);
    // 2025-03-02T17:00Z is already 2025-03-03 in Shanghai.
    expect(
      value('days_since(record.due_on)', {
        record: { due_on: '2025-03-03' },
        now: '2025-03-02T17:00:00Z',
      }),
    ).toBe(0);
  });

  it('works inside comprehensions', () => {
    expect(value('[1, 2].exists(x, hours_since(record.created_at) > 2.0)', created)).toBe(true);
  });

  it('fails on an empty timestamp with a hint', () => {
    const result = evaluate('hours_since(record.created_at) > 4.0');
    expect(result).toMatchObject({ ok: false, issues: [{ code: 'CEL_EVALUATION' }] });
    if (!result.ok) expect(result.issues[0]?.message).toContain('!= null');
  });

  it('refuses arguments that are not timestamps at compile time', () => {
    expect(issueCode('hours_since(record.message)')).toBe('CEL_TYPE');
    expect(issueCode('hours_since(now, now)')).toBe('CEL_TYPE');
    expect(issueCode('hours_since(record.created_at) + "h"')).toBe('CEL_TYPE');
  });
});

describe('date_of, weekday and add_days', () => {
  it('gives the date in Asia/Shanghai by default', () => {
    expect(value('date_of(now)', { now: '2025-03-02T16:30:00Z' })).toBe('2025-03-03');
    expect(value('date_of(now, "UTC")', { now: '2025-03-02T16:30:00Z' })).toBe('2025-03-02');
  });

  it('numbers weekdays from Monday = 1 to Sunday = 7', () => {
    expect(value('weekday(now)')).toBe(1);
    expect(value('weekday(now)', { now: '2025-03-09T12:00:00+08:00' })).toBe(7);
    expect(value('weekday(now, "America/New_York")', { now: '2025-03-03T02:00:00Z' })).toBe(7);
    expect(value('weekday(record.due_on)', { record: { due_on: '2025-03-08' } })).toBe(6);
  });

  it('adds days to timestamps and to dates', () => {
    expect(value('add_days(now, 2)')).toBe('2025-03-05T02:00:00.000Z');
    expect(value('add_days(now, -1) < now')).toBe(true);
    expect(value('add_days(record.due_on, 1)', { record: { due_on: '2024-02-28' } })).toBe(
      '2024-02-29',
    );
    expect(value('add_days(record.due_on, 1)', { record: { due_on: '2025-02-28' } })).toBe(
      '2025-03-01',
    );
    expect(value('add_days(record.due_on, -31)', { record: { due_on: '2025-03-31' } })).toBe(
      '2025-02-28',
    );
  });

  it('fails on an impossible date or an absurd number of days', () => {
    expect(issueCode('add_days("2025-02-30", 1)')).toBe('CEL_EVALUATION');
    expect(issueCode('add_days(now, 100000000)')).toBe('CEL_EVALUATION');
    expect(
      issueCode('date_of(now, record.organization)', { record: { organization: 'Nowhere/City' } }),
    ).toBe('CEL_EVALUATION');
  });
});

describe('celFunctionCatalog', () => {
  it('documents every function in both languages', () => {
    for (const doc of celFunctionCatalog) {
      expect(doc.description['zh-CN']).not.toBe('');
      expect(doc.description.en).not.toBe('');
      const example = compileCel(doc.example, {
        record: [
          ...fields,
          { key: 'reply', type: 'long_text', label },
          { key: 'last_follow_up_at', type: 'datetime', label },
          { key: 'quoted_at', type: 'datetime', label },
          { key: 'first_contact_at', type: 'datetime', label },
        ],
      });
      expect(example.ok, doc.example).toBe(true);
    }
  });
});
