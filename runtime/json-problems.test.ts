import { describe, expect, it } from 'vitest';
import { findProblem, maxJsonDepth } from './json-problems';

describe('findProblem', () => {
  it('accepts ordinary text in every script, emoji and combining marks included', () => {
    expect(findProblem({ a: ['مستشفى', '👩🏽‍⚕️', 'e\u0301', { constructor: 'x' }] })).toBeUndefined();
  });

  it('names NUL characters and lone surrogates in values and keys by pointer', () => {
    expect(findProblem({ a: { 'b/c': ['ok', 'x\u0000'] } })?.pointer).toBe('/a/b~1c/1');
    expect(findProblem(JSON.parse('{"a":"\\ud800x"}'))?.code).toBe('INVALID_TEXT');
    expect(findProblem(JSON.parse('{"a":"\\udc00"}'))?.pointer).toBe('/a');
    expect(findProblem(JSON.parse('{"\\u0000":1}'))?.pointer).toBe('/\u0000');
    expect(findProblem('😀')).toBeUndefined();
  });

  it('refuses __proto__ keys (JSON.parse makes them own properties) and absurd nesting', () => {
    expect(findProblem(JSON.parse('{"x":[{"__proto__":{"polluted":true}}]}'))).toMatchObject({
      code: 'FORBIDDEN_KEY',
      pointer: '/x/0/__proto__',
    });
    let deep: unknown = 1;
    for (let i = 0; i < maxJsonDepth + 1; i++) deep = [deep];
    expect(findProblem(deep)?.code).toBe('JSON_TOO_DEEP');
  });
});
