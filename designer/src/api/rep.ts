// Calls of the rep app: who I am, my leads, a record with its timeline and tasks, verdicts,
// notifications. Errors keep the server's `details` (gate misses, per-field issues).
import type { AppDefinition } from '../../../runtime/definition/definition-schema';
import type { LocalizedText } from '../../../runtime/localized-text';
import type { TimelineEntry } from './rep-types';
import { sessionCall } from './session-call';

export type { TimelineEntry } from './rep-types';

export type RecordJson = Readonly<Record<string, unknown>>;

export interface RepUser {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly managerId: string | null;
}

export interface Member {
  readonly user: RepUser;
  readonly roles: readonly string[];
}

export interface FlowTask {
  readonly id: string;
  readonly flow: string | null;
  readonly node: string | null;
  readonly assignee: string;
  readonly title: LocalizedText;
  readonly dueAt: string;
  readonly status: 'open' | 'done' | 'cancelled';
  readonly completedAt: string | null;
}

export interface Notification {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  readonly tableKey: string | null;
  readonly recordId: string | null;
  readonly createdAt: string;
  readonly readAt: string | null;
}

/** One item a gate found missing, as `GATE_BLOCKED` details list it. */
export interface MissingItem {
  readonly gate: string;
  readonly field?: string;
  readonly have?: number;
  readonly need?: number;
  readonly message: LocalizedText;
  readonly requirement: {
    readonly kind: string;
    readonly field?: string;
    readonly fields?: string[];
  };
}

/** A per-field issue of a refused write (`VALIDATION_FAILED` details). */
export interface FieldIssue {
  readonly pointer: string;
  readonly field?: string;
  readonly code: string;
  readonly message: LocalizedText | string;
}

export class RepApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
  }

  /** What the gate found missing, when this is a refused stage move. */
  get missing(): readonly MissingItem[] {
    const d = this.details as { missing?: MissingItem[] } | undefined;
    return this.code === 'GATE_BLOCKED' ? (d?.missing ?? []) : [];
  }

  get issues(): readonly FieldIssue[] {
    const d = this.details as { issues?: FieldIssue[] } | undefined;
    return d?.issues ?? [];
  }
}

function call<T>(path: string, init?: RequestInit): Promise<T> {
  return sessionCall<T>(path, init, (e) => new RepApiError(e.status, e.code, e.message, e.details));
}

const enc = encodeURIComponent;
const records = (space: string, table: string) =>
  `/api/spaces/${enc(space)}/tables/${enc(table)}/records`;

/** Who is working: a signed-in user, nobody yet (sign in), or a server without login (pick). */
export type Whoami =
  | { readonly kind: 'user'; readonly user: RepUser }
  | { readonly kind: 'signed-out' }
  | { readonly kind: 'no-login' };

export const repApi = {
  me: async (): Promise<Whoami> => {
    const response = await fetch('/api/auth/me', { credentials: 'same-origin' });
    if (response.status === 401) return { kind: 'signed-out' };
    if (!response.ok) return { kind: 'no-login' };
    const body = (await response.json().catch(() => undefined)) as { user?: RepUser } | undefined;
    return body?.user ? { kind: 'user', user: body.user } : { kind: 'no-login' };
  },
  login: (email: string, password: string) =>
    call<{ user: RepUser }>('/api/auth/login', {
      method: 'POST',
      body: JSON.stringify({ email, password }),
    }).then((b) => b.user),
  logout: () => call<unknown>('/api/auth/logout', { method: 'POST' }).catch(() => undefined),
  members: (space: string) =>
    call<{ members: Member[] }>(`/api/spaces/${enc(space)}/members`).then((b) => b.members),
  definition: (space: string) =>
    call<{ version: number; definition: AppDefinition }>(`/api/spaces/${enc(space)}/definition`),
  myRecords: (space: string, table: string, owner: string) =>
    call<{ records: RecordJson[] }>(`${records(space, table)}/query`, {
      method: 'POST',
      body: JSON.stringify({
        filter: { field: 'owner', op: 'eq', value: owner },
        sort: ['-created_at'],
        limit: 100,
      }),
    }).then((b) => b.records),
  record: (space: string, table: string, id: string) =>
    call<{ record: RecordJson }>(`${records(space, table)}/${enc(id)}`).then((b) => b.record),
  update: (space: string, table: string, id: string, version: number, values: RecordJson) =>
    call<{ record: RecordJson }>(`${records(space, table)}/${enc(id)}`, {
      method: 'PATCH',
      body: JSON.stringify({ ...values, version }),
    }).then((b) => b.record),
  timeline: (space: string, table: string, id: string) =>
    call<{ entries: TimelineEntry[] }>(`${records(space, table)}/${enc(id)}/timeline`).then(
      (b) => b.entries,
    ),
  tasks: (space: string, table: string, id: string) =>
    call<{ tasks: FlowTask[] }>(`${records(space, table)}/${enc(id)}/tasks`).then((b) => b.tasks),
  completeTask: (space: string, table: string, id: string, task: string) =>
    call<{ completed: true }>(`${records(space, table)}/${enc(id)}/tasks/${enc(task)}/complete`, {
      method: 'POST',
    }),
  verdict: (
    space: string,
    table: string,
    id: string,
    body: {
      flow: string;
      verdict: 'valid' | 'needs_info' | 'invalid';
      reason?: string;
      note?: string;
    },
  ) =>
    call<{ accepted: true }>(`${records(space, table)}/${enc(id)}/handover`, {
      method: 'POST',
      body: JSON.stringify(body),
    }),
  notifications: (space: string, user: string) =>
    call<{ notifications: Notification[]; unread: number }>(
      `/api/spaces/${enc(space)}/notifications?user=${enc(user)}&limit=30`,
    ),
  markRead: (space: string, id: string) =>
    call<unknown>(`/api/spaces/${enc(space)}/notifications/${enc(id)}/read`, { method: 'POST' }),
  /** Uploads one file (its type is sniffed by the server) and answers its id. */
  upload: async (space: string, file: File): Promise<string> => {
    const body = new FormData();
    body.append('file', file);
    const response = await fetch(`/api/spaces/${enc(space)}/files`, {
      method: 'POST',
      credentials: 'same-origin',
      body,
    });
    const json = (await response.json().catch(() => undefined)) as
      | { file?: { id: string }; error?: { code?: string; message?: string; details?: unknown } }
      | undefined;
    if (!response.ok || !json?.file)
      throw new RepApiError(
        response.status,
        json?.error?.code ?? 'HTTP_ERROR',
        json?.error?.message ?? response.statusText,
        json?.error?.details,
      );
    return json.file.id;
  },
  /** The live stream URL; EventSource sends cookies on same-origin requests. */
  streamUrl: (space: string, user: string) =>
    `/api/spaces/${enc(space)}/notifications/stream?user=${enc(user)}`,
};
