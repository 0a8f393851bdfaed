// Lets an admin pick the space a designer screen works on; the choice becomes the route's next segment.
import { useEffect, useState } from 'react';
import { api, type Space } from '../api/client';
import { routeHref } from '../shell/router';
import { useTr } from '../shell/locale-context';
import './admin.css';

export function SpaceGate({ section }: { readonly section: string }) {
  const { tr, locale } = useTr();
  const [spaces, setSpaces] = useState<Space[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.listSpaces().then(setSpaces, (e: unknown) => setError(String(e)));
  }, []);
  return (
    <div className="admin">
      <h2>{tr({ 'zh-CN': '选择数据空间', en: 'Choose a space' })}</h2>
      {error && <p className="error">{error}</p>}
      {spaces?.length === 0 && (
        <p>
          {tr({
            'zh-CN': '还没有数据空间，请先在概览页创建或安装模板。',
            en: 'No spaces yet: create one on the overview or install a template.',
          })}
        </p>
      )}
      <ul className="space-list" data-testid="space-list">
        {spaces?.map((s) => (
          <li key={s.id}>
            <a href={routeHref(section, s.key)} data-testid={`space-${s.key}`}>
              {s.name[locale]} <code>{s.key}</code>
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
