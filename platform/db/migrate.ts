// Applies the platform-schema migrations with kysely's Migrator (locked, idempotent).
import { Migrator, type Migration, type MigrationResultSet } from 'kysely';
import type { Db } from './database';
import { spacesOutboxTimeline } from './migrations/0001-spaces-outbox-timeline';
import { files } from './migrations/0002-files';
import { definitionsAudit } from './migrations/0003-definitions-audit';
import { importJobs } from './migrations/0004-import-jobs';
import { peopleNotifications } from './migrations/0005-people-notifications';
import { flowState } from './migrations/0006-flow-state';
import { rulesState } from './migrations/0007-rules-state';
import { intakeSecrets } from './migrations/0008-intake-secrets';
import { auth } from './migrations/0010-auth';
import { adminAudit } from './migrations/0011-admin-audit';
import { metrics } from './migrations/0020-metrics';
import { thresholdCrossings } from './migrations/0021-threshold-crossings';
import { metricBuckets } from './migrations/0022-metric-buckets';
import { metricMarksOnce } from './migrations/0023-metric-marks-once';
import { flowScheduleTicks } from './migrations/0030-flow-schedule-ticks';
import { definitionNotify } from './migrations/0050-definition-notify';
import { spaceTemplates } from './migrations/0060-space-templates';
import { peopleNotify } from './migrations/0070-people-notify';
import { ownedCounts } from './migrations/0080-owned-counts';

/** Every platform migration, in order. Names are permanent once released. */
export const platformMigrations: Readonly<Record<string, Migration>> = {
  '0001-spaces-outbox-timeline': spacesOutboxTimeline,
  '0002-files': files,
  '0003-definitions-audit': definitionsAudit,
  '0004-import-jobs': importJobs,
  '0005-people-notifications': peopleNotifications,
  '0006-flow-state': flowState,
  '0007-rules-state': rulesState,
  '0008-intake-secrets': intakeSecrets,
  '0010-auth': auth,
  '0011-admin-audit': adminAudit,
  '0020-metrics': metrics,
  '0021-threshold-crossings': thresholdCrossings,
  '0022-metric-buckets': metricBuckets,
  '0023-metric-marks-once': metricMarksOnce,
  '0030-flow-schedule-ticks': flowScheduleTicks,
  '0050-definition-notify': definitionNotify,
  '0060-space-templates': spaceTemplates,
  '0070-people-notify': peopleNotify,
  '0080-owned-counts': ownedCounts,
};

/**
 * Brings the `platform` schema to the latest version. Safe to run from several processes at once:
 * the Migrator holds a lock, and already-applied migrations are skipped.
 * Returns kysely's result set instead of throwing, like the Migrator itself.
 */
export async function migratePlatform(db: Db): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => platformMigrations },
    migrationTableSchema: 'platform',
    // Parallel branches add migrations with numbers reserved per area (see README); a database that
    // already ran a later number must still accept an earlier one landing afterwards.
    allowUnorderedMigrations: true,
  });
  return migrator.migrateToLatest();
}

/** Runs the migrations and throws with the failing migration's name when one fails. */
export async function migratePlatformOrThrow(db: Db): Promise<MigrationResultSet> {
  const result = await migratePlatform(db);
  if (result.error !== undefined) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`platform migration ${failed} failed: ${String(result.error)}`, {
      cause: result.error,
    });
  }
  return result;
}
