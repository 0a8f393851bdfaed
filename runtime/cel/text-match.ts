// Text matching behind contains_any, in_list and normalize_org: width-, case- and space-insensitive.

/**
 * Turns full-width ASCII (ＤＲ，１２３) and the ideographic space into their half-width forms, so
 * text typed with a Chinese input method matches keywords typed in ASCII.
 * @example toHalfWidth('ＣＴ\u3000机') // 'CT 机'
 */
export function toHalfWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E\u3000]/g, (c) =>
    c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0),
  );
}

/**
 * Normalises an organisation name: half-width, trimmed, runs of white space collapsed to one space.
 * @example normalizeOrg('  北京协和医院（东院）  ') // '北京协和医院(东院)'
 */
export function normalizeOrg(text: string): string {
  return toHalfWidth(text).trim().replace(/\s+/g, ' ');
}

// toLowerCase (not toLocaleLowerCase) so every host folds the same way.
function fold(text: string): string {
  return toHalfWidth(text).toLowerCase();
}

function keywordsOf(keywords: readonly string[]): string[] {
  const out: string[] = [];
  for (const k of keywords) {
    const folded = fold(k).trim();
    if (folded !== '') out.push(folded);
  }
  return out;
}

/**
 * Whether the text contains any keyword, ignoring case and character width; blank keywords are
 * ignored and null text contains nothing.
 * @example containsAny('想了解ct设备', ['DR', 'CT']) // true
 */
export function containsAny(text: string | null, keywords: readonly string[]): boolean {
  if (text === null) return false;
  const haystack = fold(text);
  return keywordsOf(keywords).some((k) => haystack.includes(k));
}

/**
 * Whether the text contains every keyword (ignoring case and width); null text contains nothing.
 * @example containsAll('预算和时间表已确认', ['预算', '时间表']) // true
 */
export function containsAll(text: string | null, keywords: readonly string[]): boolean {
  if (text === null) return false;
  const haystack = fold(text);
  return keywordsOf(keywords).every((k) => haystack.includes(k));
}

/**
 * Whether the value equals an item of the list after trimming, collapsing spaces and ignoring case
 * and width; null is in no list.
 * @example inList(' Peking Union ', ['peking union', 'PUMCH']) // true
 */
export function inList(value: string | null, list: readonly string[]): boolean {
  if (value === null) return false;
  const wanted = normalizeOrg(value).toLowerCase();
  return list.some((item) => normalizeOrg(item).toLowerCase() === wanted);
}
