// The dry run: the rules as edited (not yet saved) evaluated against stored records, next to the
// published rules; every record that would change, with what would change, as a table.
import { useState } from 'react';
import type { AppDefinition } from '../../../runtime/definition/definition-schema';
import { designApi, DesignApiError, type DryRunResult } from '../api/design';
import { useTr } from '../shell/locale-context';

const fmt = (v: unknown) =>
  v === null || v === undefined ? '∅' : typeof v === 'object' ? JSON.stringify(v) : String(v);

function describe(change: Record<string, unknown> & { kind: string }): {
  what: string;
  before: string;
  after: string;
} {
  switch (change.kind) {
    case 'tags':
      return {
        what: `tags · ${fmt(change.field)}`,
        before: (change.removed as string[]).map((t) => `−${t}`).join(' '),
        after: (change.added as string[]).map((t) => `+${t}`).join(' '),
      };
    case 'score':
    case 'band':
      return {
        what: `${change.kind} · ${fmt(change.card)}`,
        before: fmt(change.before),
        after: fmt(change.after),
      };
    case 'field':
      return {
        what: `field · ${fmt(change.field)}`,
        before: fmt(change.before),
        after: fmt(change.after),
      };
    default: {
      const { kind, before, after, ...rest } = change;
      return {
        what: `${kind}${Object.keys(rest).length ? ' · ' + JSON.stringify(rest) : ''}`,
        before: fmt(before),
        after: fmt(after),
      };
    }
  }
}

export function DryRunPanel({
  space,
  table,
  draft,
}: {
  readonly space: string;
  readonly table: string;
  readonly draft: AppDefinition;
}) {
  const { tr } = useTr();
  const [result, setResult] = useState<DryRunResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const run = async () => {
    setRunning(true);
    setError(null);
    try {
      setResult(await designApi.dryRun(space, { table, definition: draft }));
    } catch (e) {
      setResult(null);
      if (e instanceof DesignApiError && e.issues.length > 0) {
        setError(e.issues.map((i) => `${i.pointer}: ${tr(i.message)}`).join('\n'));
      } else setError(e instanceof Error ? e.message : String(e));
    } finally {
      setRunning(false);
    }
  };
  return (
    <section className="panel" data-testid="dry-run">
      <div className="toolbar">
        <h3>{tr({ 'zh-CN': '试运行', en: 'Dry run' })}</h3>
        <button
          type="button"
          onClick={() => void run()}
          disabled={running}
          data-testid="run-dry-run"
        >
          {running ? '…' : tr({ 'zh-CN': '用现有记录试运行', en: 'Run against stored records' })}
        </button>
        {result && (
          <span data-testid="dry-run-summary">
            {tr({
              'zh-CN': `评估 ${result.evaluated} / ${result.total} 条，${result.changed} 条会变化`,
              en: `${result.evaluated} of ${result.total} evaluated, ${result.changed} would change`,
            })}
            {result.truncated ? ' …' : ''}
          </span>
        )}
      </div>
      {error && (
        <pre className="error" role="alert">
          {error}
        </pre>
      )}
      {result && result.records.length > 0 && (
        <table className="dry-run-table" data-testid="dry-run-table">
          <thead>
            <tr>
              <th>{tr({ 'zh-CN': '记录', en: 'Record' })}</th>
              <th>{tr({ 'zh-CN': '变化', en: 'Change' })}</th>
              <th>{tr({ 'zh-CN': '之前', en: 'Before' })}</th>
              <th>{tr({ 'zh-CN': '之后', en: 'After' })}</th>
            </tr>
          </thead>
          <tbody>
            {result.records.flatMap((r) =>
              r.changes.map((c, i) => {
                const d = describe(c);
                return (
                  <tr
                    key={`${r.id}-${i}`}
                    data-testid="dry-run-row"
                    data-record={r.id}
                    data-kind={c.kind}
                  >
                    <td className="mono small">{i === 0 ? r.id.slice(0, 8) : ''}</td>
                    <td>{d.what}</td>
                    <td>{d.before}</td>
                    <td>
                      <strong>{d.after}</strong>
                    </td>
                  </tr>
                );
              }),
            )}
          </tbody>
        </table>
      )}
    </section>
  );
}
