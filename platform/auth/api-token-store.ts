// API tokens for integrations: named, optionally limited to one space, optionally expiring,
// revocable; the token is shown once and only its hash is stored.
import type { Selectable } from 'kysely';
import type { Db } from '../db/database';
import { NotFoundError } from '../errors';
import type { ApiTokensTable } from './auth-tables';
import { cachedPeople, forgetPeople } from './people-cache';
import { hashSecret, newSecret } from './secret-token';

export interface ApiToken {
  readonly id: string;
  readonly name: string;
  /** The first characters, to tell tokens apart in a list. */
  readonly prefix: string;
  readonly userId: string;
  readonly space: string | null;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

export interface TokenPrincipal {
  readonly tokenId: string;
  readonly userId: string;
  readonly platformAdmin: boolean;
  /** Set when the token is limited to one space. */
  readonly spaceKey: string | null;
}

export interface NewApiToken {
  readonly name: string;
  readonly userId: string;
  readonly spaceId: string | null;
  readonly expiresAt: Date | null;
}

/**
 * Creates a token and answers it once, with its record.
 * @example const { token } = await createApiToken(db, { name: 'crm sync', userId, spaceId: null, expiresAt: null })
 */
export async function createApiToken(
  db: Db,
  input: NewApiToken,
): Promise<{ token: string; record: ApiToken }> {
  const token = newSecret('bt_');
  const row = await db
    .insertInto('platform.api_tokens')
    .values({
      token_hash: hashSecret(token),
      prefix: token.slice(0, 9),
      name: input.name,
      user_id: input.userId,
      space_id: input.spaceId,
      expires_at: input.expiresAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { token, record: await getApiTokenOrThrow(db, row.id) };
}

/** A token as the people cache keeps it: what it grants, and when to write its use again. */
interface LiveToken {
  readonly principal: TokenPrincipal;
  readonly expiresAt: Date | null;
  lastUsedAt: Date | null;
}

/**
 * The live token a bearer secret names (not revoked, not expired, active user), else undefined.
 * Cached per process (people-cache.ts); its use is written at most once a minute.
 */
export async function findApiToken(db: Db, token: string): Promise<TokenPrincipal | undefined> {
  const now = new Date();
  const hash = hashSecret(token);
  const live = await cachedPeople(`token:${hash.toString('hex')}`, () => loadToken(db, hash));
  if (!live || (live.expiresAt !== null && live.expiresAt <= now)) return undefined;
  if (live.lastUsedAt === null || now.getTime() - live.lastUsedAt.getTime() > 60_000) {
    live.lastUsedAt = now;
    await db
      .updateTable('platform.api_tokens')
      .set({ last_used_at: now })
      .where('id', '=', live.principal.tokenId)
      .execute();
  }
  return live.principal;
}

async function loadToken(db: Db, hash: Buffer): Promise<LiveToken | undefined> {
  const row = await db
    .selectFrom('platform.api_tokens as t')
    .innerJoin('platform.users as u', 'u.id', 't.user_id')
    .leftJoin('platform.spaces as s', 's.id', 't.space_id')
    .select([
      't.id',
      't.user_id',
      't.space_id',
      't.expires_at',
      't.last_used_at',
      's.key',
      'u.platform_admin',
    ])
    .where('t.token_hash', '=', hash)
    .where('t.revoked_at', 'is', null)
    .where('u.active', '=', true)
    .executeTakeFirst();
  if (!row || (row.space_id !== null && row.key === null)) return undefined;
  return {
    principal: {
      tokenId: row.id,
      userId: row.user_id,
      platformAdmin: row.platform_admin,
      spaceKey: row.space_id === null ? null : row.key,
    },
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
  };
}

/** Tokens of one user, or of everyone when `userId` is null; newest first. */
export async function listApiTokens(db: Db, userId: string | null): Promise<ApiToken[]> {
  let query = selectTokens(db).orderBy('t.created_at', 'desc').limit(500);
  if (userId !== null) query = query.where('t.user_id', '=', userId);
  return (await query.execute()).map(toApiToken);
}

export async function getApiTokenOrThrow(db: Db, id: string): Promise<ApiToken> {
  const row = await selectTokens(db).where('t.id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('API token', id);
  return toApiToken(row);
}

/** Revokes a token; revoking twice keeps the first time. */
export async function revokeApiToken(db: Db, id: string): Promise<ApiToken> {
  await db
    .updateTable('platform.api_tokens')
    .set({ revoked_at: new Date() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
  forgetPeople();
  return getApiTokenOrThrow(db, id);
}

function selectTokens(db: Db) {
  return db
    .selectFrom('platform.api_tokens as t')
    .leftJoin('platform.spaces as s', 's.id', 't.space_id')
    .select([
      't.id',
      't.name',
      't.prefix',
      't.user_id',
      's.key as space',
      't.created_at',
      't.expires_at',
      't.last_used_at',
      't.revoked_at',
    ]);
}

type TokenRow = Pick<
  Selectable<ApiTokensTable>,
  'id' | 'name' | 'prefix' | 'user_id' | 'created_at' | 'expires_at' | 'last_used_at' | 'revoked_at'
> & { space: string | null };

function toApiToken(row: TokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    userId: row.user_id,
    space: row.space,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at?.toISOString() ?? null,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}
