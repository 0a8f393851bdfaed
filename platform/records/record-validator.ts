// Validates record input against the table's compiled JSON Schema; errors are per field, zh-CN + en.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { AppDefinition, TableDefinition } from '../../runtime/definition/definition-schema';
import { compileRecordSchema } from '../../runtime/forms/record-json-schema';
import type { LocalizedText } from '../../runtime/localized-text';

export interface FieldIssue {
  /** JSON pointer into the record, e.g. `/phone`; `/` for the record as a whole. */
  readonly pointer: string;
  readonly field: string | null;
  readonly code: string;
  readonly message: LocalizedText;
}

export interface RecordValidators {
  readonly create: ValidateFunction;
  readonly patch: ValidateFunction;
}

const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: false });
addFormats.default(ajv);

/** Compiles both validators of a table; callers cache them per definition version. */
export function compileRecordValidators(
  definition: AppDefinition,
  table: TableDefinition,
): RecordValidators {
  return {
    create: ajv.compile(compileRecordSchema(definition, table, { mode: 'create' })),
    patch: ajv.compile(compileRecordSchema(definition, table, { mode: 'patch' })),
  };
}

/** Runs a validator; returns the problems, one per field where possible. */
export function validateWith(validate: ValidateFunction, input: unknown): FieldIssue[] {
  if (validate(input)) return [];
  const issues = (validate.errors ?? [])
    // anyOf/oneOf wrappers repeat what their branches already said.
    .filter((e) => e.keyword !== 'anyOf' && !(e.keyword === 'type' && e.params.type === 'null'))
    .map(toIssue);
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.pointer}|${i.code}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function toIssue(error: ErrorObject): FieldIssue {
  const extra =
    error.keyword === 'additionalProperties' ? `/${String(error.params.additionalProperty)}` : '';
  const requiredField =
    error.keyword === 'required' ? `/${String(error.params.missingProperty)}` : '';
  const pointer = error.instancePath + extra + requiredField || '/';
  const field = pointer === '/' ? null : (pointer.split('/')[1] ?? null);
  const [code, en, zh] = describe(error);
  return { pointer, field, code, message: { 'zh-CN': zh, en } };
}

function describe(error: ErrorObject): [string, string, string] {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return ['REQUIRED', 'is required', '必填'];
    case 'additionalProperties':
      return [
        'UNKNOWN_FIELD',
        `unknown field "${String(p.additionalProperty)}"`,
        `未知字段「${String(p.additionalProperty)}」`,
      ];
    case 'type':
      return ['INVALID_TYPE', `must be ${String(p.type)}`, `类型应为 ${String(p.type)}`];
    case 'oneOf':
    case 'const':
    case 'enum':
      return ['NOT_AN_OPTION', 'is not one of the allowed options', '不是允许的选项'];
    case 'format':
      return [
        'INVALID_FORMAT',
        `must be a valid ${String(p.format)}`,
        `格式不正确（${String(p.format)}）`,
      ];
    case 'pattern':
      return ['INVALID_FORMAT', 'does not match the required format', '格式不正确'];
    case 'maxLength':
      return [
        'TOO_LONG',
        `must be at most ${String(p.limit)} characters`,
        `最多 ${String(p.limit)} 个字符`,
      ];
    case 'minLength':
      return [
        'TOO_SHORT',
        `must be at least ${String(p.limit)} characters`,
        `至少 ${String(p.limit)} 个字符`,
      ];
    case 'maximum':
      return ['TOO_BIG', `must be at most ${String(p.limit)}`, `不能大于 ${String(p.limit)}`];
    case 'minimum':
      return ['TOO_SMALL', `must be at least ${String(p.limit)}`, `不能小于 ${String(p.limit)}`];
    case 'maxItems':
      return [
        'TOO_MANY',
        `must have at most ${String(p.limit)} items`,
        `最多选择 ${String(p.limit)} 项`,
      ];
    case 'minItems':
      return [
        'TOO_FEW',
        `must have at least ${String(p.limit)} items`,
        `至少选择 ${String(p.limit)} 项`,
      ];
    case 'uniqueItems':
      return ['DUPLICATE_ITEMS', 'must not repeat items', '不能有重复项'];
    default:
      return ['INVALID', error.message ?? 'is invalid', '无效'];
  }
}
