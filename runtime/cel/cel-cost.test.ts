import { describe, expect, it } from 'vitest';
import { isRiskyPattern } from './cel-cost';

describe('isRiskyPattern', () => {
  it('flags repeated groups that repeat or alternate inside', () => {
    expect(isRiskyPattern('(a+)+$')).toBe(true);
    expect(isRiskyPattern('(a|aa)*b')).toBe(true);
    expect(isRiskyPattern('((ab)*c)+')).toBe(true);
    expect(isRiskyPattern('(x?){2,}')).toBe(true);
  });

  it('flags back-references', () => {
    expect(isRiskyPattern('(a)\\1')).toBe(true);
  });

  it('lets ordinary patterns through', () => {
    expect(isRiskyPattern('^1[3-9]\\d{9}$')).toBe(false);
    expect(isRiskyPattern('^[^@\\s]+@[^@\\s]+$')).toBe(false);
    expect(isRiskyPattern('(?:DR|CT)-\\d+')).toBe(false);
    expect(isRiskyPattern('(ab)+')).toBe(false);
    expect(isRiskyPattern('[(+)]+')).toBe(false);
  });
});
