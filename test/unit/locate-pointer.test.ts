import { describe, expect, it } from 'vitest';
import { locatePointer } from '../../designer/src/raw/locatePointer';

const text =
  '{\n  "tables": [\n    { "key": "lead", "fields": [ { "key": "a/b" }, { "key": "x" } ] }\n  ]\n}';
const at = (pointer: string) => {
  const range = locatePointer(text, pointer);
  return range && text.slice(range.start, range.end);
};

describe('locatePointer', () => {
  it('finds values by key and index', () => {
    expect(at('/tables/0/key')).toBe('"lead"');
    expect(at('/tables/0/fields/1')).toBe('{ "key": "x" }');
    expect(at('/tables/0/fields/0/key')).toBe('"a/b"');
  });

  it('falls back to the deepest parent that exists', () => {
    expect(at('/tables/0/fields/7')).toBe('[ { "key": "a/b" }, { "key": "x" } ]');
    expect(at('/tables/0/stages')).toBe(
      text.slice(text.indexOf('{ "key": "lead"'), text.lastIndexOf('}', text.lastIndexOf(']')) + 1),
    );
  });

  it('gives up on text that does not parse', () => {
    expect(locatePointer('{"a": [1, }', '/a/1')).toBeNull();
  });
});
