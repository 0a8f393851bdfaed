// The rep app: pick a space and who you are (until login lands), then my leads and record pages,
// with live notifications over SSE. Laid out for a phone first.
import { useEffect, useMemo, useState } from 'react';
import { api, type Space } from '../api/client';
import { repApi, type Member, type Whoami } from '../api/rep';
import { useTr } from '../shell/locale-context';
import { routeHref } from '../shell/router';
import type { SectionProps } from '../shell/sections';
import { localize } from '../../../runtime/localized-text';
import type { AppDefinition } from '../../../runtime/definition/definition-schema';
import { MyLeads } from './MyLeads';
import { NotificationBell } from './NotificationBell';
import { RecordPage } from './RecordPage';
import { RepLogin } from './RepLogin';
import { RepContext, type RepSession } from './rep-context';
import { useLiveNotifications } from './useLiveNotifications';
import './rep.css';

const text = {
  chooseSpace: { 'zh-CN': '选择事业部', en: 'Choose a business unit' },
  noSpaces: { 'zh-CN': '还没有数据空间', en: 'No spaces yet' },
  iAm: { 'zh-CN': '我是', en: 'I am' },
  signOut: { 'zh-CN': '退出', en: 'Sign out' },
  pick: { 'zh-CN': '请选择您的账号', en: 'Pick your account' },
  loading: { 'zh-CN': '加载中…', en: 'Loading…' },
  unpublished: {
    'zh-CN': '此空间尚未发布应用定义',
    en: 'This space has no published app yet',
  },
};

const userKey = (space: string) => `baton.rep.user.${space}`;

export default function RepSection({ path }: SectionProps) {
  const [space, ...rest] = path;
  return space ? <SpaceApp space={space} rest={rest} /> : <SpacePicker />;
}

function SpacePicker() {
  const { tr, locale } = useTr();
  const [spaces, setSpaces] = useState<Space[] | null>(null);
  const [error, setError] = useState<string>();
  useEffect(() => {
    api.listSpaces().then(setSpaces, (e: Error) => setError(e.message));
  }, []);
  return (
    <section className="rep panel">
      <h2>{tr(text.chooseSpace)}</h2>
      {error && <p className="error">{error}</p>}
      {spaces?.length === 0 && <p className="muted">{tr(text.noSpaces)}</p>}
      <ul className="rep-list">
        {spaces?.map((s) => (
          <li key={s.id}>
            <a
              className="rep-card"
              href={routeHref('rep', s.key)}
              data-testid={`rep-space-${s.key}`}
            >
              {localize(s.name, locale)}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

function SpaceApp({ space, rest }: { space: string; rest: readonly string[] }) {
  const { tr } = useTr();
  // undefined while loading, null when nothing is published yet.
  const [definition, setDefinition] = useState<AppDefinition | null | undefined>(undefined);
  const [members, setMembers] = useState<Member[]>([]);
  const [whoami, setWhoami] = useState<Whoami | undefined>(undefined);
  const [picked, setPicked] = useState<string>(() => localStorage.getItem(userKey(space)) ?? '');
  const [error, setError] = useState<string>();

  useEffect(() => {
    void repApi.me().then(setWhoami);
  }, []);
  const signedOut = whoami?.kind === 'signed-out';
  useEffect(() => {
    if (whoami === undefined || signedOut) return;
    repApi.definition(space).then(
      (d) => setDefinition(d.version > 0 ? d.definition : null),
      (e: Error) => setError(e.message),
    );
    // The picker is only for servers without login.
    if (whoami.kind === 'no-login')
      repApi.members(space).then(setMembers, (e: Error) => setError(e.message));
  }, [space, whoami, signedOut]);

  const signedIn = whoami?.kind === 'user' ? whoami.user : undefined;
  const user = useMemo(
    () => signedIn ?? members.find((m) => m.user.id === picked)?.user,
    [signedIn, members, picked],
  );
  const live = useLiveNotifications(space, user?.id);
  const session: RepSession | null =
    definition && user ? { space, definition, user, pulse: live.pulse } : null;

  const choose = (id: string) => {
    setPicked(id);
    localStorage.setItem(userKey(space), id);
  };

  if (signedOut)
    return (
      <section className="rep">
        <RepLogin onSignedIn={(u) => setWhoami({ kind: 'user', user: u })} />
      </section>
    );

  return (
    <section className="rep">
      <div className="rep-bar">
        {signedIn ? (
          <span className="rep-who">
            <strong data-testid="rep-me">{signedIn.displayName}</strong>
            <button
              type="button"
              className="secondary"
              data-testid="rep-sign-out"
              onClick={() => void repApi.logout().then(() => setWhoami({ kind: 'signed-out' }))}
            >
              {tr(text.signOut)}
            </button>
          </span>
        ) : (
          <label className="rep-who">
            {tr(text.iAm)}
            <select data-testid="rep-user" value={picked} onChange={(e) => choose(e.target.value)}>
              <option value="">{tr(text.pick)}</option>
              {members.map((m) => (
                <option key={m.user.id} value={m.user.id}>
                  {m.user.displayName}
                </option>
              ))}
            </select>
          </label>
        )}
        {user && <NotificationBell space={space} user={user.id} live={live} />}
      </div>
      {error && <p className="error">{error}</p>}
      {definition === null && <p className="muted">{tr(text.unpublished)}</p>}
      {!user && definition && <p className="muted">{tr(text.pick)}</p>}
      {session && (
        <RepContext.Provider value={session}>
          {rest.length >= 2 ? (
            <RecordPage table={rest[0]!} id={rest[1]!} />
          ) : (
            <MyLeads table={rest[0]} />
          )}
        </RepContext.Provider>
      )}
      <div className="rep-toasts" aria-live="polite">
        {live.toasts.map((t) => (
          <button
            type="button"
            key={t.id}
            className="rep-toast"
            data-testid="rep-toast"
            onClick={() => {
              live.dismiss(t.id);
              if (t.tableKey && t.recordId)
                window.location.hash = routeHref('rep', space, t.tableKey, t.recordId).slice(1);
            }}
          >
            <strong>{t.title}</strong>
            {t.body !== t.title && <span>{t.body}</span>}
          </button>
        ))}
      </div>
    </section>
  );
}
