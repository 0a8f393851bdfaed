// A dashboard's values, live: fetched once, then pushed by the server's SSE stream whenever the
// dashboard's records change; polled instead when the stream is unavailable.
import { useEffect, useState } from 'react';
import { dashboardApi, type DashboardValues } from '../api/dashboards';

export interface LiveValues {
  readonly values: DashboardValues | null;
  readonly error: string | null;
  readonly live: boolean;
}

export function useDashboardValues(space: string, dashboard: string, pollMs = 30_000): LiveValues {
  const [values, setValues] = useState<DashboardValues | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState(false);

  useEffect(() => {
    let closed = false;
    const load = () =>
      dashboardApi.values(space, dashboard).then(
        (v) => {
          if (!closed) {
            setValues(v);
            setError(null);
          }
        },
        (e: unknown) => !closed && setError(e instanceof Error ? e.message : String(e)),
      );
    void load();
    const source = new EventSource(dashboardApi.streamUrl(space, dashboard));
    source.addEventListener('values', (event) => {
      setValues(JSON.parse((event as MessageEvent<string>).data) as DashboardValues);
      setLive(true);
    });
    source.onerror = () => setLive(false);
    const poll = setInterval(() => {
      if (source.readyState !== EventSource.OPEN) void load();
    }, pollMs);
    return () => {
      closed = true;
      source.close();
      clearInterval(poll);
    };
  }, [space, dashboard, pollMs]);

  return { values, error, live };
}
