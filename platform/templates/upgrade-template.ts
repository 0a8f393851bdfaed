// Upgrades a space to a newer version of the pack it was installed from, keeping the admin's changes:
// a three-way merge of the installed pack version, the space's published definition and the new one.
import { sql } from 'kysely';
import type { AppDefinition } from '../../runtime/definition/definition-schema';
import type { DefinitionIssue } from '../../runtime/definition/definition-issue';
import {
  diffDefinitions,
  sameJson,
  type DefinitionChange,
} from '../../runtime/definition/diff-definitions';
import { validateDefinition, type CelChecker } from '../../runtime/definition/validate-definition';
import { designedDefinition } from '../../runtime/templates/export-template';
import { instantiateTemplate } from '../../runtime/templates/instantiate-template';
import {
  mergeDefinitions,
  type MergeConflict,
  type MergeResolution,
} from '../../runtime/templates/merge-definitions';
import type { DemoUser, Template } from '../../runtime/templates/template-schema';
import type { Db } from '../db/database';
import { getDraft, getPublished, saveDraft } from '../definitions/definition-store';
import { publishDraft } from '../definitions/publish-service';
import { BatonError, ConflictError } from '../errors';
import type { Actor } from '../people/actor';
import { findUser, updateUser } from '../people/user-repository';
import { getSpaceOrThrow, type Space } from '../spaces/space-repository';
import { upsertDemoUsers } from './demo-users';
import { TemplateParamsInvalidError } from './install-template';
import { getInstalledTemplate, saveInstalledTemplate } from './installed-template-repository';
import { pinConnection } from '../db/pool-dialect';

/** 409: the space was not installed from a pack, so there is no base to merge against. */
export class NotInstalledFromTemplateError extends ConflictError {
  constructor(space: string) {
    super(
      'NOT_INSTALLED_FROM_TEMPLATE',
      `space "${space}" was not installed from a template; there is nothing to upgrade`,
    );
  }
}

/** 409: an upgrade was asked to apply while conflicts or definition problems remain. */
export class UpgradeBlockedError extends BatonError {
  constructor(readonly plan: UpgradePlan) {
    super(
      'UPGRADE_CONFLICTS',
      409,
      `the upgrade has ${plan.conflicts.length} unresolved conflict(s) and ${plan.issues.length} definition problem(s); resolve them and apply again`,
      { conflicts: plan.conflicts, issues: plan.issues },
    );
  }
}

/** 409: the space has unpublished draft changes an upgrade would overwrite. */
export class DraftPendingError extends ConflictError {
  constructor(space: string) {
    super(
      'DRAFT_PENDING',
      `space "${space}" has unpublished draft changes; publish or discard them before upgrading`,
    );
  }
}

export interface UpgradeRequest {
  /** Parameters to change; the others keep the values the space was installed with. */
  readonly params?: Readonly<Record<string, unknown>>;
  readonly resolutions?: readonly MergeResolution[];
  /** Publish the merged definition (only when nothing is left to resolve). */
  readonly apply?: boolean;
}

export interface UpgradePlan {
  readonly from: { readonly key: string; readonly version: string };
  readonly to: { readonly key: string; readonly version: string };
  /** The parameters the new version is instantiated with. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The definition the upgrade publishes; at an unresolved conflict it holds the space's value. */
  readonly merged: AppDefinition;
  readonly conflicts: readonly MergeConflict[];
  readonly unusedResolutions: readonly MergeResolution[];
  /** What publishing `merged` changes in the space's published definition. */
  readonly changes: readonly DefinitionChange[];
  /** The space has unpublished draft changes: applying is refused until they are published or discarded. */
  readonly draftPending: boolean;
  /** E-mail addresses of demo users the new version adds; applying creates them (others are left alone). */
  readonly addedUsers: readonly string[];
  /** Problems of the merged definition, as a publish would report them. */
  readonly issues: readonly DefinitionIssue[];
  /** Set when the upgrade was applied: the version published (unchanged when nothing changed). */
  readonly version?: number;
  readonly applied: boolean;
}

/**
 * Plans (and with `apply`, publishes) the upgrade of a space to `template`. Base: the definition
 * the installed pack version gave; ours: the space's published definition; theirs: `template`
 * with the installed parameters (and any changed ones). Changes from either side are kept;
 * conflicts are reported with the three values and never settled silently: applying is refused
 * (409) while any remains, while the merged definition would not publish, or while the space has
 * unpublished draft changes the upgrade would overwrite.
 * @example await upgradeTemplate(db, 'meddev', packV2, { apply: true }, { actor })
 */
export async function upgradeTemplate(
  db: Db,
  spaceKey: string,
  template: Template,
  request: UpgradeRequest,
  options: { readonly actor: Actor; readonly checkCel?: CelChecker },
): Promise<UpgradePlan> {
  const space = await getSpaceOrThrow(db, spaceKey);
  const plan = async (reader: Db) => {
    const installed = await getInstalledTemplate(reader, space.id);
    if (!installed) throw new NotInstalledFromTemplateError(space.key);
    if (installed.template.key !== template.key)
      throw new ConflictError(
        'TEMPLATE_MISMATCH',
        `space "${space.key}" was installed from "${installed.template.key}", not "${template.key}"`,
      );
    const params = { ...installed.params, ...request.params };
    const theirs = instantiateTemplate(template, params, { checkCel: options.checkCel });
    if (!theirs.ok) throw new TemplateParamsInvalidError(theirs.issues);
    const published = await getPublished(reader, space.id);
    const draft = await getDraft(reader, space.id);
    const ours = designedDefinition(published.definition);
    const result = mergeDefinitions(
      installed.definition,
      ours,
      theirs.value,
      request.resolutions ?? [],
    );
    const validated = validateDefinition(result.merged, {
      previous: published.definition,
      checkCel: options.checkCel,
    });
    const merged = validated.ok ? validated.value : result.merged;
    const upgrade: UpgradePlan = {
      from: { key: installed.template.key, version: installed.template.version },
      to: { key: template.key, version: template.version },
      params,
      merged,
      conflicts: result.conflicts,
      unusedResolutions: result.unusedResolutions,
      changes: diffDefinitions(ours, merged),
      draftPending: !sameJson(draft.definition, published.definition),
      addedUsers: addedUsers(installed.template, template).map((u) => u.email),
      issues: validated.ok ? [] : validated.issues,
      applied: false,
    };
    return { upgrade, theirs: theirs.value, published, before: installed.template };
  };

  if (!request.apply) return (await plan(db)).upgrade;
  // Applying is serialized with installs into the same space.
  return db.connection().execute(async (conn) => {
    // One PostgreSQL connection for the session lock below and everything under it.
    await pinConnection(conn);
    const lock = sql`hashtext('baton.template-install'), hashtext(${space.key})`;
    await sql`select pg_advisory_lock(${lock})`.execute(conn);
    try {
      const { upgrade, theirs, published, before } = await plan(conn);
      if (upgrade.conflicts.length > 0 || upgrade.issues.length > 0)
        throw new UpgradeBlockedError(upgrade);
      // The upgrade replaces the draft: never over an admin's unpublished work.
      if (upgrade.draftPending) throw new DraftPendingError(space.key);
      const actor = options.actor.kind === 'user' ? options.actor.userId : null;
      let version = published.version;
      if (upgrade.changes.length > 0) {
        await saveDraft(conn, space.id, upgrade.merged, published.version, actor);
        version = (await publishDraft(conn, space, { checkCel: options.checkCel, actor })).version;
      }
      await addDemoUsers(conn, space, before, template, options.actor);
      await saveInstalledTemplate(conn, space.id, {
        template,
        params: upgrade.params,
        definition: theirs,
        by: actor,
      });
      return { ...upgrade, version, applied: true };
    } finally {
      await sql`select pg_advisory_unlock(${lock})`.execute(conn);
    }
  });
}

/** Demo users of `next` whose e-mail address `previous` did not have. */
function addedUsers(previous: Template, next: Template): DemoUser[] {
  const known = new Set((previous.demoUsers ?? []).map((u) => u.email.toLowerCase()));
  return (next.demoUsers ?? []).filter((u) => !known.has(u.email.toLowerCase()));
}

/**
 * Creates the demo users a new pack version adds, with their space roles; people the space already
 * has are left as they are. A new user's manager may be one of the earlier demo users.
 */
async function addDemoUsers(
  db: Db,
  space: Space,
  previous: Template,
  next: Template,
  actor: Actor,
): Promise<void> {
  const added = addedUsers(previous, next);
  if (added.length === 0) return;
  const installed = await upsertDemoUsers(db, space, added, actor);
  const byKey = new Map((next.demoUsers ?? []).map((u) => [u.key, u]));
  const addedKeys = new Set(added.map((u) => u.key));
  for (const user of added) {
    if (user.managerKey === undefined || addedKeys.has(user.managerKey)) continue;
    const manager = byKey.get(user.managerKey);
    const found = manager && (await findUser(db, manager.email));
    const id = installed.find((u) => u.key === user.key)!.id;
    if (found) await updateUser(db, id, { managerId: found.id }, actor);
  }
}
