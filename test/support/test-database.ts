// Gives each test file its own database on the shared test cluster, migrated and dropped after.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../platform/db/database';
import { migratePlatformOrThrow } from '../../platform/db/migrate';
import { watchSpaceVersions } from '../../platform/records/table-context';
import { watchPeople } from '../../platform/auth/people-cache';

export interface TestDatabase {
  readonly url: string;
  readonly database: Database;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/** Creates an empty database; `migrate: false` leaves it without the platform schema. */
export async function createTestDatabase(
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const adminUrl = inject('pgUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const url = adminUrl.replace(/\/[^/]+$/, `/${name}`);
  const database = openDatabase(url);
  // Production processes cache each space's latest version; tests run with the same cache.
  let stopWatching: (() => Promise<void>) | undefined;
  if (options.migrate !== false) {
    await migratePlatformOrThrow(database.db);
    const stops = [await watchSpaceVersions(database), await watchPeople(database)];
    stopWatching = async () => {
      await Promise.all(stops.map((stop) => stop()));
    };
  }
  return {
    url,
    database,
    async drop() {
      await stopWatching?.();
      await database.close();
      const cleanup = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
      await cleanup.end();
    },
  };
}
