// Calls of the admin designer: the draft definition (save, validate, preview, publish), records for
// test submits, templates, intake, people. Sends the session cookie and echoes the CSRF cookie.
import type { AppDefinition } from '../../../runtime/definition/definition-schema';
import type { LocalizedText } from '../../../runtime/localized-text';
import { sessionCall } from './session-call';

export interface DefinitionIssue {
  readonly pointer: string;
  readonly code: string;
  readonly message: LocalizedText;
}

export interface PlanStep {
  readonly step: { readonly kind: string; readonly [key: string]: unknown };
  readonly sql: readonly string[];
  readonly cast?: unknown;
}

export interface PublishPlan {
  readonly fromVersion: number;
  readonly version: number;
  readonly steps: readonly PlanStep[];
}

export interface Validation {
  readonly valid: boolean;
  readonly issues: readonly DefinitionIssue[];
}

export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
  }

  /** Definition issues (`DEFINITION_INVALID`) or per-field record issues (`VALIDATION_FAILED`). */
  get issues(): readonly {
    pointer: string;
    code: string;
    field?: string;
    message: LocalizedText | string;
  }[] {
    const d = this.details as { issues?: [] } | undefined;
    return d?.issues ?? [];
  }
}

/** One API call; unsafe methods carry `x-csrf-token` when the page has a CSRF cookie. */
export function adminCall<T>(path: string, init?: RequestInit): Promise<T> {
  return sessionCall<T>(
    path,
    init,
    (e) => new AdminApiError(e.status, e.code, e.message, e.details),
  );
}

const enc = encodeURIComponent;
const def = (space: string) => `/api/spaces/${enc(space)}/definition`;
const post = (body?: unknown): RequestInit => ({
  method: 'POST',
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

export const definitionApi = {
  published: (space: string) =>
    adminCall<{ version: number; publishedAt: string | null; definition: AppDefinition }>(
      def(space),
    ),
  draft: (space: string) =>
    adminCall<{ basedOnVersion: number; updatedAt: string | null; definition: unknown }>(
      `${def(space)}/draft`,
    ),
  saveDraft: (space: string, definition: unknown) =>
    adminCall<Validation>(`${def(space)}/draft`, {
      method: 'PUT',
      body: JSON.stringify(definition),
    }),
  validate: (space: string) => adminCall<Validation>(`${def(space)}/draft/validate`, post()),
  preview: (space: string) => adminCall<PublishPlan>(`${def(space)}/draft/preview`, post()),
  publish: (space: string) => adminCall<PublishPlan>(`${def(space)}/publish`, post()),
  schema: () => adminCall<Record<string, unknown>>('/api/definition-schema.json'),
};

export const recordApi = {
  create: (space: string, table: string, values: Record<string, unknown>) =>
    adminCall<{ record: Record<string, unknown> }>(
      `/api/spaces/${enc(space)}/tables/${enc(table)}/records`,
      post(values),
    ),
};

export interface TemplateParameter {
  readonly type: 'duration' | 'integer' | 'number' | 'string' | 'string_list' | 'boolean';
  readonly default: unknown;
  readonly label: LocalizedText;
  readonly description?: LocalizedText;
  readonly min?: number | string;
  readonly max?: number | string;
}

export interface TemplateSummary {
  readonly key: string;
  readonly version: string;
  readonly label: LocalizedText;
  readonly description: LocalizedText;
  readonly parameters: Readonly<Record<string, TemplateParameter>>;
  readonly demoUsers: number;
}

export interface TemplateInstall {
  readonly space: { readonly key: string; readonly name: LocalizedText };
  readonly version: number;
  readonly changed: boolean;
  readonly users: readonly {
    readonly key: string;
    readonly email: string;
    readonly displayName: string;
    readonly roles: readonly string[];
    readonly created: boolean;
  }[];
  /** Demo leads, when the install asked for them. */
  readonly demo?: {
    readonly created: number;
    readonly existing: number;
    readonly byStage: Readonly<Record<string, number>>;
  };
}

export interface TemplateConflict {
  readonly pointer: string;
  readonly kind: 'changed_both' | 'removed_ours' | 'removed_theirs' | 'added_both';
  readonly base?: unknown;
  readonly ours?: unknown;
  readonly theirs?: unknown;
}

export type TemplateResolution = {
  readonly pointer: string;
  readonly take: 'ours' | 'theirs' | 'base';
};

export interface TemplateUpgradePlan {
  readonly from: { readonly key: string; readonly version: string };
  readonly to: { readonly key: string; readonly version: string };
  readonly conflicts: readonly TemplateConflict[];
  readonly changes: readonly Record<string, unknown>[];
  readonly issues: readonly { readonly pointer: string; readonly message: LocalizedText }[];
  readonly draftPending: boolean;
  readonly addedUsers: readonly string[];
  readonly applied: boolean;
  readonly version?: number;
}

export const templateApi = {
  list: () =>
    adminCall<{ templates: TemplateSummary[] }>('/api/templates').then((b) => b.templates),
  install: (
    key: string,
    body: {
      space: string;
      name?: LocalizedText;
      params: Record<string, unknown>;
      demo?: boolean;
    },
  ) => adminCall<TemplateInstall>(`/api/templates/${enc(key)}/install`, post(body)),
  /** Plans (or with `apply`, publishes) the upgrade to `template`, else the shipped pack. */
  upgrade: (
    space: string,
    body: {
      template?: unknown;
      resolutions?: readonly TemplateResolution[];
      apply?: boolean;
    },
  ) => adminCall<TemplateUpgradePlan>(`/api/spaces/${enc(space)}/template/upgrade`, post(body)),
};

export interface IntakeAnswer {
  readonly recordId: string;
  readonly dedupe: 'unique' | 'returning' | 'flagged';
  readonly original?: string;
  readonly tags: readonly string[];
  readonly score: number | null;
  readonly band: string | null;
  readonly owner: string | null;
  readonly stage: string | null;
  readonly pool?: string;
}

const intake = (space: string, source: string) => `/api/spaces/${enc(space)}/intake/${enc(source)}`;

export const intakeApi = {
  rotateSecret: (space: string, source: string) =>
    adminCall<{ secretName: string; secret: string; previousValidUntil: string | null }>(
      `${intake(space, source)}/secret`,
      post(),
    ),
  testDelivery: (space: string, source: string, payload: Record<string, unknown>) =>
    adminCall<{ mapped: Record<string, unknown>; answer: IntakeAnswer }>(
      `${intake(space, source)}/test`,
      post({ payload }),
    ),
};

export interface AdminUser {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly managerId: string | null;
  readonly province: string | null;
  readonly city: string | null;
  readonly productLines: readonly string[];
  readonly away: boolean;
  readonly onShift: boolean;
  readonly active: boolean;
}

export interface AdminMember {
  readonly user: AdminUser;
  readonly roles: readonly string[];
}

export type UserPatch = Partial<
  Pick<AdminUser, 'displayName' | 'managerId' | 'province' | 'city' | 'away' | 'onShift'> & {
    productLines: string[];
  }
>;

export const peopleApi = {
  members: (space: string) =>
    adminCall<{ members: AdminMember[] }>(`/api/spaces/${enc(space)}/members`).then(
      (b) => b.members,
    ),
  createUser: (body: { email: string; displayName: string }) =>
    adminCall<{ user: AdminUser }>('/api/users', post(body)).then((b) => b.user),
  updateUser: (id: string, patch: UserPatch) =>
    adminCall<{ user: AdminUser }>(`/api/users/${enc(id)}`, {
      method: 'PATCH',
      body: JSON.stringify(patch),
    }).then((b) => b.user),
  setRoles: (space: string, userId: string, roles: readonly string[]) =>
    adminCall<unknown>(`/api/spaces/${enc(space)}/members/${enc(userId)}`, {
      method: 'PUT',
      body: JSON.stringify({ roles }),
    }),
};

/** Records of a table as a role sees them (`?viewAs=`); administrators only. */
export const viewAsApi = {
  records: (space: string, table: string, role: string) =>
    adminCall<{ records: Record<string, unknown>[] }>(
      `/api/spaces/${enc(space)}/tables/${enc(table)}/records?viewAs=${enc(role)}&limit=5`,
    ).then((b) => b.records),
};
