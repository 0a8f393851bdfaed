// Record errors with stable codes; database constraint violations become field errors.
import { BatonError } from '../errors';
import { indexName } from '../definitions/column-sql';
import type { FieldIssue } from './record-validator';
import type { TableContext } from './table-context';

/** 400 with every field problem. */
export class RecordInvalidError extends BatonError {
  constructor(readonly issues: readonly FieldIssue[]) {
    super(
      'VALIDATION_FAILED',
      400,
      `invalid record: ${issues.map((i) => `${i.pointer} ${i.message.en}`).join('; ')}`,
      { issues },
    );
  }
}

/** 409: the record changed since the version the client read. */
export class StaleVersionError extends BatonError {
  constructor(id: string, expected: number, current: number) {
    super(
      'VERSION_CONFLICT',
      409,
      `record ${id} is at version ${current}, not ${expected}; reload and retry`,
      {
        id,
        expected,
        current,
      },
    );
  }
}

/** Maps PostgreSQL unique and foreign-key violations to the field that caused them. */
export function constraintError(context: TableContext, error: unknown): BatonError | undefined {
  const e = error as { code?: string; constraint_name?: string; detail?: string } | null;
  if (!e?.code) return undefined;
  if (e.code === '23505') {
    const field = context.table.fields.find(
      (f) => indexName(context.table.key, f.key, true) === e.constraint_name,
    );
    const key = field?.key ?? null;
    return new BatonError(
      'UNIQUE_VIOLATION',
      409,
      `another record already has this ${key ?? 'value'}`,
      {
        issues: [
          {
            pointer: key ? `/${key}` : '/',
            field: key,
            code: 'NOT_UNIQUE',
            message: {
              'zh-CN': '该值已被其他记录使用',
              en: 'another record already has this value',
            },
          },
        ],
      },
    );
  }
  if (e.code === '23503') {
    const field = context.table.fields.find(
      (f) => e.constraint_name === `${context.table.key}_${f.key}_fkey`,
    );
    const key = field?.key ?? null;
    const deleting = /is still referenced/.test(e.detail ?? '');
    return deleting
      ? new BatonError('STILL_REFERENCED', 409, 'other records still point at this record', {
          detail: e.detail,
        })
      : new RecordInvalidError([
          {
            pointer: key ? `/${key}` : '/',
            field: key,
            code: 'UNKNOWN_RELATED_RECORD',
            message: { 'zh-CN': '关联的记录不存在', en: 'the related record does not exist' },
          },
        ]);
  }
  if (e.code === '22P02' || e.code === '22003' || e.code === '22008' || e.code === '22007') {
    return new RecordInvalidError([
      {
        pointer: '/',
        field: null,
        code: 'INVALID_VALUE',
        message: { 'zh-CN': '取值无效', en: 'a value is out of range or malformed' },
      },
    ]);
  }
  return undefined;
}
