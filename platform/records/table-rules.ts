// Computed fields and CEL validation rules of a table, compiled once per published version.
import { compileCel, type CompiledCel } from '../../runtime/cel/compile-cel';
import { celTypeOfComputedResult } from '../../runtime/cel/cel-type-of-field';
import type { FieldIssue } from './record-validator';
import type { RecordJson } from './record-values';
import type { TableContext } from './table-context';

interface CompiledRules {
  readonly computed: ReadonlyArray<{ readonly key: string; readonly expression: CompiledCel }>;
  readonly validations: ReadonlyArray<{
    readonly key: string;
    readonly field: string | null;
    readonly message: FieldIssue['message'];
    readonly expression: CompiledCel;
  }>;
}

const compiled = new WeakMap<TableContext, CompiledRules>();

function rulesOf(context: TableContext): CompiledRules {
  const cached = compiled.get(context);
  if (cached) return cached;
  const scope = { record: context.table.fields };
  // Publish type-checked every expression, so compiling a published version cannot fail.
  const compileOrThrow = (source: string, expect: Parameters<typeof compileCel>[2]) => {
    const result = compileCel(source, scope, expect);
    if (!result.ok)
      throw new Error(`published expression does not compile: ${result.issues[0]?.message}`);
    return result.value;
  };
  const rules: CompiledRules = {
    computed: context.table.fields.flatMap((f) =>
      f.type === 'computed'
        ? [
            {
              key: f.key,
              expression: compileOrThrow(f.expression, {
                expect: celTypeOfComputedResult(f.resultType),
              }),
            },
          ]
        : [],
    ),
    validations: (context.table.validations ?? []).map((v) => ({
      key: v.key,
      field: v.field ?? null,
      message: v.message,
      expression: compileOrThrow(v.cel, { expect: 'bool' }),
    })),
  };
  compiled.set(context, rules);
  return rules;
}

/**
 * Stores computed values into `values` and checks the table's validation rules against the result.
 * A computed expression that cannot be evaluated on this record (an empty input field, say) stores
 * null; a validation that is false, or cannot be evaluated, refuses the write with its message.
 */
export function applyTableRules(
  context: TableContext,
  values: RecordJson,
  now: Date,
): { values: RecordJson; issues: FieldIssue[] } {
  const rules = rulesOf(context);
  if (rules.computed.length === 0 && rules.validations.length === 0) return { values, issues: [] };
  const result: RecordJson = { ...values };
  for (const { key, expression } of rules.computed) {
    const evaluated = expression.evaluate({ record: result, now });
    result[key] = evaluated.ok ? evaluated.value : null;
  }
  const issues: FieldIssue[] = [];
  for (const rule of rules.validations) {
    const evaluated = rule.expression.evaluate({ record: result, now });
    if (evaluated.ok && evaluated.value === true) continue;
    issues.push({
      pointer: rule.field ? `/${rule.field}` : '/',
      field: rule.field,
      code: evaluated.ok ? 'RULE_FAILED' : 'RULE_NOT_EVALUABLE',
      message: rule.message,
    });
  }
  return { values: result, issues };
}
