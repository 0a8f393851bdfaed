// The shell: header with the section menu and language switch; the routed section below.
import { Suspense } from 'react';
import { useLocale } from './i18n/useLocale';
import { LocaleContext } from './shell/locale-context';
import { routeHref, useRoute } from './shell/router';
import { homeSection, sections } from './shell/sections';
import { localize } from '../../runtime/localized-text';

export function App() {
  const { locale, toggle, t } = useLocale();
  const [first = 'home', ...rest] = useRoute();
  const section = sections.find((s) => s.key === first) ?? homeSection;
  const Screen = section.component;
  return (
    <LocaleContext.Provider value={locale}>
      <div className="app">
        <header>
          <h1>{t('appTitle')}</h1>
          <nav data-testid="sections">
            {sections.map((s) => (
              <a
                key={s.key}
                href={routeHref(s.key)}
                className={s.key === section.key ? 'active' : undefined}
              >
                {localize(s.label, locale)}
              </a>
            ))}
          </nav>
          <button type="button" onClick={toggle} data-testid="toggle-locale">
            {t('language')}
          </button>
        </header>
        <main>
          <Suspense fallback={<p>{t('checking')}</p>}>
            <Screen path={section.key === first ? rest : []} />
          </Suspense>
        </main>
      </div>
    </LocaleContext.Provider>
  );
}
