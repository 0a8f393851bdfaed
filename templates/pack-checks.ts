// Checks every starter pack's test runs on its raw template: parameters, languages, triggers.
import { findPlaceholders } from '../runtime/templates/substitute-params';
import { instantiateTemplate } from '../runtime/templates/instantiate-template';
import type { Template } from '../runtime/templates/template-schema';
import type { AppDefinition } from '../runtime/definition/definition-schema';
import { pointerOf } from '../runtime/definition/definition-issue';
import { parseIsoDuration } from '../runtime/time/iso-duration';
import { createTemplateCatalog } from '../platform/templates/template-catalog';

/** A shipped pack, read and checked the way the API reads it. */
export function loadPack(key: string): Promise<Template> {
  return createTemplateCatalog().getOrThrow(key);
}

/** The definition instantiated with `params`, or an error listing every issue. */
export function instantiateOrThrow(
  template: Template,
  params: Readonly<Record<string, unknown>> = {},
): AppDefinition {
  const result = instantiateTemplate(template, params);
  if (!result.ok) throw new Error(JSON.stringify(result.issues, null, 2));
  return result.value;
}

/** Pointers of literal ISO durations in the raw definition: each should be a parameter. */
export function literalDurations(value: unknown, path: (string | number)[] = []): string[] {
  if (typeof value === 'string')
    return /^P/.test(value) && parseIsoDuration(value).ok ? [pointerOf(path)] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => literalDurations(v, [...path, i]));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => literalDurations(v, [...path, k]));
  return [];
}

/** Pointers of texts people read whose zh-CN or en version is blank, or whose en is Chinese. */
export function untranslated(value: unknown, path: (string | number)[] = []): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => untranslated(v, [...path, i]));
  if (value === null || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  if ('zh-CN' in record || 'en' in record) {
    const [zh, en] = [record['zh-CN'], record.en];
    const ok =
      typeof zh === 'string' && zh.trim() !== '' && typeof en === 'string' && en.trim() !== '';
    return ok && !/\p{Script=Han}/u.test(en as string) ? [] : [pointerOf(path)];
  }
  return Object.entries(record).flatMap(([k, v]) => untranslated(v, [...path, k]));
}

/** Where each parameter is used, as JSON pointers into the template. */
export function parameterUses(template: Template): Record<string, string[]> {
  const uses: Record<string, string[]> = {};
  for (const p of findPlaceholders(template.definition, ['definition']))
    (uses[p.name] ??= []).push(pointerOf(p.path));
  return uses;
}
