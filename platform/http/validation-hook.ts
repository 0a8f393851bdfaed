// Shapes zod validation failures into 400 answers naming every offending field.
import type { Hook } from '@hono/zod-openapi';
import type { Env } from 'hono';

/** Issues as a JSON pointer, a code and a message, one per problem. */
export interface ValidationIssue {
  readonly pointer: string;
  readonly code: string;
  readonly message: string;
}

/** The `defaultHook` of every route: a failed `safeParse` answers 400 with all issues. */
export const validationHook: Hook<unknown, Env, string, unknown> = (result, c) => {
  if (result.success) return;
  const issues: ValidationIssue[] = result.error.issues.map((issue) => ({
    pointer:
      '/' + issue.path.map((p) => String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('/'),
    code: issue.code,
    message: issue.message,
  }));
  const where = result.target === 'json' ? 'body' : result.target;
  return c.json(
    {
      error: {
        code: 'VALIDATION_FAILED',
        message: `invalid ${where}: ${issues.map((i) => `${i.pointer} ${i.message}`).join('; ')}`,
        details: { target: where, issues },
      },
    },
    400,
  );
};
