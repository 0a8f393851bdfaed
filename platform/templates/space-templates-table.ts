// Row type of `platform.space_templates` (migration 0060): what a space was installed from.
import type { Generated } from 'kysely';
import type { AppDefinition } from '../../runtime/definition/definition-schema';
import type { Template } from '../../runtime/templates/template-schema';

export interface SpaceTemplatesTable {
  space_id: string;
  template_key: string;
  template_version: string;
  template: Template;
  params: Generated<Record<string, unknown>>;
  definition: AppDefinition;
  installed_at: Generated<Date>;
  installed_by: string | null;
  demo_seeded_at: Date | null;
}
