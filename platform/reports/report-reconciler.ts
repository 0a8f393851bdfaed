// Keeps every space's report and daily-LAI schedules in step with its published definition: each
// new version (a publish or a template install) is synced once per process, checked every minute.
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { getPublished } from '../definitions/definition-store';
import type { Logger } from '../logger';
import { getSpaceOrThrow } from '../spaces/space-repository';
import type { ReportScheduler } from './report-schedules';

export interface ReportReconcilerOptions {
  readonly db: Db;
  /** Undefined while Temporal is not reachable; the next round tries again. */
  readonly scheduler: () => ReportScheduler | undefined;
  readonly intervalMs?: number;
  readonly logger?: Logger;
}

/**
 * Starts the reconciler; the returned function stops it. Its timer does not keep Node alive.
 * @example const stop = startReportReconciler({ db, scheduler: () => scheduler })
 */
export function startReportReconciler(options: ReportReconcilerOptions): () => void {
  const synced = new Map<string, number>();
  let running = false;
  const round = async () => {
    const scheduler = options.scheduler();
    if (!scheduler || running) return;
    running = true;
    try {
      const latest = await sql<{ key: string; id: string; version: number }>`
        select s.key, s.id, max(v.version)::int as version
        from platform.spaces s join platform.definition_versions v on v.space_id = s.id
        group by s.key, s.id`.execute(options.db);
      for (const row of latest.rows) {
        if (synced.get(row.id) === row.version) continue;
        const { definition } = await getPublished(options.db, row.id);
        const scheduled =
          (definition.reports ?? []).length > 0 ||
          (definition.metricLabels ?? []).length > 0 ||
          (definition.metrics ?? []).some(
            (m) => m.measure.kind === 'builtin' && m.measure.formula === 'lai',
          );
        if (scheduled || synced.has(row.id)) {
          await scheduler.sync(await getSpaceOrThrow(options.db, row.key), definition);
        }
        synced.set(row.id, row.version);
      }
    } catch (error) {
      options.logger?.warn('could not sync report schedules', { error });
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void round(), options.intervalMs ?? 60_000);
  timer.unref();
  void round();
  return () => clearInterval(timer);
}
