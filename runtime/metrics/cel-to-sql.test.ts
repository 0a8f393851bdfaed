import { describe, expect, it } from 'vitest';
import type { TableDefinition } from '../definition/definition-schema';
import { celToSql, type SqlPart } from './cel-to-sql';
import { recordResolver } from './metric-columns';

const label = (zh: string) => ({ 'zh-CN': zh, en: zh });
const table = {
  key: 'lead',
  label: label('线索'),
  fields: [
    { key: 'grade', type: 'select', options: ['A', 'B'], label: label('等级') },
    { key: 'roles', type: 'multi_select', options: ['x'], label: label('角色') },
    { key: 'amount', type: 'money', label: label('金额') },
    { key: 'name', type: 'text', label: label('名称') },
  ],
} as unknown as TableDefinition;
const resolve = recordResolver(table, 'r', (key) =>
  key === 'effective' ? { parts: [`l.${key}`], kind: 'bool' } : undefined,
);
const now = '2026-01-01T00:00:00Z';

/** Renders parts with $n placeholders, as the platform's kysely `sql` template does. */
function render(parts: readonly SqlPart[]): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const text = parts
    .map((p) => {
      if (typeof p === 'string') return p;
      values.push(p.value);
      return `$${values.length}${p.cast ? `::${p.cast}` : ''}`;
    })
    .join('');
  return { text, values };
}

function compiled(source: string) {
  const result = celToSql(source, resolve, now);
  if (!result.ok) throw new Error(result.message);
  return render(result.value.parts);
}

describe('celToSql', () => {
  it('binds literals and quotes columns', () => {
    expect(compiled('record.grade == "A" && record.amount >= 1000')).toEqual({
      text: '((r."grade" = $1::text) and (r."amount" >= $2::numeric))',
      values: ['A', 1000],
    });
  });

  it('turns null comparisons into IS NULL and != into IS DISTINCT FROM', () => {
    expect(compiled('record.grade != null').text).toBe('(r."grade" is not null)');
    expect(compiled('record.grade != "C"').text).toBe('(r."grade" is distinct from $1::text)');
  });

  it('handles membership, size, text methods, negation and time arithmetic', () => {
    expect(compiled('"院长" in record.roles').text).toBe(
      'coalesce(($1::text = any(r."roles")), false)',
    );
    expect(compiled('record.grade in ["A", "B"]').values).toEqual(['A', 'B']);
    expect(compiled('size(record.roles) >= 2').text).toBe(
      '(coalesce(cardinality(r."roles"), 0) >= $1::numeric)',
    );
    expect(compiled('!record.name.contains("医院")').text).toBe(
      '(not coalesce(coalesce(strpos(r."name", $1::text) > 0, false), false))',
    );
    expect(compiled('record.updated_at > now - duration("168h")')).toEqual({
      text: '(r."updated_at" > ($1::timestamptz - $2::interval))',
      values: [now, '604800 seconds'],
    });
    expect(compiled('labels.effective').text).toBe('l.effective');
  });

  it('refuses what it cannot compute, with the reason', () => {
    const unknown = celToSql('record.nope == 1', resolve, now);
    expect(unknown).toEqual({ ok: false, message: 'unknown name record.nope' });
    const macro = celToSql('record.roles.exists(x, x == "a")', resolve, now);
    expect(macro.ok).toBe(false);
  });
});
