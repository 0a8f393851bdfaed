// The signed-in rep's in-app notifications over Server-Sent Events: unread badge and toasts.
import { useCallback, useEffect, useState } from 'react';
import { repApi, type Notification } from '../api/rep';

export interface LiveNotifications {
  readonly unread: number;
  readonly toasts: readonly Notification[];
  /** Bumped on every live notification. */
  readonly pulse: number;
  readonly connected: boolean;
  dismiss(id: string): void;
}

/** Opens the stream for `user` in `space`; EventSource reconnects itself with Last-Event-ID. */
export function useLiveNotifications(space: string, user: string | undefined): LiveNotifications {
  const [unread, setUnread] = useState(0);
  const [toasts, setToasts] = useState<Notification[]>([]);
  const [pulse, setPulse] = useState(0);
  const [connected, setConnected] = useState(false);

  useEffect(() => {
    if (!user) return;
    const source = new EventSource(repApi.streamUrl(space, user), { withCredentials: true });
    const timers: number[] = [];
    source.addEventListener('ready', (event) => {
      setConnected(true);
      const data = JSON.parse((event as MessageEvent<string>).data) as { unread?: number };
      setUnread(data.unread ?? 0);
    });
    source.addEventListener('notification', (event) => {
      const notification = JSON.parse((event as MessageEvent<string>).data) as Notification;
      setUnread((n) => n + 1);
      setPulse((p) => p + 1);
      setToasts((list) =>
        [...list.filter((t) => t.id !== notification.id), notification].slice(-3),
      );
      timers.push(
        window.setTimeout(
          () => setToasts((list) => list.filter((t) => t.id !== notification.id)),
          8000,
        ),
      );
    });
    source.onerror = () => setConnected(false);
    return () => {
      source.close();
      timers.forEach((t) => window.clearTimeout(t));
      setConnected(false);
    };
  }, [space, user]);

  const dismiss = useCallback((id: string) => {
    setToasts((list) => list.filter((t) => t.id !== id));
  }, []);
  return { unread, toasts, pulse, connected, dismiss };
}
