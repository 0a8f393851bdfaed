// Validates a draft: structure (zod), cross-references, and compatibility with the published version.
import { checkCel as checkCelExpression } from '../cel/compile-cel';
import { celTypeOfComputedResult, type CelType } from '../cel/cel-type-of-field';
import { validateFlow } from '../flows/validate-flow';
import { validateForms } from '../forms/validate-forms';
import { checkIdentifier } from '../identifiers';
import { validateIntake } from '../intake/compile-intake';
import { validateRoles } from '../permissions/validate-roles';
import { validateMetrics } from '../metrics/validate-metrics';
import { validateRules } from '../rules/compile-rules';
import { appDefinitionSchema, type AppDefinition, type TableDefinition } from './definition-schema';
import { issue, type DefinitionIssue, type Result } from './definition-issue';
import type { FieldDefinition } from './field-schema';
import { typeChangeOf } from './field-storage';
import { fromZodIssue } from './zod-issues';

/** Type-checks one CEL expression against a table; returns its problems (none when fine). */
export type CelChecker = (
  source: string,
  scope: { readonly table: TableDefinition; readonly expect: CelType },
) => ReadonlyArray<{
  readonly code: string;
  readonly message: string;
  readonly line: number;
  readonly column: number;
}>;

export interface ValidationContext {
  /** The published definition the draft will replace. */
  readonly previous?: AppDefinition;
  /** Replaces the CEL type checker (tests); the real one from runtime/cel by default. */
  readonly checkCel?: CelChecker;
}

const realCelChecker: CelChecker = (source, { table, expect }) =>
  checkCelExpression(source, { record: table.fields }, { expect });

/**
 * Validates a draft definition. Every problem is reported, each with a JSON pointer, a stable code
 * and a zh-CN/en message; the designer underlines them.
 * @example validateDefinition(draft, { previous, checkCel }) // { ok: false, issues: [...] }
 */
export function validateDefinition(
  input: unknown,
  context: ValidationContext = {},
): Result<AppDefinition> {
  const parsed = appDefinitionSchema.safeParse(input);
  if (!parsed.success) return { ok: false, issues: parsed.error.issues.map(fromZodIssue) };
  const definition = parsed.data;
  const issues: DefinitionIssue[] = [];
  const tables = new Map(definition.tables.map((t) => [t.key, t]));

  checkUnique(
    definition.tables.map((t) => t.key),
    ['tables'],
    'table',
    issues,
  );
  definition.tables.forEach((table, t) => {
    const at = ['tables', t];
    checkName(table.key, [...at, 'key'], issues);
    checkUnique(
      table.fields.map((f) => f.key),
      [...at, 'fields'],
      'field',
      issues,
    );
    table.fields.forEach((field, f) =>
      checkField(context, definition, tables, table, field, [...at, 'fields', f], issues),
    );
    if (table.titleField && !table.fields.some((f) => f.key === table.titleField)) {
      issues.push(
        issue(
          [...at, 'titleField'],
          'UNKNOWN_FIELD',
          `no field "${table.titleField}" in table "${table.key}"`,
          `表「${table.key}」中没有字段「${table.titleField}」`,
        ),
      );
    }
    checkUnique(
      (table.stages ?? []).map((s) => s.key),
      [...at, 'stages'],
      'stage',
      issues,
    );
    checkUnique(
      (table.validations ?? []).map((v) => v.key),
      [...at, 'validations'],
      'validation',
      issues,
    );
    table.validations?.forEach((rule, v) => {
      if (rule.field && !table.fields.some((f) => f.key === rule.field)) {
        issues.push(
          issue(
            [...at, 'validations', v, 'field'],
            'UNKNOWN_FIELD',
            `no field "${rule.field}" in table "${table.key}"`,
            `表「${table.key}」中没有字段「${rule.field}」`,
          ),
        );
      }
      checkCel(context, table, rule.cel, 'bool', [...at, 'validations', v, 'cel'], issues);
    });
  });
  checkReverseKeys(definition, issues);
  checkUnique(
    (definition.flows ?? []).map((f) => f.key),
    ['flows'],
    'flow',
    issues,
  );
  definition.flows?.forEach((flow, f) => issues.push(...validateFlow(definition, flow, f)));
  issues.push(...validateRules(definition));
  issues.push(...validateIntake(definition));
  issues.push(...validateMetrics(definition));
  issues.push(...validateRoles(definition));
  issues.push(...validateForms(definition, context.checkCel ?? realCelChecker));
  if (context.previous) checkAgainstPrevious(definition, context.previous, issues);
  return issues.length === 0 ? { ok: true, value: definition } : { ok: false, issues };
}

function checkField(
  context: ValidationContext,
  definition: AppDefinition,
  tables: ReadonlyMap<string, TableDefinition>,
  table: TableDefinition,
  field: FieldDefinition,
  at: (string | number)[],
  issues: DefinitionIssue[],
): void {
  checkName(field.key, [...at, 'key'], issues);
  if (
    'min' in field &&
    field.min !== undefined &&
    field.max !== undefined &&
    field.min > field.max
  ) {
    issues.push(
      issue(
        [...at, 'min'],
        'MIN_ABOVE_MAX',
        `min ${field.min} is above max ${field.max}`,
        `最小值 ${field.min} 大于最大值 ${field.max}`,
      ),
    );
  }
  if (
    'minItems' in field &&
    field.minItems !== undefined &&
    field.maxItems !== undefined &&
    field.minItems > field.maxItems
  ) {
    issues.push(
      issue(
        [...at, 'minItems'],
        'MIN_ABOVE_MAX',
        `minItems ${field.minItems} is above maxItems ${field.maxItems}`,
        `最少项数 ${field.minItems} 大于最多项数 ${field.maxItems}`,
      ),
    );
  }
  if (field.type === 'text' && field.pattern !== undefined && !compiles(field.pattern)) {
    issues.push(
      issue(
        [...at, 'pattern'],
        'INVALID_PATTERN',
        `pattern is not a valid regular expression`,
        `正则表达式无效`,
      ),
    );
  }
  if (field.type === 'select' || field.type === 'multi_select') {
    const options = Array.isArray(field.options)
      ? field.options
      : definition.lists?.[field.options.list];
    if (!options) {
      const list = Array.isArray(field.options) ? '' : field.options.list;
      issues.push(
        issue(
          [...at, 'options', 'list'],
          'UNKNOWN_LIST',
          `no list "${list}" in lists`,
          `没有名为「${list}」的选项列表`,
        ),
      );
    } else {
      if (Array.isArray(field.options))
        checkUnique(
          options.map((o) => o.value),
          [...at, 'options'],
          'option',
          issues,
        );
      const values = new Set(options.map((o) => o.value));
      const defaults =
        field.default === undefined
          ? []
          : Array.isArray(field.default)
            ? field.default
            : [field.default];
      for (const value of defaults) {
        if (!values.has(value)) {
          issues.push(
            issue(
              [...at, 'default'],
              'DEFAULT_NOT_AN_OPTION',
              `default "${value}" is not one of the options`,
              `默认值「${value}」不在选项中`,
            ),
          );
        }
      }
    }
  }
  if (field.type === 'relation' && !tables.has(field.table)) {
    issues.push(
      issue(
        [...at, 'table'],
        'UNKNOWN_TABLE',
        `relation points at missing table "${field.table}"`,
        `关联的表「${field.table}」不存在`,
      ),
    );
  }
  if (field.type === 'computed' && (field.required || field.unique)) {
    issues.push(
      issue(
        [...at, 'type'],
        'COMPUTED_OPTIONS',
        'a computed field cannot be required or unique',
        '计算字段不能设为必填或唯一',
      ),
    );
  }
  if (field.type === 'computed')
    checkCel(
      context,
      table,
      field.expression,
      celTypeOfComputedResult(field.resultType),
      [...at, 'expression'],
      issues,
    );
}

function checkCel(
  context: ValidationContext,
  table: TableDefinition,
  source: string,
  expect: CelType,
  at: (string | number)[],
  issues: DefinitionIssue[],
): void {
  const checker = context.checkCel ?? realCelChecker;
  for (const problem of checker(source, { table, expect })) {
    issues.push(
      issue(
        at,
        problem.code,
        `line ${problem.line}, column ${problem.column}: ${problem.message}`,
        `第 ${problem.line} 行第 ${problem.column} 列：${problem.message}`,
      ),
    );
  }
}

function checkReverseKeys(definition: AppDefinition, issues: DefinitionIssue[]): void {
  definition.tables.forEach((table, t) =>
    table.fields.forEach((field, f) => {
      if (field.type !== 'relation' || !field.reverseKey) return;
      const target = definition.tables.find((x) => x.key === field.table);
      if (target?.fields.some((x) => x.key === field.reverseKey)) {
        issues.push(
          issue(
            ['tables', t, 'fields', f, 'reverseKey'],
            'REVERSE_KEY_TAKEN',
            `table "${field.table}" already has a field "${field.reverseKey}"`,
            `表「${field.table}」已有字段「${field.reverseKey}」`,
          ),
        );
      }
    }),
  );
}

/** Field keys are permanent: a published field may change type only where the data can follow. */
function checkAgainstPrevious(
  next: AppDefinition,
  previous: AppDefinition,
  issues: DefinitionIssue[],
): void {
  next.tables.forEach((table, t) => {
    const before = previous.tables.find((x) => x.key === table.key);
    const retiredTable = previous.retiredTables?.find((r) => r.table.key === table.key)?.table;
    const old = before ?? retiredTable;
    if (!old) return;
    const oldFields = new Map([
      ...(old.retiredFields ?? []).map((r) => [r.field.key, r.field] as const),
      ...old.fields.map((f) => [f.key, f] as const),
    ]);
    table.fields.forEach((field, f) => {
      const was = oldFields.get(field.key);
      if (!was) return;
      const change = typeChangeOf(was, field);
      if (change === 'refused') {
        issues.push(
          issue(
            ['tables', t, 'fields', f, 'type'],
            'TYPE_CHANGE_REFUSED',
            `field "${field.key}" cannot change from ${describe(was)} to ${describe(field)}; add a new field instead`,
            `字段「${field.key}」不能从 ${describe(was)} 改为 ${describe(field)}，请新建字段`,
          ),
        );
      }
    });
  });
}

function describe(field: FieldDefinition): string {
  return field.type === 'relation' ? `relation → ${field.table}` : field.type;
}

function checkName(name: string, at: (string | number)[], issues: DefinitionIssue[]): void {
  if (checkIdentifier(name) === 'reserved') {
    issues.push(
      issue(
        at,
        'RESERVED_NAME',
        `"${name}" is a reserved word or system column`,
        `「${name}」是保留字或系统字段名`,
      ),
    );
  }
}

function checkUnique(
  keys: readonly string[],
  at: (string | number)[],
  what: string,
  issues: DefinitionIssue[],
): void {
  const seen = new Set<string>();
  keys.forEach((key, i) => {
    if (seen.has(key)) {
      issues.push(
        issue(
          [...at, i, what === 'option' ? 'value' : 'key'],
          'DUPLICATE_KEY',
          `duplicate ${what} "${key}"`,
          `重复的${zhWhat[what] ?? what}「${key}」`,
        ),
      );
    }
    seen.add(key);
  });
}

const zhWhat: Record<string, string> = {
  table: '表',
  field: '字段',
  option: '选项',
  stage: '阶段',
  validation: '校验规则',
};

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}
