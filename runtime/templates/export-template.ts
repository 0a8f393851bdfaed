// A space's published definition written out as a starter-pack template that installs it again.
import type { AppDefinition } from '../definition/definition-schema';
import type { LocalizedText } from '../localized-text';
import type { DemoUser, Template } from './template-schema';

export interface ExportOptions {
  /** The template key (also its folder name under `templates/`). */
  readonly key: string;
  readonly version: string;
  readonly label: LocalizedText;
  readonly description?: LocalizedText;
  /** People to install with it (a space's members), managers first or not. */
  readonly demoUsers?: readonly DemoUser[];
}

/**
 * The template that installs `definition` as designed: no parameters (values are written in), and
 * without the retired tables and fields publish keeps track of, since a new space has no data to
 * keep. Exporting the space it is installed into gives the same template again.
 * @example templateFromDefinition(published.definition, { key: 'meddev', version: '1.0.0', label })
 */
export function templateFromDefinition(
  definition: AppDefinition,
  options: ExportOptions,
): Template {
  return {
    formatVersion: 1,
    key: options.key,
    version: options.version,
    label: options.label,
    description: options.description ?? options.label,
    parameters: {},
    definition: designedDefinition(definition) as Record<string, unknown>,
    ...(options.demoUsers && options.demoUsers.length > 0
      ? { demoUsers: [...options.demoUsers] }
      : {}),
  };
}

/** The definition as designed: without the retired tables and fields publish keeps track of. */
export function designedDefinition(definition: AppDefinition): AppDefinition {
  const tables = definition.tables.map((table) => {
    const copy = { ...table };
    delete copy.retiredFields;
    return copy;
  });
  const copy = { ...definition, tables };
  delete copy.retiredTables;
  return copy;
}
