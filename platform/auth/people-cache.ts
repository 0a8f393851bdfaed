// People as every request reads them, cached per process: who a bearer token names, a member's
// roles and team in a space, who an assignment rule could pick at all. They change rarely and
// every API call needs some of them. PostgreSQL announces every change to users, memberships,
// tokens (migration 0070), spaces and definitions (0050); any announcement empties the cache. The
// process that made a change also empties its own cache at once (`forgetPeople`), so it never
// answers from the old state after its own write; other processes follow within the notice's
// delivery time. Keys carry the ids they depend on (uuids, token hashes), so one cache serves
// every database the process watches.
import type { Database } from '../db/database';

const entries = new Map<string, { readonly value: unknown; readonly at: number }>();
/** Rises with every change, so a look-up that raced one never stores what it read. */
let generation = 0;
/** Databases whose announcements this process hears; nothing is cached while there are none. */
let watching = 0;
/** Beyond this many entries the cache starts over rather than grow. */
const maxEntries = 10_000;
/**
 * An entry is read again after this long even without a notice: a notice lost while the listening
 * connection was down (it is heard again only once it reconnects) goes stale for 30 s at most.
 */
const maxAgeMs = 30_000;

/** Empties the cache, e.g. right after this process wrote to users, members or tokens. */
export function forgetPeople(): void {
  generation += 1;
  entries.clear();
}

/**
 * Caches people read from `database` until the returned function is called. On every (re)connect
 * of the listener the cache starts empty, so a notice missed while disconnected leaves nothing stale.
 * @example const stop = await watchPeople(database)
 */
export async function watchPeople(database: Database): Promise<() => Promise<void>> {
  const listening = await Promise.all(
    ['baton_people', 'baton_definitions'].map((channel) =>
      database.sql.listen(channel, forgetPeople, forgetPeople),
    ),
  );
  watching += 1;
  return async () => {
    watching -= 1;
    forgetPeople();
    await Promise.all(listening.map((l) => l.unlisten()));
  };
}

/**
 * The cached value under `key`, else what `load` finds (cached unless undefined). Treat the value
 * as frozen: every caller shares it.
 * @example const member = await cachedPeople(`member:${userId}:${spaceId}`, () => loadMember(db, userId, spaceId))
 */
export async function cachedPeople<T>(
  key: string,
  load: () => Promise<T | undefined>,
): Promise<T | undefined> {
  if (watching === 0) return load();
  const now = Date.now();
  const hit = entries.get(key);
  if (hit && now - hit.at < maxAgeMs) return hit.value as T;
  const before = generation;
  const value = await load();
  if (value === undefined || generation !== before || watching === 0) return value;
  if (entries.size >= maxEntries) entries.clear();
  entries.set(key, { value, at: now });
  return value;
}
