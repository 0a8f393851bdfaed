// The append-only log of administrative actions: who published, changed roles or members, created
// or revoked tokens, installed templates — and the query platform administrators read it with.
import type { Db } from '../db/database';
import { jsonParam, type Tx } from '../records/record-repository';
import type { Actor } from '../people/actor';

export type AdminAction =
  | 'definition.publish'
  | 'definition.purge'
  | 'member.set'
  | 'user.create'
  | 'user.update'
  | 'user.password'
  | 'user.platform_admin'
  | 'token.create'
  | 'token.revoke'
  | 'template.install'
  | 'template.upgrade'
  | 'space.create'
  | 'admin.seed';

export interface AdminAuditEntry {
  readonly id: string;
  readonly at: string;
  readonly actorId: string | null;
  readonly action: string;
  readonly spaceId: string | null;
  readonly target: string | null;
  readonly details: Readonly<Record<string, unknown>>;
}

export interface NewAdminAuditEntry {
  readonly action: AdminAction;
  readonly spaceId?: string | null;
  readonly target?: string | null;
  /** Never secrets: names, keys, versions, role lists. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * Appends one entry. Call it inside the action's transaction where there is one, so an action and
 * its entry commit together.
 * @example await recordAdminAction(db, actor, { action: 'token.create', target: token.id, details: { name } })
 */
export async function recordAdminAction(
  db: Db | Tx,
  actor: Actor,
  entry: NewAdminAuditEntry,
): Promise<void> {
  await db
    .insertInto('platform.admin_audit')
    .values({
      actor_id: actor.kind === 'user' ? actor.userId : null,
      action: entry.action,
      space_id: entry.spaceId ?? null,
      target: entry.target ?? null,
      details: jsonParam({
        ...(actor.kind === 'system' ? { component: actor.component } : {}),
        ...entry.details,
      }),
    })
    .execute();
}

export interface AdminAuditQuery {
  readonly action?: string;
  readonly actorId?: string;
  readonly spaceId?: string;
  /** Entries with a smaller id than this (the previous page's last id). */
  readonly before?: string;
  readonly limit: number;
}

/** Newest first. */
export async function listAdminAudit(db: Db, query: AdminAuditQuery): Promise<AdminAuditEntry[]> {
  let q = db
    .selectFrom('platform.admin_audit')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(query.limit);
  if (query.action) q = q.where('action', '=', query.action);
  if (query.actorId) q = q.where('actor_id', '=', query.actorId);
  if (query.spaceId) q = q.where('space_id', '=', query.spaceId);
  if (query.before) q = q.where('id', '<', query.before);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: String(r.id),
    at: r.at.toISOString(),
    actorId: r.actor_id,
    action: r.action,
    spaceId: r.space_id,
    target: r.target,
    details: r.details,
  }));
}
