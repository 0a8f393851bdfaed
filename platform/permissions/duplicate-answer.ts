// A blocked duplicate as the caller may learn of it: the rule refused the record, and the earlier
// record it matched is named only to someone who may read that record.
import type { Db } from '../db/database';
import { BatonError } from '../errors';
import type { TableContext } from '../records/table-context';
import { inScope } from './record-guard';
import type { TableAccess } from './table-access';

/**
 * `error` unchanged, or — for a `DUPLICATE_BLOCKED` refusal naming a record outside the caller's
 * read scope — the same refusal without the record's id, so a rep learns that the lead exists
 * (the rule's point) but not which record of someone else's it is.
 * @example throw await duplicateAsSeenBy(db, context, access, error)
 */
export async function duplicateAsSeenBy(
  db: Db,
  context: TableContext,
  access: TableAccess,
  error: unknown,
): Promise<unknown> {
  if (!(error instanceof BatonError) || error.code !== 'DUPLICATE_BLOCKED') return error;
  const details = (error.details ?? {}) as { original?: unknown } & Record<string, unknown>;
  if (typeof details.original !== 'string') return error;
  if (access.bypass || (await inScope(db, context, access, 'read', details.original))) return error;
  const rest = Object.fromEntries(Object.entries(details).filter(([k]) => k !== 'original'));
  return new BatonError(error.code, error.status, error.message, rest);
}
