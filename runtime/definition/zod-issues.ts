// Turns zod's structural issues into definition issues with zh-CN and en messages.
import type { z } from 'zod';
import { issue, type DefinitionIssue } from './definition-issue';

/** Localizes one zod issue; the English text keeps zod's detail, the Chinese one names the rule. */
export function fromZodIssue(zodIssue: z.core.$ZodIssue): DefinitionIssue {
  const path = zodIssue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  const en = zodIssue.message;
  switch (zodIssue.code) {
    case 'invalid_type':
      return zodIssue.input === undefined
        ? issue(path, 'REQUIRED', `required: ${en}`, '必填项缺失')
        : issue(path, 'INVALID_TYPE', en, `类型错误：应为 ${zodIssue.expected}`);
    case 'too_small':
      return issue(path, 'TOO_SMALL', en, `过小或过短（最小 ${String(zodIssue.minimum)}）`);
    case 'too_big':
      return issue(path, 'TOO_BIG', en, `过大或过长（最大 ${String(zodIssue.maximum)}）`);
    case 'invalid_format':
      return issue(path, 'INVALID_FORMAT', en, `格式不正确：${en}`);
    case 'unrecognized_keys':
      return issue(path, 'UNKNOWN_PROPERTY', en, `未知的属性：${zodIssue.keys.join('、')}`);
    case 'invalid_union':
      return issue(path, 'INVALID_VARIANT', en, '不符合任何允许的形式（例如不支持的字段类型）');
    case 'invalid_value':
      return issue(
        path,
        'INVALID_VALUE',
        en,
        `取值无效，允许的值：${zodIssue.values.map(String).join('、')}`,
      );
    default:
      return issue(path, 'INVALID', en, `无效：${en}`);
  }
}
