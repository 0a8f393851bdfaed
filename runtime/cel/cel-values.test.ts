import { describe, expect, it } from 'vitest';
import { Duration } from '@marcbachmann/cel-js/evaluator';
import type { FieldDefinition } from '../definition/field-schema';
import {
  CelValueError,
  celToJson,
  createCelRecordClass,
  fieldValueToCel,
  jsonToCel,
} from './cel-values';

const label = { 'zh-CN': '字段', en: 'Field' };

describe('jsonToCel', () => {
  it('converts JSON to CEL values by type', () => {
    expect(jsonToCel(42, 'int', 'n')).toBe(42n);
    expect(jsonToCel('9007199254740993', 'int', 'n')).toBe(9007199254740993n);
    expect(jsonToCel('12.50', 'double', 'm')).toBe(12.5);
    expect(jsonToCel('2025-03-01T09:30:00+08:00', 'timestamp', 't')).toEqual(
      new Date('2025-03-01T01:30:00Z'),
    );
    expect(jsonToCel('2025-03-01 09:30:00+08', 'timestamp', 't')).toEqual(
      new Date('2025-03-01T01:30:00Z'),
    );
    expect(jsonToCel('90s', 'duration', 'd')).toEqual(new Duration(90));
    expect(jsonToCel({ a: '1' }, 'map<string, int>', 'm')).toEqual(
      Object.assign(Object.create(null), { a: 1n }),
    );
    expect(jsonToCel(null, 'list<string>', 'l')).toEqual([]);
    expect(jsonToCel(3, 'dyn', 'j')).toBe(3);
  });

  it('refuses values that do not fit, naming them', () => {
    expect(() => jsonToCel(1.5, 'int', 'record.count')).toThrow(
      /record\.count: expected an integer/,
    );
    expect(() => jsonToCel('2025-03-01T09:30:00', 'timestamp', 't')).toThrow(CelValueError);
    expect(() => jsonToCel('10000-01-01T00:00:00Z', 'timestamp', 't')).toThrow(CelValueError);
    expect(() => jsonToCel(['a', 1], 'list<string>', 'tags')).toThrow(/tags\[1\]/);
  });
});

describe('fieldValueToCel', () => {
  it('reads identifiers as text, attachments as ids and dates as validated strings', () => {
    const owner: FieldDefinition = { key: 'owner', type: 'user', label };
    const files: FieldDefinition = { key: 'files', type: 'attachments', label };
    const due: FieldDefinition = { key: 'due', type: 'date', label };
    expect(fieldValueToCel(owner, 42, 'record.owner')).toBe('42');
    expect(fieldValueToCel(files, [{ id: 'f1', name: 'a.pdf' }, 'f2'], 'record.files')).toEqual([
      'f1',
      'f2',
    ]);
    expect(fieldValueToCel(due, '2025-03-01', 'record.due')).toBe('2025-03-01');
    expect(() => fieldValueToCel(due, '2025-02-30', 'record.due')).toThrow(CelValueError);
  });
});

describe('createCelRecordClass', () => {
  const Record = createCelRecordClass([
    { key: 'count', type: 'integer', label },
    { key: 'constructor', type: 'text', label },
  ]);

  it('converts fields lazily and reads absent ones as null', () => {
    const record = new Record({ count: 'not a number' }, 'record');
    expect(record.get('constructor')).toBeNull();
    expect(record.get('unknown')).toBeUndefined();
    expect(() => record.get('count')).toThrow(CelValueError);
  });

  it('turns back into JSON', () => {
    expect(new Record({ count: 2, other: 'dropped' }, 'record').toJson()).toEqual({
      count: 2,
      constructor: null,
    });
  });
});

describe('celToJson', () => {
  it('converts CEL results to JSON', () => {
    const nested = new Map<string, unknown>([
      ['at', new Date(0)],
      ['n', 3n],
    ]);
    expect(celToJson([1n, 2.5, 'x', true, null, nested])).toEqual([
      1,
      2.5,
      'x',
      true,
      null,
      { at: '1970-01-01T00:00:00.000Z', n: 3 },
    ]);
    expect(celToJson(new Duration(5400))).toBe('5400s');
    expect(celToJson(new Uint8Array([104, 105]))).toBe('aGk=');
  });

  it('refuses what JSON cannot carry exactly', () => {
    expect(() => celToJson(2n ** 60n)).toThrow(CelValueError);
    expect(() => celToJson(Number.NaN)).toThrow(CelValueError);
  });
});
