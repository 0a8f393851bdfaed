// Compiles a definition's intake sources once (every mapping type-checked over `payload`), then
// turns each delivery's payload into the values of a record to create, never throwing.
import { compileCel, type CelIssue, type CompiledCel } from '../cel/compile-cel';
import { celTypeOfField } from '../cel/cel-type-of-field';
import type { AppDefinition, TableDefinition } from '../definition/definition-schema';
import { issue, type DefinitionIssue, type Result } from '../definition/definition-issue';
import type { FieldDefinition } from '../definition/field-schema';
import type { LocalizedText } from '../localized-text';
import { defaultToleranceSeconds, type IntakeSource } from './intake-schema';
import { targetOf } from './intake-target';
import { fitValue, staticFit } from './mapped-value';

/** A mapping that failed on one delivery, named by the field it fills. */
export interface MappingIssue {
  readonly field: string;
  readonly code: 'INTAKE_MAPPING_FAILED' | 'INTAKE_VALUE_TYPE';
  readonly message: LocalizedText;
}

export type MappingResult =
  | { readonly ok: true; readonly values: Record<string, unknown> }
  | { readonly ok: false; readonly issues: readonly MappingIssue[] };

export interface CompiledIntakeSource {
  readonly source: IntakeSource;
  readonly table: TableDefinition;
  /** Name of the secret deliveries are signed with: `secretRef`, else the source key. */
  readonly secretName: string;
  /** The replay window in seconds; null when the source signs no timestamp. */
  readonly toleranceSeconds: number | null;
  /**
   * The values of the record a payload creates: `set` constants, then mapped values (a payload
   * key that is absent leaves its field empty), the source's tags, and the pool stage.
   */
  map(payload: Readonly<Record<string, unknown>>, now: Date | string): MappingResult;
}

export interface CompiledIntake {
  source(key: string): CompiledIntakeSource | undefined;
}

interface Mapper {
  readonly field: string;
  readonly target: FieldDefinition | null;
  readonly cel: CompiledCel;
}

type Path = readonly (string | number)[];

const payloadScope = { record: [], variables: { payload: 'map<string, dyn>' } } as const;
const cache = new WeakMap<AppDefinition, Result<CompiledIntake>>();
// cel-js names the key: "No such key: mobile". Senders omit optional keys all the time.
const missingKey = /^No such key: /;

/**
 * Compiles every intake source of a definition; cached per definition object.
 * @example const intake = compileIntake(published); if (intake.ok) intake.value.source('web_form')?.map(payload, now)
 */
export function compileIntake(definition: AppDefinition): Result<CompiledIntake> {
  const cached = cache.get(definition);
  if (cached) return cached;
  const issues: DefinitionIssue[] = [];
  const sources = new Map<string, CompiledIntakeSource>();
  (definition.intake ?? []).forEach((source, i) => {
    const at = ['intake', i];
    if (sources.has(source.key)) {
      issues.push(
        issue(
          [...at, 'key'],
          'DUPLICATE_KEY',
          `duplicate intake source "${source.key}"`,
          `重复的接入来源「${source.key}」`,
        ),
      );
      return;
    }
    const compiled = compileSource(definition, source, at, issues);
    if (compiled) sources.set(source.key, compiled);
  });
  const result: Result<CompiledIntake> =
    issues.length > 0
      ? { ok: false, issues }
      : { ok: true, value: { source: (key) => sources.get(key) } };
  cache.set(definition, result);
  return result;
}

/**
 * The problems of a definition's intake sources: unknown tables, fields and stages, read-only
 * targets, constants of the wrong type, CEL that does not parse or type-check over `payload`.
 * @example validateIntake(draft) // [{ pointer: '/intake/0/map/phone', code: 'CEL_SYNTAX', … }]
 */
export function validateIntake(definition: AppDefinition): DefinitionIssue[] {
  const result = compileIntake(definition);
  return result.ok ? [] : [...result.issues];
}

function compileSource(
  definition: AppDefinition,
  source: IntakeSource,
  at: Path,
  issues: DefinitionIssue[],
): CompiledIntakeSource | null {
  const table = definition.tables.find((t) => t.key === source.table);
  if (!table) {
    issues.push(
      issue(
        [...at, 'table'],
        'UNKNOWN_TABLE',
        `no table "${source.table}"`,
        `没有表「${source.table}」`,
      ),
    );
    return null;
  }
  const before = issues.length;
  const mappers: Mapper[] = [];
  for (const [field, text] of Object.entries(source.map)) {
    const where = [...at, 'map', field];
    const target = targetOf(table, field, where, issues);
    if (target === undefined) continue;
    const compiled = compileCel(text, payloadScope);
    if (!compiled.ok) {
      for (const problem of compiled.issues) issues.push(celDefinitionIssue(where, problem));
      continue;
    }
    const wanted = target === null ? 'string' : celTypeOfField(target);
    if (!staticFit(compiled.value.resultType, wanted)) {
      issues.push(
        issue(
          where,
          'CEL_RESULT_TYPE',
          `the mapping gives ${compiled.value.resultType}, but field "${field}" holds ${wanted}`,
          `映射结果是 ${compiled.value.resultType}，但字段「${field}」存放 ${wanted}`,
        ),
      );
      continue;
    }
    mappers.push({ field, target, cel: compiled.value });
  }
  const constants: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(source.set ?? {})) {
    const where = [...at, 'set', field];
    const target = targetOf(table, field, where, issues);
    if (target === undefined) continue;
    const fitted = target === null ? { ok: true as const, value } : fitValue(target, value);
    if (fitted.ok) constants[field] = fitted.value;
    else issues.push(issue(where, 'CONSTANT_TYPE', fitted.message.en, fitted.message['zh-CN']));
  }
  const tagsField = table.fields.find((f) => f.type === 'tags')?.key ?? null;
  if ((source.tags?.length ?? 0) > 0 && tagsField === null) {
    issues.push(
      issue(
        [...at, 'tags'],
        'NO_TAGS_FIELD',
        `table "${table.key}" has no tags field for the source's tags`,
        `表「${table.key}」没有标签字段，无法添加来源标签`,
      ),
    );
  }
  const stages = (table.stages ?? []).map((s) => s.key);
  if (source.pool !== undefined && !stages.includes(source.pool)) {
    issues.push(
      issue(
        [...at, 'pool'],
        'UNKNOWN_STAGE',
        stages.length === 0
          ? `table "${table.key}" has no stages, so "${source.pool}" cannot be its pool`
          : `no stage "${source.pool}" in table "${table.key}"`,
        stages.length === 0
          ? `表「${table.key}」没有阶段，「${source.pool}」不能作为待清洗池`
          : `表「${table.key}」中没有阶段「${source.pool}」`,
      ),
    );
  }
  const { timestampHeader, toleranceSeconds } = source.signature;
  if (toleranceSeconds !== undefined && timestampHeader === undefined) {
    issues.push(
      issue(
        [...at, 'signature', 'toleranceSeconds'],
        'TOLERANCE_WITHOUT_TIMESTAMP',
        'a replay window needs a timestampHeader',
        '重放窗口需要同时设置 timestampHeader',
      ),
    );
  }
  if (issues.length > before) return null;

  const pool = source.pool ?? stages[0] ?? null;
  return {
    source,
    table,
    secretName: source.secretRef ?? source.key,
    toleranceSeconds:
      timestampHeader === undefined ? null : (toleranceSeconds ?? defaultToleranceSeconds),
    map(payload, now) {
      const values: Record<string, unknown> = { ...constants };
      const problems: MappingIssue[] = [];
      for (const { field, target, cel } of mappers) {
        const result = cel.evaluate({ record: {}, now, payload });
        if (!result.ok) {
          const first = result.issues[0];
          if (first && missingKey.test(first.message)) continue;
          problems.push(mappingIssue(field, cel.source, first?.message ?? 'evaluation failed'));
          continue;
        }
        const fitted =
          target === null
            ? { ok: true as const, value: result.value }
            : fitValue(target, result.value);
        if (!fitted.ok) {
          problems.push({ field, code: 'INTAKE_VALUE_TYPE', message: fitted.message });
        } else if (fitted.value !== null) values[field] = fitted.value;
      }
      if (problems.length > 0) return { ok: false, issues: problems };
      if (tagsField !== null && (source.tags?.length ?? 0) > 0) {
        const current = Array.isArray(values[tagsField]) ? (values[tagsField] as string[]) : [];
        values[tagsField] = [...new Set([...current, ...(source.tags ?? [])])];
      }
      if (pool !== null && (values.stage === undefined || values.stage === null)) {
        values.stage = pool;
      }
      return { ok: true, values };
    },
  };
}

function celDefinitionIssue(at: Path, problem: CelIssue): DefinitionIssue {
  return issue(
    at,
    problem.code,
    `line ${problem.line}, column ${problem.column}: ${problem.message}`,
    `第 ${problem.line} 行第 ${problem.column} 列：${problem.message}`,
  );
}

function mappingIssue(field: string, source: string, message: string): MappingIssue {
  return {
    field,
    code: 'INTAKE_MAPPING_FAILED',
    message: {
      'zh-CN': `字段「${field}」的映射 ${source} 求值失败：${message}`,
      en: `the mapping of field "${field}" (${source}) failed: ${message}`,
    },
  };
}
