// The designer shell: header with language switch, system health and spaces.
import { HealthPanel } from './components/HealthPanel';
import { SpacesPanel } from './components/SpacesPanel';
import { useLocale } from './i18n/useLocale';

export function App() {
  const { locale, toggle, t } = useLocale();
  return (
    <div className="app">
      <header>
        <h1>{t('appTitle')}</h1>
        <button type="button" onClick={toggle} data-testid="toggle-locale">
          {t('language')}
        </button>
      </header>
      <main>
        <HealthPanel t={t} />
        <SpacesPanel t={t} locale={locale} />
      </main>
    </div>
  );
}
