// The bell with the unread count; opens the inbox, where a tap marks read and opens the record.
import { useEffect, useState } from 'react';
import { repApi, type Notification } from '../api/rep';
import { useTr } from '../shell/locale-context';
import { routeHref } from '../shell/router';
import type { LiveNotifications } from './useLiveNotifications';

const text = {
  inbox: { 'zh-CN': '通知', en: 'Notifications' },
  empty: { 'zh-CN': '暂无通知', en: 'No notifications' },
  live: { 'zh-CN': '实时连接中', en: 'Live' },
  offline: { 'zh-CN': '连接中断，重连中', en: 'Reconnecting' },
};

interface Props {
  readonly space: string;
  readonly user: string;
  readonly live: LiveNotifications;
}

export function NotificationBell({ space, user, live }: Props) {
  const { tr, locale } = useTr();
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<Notification[]>([]);
  const [unread, setUnread] = useState(0);

  useEffect(() => {
    repApi.notifications(space, user).then(
      (r) => {
        setItems(r.notifications);
        setUnread(r.unread);
      },
      () => undefined,
    );
  }, [space, user, live.pulse, open]);
  // The stream's count is newest once it is connected; the list call covers the time before.
  const count = live.connected ? Math.max(live.unread, unread) : unread;

  const openItem = async (n: Notification) => {
    if (!n.readAt) await repApi.markRead(space, n.id).catch(() => undefined);
    setOpen(false);
    if (n.tableKey && n.recordId)
      window.location.hash = routeHref('rep', space, n.tableKey, n.recordId).slice(1);
  };

  return (
    <div className="rep-bell">
      <button
        type="button"
        data-testid="rep-bell"
        aria-label={tr(text.inbox)}
        title={tr(live.connected ? text.live : text.offline)}
        onClick={() => setOpen(!open)}
      >
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path
            fill="currentColor"
            d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z"
          />
        </svg>
        {count > 0 && (
          <span className="rep-badge" data-testid="rep-badge">
            {count}
          </span>
        )}
        <span className={`dot ${live.connected ? 'ok' : 'unknown'}`} data-testid="rep-live" />
      </button>
      {open && (
        <div className="rep-inbox panel" data-testid="rep-inbox">
          <h3>{tr(text.inbox)}</h3>
          {items.length === 0 && <p className="muted">{tr(text.empty)}</p>}
          <ul className="rep-list">
            {items.map((n) => (
              <li key={n.id}>
                <button
                  type="button"
                  className={`rep-note ${n.readAt ? '' : 'unread'}`}
                  onClick={() => void openItem(n)}
                >
                  <strong>{n.title}</strong>
                  <span>{n.body}</span>
                  <small className="muted">{new Date(n.createdAt).toLocaleString(locale)}</small>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
