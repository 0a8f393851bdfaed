// Intake secrets: one current secret per source name; a rotated one keeps working for a grace period
// so senders can switch without dropping deliveries.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/database';

/** How long a replaced secret still verifies deliveries. */
export const secretGraceMs = 10 * 60 * 1000;

interface CachedSecrets {
  readonly loadedAt: number;
  readonly secrets: ReadonlyArray<{ readonly secret: string; readonly validUntil: number }>;
}

// Every delivery needs its source's secrets; they change only on rotation.
const cache = new Map<string, CachedSecrets>();
const cacheMs = 5_000;
const maxCached = 1_000;

export interface RotatedSecret {
  /** Shown once: Baton never answers it again. */
  readonly secret: string;
  readonly createdAt: string;
  /** Until when the secret it replaced still verifies deliveries; null when there was none. */
  readonly previousValidUntil: string | null;
}

/**
 * Creates a new current secret for a source name; the previous one stays valid for `secretGraceMs`.
 * Secrets replaced longer ago than that are deleted. Concurrent rotations queue on a lock.
 * @example const { secret } = await rotateIntakeSecret(db, space.id, 'web_form')
 */
export async function rotateIntakeSecret(
  db: Db,
  spaceId: string,
  name: string,
): Promise<RotatedSecret> {
  const rotated = await db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`intake-secret:${spaceId}:${name}`}, 0))`.execute(
      tx,
    );
    const now = new Date();
    const replaced = await tx
      .updateTable('platform.intake_secrets')
      .set({ rotated_at: now })
      .where('space_id', '=', spaceId)
      .where('source', '=', name)
      .where('rotated_at', 'is', null)
      .returning('id')
      .execute();
    await tx
      .deleteFrom('platform.intake_secrets')
      .where('space_id', '=', spaceId)
      .where('source', '=', name)
      .where('rotated_at', '<', new Date(now.getTime() - secretGraceMs))
      .execute();
    const secret = `bsk_${randomBytes(32).toString('base64url')}`;
    const row = await tx
      .insertInto('platform.intake_secrets')
      .values({ space_id: spaceId, source: name, secret })
      .returning('created_at')
      .executeTakeFirstOrThrow();
    return {
      secret,
      createdAt: row.created_at.toISOString(),
      previousValidUntil:
        replaced.length > 0 ? new Date(now.getTime() + secretGraceMs).toISOString() : null,
    };
  });
  cache.delete(`${spaceId}/${name}`);
  return rotated;
}

/**
 * The secrets that verify a delivery now: the current one and those still in their grace period.
 * Read from a cache of a few seconds unless `fresh`; a caller whose check fails with cached
 * secrets asks again with `fresh`, so a rotation made by another process is seen at once.
 */
export async function validIntakeSecrets(
  db: Db,
  spaceId: string,
  name: string,
  now: Date,
  options: { readonly fresh?: boolean } = {},
): Promise<string[]> {
  const key = `${spaceId}/${name}`;
  let entry = cache.get(key);
  if (options.fresh || !entry || Date.now() - entry.loadedAt > cacheMs) {
    const rows = await db
      .selectFrom('platform.intake_secrets')
      .select(['secret', 'rotated_at'])
      .where('space_id', '=', spaceId)
      .where('source', '=', name)
      .orderBy('created_at', 'desc')
      .execute();
    entry = {
      loadedAt: Date.now(),
      secrets: rows.map((r) => ({
        secret: r.secret,
        validUntil: r.rotated_at === null ? Infinity : r.rotated_at.getTime() + secretGraceMs,
      })),
    };
    if (cache.size >= maxCached) cache.clear();
    cache.set(key, entry);
  }
  return entry.secrets.filter((s) => s.validUntil >= now.getTime()).map((s) => s.secret);
}
