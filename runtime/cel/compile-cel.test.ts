import { describe, expect, it } from 'vitest';
import type { FieldDefinition } from '../definition/field-schema';
import {
  checkCel,
  compileCel,
  type CelCompileOptions,
  type CelInput,
  type CelScope,
} from './compile-cel';

const label = { 'zh-CN': '字段', en: 'Field' };
const lead: FieldDefinition[] = [
  { key: 'name', type: 'text', label },
  { key: 'phone', type: 'phone', label },
  { key: 'organization', type: 'text', label },
  { key: 'province', type: 'select', label, options: { list: 'provinces' } },
  { key: 'product_line', type: 'select', label, options: { list: 'product_lines' } },
  { key: 'budget', type: 'money', label, currency: 'CNY' },
  { key: 'touch_count', type: 'integer', label },
  { key: 'screening_form_done', type: 'boolean', label },
  { key: 'first_contact_at', type: 'datetime', label },
  { key: 'due_on', type: 'date', label },
  { key: 'tags', type: 'tags', label },
  { key: 'extra', type: 'json', label },
];
const scope: CelScope = { record: lead };
const now = '2025-03-03T10:00:00+08:00';

function compiled(source: string, options?: CelCompileOptions, inScope: CelScope = scope) {
  const result = compileCel(source, inScope, options);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.value;
}

function run(source: string, input: Partial<CelInput> = {}, options?: CelCompileOptions) {
  return compiled(source, options).evaluate({ record: {}, now, ...input });
}

describe('compileCel type checking', () => {
  it('refuses adding a string to a money field', () => {
    const issues = checkCel('record.budget + "x"', scope);
    expect(issues).toEqual([
      expect.objectContaining({ code: 'CEL_TYPE', message: 'no such overload: double + string' }),
    ]);
  });

  it('names an unknown field and suggests the closest one', () => {
    const [issue] = checkCel('record.nope', scope);
    expect(issue).toMatchObject({ code: 'CEL_TYPE', line: 1, column: 8 });
    expect(issue?.message).toContain("'nope'");
    expect(checkCel('record.phnoe != null', scope)[0]?.message).toContain("did you mean 'phone'?");
  });

  it('locates a type error on the third line of a multi-line source', () => {
    const source =
      'record.phone != null &&\n  record.touch_count > 2 &&\n  record.budget + "x" > 3';
    const [issue] = checkCel(source, scope);
    expect(issue).toMatchObject({ code: 'CEL_TYPE', line: 3, column: 3, endLine: 3 });
  });

  it('locates a syntax error by line and column', () => {
    const [issue] = checkCel('record.phone != null &&\n  (record.budget > 3', scope);
    expect(issue).toMatchObject({ code: 'CEL_SYNTAX', line: 2 });
  });

  it('refuses comparing a nullable field with a value of another type', () => {
    expect(checkCel('record.touch_count == "3"', scope)[0]).toMatchObject({
      code: 'CEL_TYPE',
      message: "'==' compares int with string, which can never be equal",
    });
    expect(checkCel('record.touch_count == 3.0 && record.phone != null', scope)).toEqual([]);
  });

  it('explains that list fields are never null', () => {
    expect(checkCel('record.tags == null', scope)[0]?.message).toContain('size(…) == 0');
  });

  it('refuses an undeclared variable', () => {
    expect(checkCel('old.phone != record.phone', scope)[0]?.code).toBe('CEL_TYPE');
    expect(checkCel('old.phone != record.phone', { ...scope, old: true })).toEqual([]);
  });

  it('reports the result type in CEL terms', () => {
    expect(compiled('record.first_contact_at').resultType).toBe('timestamp');
    expect(compiled('record.tags').resultType).toBe('list<string>');
    expect(compiled('record.touch_count * 2').resultType).toBe('int');
    expect(compiled('record.due_on').resultType).toBe('string');
  });
});

describe('compileCel expected result type', () => {
  it('refuses a non-bool condition', () => {
    const result = compileCel('record.budget * 2.0', scope, { expect: 'bool' });
    expect(result).toMatchObject({ ok: false, issues: [{ code: 'CEL_RESULT_TYPE' }] });
  });

  it('accepts an int where a double is expected', () => {
    expect(checkCel('record.touch_count + 1', scope, { expect: 'double' })).toEqual([]);
  });

  it('fails a condition on an empty boolean field at run time, not with a wrong answer', () => {
    const condition = compiled('record.screening_form_done', { expect: 'bool' });
    expect(condition.evaluate({ record: { screening_form_done: true }, now })).toEqual({
      ok: true,
      value: true,
    });
    const empty = condition.evaluate({ record: {}, now });
    expect(empty).toMatchObject({ ok: false, issues: [{ code: 'CEL_RESULT_TYPE' }] });
  });

  it('checks a dyn result against the expected type when it runs', () => {
    const amount = compiled('record.extra.amount', { expect: 'string' });
    expect(amount.evaluate({ record: { extra: { amount: 'big' } }, now })).toEqual({
      ok: true,
      value: 'big',
    });
    expect(amount.evaluate({ record: { extra: { amount: 3 } }, now })).toMatchObject({
      ok: false,
      issues: [{ code: 'CEL_RESULT_TYPE' }],
    });
  });
});

describe('compileCel null handling', () => {
  it('compares an empty or absent datetime with null', () => {
    const contacted = compiled('record.first_contact_at != null', { expect: 'bool' });
    expect(contacted.evaluate({ record: { first_contact_at: null }, now })).toEqual({
      ok: true,
      value: false,
    });
    expect(contacted.evaluate({ record: {}, now })).toEqual({ ok: true, value: false });
    expect(
      contacted.evaluate({ record: { first_contact_at: '2025-03-03T09:00:00+08:00' }, now }),
    ).toEqual({ ok: true, value: true });
  });

  it('short-circuits a guarded string method on an empty phone', () => {
    const mainland = compiled('record.phone == null || record.phone.startsWith("+86")');
    expect(mainland.evaluate({ record: { phone: null }, now })).toEqual({ ok: true, value: true });
    expect(mainland.evaluate({ record: {}, now })).toEqual({ ok: true, value: true });
    expect(mainland.evaluate({ record: { phone: '+8613800000000' }, now })).toEqual({
      ok: true,
      value: true,
    });
    expect(mainland.evaluate({ record: { phone: '+14155550100' }, now })).toEqual({
      ok: true,
      value: false,
    });
  });

  it('returns an evaluation issue, with a hint, when arithmetic meets an empty field', () => {
    const result = run('record.budget > 100.0 && record.touch_count + 1 > 2', {
      record: { budget: 500 },
    });
    expect(result).toMatchObject({ ok: false, issues: [{ code: 'CEL_EVALUATION' }] });
    if (!result.ok) expect(result.issues[0]?.message).toContain('!= null');
  });

  it('reads an empty list field as an empty list', () => {
    expect(run('size(record.tags) == 0 && !("VIP" in record.tags)')).toEqual({
      ok: true,
      value: true,
    });
  });
});

describe('compileCel evaluation', () => {
  it('converts field values from JSON and results back to JSON', () => {
    const input = {
      record: {
        touch_count: 2,
        first_contact_at: '2025-03-03T08:00:00+08:00',
        due_on: '2025-03-01',
      },
    };
    expect(run('record.touch_count * 3', input)).toEqual({ ok: true, value: 6 });
    expect(run('record.first_contact_at', input)).toEqual({
      ok: true,
      value: '2025-03-03T00:00:00.000Z',
    });
    expect(run('add_days(record.due_on, 2)', input)).toEqual({ ok: true, value: '2025-03-03' });
    expect(run('now - record.first_contact_at', input)).toEqual({ ok: true, value: '7200s' });
  });

  it('mixes ints and doubles in arithmetic', () => {
    expect(run('record.touch_count * 1.5', { record: { touch_count: 3 } })).toEqual({
      ok: true,
      value: 4.5,
    });
  });

  it('returns division by zero as an issue located in the source', () => {
    const result = run('1 +\n  record.touch_count / 0', { record: { touch_count: 4 } });
    expect(result).toMatchObject({
      ok: false,
      issues: [{ code: 'CEL_EVALUATION', message: 'division by zero' }],
    });
  });

  it('returns a missing map key as an issue', () => {
    expect(run('record.extra.amount > 3', { record: { extra: {} } })).toMatchObject({
      ok: false,
      issues: [{ code: 'CEL_EVALUATION', message: 'No such key: amount' }],
    });
  });

  it('reports a malformed field value or clock as an input issue', () => {
    const stale = run('record.first_contact_at != null', {
      record: { first_contact_at: 'yesterday' },
    });
    expect(stale).toMatchObject({ ok: false, issues: [{ code: 'CEL_INPUT' }] });
    if (!stale.ok) expect(stale.issues[0]?.message).toContain('record.first_contact_at');
    expect(run('true', { now: '2025-03-03 10:00' })).toMatchObject({
      ok: false,
      issues: [{ code: 'CEL_INPUT' }],
    });
  });

  it('refuses results JSON cannot carry exactly', () => {
    expect(run('9007199254740993')).toMatchObject({
      ok: false,
      issues: [{ code: 'CEL_EVALUATION' }],
    });
    expect(run('1.0 / 0.0')).toMatchObject({ ok: false, issues: [{ code: 'CEL_EVALUATION' }] });
  });

  it('is deterministic: the same input and now give the same output', () => {
    const rule = compiled(
      'hours_since(record.first_contact_at) > 4.0 && date_of(now) == "2025-03-03"',
    );
    const input = { record: { first_contact_at: '2025-03-03T05:00:00+08:00' }, now };
    expect(rule.evaluate(input)).toEqual({ ok: true, value: true });
    expect(rule.evaluate(input)).toEqual(rule.evaluate(input));
    expect(rule.evaluate({ ...input, now: '2025-03-03T08:00:00+08:00' })).toEqual({
      ok: true,
      value: false,
    });
  });
});

describe('compileCel scope', () => {
  const full: CelScope = {
    record: lead,
    old: true,
    user: true,
    variables: { event: 'map<string, dyn>', limit: 'int' },
  };

  it('matches a rep by region and product line (assignment candidates)', () => {
    const candidate = compiled(
      'user.region.province == record.province && record.product_line in user.product_lines',
      { expect: 'bool' },
      full,
    );
    const user = { region: { province: '浙江' }, product_lines: ['ortho', 'neuro'] };
    expect(
      candidate.evaluate({ record: { province: '浙江', product_line: 'ortho' }, user, now }),
    ).toEqual({
      ok: true,
      value: true,
    });
    expect(
      candidate.evaluate({ record: { province: '江苏', product_line: 'ortho' }, user, now }),
    ).toEqual({
      ok: true,
      value: false,
    });
  });

  it('compares a record with its previous version', () => {
    const moved = compiled('old.province != record.province', { expect: 'bool' }, full);
    expect(moved.evaluate({ record: { province: 'a' }, old: { province: 'b' }, now })).toEqual({
      ok: true,
      value: true,
    });
  });

  it('converts extra variables by their declared type', () => {
    const result = compileCel('limit + 1', full);
    expect(result.ok && result.value.evaluate({ record: {}, limit: 7, now })).toEqual({
      ok: true,
      value: 8,
    });
  });

  it('refuses a variable name CEL cannot use', () => {
    expect(() => compileCel('true', { record: lead, variables: { now: 'int' } })).toThrow();
  });
});

describe('compileCel cost bounds', () => {
  it('refuses a source longer than 5,000 characters', () => {
    const source = `record.name == "${'x'.repeat(5_000)}"`;
    expect(checkCel(source, scope)[0]?.code).toBe('CEL_TOO_COMPLEX');
  });

  it('refuses an expression with too many nodes', () => {
    const source = Array.from({ length: 300 }, () => '1 == 1').join(' || ');
    expect(source.length).toBeLessThan(5_000);
    expect(checkCel(source, scope)[0]?.code).toBe('CEL_TOO_COMPLEX');
  });

  it('refuses deeply nested expressions', () => {
    const source = `${'('.repeat(40)}true${')'.repeat(40)}`;
    expect(checkCel(source, scope)[0]?.code).toBe('CEL_TOO_COMPLEX');
  });

  it('refuses comprehensions nested three deep', () => {
    const source =
      'record.tags.exists(a, record.tags.exists(b, record.tags.exists(c, a == b && b == c)))';
    expect(checkCel(source, scope)[0]).toMatchObject({ code: 'CEL_TOO_COMPLEX', column: 45 });
    expect(checkCel('record.tags.exists(a, record.tags.exists(b, a == b))', scope)).toEqual([]);
  });

  it('refuses a regular expression that can backtrack exponentially', () => {
    expect(checkCel('record.name.matches("(a+)+$")', scope)[0]?.code).toBe('CEL_TOO_COMPLEX');
    expect(checkCel('record.name.matches(record.organization)', scope)[0]?.code).toBe(
      'CEL_TOO_COMPLEX',
    );
    expect(checkCel('record.name.matches("^1[3-9]\\\\d{9}$")', scope)).toEqual([]);
  });

  it('refuses a malformed literal CIDR range or time zone before it runs', () => {
    expect(checkCel('in_cidr(record.name, "10.0.0/8")', scope)[0]).toMatchObject({
      code: 'CEL_TYPE',
      column: 22,
    });
    expect(checkCel('weekday(now, "Mars/Olympus")', scope)[0]?.code).toBe('CEL_TYPE');
  });
});
