// Test callers: a seeded platform admin with an API token, and users who log in with a password.
import { randomBytes } from 'node:crypto';
import { createApiToken } from '../../platform/auth/api-token-store';
import { hashPassword } from '../../platform/auth/passwords';
import type { Db } from '../../platform/db/database';

export interface TestCaller {
  readonly userId: string;
  readonly email: string;
  readonly password: string;
  /** A bearer API token of the user. */
  readonly token: string;
  /** `{ authorization: 'Bearer …' }`. */
  readonly headers: { readonly authorization: string };
}

/** One argon2id hash per test process: hashing is deliberately slow. */
let knownHash: Promise<string> | undefined;
const knownPassword = 'baton-test-password';

/**
 * Creates a user (a platform admin unless `platformAdmin: false`) with a password and an API token.
 * @example const admin = await seedTestUser(db); await fetch(url, { headers: admin.headers })
 */
export async function seedTestUser(
  db: Db,
  options: { email?: string; displayName?: string; platformAdmin?: boolean } = {},
): Promise<TestCaller> {
  knownHash ??= hashPassword(knownPassword);
  const email = options.email ?? `admin-${randomBytes(4).toString('hex')}@baton.test`;
  const user = await db
    .insertInto('platform.users')
    .values({
      email,
      display_name: options.displayName ?? 'Test admin / 测试管理员',
      platform_admin: options.platformAdmin ?? true,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('platform.user_passwords')
    .values({ user_id: user.id, hash: await knownHash })
    .execute();
  const { token } = await createApiToken(db, {
    name: 'test',
    userId: user.id,
    spaceId: null,
    expiresAt: null,
  });
  return {
    userId: user.id,
    email,
    password: knownPassword,
    token,
    headers: { authorization: `Bearer ${token}` },
  };
}
