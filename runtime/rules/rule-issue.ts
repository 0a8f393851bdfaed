// Problems met while running rules on one record: reported in the trace, never thrown.
import type { CelIssue } from '../cel/compile-cel';
import type { LocalizedText } from '../localized-text';

/** A record in Baton's JSON form: field keys (and system columns) to values. */
export type RecordJson = Readonly<Record<string, unknown>>;

export interface RuleIssue {
  /** The rule (or scorecard, gate…) key, when one rule is at fault. */
  readonly rule?: string;
  readonly field?: string;
  /** Stable code: PHONE_UNPARSEABLE, CEL_EVALUATION… */
  readonly code: string;
  readonly message: LocalizedText;
}

/** A CEL expression that failed on this record (a missing payload key, an empty field…). */
export function celRuleIssue(rule: string, issues: readonly CelIssue[]): RuleIssue {
  const detail = issues.map((i) => i.message).join('; ');
  return {
    rule,
    code: issues[0]?.code ?? 'CEL_EVALUATION',
    message: {
      'zh-CN': `规则「${rule}」的表达式无法计算：${detail}`,
      en: `the expression of rule "${rule}" could not be evaluated: ${detail}`,
    },
  };
}
