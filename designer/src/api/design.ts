// Calls of the flow and rule designers: the draft definition, validation, publish, the draft-flow
// simulator, CEL checks and the rules dry run. Errors keep the server's `details`.
import type { AppDefinition } from '../../../runtime/definition/definition-schema';
import type { LocalizedText } from '../../../runtime/localized-text';
import { sessionCall } from './session-call';

/** A validation problem: where (JSON pointer into the definition), what, and why in both languages. */
export interface DefinitionIssue {
  readonly pointer: string;
  readonly code: string;
  readonly message: LocalizedText;
}

export class DesignApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** Definition issues a 422 carries (`details.issues`), when it does. */
  get issues(): readonly DefinitionIssue[] {
    const d = this.details as { issues?: unknown[] } | undefined;
    return (d?.issues ?? []).filter(
      (i): i is DefinitionIssue =>
        typeof i === 'object' && i !== null && 'pointer' in i && 'message' in i,
    );
  }
}

/** A JSON call with the session cookie and, for writes, the CSRF token login set. */
export function designCall<T>(path: string, init?: RequestInit): Promise<T> {
  return sessionCall<T>(
    path,
    init,
    (e) => new DesignApiError(e.status, e.code, e.message, e.details),
  );
}

const enc = encodeURIComponent;
const post = (body: unknown): RequestInit => ({ method: 'POST', body: JSON.stringify(body) });

export interface TraceEntry {
  readonly at: string;
  readonly kind: string;
  readonly node: string | null;
  readonly data: Readonly<Record<string, unknown>>;
}

export type ScriptedEvent =
  | { readonly at: string; readonly type: 'record'; readonly set: Record<string, unknown> }
  | { readonly at: string; readonly type: 'verdict'; readonly verdict: string; reason?: string }
  | { readonly at: string; readonly type: 'task_done' };

export interface CelCheck {
  readonly ok: boolean;
  readonly resultType: string | null;
  readonly issues: ReadonlyArray<{
    readonly code: string;
    readonly message: string;
    readonly line: number;
    readonly column: number;
    readonly endLine: number;
    readonly endColumn: number;
  }>;
}

export interface DryRunResult {
  readonly table: string;
  readonly publishedVersion: number;
  readonly total: number;
  readonly evaluated: number;
  readonly truncated: boolean;
  readonly changed: number;
  readonly summary: Readonly<Record<string, number>>;
  readonly records: ReadonlyArray<{
    readonly id: string;
    readonly changes: ReadonlyArray<Record<string, unknown> & { kind: string }>;
    readonly issues?: readonly unknown[];
  }>;
}

export interface PublishPlan {
  readonly fromVersion: number;
  readonly version: number;
  readonly steps: readonly unknown[];
}

export const designApi = {
  /** The draft as stored (it may be invalid: drafts are saved while work is in progress). */
  getDraft: (space: string) =>
    designCall<{ basedOnVersion: number; definition: AppDefinition }>(
      `/api/spaces/${enc(space)}/definition/draft`,
    ),
  getPublished: (space: string) =>
    designCall<{ version: number; definition: AppDefinition }>(
      `/api/spaces/${enc(space)}/definition`,
    ),
  saveDraft: (space: string, definition: unknown) =>
    designCall<{ valid: boolean; issues: DefinitionIssue[] }>(
      `/api/spaces/${enc(space)}/definition/draft`,
      { method: 'PUT', body: JSON.stringify(definition) },
    ),
  publish: (space: string) =>
    designCall<PublishPlan>(`/api/spaces/${enc(space)}/definition/publish`, { method: 'POST' }),
  simulateDraft: (
    space: string,
    body: {
      flow: unknown;
      record: Record<string, unknown>;
      start?: string;
      events?: ScriptedEvent[];
    },
  ) =>
    designCall<{ trace: TraceEntry[]; state: Record<string, unknown> }>(
      `/api/spaces/${enc(space)}/flows/simulate-draft`,
      post(body),
    ),
  checkCel: (
    space: string,
    body: { table: string; expression: string; expect?: string; old?: boolean; user?: boolean },
  ) => designCall<CelCheck>(`/api/spaces/${enc(space)}/cel/check`, post(body)),
  dryRun: (space: string, body: { table: string; sample?: number; definition?: unknown }) =>
    designCall<DryRunResult>(`/api/spaces/${enc(space)}/rules/dry-run`, post(body)),
};
