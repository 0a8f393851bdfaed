// Problems in a parsed JSON document that no Baton path accepts: keys that could reach an object's
// prototype, text PostgreSQL cannot store (NUL, lone UTF-16 surrogates), absurd nesting.

/** Deeper documents are refused: nothing Baton accepts nests anywhere near this. */
export const maxJsonDepth = 64;

export interface JsonProblem {
  readonly code: 'FORBIDDEN_KEY' | 'INVALID_TEXT' | 'JSON_TOO_DEEP';
  readonly message: string;
  /** JSON pointer of the offending key or value. */
  readonly pointer: string;
}

/** A UTF-16 surrogate without its partner (JSON's `\ud800` escapes allow it). */
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** NUL or a lone surrogate: text PostgreSQL cannot store. */
const unstorable = { test: (text: string) => text.includes('\u0000') || loneSurrogate.test(text) };

/**
 * The first problem in a parsed document, walking it without recursion.
 * @example findProblem(JSON.parse('{"a":"x\\u0000"}'))?.pointer // '/a'
 */
export function findProblem(root: unknown): JsonProblem | undefined {
  const stack: { value: unknown; pointer: string; depth: number }[] = [
    { value: root, pointer: '', depth: 0 },
  ];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { value, pointer, depth } = item;
    if (typeof value === 'string') {
      if (unstorable.test(value)) return textProblem(pointer || '/');
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= maxJsonDepth) {
      return {
        code: 'JSON_TOO_DEEP',
        message: `the body nests deeper than ${maxJsonDepth} levels at ${pointer} / JSON 嵌套过深`,
        pointer,
      };
    }
    const entries: [string, unknown][] = Array.isArray(value)
      ? value.map((v, i) => [String(i), v])
      : Object.entries(value);
    for (const [key, child] of entries) {
      const at = `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
      if (key === '__proto__') {
        return {
          code: 'FORBIDDEN_KEY',
          message: `the key "__proto__" is not accepted (at ${at}) / 不接受名为 __proto__ 的键`,
          pointer: at,
        };
      }
      if (unstorable.test(key)) return textProblem(at);
      stack.push({ value: child, pointer: at, depth: depth + 1 });
    }
  }
  return undefined;
}

function textProblem(pointer: string): JsonProblem {
  return {
    code: 'INVALID_TEXT',
    message: `text at ${pointer} contains a NUL character or a lone UTF-16 surrogate, which cannot be stored / ${pointer} 处的文本含有无法保存的字符（NUL 或不成对的代理项）`,
    pointer,
  };
}
