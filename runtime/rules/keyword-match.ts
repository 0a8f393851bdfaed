// Keyword search for tagging dictionaries: case- and width-insensitive, Latin words matched whole.
import { toHalfWidth } from '../cel/text-match';

export interface KeywordMatcher {
  /** The first keyword found in the text (as the admin wrote it), or null. */
  find(text: string): string | null;
}

const latin = /[a-z0-9]/;

function fold(text: string): string {
  return toHalfWidth(text).toLowerCase();
}

function atEdge(text: string, index: number): boolean {
  return index < 0 || index >= text.length || !latin.test(text[index] as string);
}

/**
 * Compiles a keyword list once. A keyword starting (ending) with a Latin letter or digit only
 * matches where the text has no Latin letter or digit just before (after) it: `DR` is found in
 * "需要DR设备" and "a DR unit", not in "address". CJK keywords match anywhere.
 * @example createKeywordMatcher(['DR', 'CT']).find('咨询ＣＴ机') // 'CT'
 */
export function createKeywordMatcher(keywords: readonly string[]): KeywordMatcher {
  const folded = keywords
    .map((original) => ({ original, needle: fold(original).trim() }))
    .filter((k) => k.needle !== '')
    .map((k) => ({
      ...k,
      checkStart: latin.test(k.needle[0] as string),
      checkEnd: latin.test(k.needle[k.needle.length - 1] as string),
    }));
  return {
    find(text) {
      const haystack = fold(text);
      for (const k of folded) {
        for (let i = haystack.indexOf(k.needle); i !== -1; i = haystack.indexOf(k.needle, i + 1)) {
          const end = i + k.needle.length;
          if (
            (!k.checkStart || atEdge(haystack, i - 1)) &&
            (!k.checkEnd || atEdge(haystack, end))
          ) {
            return k.original;
          }
        }
      }
      return null;
    },
  };
}
