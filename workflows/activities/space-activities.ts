// Activities for space lifecycle events; idempotent on the outbox sequence number.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database';

export interface SpaceActivityDeps {
  readonly db: Db;
}

export interface ActivateSpaceInput {
  readonly seq: string;
  readonly spaceId: string;
}

/**
 * Builds the space activities around an injected database handle.
 * @example Worker.create({ activities: createSpaceActivities({ db }), ... })
 */
export function createSpaceActivities({ db }: SpaceActivityDeps) {
  return {
    /** Marks the space active and writes one timeline entry per outbox entry, however often retried. */
    async activateSpace({ seq, spaceId }: ActivateSpaceInput): Promise<void> {
      await db.transaction().execute(async (tx) => {
        await tx
          .updateTable('platform.spaces')
          .set({ status: 'active', activated_at: sql<Date>`coalesce(activated_at, now())` })
          .where('id', '=', spaceId)
          .execute();
        await tx
          .insertInto('platform.timeline')
          .values({
            space_id: spaceId,
            subject: 'space',
            kind: 'space.activated',
            data: { seq },
            idempotency_key: `outbox:${seq}`,
          })
          .onConflict((oc) => oc.column('idempotency_key').doNothing())
          .execute();
      });
    },
  };
}
