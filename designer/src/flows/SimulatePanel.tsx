// Simulate: a record and scripted events (at virtual offsets) are played against the flow as drawn
// by the same step function Temporal runs; the trace plays back on a virtual timeline.
import { useEffect, useMemo, useState } from 'react';
import { designApi, DesignApiError, type ScriptedEvent, type TraceEntry } from '../api/design';
import { useTr } from '../shell/locale-context';
import type { DraftFlow } from './flow-model';

export interface SimulationView {
  /** The node the execution is at, at the scrubber's time. */
  readonly active: string | null;
  readonly visited: ReadonlySet<string>;
}

interface EventRow {
  readonly at: string;
  readonly set: string;
}

const fixedStart = '2026-03-02T01:00:00.000Z'; // a Monday, 09:00 in Shanghai

function offsetLabel(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  return `+${d > 0 ? `${d}d ` : ''}${h}h ${m}m`;
}

export function SimulatePanel({
  space,
  flow,
  onView,
}: {
  readonly space: string;
  readonly flow: DraftFlow;
  readonly onView: (view: SimulationView | null) => void;
}) {
  const { tr } = useTr();
  const [record, setRecord] = useState('{}');
  const [events, setEvents] = useState<EventRow[]>([]);
  const [trace, setTrace] = useState<TraceEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [scrub, setScrub] = useState(0);
  const [playing, setPlaying] = useState(false);

  const times = useMemo(() => (trace ?? []).map((t) => Date.parse(t.at)), [trace]);
  const begin = Date.parse(fixedStart);
  const end = times.length > 0 ? Math.max(begin + 1, ...times) : begin + 1;
  const now = begin + ((end - begin) * scrub) / 1000;
  const shown = (trace ?? []).filter((_, i) => times[i]! <= now);

  useEffect(() => {
    if (!trace) return onView(null);
    const visited = new Set(shown.map((t) => t.node).filter((n): n is string => n !== null));
    const last = [...shown].reverse().find((t) => t.node !== null);
    const finished = shown.some((t) => t.kind === 'flow.completed' || t.kind === 'flow.failed');
    onView({ active: finished ? null : (last?.node ?? null), visited });
  }, [trace, scrub]); // `shown` follows trace and scrub

  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => {
      setScrub((s) => {
        if (s >= 1000) {
          setPlaying(false);
          return 1000;
        }
        return Math.min(1000, s + 10);
      });
    }, 40);
    return () => clearInterval(timer);
  }, [playing]);

  const run = async () => {
    setError(null);
    setRunning(true);
    try {
      const parsedRecord = JSON.parse(record) as Record<string, unknown>;
      const script: ScriptedEvent[] = events.map((e) => ({
        at: e.at,
        type: 'record',
        set: JSON.parse(e.set || '{}') as Record<string, unknown>,
      }));
      const result = await designApi.simulateDraft(space, {
        flow,
        record: parsedRecord,
        start: fixedStart,
        events: script,
      });
      setTrace(result.trace);
      setScrub(1000);
    } catch (e) {
      setTrace(null);
      if (e instanceof DesignApiError) {
        const details =
          (
            e.details as {
              issues?: Array<{ pointer: string; message?: unknown; issue?: { message: string } }>;
            }
          )?.issues ?? [];
        setError(
          [
            `${e.code}: ${e.message}`,
            ...details.map((d) => `${d.pointer}: ${d.issue?.message ?? JSON.stringify(d.message)}`),
          ].join('\n'),
        );
      } else setError(e instanceof Error ? e.message : String(e));
    } finally {
      setRunning(false);
    }
  };

  return (
    <section className="panel simulate" data-testid="simulate-panel">
      <h3>{tr({ 'zh-CN': '模拟运行', en: 'Simulate' })}</h3>
      <div className="simulate-inputs">
        <label>
          {tr({ 'zh-CN': '记录 (JSON)', en: 'Record (JSON)' })}
          <textarea
            className="mono"
            rows={3}
            value={record}
            data-testid="sim-record"
            onChange={(e) => setRecord(e.target.value)}
          />
        </label>
        <div>
          {tr({ 'zh-CN': '脚本事件（记录变化）', en: 'Scripted events (record changes)' })}
          {events.map((ev, i) => (
            <div key={i} className="sim-event">
              <input
                value={ev.at}
                aria-label="at"
                data-testid={`sim-event-at-${i}`}
                onChange={(e) =>
                  setEvents(events.map((x, j) => (j === i ? { ...x, at: e.target.value } : x)))
                }
              />
              <input
                className="mono"
                value={ev.set}
                aria-label="set"
                data-testid={`sim-event-set-${i}`}
                onChange={(e) =>
                  setEvents(events.map((x, j) => (j === i ? { ...x, set: e.target.value } : x)))
                }
              />
              <button
                type="button"
                className="link"
                onClick={() => setEvents(events.filter((_, j) => j !== i))}
              >
                ×
              </button>
            </div>
          ))}
          <button
            type="button"
            className="link"
            data-testid="sim-add-event"
            onClick={() => setEvents([...events, { at: 'PT30M', set: '{}' }])}
          >
            + {tr({ 'zh-CN': '添加事件', en: 'add event' })}
          </button>
        </div>
        <button type="button" onClick={run} disabled={running} data-testid="sim-run">
          {running ? '…' : tr({ 'zh-CN': '运行模拟', en: 'Run' })}
        </button>
      </div>
      {error && (
        <pre className="error" role="alert" data-testid="sim-error">
          {error}
        </pre>
      )}
      {trace && (
        <div className="sim-result">
          <div className="scrubber">
            <button
              type="button"
              onClick={() => {
                if (scrub >= 1000) setScrub(0);
                setPlaying(!playing);
              }}
              data-testid="sim-play"
            >
              {playing ? '❚❚' : '▶'}
            </button>
            <input
              type="range"
              min={0}
              max={1000}
              value={scrub}
              data-testid="sim-scrubber"
              onChange={(e) => {
                setPlaying(false);
                setScrub(Number(e.target.value));
              }}
            />
            <span className="mono" data-testid="sim-clock">
              {offsetLabel(now - begin)}
            </span>
            <div className="ticks">
              {times.map((t, i) => (
                <span key={i} style={{ left: `${((t - begin) / (end - begin)) * 100}%` }} />
              ))}
            </div>
          </div>
          <table className="trace" data-testid="sim-trace">
            <tbody>
              {trace.map((t, i) => (
                <tr key={i} className={times[i]! <= now ? '' : 'future'} data-kind={t.kind}>
                  <td className="mono">{offsetLabel(times[i]! - begin)}</td>
                  <td>{t.kind}</td>
                  <td className="mono">{t.node ?? ''}</td>
                  <td className="mono small">{JSON.stringify(t.data)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
