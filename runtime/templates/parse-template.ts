// Reads a template document: its structure, its parameters' own defaults, placeholders and demo people.
import { issue, type DefinitionIssue, type Result } from '../definition/definition-issue';
import { fromZodIssue } from '../definition/zod-issues';
import { durationMs, parseIsoDuration } from '../time/iso-duration';
import { findPlaceholders } from './substitute-params';
import { checkParameterValue } from './template-params';
import { templateSchema, type DemoUser, type Template } from './template-schema';

/**
 * Parses a template and checks what its schema cannot: every default fits its parameter, every
 * placeholder names a declared parameter and every parameter is used, demo users have unique keys
 * and e-mail addresses and a reporting line without loops. Pointers are relative to the document.
 * The definition itself is checked by `instantiateTemplate`.
 * @example parseTemplate(JSON.parse(text)) // { ok: true, value: template }
 */
export function parseTemplate(input: unknown): Result<Template> {
  const parsed = templateSchema.safeParse(input);
  if (!parsed.success) return { ok: false, issues: parsed.error.issues.map(fromZodIssue) };
  const template = parsed.data;
  const issues: DefinitionIssue[] = [];

  for (const [name, parameter] of Object.entries(template.parameters)) {
    const at = ['parameters', name];
    if ('min' in parameter && parameter.min !== undefined && parameter.max !== undefined) {
      const measure = (b: string | number) =>
        typeof b === 'number' ? b : durationOrNaN(parseIsoDuration(b));
      if (measure(parameter.min) > measure(parameter.max))
        issues.push(
          issue(
            [...at, 'min'],
            'MIN_ABOVE_MAX',
            `min ${parameter.min} is above max ${parameter.max}`,
            `最小值 ${parameter.min} 大于最大值 ${parameter.max}`,
          ),
        );
    }
    const checked = checkParameterValue(parameter, parameter.default);
    if (!checked.ok)
      issues.push(
        issue([...at, 'default'], checked.code, `default ${checked.en}`, `默认值${checked.zh}`),
      );
  }

  const placeholders = findPlaceholders(template.definition, ['definition']);
  const used = new Set(placeholders.map((p) => p.name));
  for (const p of placeholders) {
    const parameter = template.parameters[p.name];
    if (!parameter)
      issues.push(
        issue(
          p.path,
          'UNKNOWN_PARAMETER',
          `placeholder names the undeclared parameter "${p.name}"`,
          `占位符引用了未声明的参数「${p.name}」`,
        ),
      );
  }
  for (const name of Object.keys(template.parameters)) {
    if (!used.has(name))
      issues.push(
        issue(
          ['parameters', name],
          'UNUSED_PARAMETER',
          `parameter "${name}" appears in no placeholder`,
          `参数「${name}」未在任何占位符中使用`,
        ),
      );
  }

  issues.push(...checkDemoUsers(template.demoUsers ?? []));
  return issues.length === 0 ? { ok: true, value: template } : { ok: false, issues };
}

function durationOrNaN(parsed: ReturnType<typeof parseIsoDuration>): number {
  return parsed.ok ? durationMs(parsed.value) : NaN;
}

function checkDemoUsers(users: readonly DemoUser[]): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const byKey = new Map<string, DemoUser>();
  const emails = new Set<string>();
  users.forEach((user, i) => {
    if (byKey.has(user.key))
      issues.push(
        issue(
          ['demoUsers', i, 'key'],
          'DUPLICATE_KEY',
          `duplicate demo user "${user.key}"`,
          `重复的示例用户「${user.key}」`,
        ),
      );
    byKey.set(user.key, user);
    const email = user.email.toLowerCase();
    if (emails.has(email))
      issues.push(
        issue(
          ['demoUsers', i, 'email'],
          'DUPLICATE_EMAIL',
          `e-mail address ${email} is used twice`,
          `邮箱 ${email} 重复`,
        ),
      );
    emails.add(email);
  });
  users.forEach((user, i) => {
    if (user.managerKey !== undefined && !byKey.has(user.managerKey))
      issues.push(
        issue(
          ['demoUsers', i, 'managerKey'],
          'UNKNOWN_USER',
          `no demo user "${user.managerKey}"`,
          `没有示例用户「${user.managerKey}」`,
        ),
      );
  });
  users.forEach((user, i) => {
    const seen = new Set([user.key]);
    for (let at = byKey.get(user.managerKey ?? ''); at; at = byKey.get(at.managerKey ?? '')) {
      if (seen.has(at.key)) {
        issues.push(
          issue(
            ['demoUsers', i, 'managerKey'],
            'MANAGER_CYCLE',
            `the reporting line of "${user.key}" loops`,
            `「${user.key}」的汇报线形成了循环`,
          ),
        );
        break;
      }
      seen.add(at.key);
    }
  });
  return issues;
}

/** Demo users ordered so that every manager comes before the people reporting to them. */
export function managersFirst(users: readonly DemoUser[]): DemoUser[] {
  const byKey = new Map(users.map((u) => [u.key, u]));
  const depth = (user: DemoUser): number => {
    let n = 0;
    for (let at = byKey.get(user.managerKey ?? ''); at && n <= users.length; n++)
      at = byKey.get(at.managerKey ?? '');
    return n;
  };
  return [...users].sort((a, b) => depth(a) - depth(b));
}
