// Renders the data-engine benchmark's figures, machine context and query plans as markdown.
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface ReportRow {
  readonly measurement: string;
  readonly result: string;
  readonly target: string;
  /** Cores other processes kept busy meanwhile; NaN when the phase was too short to tell. */
  readonly other: number;
}

export interface Report {
  readonly title: string;
  /** `select version()`, `shared_buffers` and `synchronous_commit` of the cluster. */
  readonly postgres: { version: string; shared_buffers: string; synchronous_commit: string };
  readonly rows: readonly ReportRow[];
  readonly notes: readonly string[];
  readonly plans: readonly string[];
}

/** The report as markdown: context line, figures table, notes, plans. */
export function renderReport(report: Report, repoRoot: string): string {
  const cpus = os.cpus();
  const pg = report.postgres;
  return [
    `## ${report.title}`,
    '',
    `Machine: ${cpus.length} cores (${cpus[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ` +
      `Node ${process.version}, ${pg.version.split(',')[0]} (embedded; shared_buffers ${pg.shared_buffers}, ` +
      `synchronous_commit ${pg.synchronous_commit}); Baton ${gitState(repoRoot)}. The Baton server (one Node ` +
      'process, pool of 10 connections), PostgreSQL and the load generator (the bench process) share these ' +
      'cores; "other load" is what the rest of the machine used meanwhile.',
    '',
    '| measurement | result | target | other load (cores) |',
    '|---|---|---|---|',
    ...report.rows.map(
      (r) =>
        `| ${r.measurement} | ${r.result} | ${r.target} | ${Number.isNaN(r.other) ? '—' : r.other.toFixed(2)} |`,
    ),
    '',
    ...report.notes.map((n) => `- ${n}`),
    '',
    '### List query plans (EXPLAIN ANALYZE, province = zhejiang)',
    '',
    '```',
    report.plans.join('\n\n'),
    '```',
    '',
  ].join('\n');
}

function gitState(root: string): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root }).toString().trim();
    const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' + uncommitted changes in the working tree' : ''}`;
  } catch {
    return 'unknown';
  }
}
