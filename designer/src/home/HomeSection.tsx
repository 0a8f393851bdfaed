// The landing screen: system health and the list of spaces.
import { useContext } from 'react';
import { translate, type MessageKey } from '../i18n/messages';
import { LocaleContext } from '../shell/locale-context';
import type { SectionProps } from '../shell/sections';
import { HealthPanel } from './HealthPanel';
import { SpacesPanel } from './SpacesPanel';

export default function HomeSection(_props: SectionProps) {
  const locale = useContext(LocaleContext);
  const t = (key: MessageKey) => translate(key, locale);
  return (
    <>
      <HealthPanel t={t} />
      <SpacesPanel t={t} locale={locale} />
    </>
  );
}
