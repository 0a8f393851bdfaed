// Reads and writes what a space was installed from (`platform.space_templates`).
import type { AppDefinition } from '../../runtime/definition/definition-schema';
import type { Template } from '../../runtime/templates/template-schema';
import type { Db } from '../db/database';

export interface InstalledTemplate {
  readonly spaceId: string;
  readonly template: Template;
  readonly params: Readonly<Record<string, unknown>>;
  /** The definition the template gave with those parameters. */
  readonly definition: AppDefinition;
  readonly installedAt: string;
  readonly installedBy: string | null;
  readonly demoSeededAt: string | null;
}

/** What the space was last installed (or upgraded) from; undefined for a space designed by hand. */
export async function getInstalledTemplate(
  db: Pick<Db, 'selectFrom'>,
  spaceId: string,
): Promise<InstalledTemplate | undefined> {
  const row = await db
    .selectFrom('platform.space_templates')
    .selectAll()
    .where('space_id', '=', spaceId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    spaceId: row.space_id,
    template: row.template,
    params: row.params,
    definition: row.definition,
    installedAt: row.installed_at.toISOString(),
    installedBy: row.installed_by,
    demoSeededAt: row.demo_seeded_at?.toISOString() ?? null,
  };
}

/**
 * Records that `template` with `params` (which gave `definition`) is now the space's pack version.
 * Demo data generated earlier stays recorded.
 */
export async function saveInstalledTemplate(
  db: Db,
  spaceId: string,
  installed: {
    readonly template: Template;
    readonly params: Readonly<Record<string, unknown>>;
    readonly definition: AppDefinition;
    readonly by: string | null;
  },
): Promise<void> {
  const values = {
    template_key: installed.template.key,
    template_version: installed.template.version,
    template: installed.template,
    params: { ...installed.params },
    definition: installed.definition,
    installed_by: installed.by,
  };
  await db
    .insertInto('platform.space_templates')
    .values({ space_id: spaceId, ...values })
    .onConflict((oc) => oc.column('space_id').doUpdateSet({ ...values, installed_at: new Date() }))
    .execute();
}

/** Marks demo data as generated into the space; answers false when it already was. */
export async function markDemoSeeded(db: Db, spaceId: string): Promise<boolean> {
  const result = await db
    .updateTable('platform.space_templates')
    .set({ demo_seeded_at: new Date() })
    .where('space_id', '=', spaceId)
    .where('demo_seeded_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
