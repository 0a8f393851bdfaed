import { describe, expect, it } from 'vitest';
import { fitOf, matchesType } from './cel-result-type';

describe('fitOf', () => {
  it('decides at compile time when the static type is concrete', () => {
    expect(fitOf('bool', 'bool')).toBe('yes');
    expect(fitOf('int', 'double')).toBe('yes');
    expect(fitOf('double', 'int')).toBe('no');
    expect(fitOf('list<string>', 'list<int>')).toBe('no');
    expect(fitOf('map<string, int>', 'map<string, double>')).toBe('yes');
    expect(fitOf('null', 'bool')).toBe('no');
  });

  it('defers to run time where the static type is dyn', () => {
    expect(fitOf('dyn', 'bool')).toBe('at-run-time');
    expect(fitOf('list<dyn>', 'list<string>')).toBe('at-run-time');
  });
});

describe('matchesType', () => {
  it('checks values against an expected type', () => {
    expect(matchesType(['a', null], 'list<string>')).toBe(true);
    expect(matchesType(['a', 1n], 'list<string>')).toBe(false);
    expect(matchesType({ a: 1.5, b: 2n }, 'map<string, double>')).toBe(true);
    expect(matchesType(null, 'bool')).toBe(false);
    expect(matchesType(new Date(0), 'timestamp')).toBe(true);
  });
});
