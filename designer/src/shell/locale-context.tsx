// The chosen locale for every screen, and a translator for LocalizedText values.
import { createContext, useContext } from 'react';
import { localize, type Locale, type LocalizedText } from '../../../runtime/localized-text';

export const LocaleContext = createContext<Locale>('zh-CN');

/**
 * The current locale and `tr`, which picks a LocalizedText in it. Screens keep their own strings as
 * `{ 'zh-CN': …, en: … }` objects next to the component and pass them to `tr`.
 * @example const { tr } = useTr(); tr({ 'zh-CN': '保存', en: 'Save' })
 */
export function useTr() {
  const locale = useContext(LocaleContext);
  return { locale, tr: (text: LocalizedText) => localize(text, locale) };
}
