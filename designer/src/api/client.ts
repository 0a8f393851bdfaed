// Typed calls to the Baton API; errors carry the server's `{ error: { code, message } }`.
import type { LocalizedText } from '../../../runtime/localized-text';

export interface Space {
  readonly id: string;
  readonly key: string;
  readonly name: LocalizedText;
  readonly status: 'provisioning' | 'active';
  readonly createdAt: string;
}

export interface Health {
  readonly status: 'ok' | 'degraded' | 'down';
  readonly db: { readonly ok: boolean; readonly error?: string };
  readonly temporal: { readonly ok: boolean; readonly error?: string };
  readonly worker: { readonly ok: boolean; readonly pollers: number; readonly error?: string };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(path, {
    ...init,
    headers: { 'content-type': 'application/json', ...init?.headers },
  });
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok && response.status !== 503) {
    const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(
      response.status,
      error?.code ?? 'HTTP_ERROR',
      error?.message ?? response.statusText,
    );
  }
  return body as T;
}

export const api = {
  health: () => call<Health>('/api/health'),
  listSpaces: () => call<{ spaces: Space[] }>('/api/spaces').then((b) => b.spaces),
  createSpace: (key: string, name: LocalizedText) =>
    call<{ space: Space }>('/api/spaces', {
      method: 'POST',
      body: JSON.stringify({ key, name }),
    }).then((b) => b.space),
};
