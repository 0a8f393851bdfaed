// Text people read ships in both languages Baton supports.

export const locales = ['zh-CN', 'en'] as const;
export type Locale = (typeof locales)[number];

/** A label or message in every supported locale. */
export type LocalizedText = { readonly [L in Locale]: string };

/**
 * Picks the text for a locale, falling back to the other one when it is blank.
 * @example localize({ 'zh-CN': '线索', en: 'Lead' }, 'en') // 'Lead'
 */
export function localize(text: LocalizedText, locale: Locale): string {
  const own = text[locale];
  if (own.trim() !== '') return own;
  return locale === 'en' ? text['zh-CN'] : text.en;
}
