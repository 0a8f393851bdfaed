// The packs' forms validate and compile.
import { describe, expect, it } from 'vitest';
import { validateDefinition } from '../runtime/definition/validate-definition';
import { compileForm } from '../runtime/forms/compile-form';
import { instantiateOrThrow, loadPack } from './pack-checks';

describe('starter-pack forms', () => {
  it.each(['medical-device', 'industrial-automation'])(
    'the %s pack ships valid forms',
    async (key) => {
      const d = instantiateOrThrow(await loadPack(key));
      expect(d.forms?.length).toBeGreaterThanOrEqual(2);
      const result = validateDefinition(d);
      expect(result.ok ? [] : result.issues).toEqual([]);
      for (const f of d.forms ?? []) expect(compileForm(d, f).sections.length).toBeGreaterThan(0);
    },
  );
});
