// Problems found in a definition: where (JSON pointer), what (stable code), and why (zh-CN + en).
import type { LocalizedText } from '../localized-text';

export interface DefinitionIssue {
  /** JSON pointer into the definition, e.g. `/tables/0/fields/3/options`. */
  readonly pointer: string;
  readonly code: string;
  readonly message: LocalizedText;
}

export type Result<T, I = DefinitionIssue> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: readonly I[] };

/** Builds a JSON pointer from path segments, escaping `~` and `/`. */
export function pointerOf(path: readonly (string | number)[]): string {
  return path.map((p) => '/' + String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('');
}

export function issue(
  path: readonly (string | number)[],
  code: string,
  en: string,
  zh: string,
): DefinitionIssue {
  return { pointer: pointerOf(path), code, message: { 'zh-CN': zh, en } };
}
