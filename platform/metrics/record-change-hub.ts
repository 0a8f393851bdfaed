// Live dashboards: record writes and behaviour events NOTIFY `baton_record_changes` (a trigger in
// migration 0020) with `space:table`; this hub hands them to the open streams of this process.
import { EventEmitter } from 'node:events';
import type { Database } from '../db/database';
import type { Logger } from '../logger';

export const recordChangeChannel = 'baton_record_changes';

export interface RecordChangeHub {
  /** Calls `listener` whenever records (or events) of one of `tables` in the space change. */
  subscribe(spaceId: string, tables: readonly string[], listener: () => void): Promise<() => void>;
  close(): Promise<void>;
}

/**
 * A hub that LISTENs on its first subscription.
 * @example const stop = await hub.subscribe(space.id, ['lead'], () => push())
 */
export function createRecordChangeHub(
  database: Pick<Database, 'sql'>,
  logger?: Logger,
): RecordChangeHub {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  let listening: Promise<{ unlisten(): Promise<void> }> | undefined;
  const listen = () => {
    listening ??= database.sql
      .listen(recordChangeChannel, (payload) => emitter.emit(payload))
      .catch((error: unknown) => {
        listening = undefined;
        logger?.error('could not listen for record changes', { error });
        throw error;
      });
    return listening;
  };
  return {
    async subscribe(spaceId, tables, listener) {
      await listen();
      const topics = tables.map((t) => `${spaceId}:${t}`);
      for (const t of topics) emitter.on(t, listener);
      return () => {
        for (const t of topics) emitter.off(t, listener);
      };
    },
    async close() {
      emitter.removeAllListeners();
      const current = listening;
      listening = undefined;
      if (current) await (await current).unlisten();
    },
  };
}
