// What a notification's recipient may read of the record it is about: their roles decide, as on the API.
import type { Db } from '../db/database';
import { BatonError } from '../errors';
import type { RecordJson } from '../records/record-values';
import type { TableContext } from '../records/table-context';
import { inScope } from './record-guard';
import { resolveSpaceAccess } from './space-access';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The fields of `record` user `userId` may read: all for administrators, the fields their roles
 * show at the record's stage when the record lies in their read scope, and none otherwise (nor for
 * someone who is no longer an active user). A record without an id of its own (a scheduled flow's
 * tick) is judged by the fields readable at every stage.
 * @example const readable = await readableFieldsOf(db, context, record, ownerId)
 */
export async function readableFieldsOf(
  db: Db,
  context: TableContext,
  record: RecordJson,
  userId: string,
): Promise<ReadonlySet<string>> {
  let access;
  try {
    const space = await resolveSpaceAccess(
      db,
      { kind: 'user', userId },
      context.space.id,
      context.definition,
    );
    access = space.table(context.table.key);
  } catch (error) {
    if (error instanceof BatonError && (error.status === 401 || error.status === 403)) {
      return new Set();
    }
    throw error;
  }
  if (access.bypass) return access.readableAt(null);
  const id = typeof record.id === 'string' ? record.id : '';
  if (!uuid.test(id)) return access.alwaysReadable;
  if (!(await inScope(db, context, access, 'read', id))) return new Set();
  return access.readableAt(typeof record.stage === 'string' ? record.stage : null);
}

/** The fields every one of the sets holds: what a message several people share may show. */
export function commonFields(sets: readonly ReadonlySet<string>[]): ReadonlySet<string> {
  const [first, ...rest] = sets;
  if (!first) return new Set();
  return new Set([...first].filter((f) => rest.every((s) => s.has(f))));
}
