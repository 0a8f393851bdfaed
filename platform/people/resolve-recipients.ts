// Turns a recipient spec into users, for a record with an owner and a province.
import type { Db } from '../db/database';
import { parseRecipientSpec } from './recipient-spec';
import { listMembers } from './space-member-repository';
import { findUser, type User } from './user-repository';
import { systemActor } from './actor';

/** What the record contributes: its owner and its province (region). */
export interface RecipientContext {
  readonly ownerId?: string | null;
  /** The record's province; when absent, the owner's own province narrows `@region`. */
  readonly province?: string | null;
}

export interface RecipientResolution {
  readonly spec: string;
  /** Active users, without duplicates; empty when nobody matched. */
  readonly recipients: readonly User[];
  /** Why the list is empty (or shorter than asked), for the record's timeline; null otherwise. */
  readonly reason: string | null;
}

/**
 * Resolves `spec` for a record. Never throws for a bad spec or a missing person: the answer is an
 * empty list with a reason the caller records in the timeline (e.g. "owner has no manager").
 * Deactivated users are left out.
 * @example await resolveRecipients(db, space.id, 'owner.manager', { ownerId: lead.owner })
 */
export async function resolveRecipients(
  db: Db,
  spaceId: string,
  spec: string,
  context: RecipientContext,
): Promise<RecipientResolution> {
  const answer = (recipients: readonly User[], reason: string | null): RecipientResolution => ({
    spec,
    recipients,
    reason,
  });
  const parsed = parseRecipientSpec(spec);
  if (!parsed.ok) return answer([], parsed.message);
  const target = parsed.value;

  if (target.kind === 'user') {
    const user = await findUser(db, target.idOrEmail);
    if (!user) return answer([], `user "${target.idOrEmail}" does not exist`);
    return user.active ? answer([user], null) : answer([], `user ${user.email} is deactivated`);
  }

  const owner = context.ownerId ? await findUser(db, context.ownerId) : undefined;
  if (target.kind === 'owner') {
    if (!context.ownerId) return answer([], 'the record has no owner');
    if (!owner) return answer([], `owner "${context.ownerId}" does not exist`);
    let current = owner;
    for (let level = 1; level <= target.levels; level++) {
      const manager = current.managerId ? await findUser(db, current.managerId) : undefined;
      if (!manager) {
        return answer([], `${current.email} has no manager (level ${level} of ${target.levels})`);
      }
      current = manager;
    }
    return current.active ? answer([current], null) : answer([], `${current.email} is deactivated`);
  }

  const province = context.province ?? owner?.province ?? null;
  if (target.sameRegion && !province) {
    return answer(
      [],
      `no province to narrow role "${target.role}" by: neither record nor owner has one`,
    );
  }
  const members = await listMembers(db, spaceId, { role: target.role }, systemActor('recipients'));
  const users = members
    .map((m) => m.user)
    .filter((u) => u.active && (!target.sameRegion || u.province === province));
  if (users.length > 0) return answer(users, null);
  return answer(
    [],
    target.sameRegion
      ? `no active member with role "${target.role}" in ${province}`
      : `no active member with role "${target.role}"`,
  );
}
