// Shows the state of the database, Temporal and the workers, refreshed every few seconds.
import { useEffect, useState } from 'react';
import { api, type Health } from '../api/client';
import type { MessageKey } from '../i18n/messages';

export function HealthPanel({ t }: { readonly t: (key: MessageKey) => string }) {
  const [health, setHealth] = useState<Health | undefined>();
  useEffect(() => {
    let alive = true;
    const load = () =>
      api.health().then(
        (h) => alive && setHealth(h),
        () => alive && setHealth(undefined),
      );
    void load();
    const timer = setInterval(load, 5000);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, []);

  const rows: Array<[MessageKey, boolean | undefined]> = [
    ['database', health?.db.ok],
    ['temporal', health?.temporal.ok],
    ['worker', health?.worker.ok],
  ];
  return (
    <section className="panel" aria-labelledby="health-title">
      <h2 id="health-title">{t('systemHealth')}</h2>
      <ul className="health">
        {rows.map(([label, ok]) => (
          <li
            key={label}
            data-testid={`health-${label}`}
            data-ok={ok === undefined ? 'unknown' : String(ok)}
          >
            <span className={`dot ${ok === undefined ? 'unknown' : ok ? 'ok' : 'bad'}`} />
            {t(label)}: {ok === undefined ? t('checking') : ok ? t('ok') : t('unavailable')}
          </li>
        ))}
      </ul>
    </section>
  );
}
