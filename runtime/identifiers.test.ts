import { describe, expect, it } from 'vitest';
import { checkIdentifier, quoteIdentifier } from './identifiers';

describe('checkIdentifier', () => {
  it('accepts lower-case snake case names up to 63 characters', () => {
    expect(checkIdentifier('lead')).toBeUndefined();
    expect(checkIdentifier('first_contact_at')).toBeUndefined();
    expect(checkIdentifier('a'.repeat(63))).toBeUndefined();
  });

  it('refuses names PostgreSQL would fold, truncate or misread', () => {
    expect(checkIdentifier('')).toBe('empty');
    expect(checkIdentifier('Lead')).toBe('pattern');
    expect(checkIdentifier('1lead')).toBe('pattern');
    expect(checkIdentifier('a'.repeat(64))).toBe('pattern');
    expect(checkIdentifier('lead"; drop table x; --')).toBe('pattern');
    expect(checkIdentifier('线索')).toBe('pattern');
  });

  it('refuses reserved words and system column names', () => {
    expect(checkIdentifier('select')).toBe('reserved');
    expect(checkIdentifier('owner')).toBe('reserved');
  });
});

describe('quoteIdentifier', () => {
  it('wraps the name in double quotes and doubles embedded quotes', () => {
    expect(quoteIdentifier('lead')).toBe('"lead"');
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
  });
});
