// Installs a starter pack: the space, its demo people and the instantiated definition, published.
import { sql } from 'kysely';
import type { DefinitionIssue } from '../../runtime/definition/definition-issue';
import { sameJson } from '../../runtime/definition/diff-definitions';
import { designedDefinition } from '../../runtime/templates/export-template';
import type { CelChecker } from '../../runtime/definition/validate-definition';
import { instantiateTemplate } from '../../runtime/templates/instantiate-template';
import type { Template } from '../../runtime/templates/template-schema';
import type { LocalizedText } from '../../runtime/localized-text';
import type { Db } from '../db/database';
import { getPublished, saveDraft } from '../definitions/definition-store';
import { DefinitionInvalidError, publishDraft } from '../definitions/publish-service';
import { BatonError, ConflictError } from '../errors';
import type { Actor } from '../people/actor';
import { createSpace, getSpaceOrThrow, type Space } from '../spaces/space-repository';
import { upsertDemoUsers, type InstalledUser } from './demo-users';
import { saveInstalledTemplate } from './installed-template-repository';
import { pinConnection } from '../db/pool-dialect';

/** 400: the parameters do not fit the template; `details.issues` points at each (`/params/<name>`). */
export class TemplateParamsInvalidError extends BatonError {
  constructor(readonly issues: readonly DefinitionIssue[]) {
    super(
      'TEMPLATE_PARAMS_INVALID',
      400,
      `the parameters do not fit the template: ${issues
        .slice(0, 3)
        .map((i) => `${i.pointer} ${i.message.en}`)
        .join('; ')}`,
      { issues },
    );
  }
}

export interface InstallRequest {
  /** Key of the space to install into; created when missing. */
  readonly space: string;
  /** Name of a space the install creates; the template's label by default. */
  readonly name?: LocalizedText;
  readonly params?: Readonly<Record<string, unknown>>;
}

export interface InstallResult {
  readonly space: Space;
  readonly spaceCreated: boolean;
  /** The published version now in force. */
  readonly version: number;
  /** False when the published definition already was this one: nothing was published. */
  readonly changed: boolean;
  readonly users: readonly InstalledUser[];
}

export interface InstallOptions {
  readonly actor: Actor;
  readonly checkCel?: CelChecker;
}

/**
 * Installs a template into a space: creates the space if missing, upserts the demo users (by
 * e-mail) with their reporting lines and space roles, and publishes the instantiated definition,
 * which replaces the space's definition (tables it drops are retired, their data kept). Installing
 * again with the same parameters publishes nothing and answers `changed: false`. Installs into one
 * space are serialized.
 * @example await installTemplate(db, template, { space: 'meddev', params: { capacity: 5 } }, { actor })
 */
export async function installTemplate(
  db: Db,
  template: Template,
  request: InstallRequest,
  options: InstallOptions,
): Promise<InstallResult> {
  // Refuse bad parameters before anything is created.
  const instantiated = instantiateTemplate(template, request.params ?? {}, {
    checkCel: options.checkCel,
  });
  if (!instantiated.ok) throw new TemplateParamsInvalidError(instantiated.issues);
  const definition = instantiated.value;

  return db.connection().execute(async (conn) => {
    // One PostgreSQL connection for the session lock below and everything under it.
    await pinConnection(conn);
    const lock = sql`hashtext('baton.template-install'), hashtext(${request.space})`;
    await sql`select pg_advisory_lock(${lock})`.execute(conn);
    try {
      const { space, created } = await ensureSpace(
        conn,
        request.space,
        request.name ?? template.label,
      );
      const published = await getPublished(conn, space.id);
      if (published.version > 0) {
        // Field keys are permanent: the pack must fit what the space has published before.
        const checked = instantiateTemplate(template, request.params ?? {}, {
          previous: published.definition,
          checkCel: options.checkCel,
        });
        if (!checked.ok) throw new DefinitionInvalidError(checked.issues);
      }
      const users = await upsertDemoUsers(conn, space, template.demoUsers ?? [], options.actor);
      const actor = options.actor.kind === 'user' ? options.actor.userId : null;
      // The pack version and what it gave: the base a later upgrade merges against.
      const remember = () =>
        saveInstalledTemplate(conn, space.id, {
          template,
          params: request.params ?? {},
          definition,
          by: actor,
        });
      if (published.version > 0 && sameJson(designedDefinition(published.definition), definition)) {
        await remember();
        return { space, spaceCreated: created, version: published.version, changed: false, users };
      }
      await saveDraft(conn, space.id, definition, published.version, actor);
      const plan = await publishDraft(conn, space, { checkCel: options.checkCel, actor });
      await remember();
      return { space, spaceCreated: created, version: plan.version, changed: true, users };
    } finally {
      await sql`select pg_advisory_unlock(${lock})`.execute(conn);
    }
  });
}

async function ensureSpace(
  db: Db,
  key: string,
  name: LocalizedText,
): Promise<{ space: Space; created: boolean }> {
  try {
    return { space: await getSpaceOrThrow(db, key), created: false };
  } catch (error) {
    if (!(error instanceof BatonError) || error.status !== 404) throw error;
  }
  try {
    return { space: await createSpace(db, { key, name }), created: true };
  } catch (error) {
    // Created meanwhile by someone not installing a template.
    if (error instanceof ConflictError)
      return { space: await getSpaceOrThrow(db, key), created: false };
    throw error;
  }
}
