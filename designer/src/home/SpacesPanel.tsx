// Lists spaces and creates new ones; a new space turns active once its workflow has run.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { localize, type Locale } from '../../../runtime/localized-text';
import { api, ApiError, type Space } from '../api/client';
import type { MessageKey } from '../i18n/messages';

interface Props {
  readonly t: (key: MessageKey) => string;
  readonly locale: Locale;
}

export function SpacesPanel({ t, locale }: Props) {
  const [spaces, setSpaces] = useState<Space[]>([]);
  const [error, setError] = useState<string | undefined>();
  const [form, setForm] = useState({ key: '', zh: '', en: '' });

  const reload = useCallback(
    () => api.listSpaces().then(setSpaces, (e: Error) => setError(e.message)),
    [],
  );
  useEffect(() => {
    void reload();
    const timer = setInterval(reload, 1000);
    return () => clearInterval(timer);
  }, [reload]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      await api.createSpace(form.key, { 'zh-CN': form.zh, en: form.en });
      setForm({ key: '', zh: '', en: '' });
      await reload();
    } catch (e) {
      setError(e instanceof ApiError ? `${e.code}: ${e.message}` : String(e));
    }
  };

  return (
    <section className="panel" aria-labelledby="spaces-title">
      <h2 id="spaces-title">{t('spaces')}</h2>
      {spaces.length === 0 ? (
        <p className="muted">{t('noSpaces')}</p>
      ) : (
        <table>
          <tbody>
            {spaces.map((s) => (
              <tr key={s.id} data-testid={`space-${s.key}`}>
                <td>
                  <code>{s.key}</code>
                </td>
                <td>{localize(s.name, locale)}</td>
                <td data-testid="space-status" data-status={s.status}>
                  {t(`status_${s.status}`)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form onSubmit={submit} className="new-space">
        <h3>{t('newSpace')}</h3>
        <label>
          {t('spaceKey')}
          <input
            name="key"
            value={form.key}
            onChange={(e) => setForm({ ...form, key: e.target.value })}
            required
          />
        </label>
        <label>
          {t('nameZh')}
          <input
            name="zh"
            value={form.zh}
            onChange={(e) => setForm({ ...form, zh: e.target.value })}
            required
          />
        </label>
        <label>
          {t('nameEn')}
          <input
            name="en"
            value={form.en}
            onChange={(e) => setForm({ ...form, en: e.target.value })}
            required
          />
        </label>
        <button type="submit">{t('create')}</button>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
      </form>
    </section>
  );
}
