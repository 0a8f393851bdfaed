// What each space was installed from: the pack document, its parameters and the definition it gave,
// the base a later upgrade to a newer pack version merges against; and when demo data was added.
import { sql, type Kysely, type Migration } from 'kysely';

export const spaceTemplates: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('platform.space_templates')
      .addColumn('space_id', 'uuid', (c) =>
        c.primaryKey().references('platform.spaces.id').onDelete('cascade'),
      )
      .addColumn('template_key', 'text', (c) => c.notNull())
      .addColumn('template_version', 'text', (c) => c.notNull())
      /** The whole template document as installed (placeholders unresolved). */
      .addColumn('template', 'jsonb', (c) => c.notNull())
      .addColumn('params', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
      /** The definition the template gave with those parameters: the merge base of an upgrade. */
      .addColumn('definition', 'jsonb', (c) => c.notNull())
      .addColumn('installed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('installed_by', 'uuid')
      /** Set once demo data was generated into the space, so a restart adds none again. */
      .addColumn('demo_seeded_at', 'timestamptz')
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('platform.space_templates').execute();
  },
};
