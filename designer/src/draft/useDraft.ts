// The space's draft definition as the designer edits it: loaded once, changed locally, saved with
// PUT (the answer lists its problems), validated, previewed and published.
import { useCallback, useEffect, useState } from 'react';
import type { AppDefinition } from '../../../runtime/definition/definition-schema';
import { definitionApi, type DefinitionIssue } from '../api/admin';

export interface DraftState {
  readonly draft: AppDefinition | null;
  readonly error: string | null;
  readonly dirty: boolean;
  readonly issues: readonly DefinitionIssue[];
  /** Replaces the local draft (not saved yet). */
  readonly update: (change: (draft: AppDefinition) => AppDefinition) => void;
  /** Saves the local draft; resolves to its issues. */
  readonly save: () => Promise<readonly DefinitionIssue[]>;
  readonly reload: () => Promise<void>;
}

function asDefinition(value: unknown): AppDefinition {
  const d = (value ?? {}) as Partial<AppDefinition>;
  return { ...d, formatVersion: 1, tables: Array.isArray(d.tables) ? d.tables : [] };
}

/**
 * Loads and edits a space's draft.
 * @example const { draft, update, save } = useDraft('meddev');
 */
export function useDraft(space: string): DraftState {
  const [draft, setDraft] = useState<AppDefinition | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dirty, setDirty] = useState(false);
  const [issues, setIssues] = useState<readonly DefinitionIssue[]>([]);

  const reload = useCallback(async () => {
    try {
      const loaded = await definitionApi.draft(space);
      setDraft(asDefinition(loaded.definition));
      setDirty(false);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }, [space]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const update = useCallback((change: (d: AppDefinition) => AppDefinition) => {
    setDraft((d) => (d ? change(d) : d));
    setDirty(true);
  }, []);

  const save = useCallback(async () => {
    if (!draft) return [];
    const result = await definitionApi.saveDraft(space, draft);
    setIssues(result.issues);
    setDirty(false);
    return result.issues;
  }, [draft, space]);

  return { draft, error, dirty, issues, update, save, reload };
}
