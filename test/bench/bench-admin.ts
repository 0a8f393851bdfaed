// A platform administrator with an API token for the benchmarks, which call the authenticated API.
import { createApiToken } from '../../platform/auth/api-token-store';
import type { Db } from '../../platform/db/database';

/** The bearer header every benchmark request sends; filled by `createBenchAdmin`. */
export const benchAuth: Record<string, string> = {};

/**
 * Creates a platform admin (no password: it only calls through its token), sets `benchAuth` and
 * returns the admin's user id.
 * @example await createBenchAdmin(database.db); fetch(url, { headers: benchAuth })
 */
export async function createBenchAdmin(db: Db): Promise<{ readonly userId: string }> {
  const user = await db
    .insertInto('platform.users')
    .values({
      email: `bench-${Date.now()}@baton.test`,
      display_name: 'Benchmark admin / 基准测试管理员',
      platform_admin: true,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const { token } = await createApiToken(db, {
    name: 'benchmark',
    userId: user.id,
    spaceId: null,
    expiresAt: null,
  });
  benchAuth.authorization = `Bearer ${token}`;
  return { userId: user.id };
}
