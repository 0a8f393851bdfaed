import { describe, expect, it } from 'vitest';
import { managersFirst, parseTemplate } from './parse-template';
import type { DemoUser } from './template-schema';

const l = (en: string, zh: string) => ({ 'zh-CN': zh, en });

const document = (overrides: Record<string, unknown> = {}) => ({
  formatVersion: 1,
  key: 'pack',
  version: '1.2.0',
  label: l('Pack', '模板'),
  description: l('Pack', '模板'),
  parameters: {
    window: { type: 'duration', default: 'P30D', label: l('Window', '窗口') },
  },
  definition: { formatVersion: 1, tables: [], note: '{{params.window}}' },
  ...overrides,
});

const user = (key: string, managerKey?: string, email = `${key}@example.cn`) => ({
  key,
  email,
  displayName: key,
  roles: ['rep'],
  ...(managerKey ? { managerKey } : {}),
});

const issuesOf = (input: unknown) => {
  const result = parseTemplate(input);
  return result.ok ? [] : result.issues.map((i) => [i.pointer, i.code]);
};

describe('parseTemplate', () => {
  it('accepts a well-formed template', () => {
    expect(issuesOf(document())).toEqual([]);
  });

  it('reports structural problems with pointers', () => {
    expect(issuesOf(document({ key: 'Pack', version: '1.2' }))).toEqual([
      ['/key', 'INVALID_FORMAT'],
      ['/version', 'INVALID_FORMAT'],
    ]);
  });

  it('finds placeholders naming undeclared parameters and parameters nobody uses', () => {
    const issues = issuesOf(
      document({
        parameters: {
          window: { type: 'duration', default: 'P30D', label: l('Window', '窗口') },
          spare: { type: 'integer', default: 1, label: l('Spare', '备用') },
        },
        definition: { formatVersion: 1, tables: [], a: ['{{params.window}}', 'x {{params.nope}}'] },
      }),
    );
    expect(issues).toEqual([
      ['/definition/a/1', 'UNKNOWN_PARAMETER'],
      ['/parameters/spare', 'UNUSED_PARAMETER'],
    ]);
  });

  it('checks defaults against their own bounds and min against max', () => {
    const issues = issuesOf(
      document({
        parameters: {
          window: {
            type: 'duration',
            default: 'PT1H',
            min: 'PT2H',
            max: 'PT1H30M',
            label: l('Window', '窗口'),
          },
        },
      }),
    );
    expect(issues).toEqual([
      ['/parameters/window/min', 'MIN_ABOVE_MAX'],
      ['/parameters/window/default', 'TOO_SMALL'],
    ]);
  });

  it('checks demo users: unique keys and e-mails, known managers, no reporting loops', () => {
    const issues = issuesOf(
      document({
        demoUsers: [
          user('a', 'b'),
          user('b', 'a'),
          user('c', 'ghost'),
          user('c', undefined, 'c2@example.cn'),
          user('d', undefined, 'C@example.cn'),
        ],
      }),
    );
    expect(issues).toEqual([
      ['/demoUsers/3/key', 'DUPLICATE_KEY'],
      ['/demoUsers/4/email', 'DUPLICATE_EMAIL'],
      ['/demoUsers/2/managerKey', 'UNKNOWN_USER'],
      ['/demoUsers/0/managerKey', 'MANAGER_CYCLE'],
      ['/demoUsers/1/managerKey', 'MANAGER_CYCLE'],
    ]);
  });
});

describe('managersFirst', () => {
  it('puts every manager before the people reporting to them', () => {
    const users = [user('rep', 'sup'), user('sup', 'dir'), user('dir')] as DemoUser[];
    expect(managersFirst(users).map((u) => u.key)).toEqual(['dir', 'sup', 'rep']);
  });
});
