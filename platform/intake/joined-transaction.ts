// Lets a service that opens its own transaction run inside one that is already open, so its writes
// and the caller's commit or roll back together.
import type { Db } from '../db/database';
import type { Tx } from '../records/record-repository';

/**
 * A `Db` whose `transaction().execute(work)` runs `work` on `tx` instead of opening a new
 * transaction; every other method is `tx`'s own. Used to store an intake delivery's answer in the
 * same transaction as the record it created: both exist, or neither does.
 * @example await db.transaction().execute((tx) => createRecordDetailed(joinTransaction(tx), context, values, meta))
 */
export function joinTransaction(tx: Tx): Db {
  const joined = {
    execute: <T>(work: (inner: Tx) => Promise<T>): Promise<T> => work(tx),
  };
  return new Proxy(tx, {
    get(target, property) {
      if (property === 'transaction') return () => joined;
      const value: unknown = Reflect.get(target, property, target);
      // kysely keeps its state in private fields, which only the real object can reach.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as unknown as Db;
}
