import { describe, expect, it } from 'vitest';
import type { FieldDefinition, FieldType } from '../definition/field-schema';
import { fieldTypes } from '../definition/field-schema';
import {
  celTypeOfField,
  friendlyTypeName,
  isNullableCelType,
  libraryFieldTypeOf,
  type CelType,
} from './cel-type-of-field';

const label = { 'zh-CN': '字段', en: 'Field' };

function fieldOf(type: FieldType): FieldDefinition {
  return {
    key: 'f',
    type,
    label,
    options: [],
    table: 't',
    currency: 'CNY',
    expression: 'true',
    resultType: 'boolean',
  } as never;
}

describe('celTypeOfField', () => {
  it('maps every field type to a CEL type', () => {
    const expected: Record<FieldType, CelType> = {
      text: 'string',
      long_text: 'string',
      number: 'double',
      integer: 'int',
      money: 'double',
      boolean: 'bool',
      date: 'string',
      datetime: 'timestamp',
      select: 'string',
      multi_select: 'list<string>',
      phone: 'string',
      email: 'string',
      url: 'string',
      user: 'string',
      relation: 'string',
      attachments: 'list<string>',
      tags: 'list<string>',
      json: 'dyn',
      computed: 'bool',
      auto_number: 'string',
    };
    for (const type of fieldTypes) expect(celTypeOfField(fieldOf(type)), type).toBe(expected[type]);
  });

  it('types a computed field by its result type', () => {
    const computed = {
      key: 'score',
      type: 'computed',
      label,
      expression: '1',
      resultType: 'datetime',
    } as const;
    expect(celTypeOfField(computed)).toBe('timestamp');
  });
});

describe('libraryFieldTypeOf', () => {
  it('declares nullable scalars as dyn<T> and lists as plain lists', () => {
    expect(libraryFieldTypeOf(fieldOf('datetime'))).toBe('dyn<google.protobuf.Timestamp>');
    expect(libraryFieldTypeOf(fieldOf('tags'))).toBe('list<string>');
    expect(libraryFieldTypeOf(fieldOf('json'))).toBe('dyn');
    expect(isNullableCelType('list<string>')).toBe(false);
  });
});

describe('friendlyTypeName', () => {
  it('shows cel-js type names as admins know them', () => {
    expect(friendlyTypeName('dyn<google.protobuf.Timestamp>')).toBe('timestamp');
    expect(friendlyTypeName('no such overload: dyn<double> + string')).toBe(
      'no such overload: double + string',
    );
    expect(friendlyTypeName('list')).toBe('list<dyn>');
  });
});
