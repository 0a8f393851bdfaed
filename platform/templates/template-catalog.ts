// The starter packs shipped in `templates/<key>/template.json`, read and checked once.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseTemplate } from '../../runtime/templates/parse-template';
import type { Template } from '../../runtime/templates/template-schema';
import { NotFoundError } from '../errors';

/** The repository's `templates/` folder. */
export const shippedTemplatesDir = path.resolve(import.meta.dirname, '../../templates');

export interface TemplateCatalog {
  /** Every template, by key. */
  list(): Promise<readonly Template[]>;
  /** The template with this key, or a 404-mapped error. */
  getOrThrow(key: string): Promise<Template>;
}

/**
 * A catalog over a folder of `<key>/template.json` files, read on first use. A template that does
 * not parse, or whose key is not its folder name, is a packaging bug: loading fails loudly.
 * @example const template = await createTemplateCatalog().getOrThrow('medical-device')
 */
export function createTemplateCatalog(dir: string = shippedTemplatesDir): TemplateCatalog {
  let loading: Promise<ReadonlyMap<string, Template>> | undefined;
  const load = () => {
    loading ??= readCatalog(dir).catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
  return {
    async list() {
      return [...(await load()).values()];
    },
    async getOrThrow(key) {
      const template = (await load()).get(key);
      if (!template) throw new NotFoundError('template', key);
      return template;
    },
  };
}

async function readCatalog(dir: string): Promise<ReadonlyMap<string, Template>> {
  const entries = await readdir(dir, { withFileTypes: true });
  const templates = new Map<string, Template>();
  for (const entry of entries.filter((e) => e.isDirectory()).sort(byName)) {
    const file = path.join(dir, entry.name, 'template.json');
    const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (text === undefined) continue;
    const parsed = parseTemplate(JSON.parse(text));
    if (!parsed.ok) {
      const first = parsed.issues
        .slice(0, 3)
        .map((i) => `${i.pointer} ${i.message.en}`)
        .join('; ');
      throw new Error(`${file} is not a valid template: ${first}`);
    }
    if (parsed.value.key !== entry.name)
      throw new Error(`${file} has key "${parsed.value.key}"; it must match its folder`);
    templates.set(parsed.value.key, parsed.value);
  }
  return templates;
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
