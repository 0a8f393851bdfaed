// What compiling a rule needs: table and field look-ups, lists, CEL, each reporting a precise issue.
import { compileCel, type CelScope, type CelType, type CompiledCel } from '../cel/compile-cel';
import { celIssue } from '../cel/cel-issue';
import type { AppDefinition, TableDefinition } from '../definition/definition-schema';
import { issue, type DefinitionIssue } from '../definition/definition-issue';
import type { FieldDefinition, FieldType, OptionDefinition } from '../definition/field-schema';

export type Path = readonly (string | number)[];

export interface RuleCompiler {
  readonly definition: AppDefinition;
  readonly issues: DefinitionIssue[];
  report(at: Path, code: string, en: string, zh: string): void;
  /** The table, or undefined after reporting UNKNOWN_TABLE. */
  table(key: string, at: Path): TableDefinition | undefined;
  /** The field, or undefined after reporting UNKNOWN_FIELD (or FIELD_TYPE when not of `types`). */
  field(
    table: TableDefinition,
    key: string,
    at: Path,
    types?: readonly FieldType[],
  ): FieldDefinition | undefined;
  /** A named list's options, or undefined after reporting UNKNOWN_LIST. */
  list(key: string, at: Path): readonly OptionDefinition[] | undefined;
  /** Reports UNKNOWN_STAGE unless the table declares the stage. */
  stage(table: TableDefinition, key: string, at: Path): void;
  /** Reports UNKNOWN_ROLE / UNKNOWN_FLOW for references the definition can resolve. */
  recipient(recipient: string, at: Path): void;
  flow(key: string, at: Path): void;
  /** Reports DUPLICATE_KEY for every repeated key; `what` names the items in en and zh. */
  unique(keys: readonly string[], at: Path, what: readonly [string, string]): void;
  /**
   * The compiled expression. When it does not compile the issues are reported and a stand-in
   * that always fails is returned: the whole compilation then fails, so it never runs.
   */
  cel(source: string, scope: CelScope, expect: CelType, at: Path): CompiledCel;
}

export function createRuleCompiler(definition: AppDefinition): RuleCompiler {
  const issues: DefinitionIssue[] = [];
  const tables = new Map(definition.tables.map((t) => [t.key, t]));
  const report = (at: Path, code: string, en: string, zh: string) =>
    issues.push(issue(at, code, en, zh));
  const roles = new Set((definition.roles ?? []).map((r) => r.key));
  const flows = new Set((definition.flows ?? []).map((f) => f.key));

  return {
    definition,
    issues,
    report,
    table(key, at) {
      const table = tables.get(key);
      if (!table) report(at, 'UNKNOWN_TABLE', `no table "${key}"`, `没有表「${key}」`);
      return table;
    },
    field(table, key, at, types) {
      const field = table.fields.find((f) => f.key === key);
      if (!field) {
        report(
          at,
          'UNKNOWN_FIELD',
          `no field "${key}" in table "${table.key}"`,
          `表「${table.key}」中没有字段「${key}」`,
        );
        return undefined;
      }
      if (types && !types.includes(field.type)) {
        const allowed = types.join(', ');
        report(
          at,
          'FIELD_TYPE',
          `field "${key}" is ${field.type}; this rule needs ${allowed}`,
          `字段「${key}」的类型是 ${field.type}，此规则需要：${allowed}`,
        );
        return undefined;
      }
      return field;
    },
    list(key, at) {
      const list = definition.lists?.[key];
      if (!list)
        report(at, 'UNKNOWN_LIST', `no list "${key}" in lists`, `没有名为「${key}」的列表`);
      return list;
    },
    stage(table, key, at) {
      if ((table.stages ?? []).some((s) => s.key === key)) return;
      report(
        at,
        'UNKNOWN_STAGE',
        `table "${table.key}" has no stage "${key}"`,
        `表「${table.key}」没有阶段「${key}」`,
      );
    },
    recipient(recipient, at) {
      const role = recipient.startsWith('role:') ? recipient.slice(5) : null;
      // Roles are checked once the definition declares some; until then any role key is allowed.
      if (role !== null && roles.size > 0 && !roles.has(role)) {
        report(at, 'UNKNOWN_ROLE', `no role "${role}"`, `没有角色「${role}」`);
      }
    },
    flow(key, at) {
      if (!flows.has(key)) report(at, 'UNKNOWN_FLOW', `no flow "${key}"`, `没有流程「${key}」`);
    },
    unique(keys, at, [en, zh]) {
      const seen = new Set<string>();
      keys.forEach((key, i) => {
        if (seen.has(key))
          report(
            [...at, i, 'key'],
            'DUPLICATE_KEY',
            `duplicate ${en} "${key}"`,
            `重复的${zh}「${key}」`,
          );
        seen.add(key);
      });
    },
    cel(source, scope, expect, at) {
      const compiled = compileCel(source, scope, { expect });
      if (compiled.ok) return compiled.value;
      for (const problem of compiled.issues) {
        report(
          at,
          problem.code,
          `line ${problem.line}, column ${problem.column}: ${problem.message}`,
          `第 ${problem.line} 行第 ${problem.column} 列：${problem.message}`,
        );
      }
      const failed = celIssue('CEL_TYPE', 'the expression did not compile', source);
      return {
        source,
        resultType: 'dyn',
        evaluate: () => ({ ok: false, issues: [failed] }),
      };
    },
  };
}
