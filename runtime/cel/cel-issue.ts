// Problems with a CEL expression, located by 1-based line and column so the designer can underline them.
import { EvaluationError, ParseError, TypeError as CelTypeError } from '@marcbachmann/cel-js';
import { CelValueError } from './cel-values';
import { friendlyTypeName } from './cel-type-of-field';

export type CelIssueCode =
  /** The source does not parse. */
  | 'CEL_SYNTAX'
  /** It parses but does not type-check against the scope (unknown field, wrong operand types…). */
  | 'CEL_TYPE'
  /** Longer, deeper or costlier than Baton allows. */
  | 'CEL_TOO_COMPLEX'
  /** Its result type is not the one the caller expects (a condition must be bool). */
  | 'CEL_RESULT_TYPE'
  /** Evaluation failed on this input: division by zero, a missing map key, an empty field… */
  | 'CEL_EVALUATION'
  /** The input itself does not fit the scope (a malformed field value or `now`). */
  | 'CEL_INPUT';

export interface CelIssue {
  readonly code: CelIssueCode;
  readonly message: string;
  /** Where the problem starts, 1-based; columns count UTF-16 code units, as Monaco does. */
  readonly line: number;
  readonly column: number;
  /** Where it ends (exclusive), for underlining. */
  readonly endLine: number;
  readonly endColumn: number;
}

export type CelResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issues: readonly CelIssue[] };

/** 1-based line and column of a character offset. */
export function positionAt(source: string, offset: number): { line: number; column: number } {
  const at = Math.max(0, Math.min(offset, source.length));
  let line = 1;
  let lineStart = 0;
  for (let i = source.indexOf('\n'); i !== -1 && i < at; i = source.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: at - lineStart + 1 };
}

/** An issue spanning source[start, end). */
export function celIssue(
  code: CelIssueCode,
  message: string,
  source: string,
  start = 0,
  end = start,
): CelIssue {
  const from = positionAt(source, start);
  const to = positionAt(source, Math.max(start, end));
  return {
    code,
    message,
    line: from.line,
    column: from.column,
    endLine: to.line,
    endColumn: to.column,
  };
}

const nullHint = ' (a value used here is empty; test it with `!= null` first)';

function friendlyMessage(summary: string): string {
  return friendlyTypeName(summary.replace(/ *\n[\s\S]*$/, ''));
}

function syntaxCode(error: ParseError): CelIssueCode {
  return error.code === 'limit_exceeded' ? 'CEL_TOO_COMPLEX' : 'CEL_SYNTAX';
}

/**
 * Turns whatever cel-js (or a Baton function) threw into an issue located in the source.
 * Type errors become CEL_TYPE, parse errors CEL_SYNTAX (or CEL_TOO_COMPLEX past a limit).
 */
export function issueFromError(error: unknown, source: string): CelIssue {
  if (error instanceof CelValueError) return celIssue('CEL_INPUT', error.message, source);
  if (
    error instanceof ParseError ||
    error instanceof CelTypeError ||
    error instanceof EvaluationError
  ) {
    const start = error.range?.start ?? 0;
    const end = Math.max(error.node?.end ?? 0, error.range?.end ?? start);
    let message = friendlyMessage(error.summary);
    if (error instanceof ParseError) {
      const code = syntaxCode(error);
      // cel-js says "Exceeded maxDepth (32)": name the limit in words a designer understands.
      if (code === 'CEL_TOO_COMPLEX') message = `the expression is too complex: ${message}`;
      return celIssue(code, message, source, start, end);
    }
    if (error instanceof CelTypeError) return celIssue('CEL_TYPE', message, source, start, end);
    if (/\bnull\b/.test(message)) message += nullHint;
    return celIssue('CEL_EVALUATION', message, source, start, end);
  }
  const message = error instanceof Error ? error.message : String(error);
  return celIssue('CEL_EVALUATION', message, source);
}
