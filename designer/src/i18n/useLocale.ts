// The chosen language, remembered in localStorage.
import { useCallback, useState } from 'react';
import type { Locale } from '../../../runtime/localized-text';
import { translate, type MessageKey } from './messages';

const storageKey = 'baton.locale';

function initialLocale(): Locale {
  const saved = localStorage.getItem(storageKey);
  if (saved === 'zh-CN' || saved === 'en') return saved;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export function useLocale() {
  const [locale, setLocale] = useState<Locale>(initialLocale);
  const toggle = useCallback(() => {
    setLocale((current) => {
      const next = current === 'zh-CN' ? 'en' : 'zh-CN';
      localStorage.setItem(storageKey, next);
      document.documentElement.lang = next;
      return next;
    });
  }, []);
  const t = useCallback((key: MessageKey) => translate(key, locale), [locale]);
  return { locale, toggle, t };
}
