// One JSON call with the session cookie; installCsrfHeader (main.tsx) adds `x-csrf-token` to
// writes. A refusal becomes the caller's error type from the server's `{ error: { code, message,
// details } }`.

export interface ServerError {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly details: unknown;
}

/**
 * Fetches `path` as JSON; a non-2xx answer throws `refuse(error)`.
 * @example await sessionCall('/api/auth/me', undefined, (e) => new Error(e.message))
 */
export async function sessionCall<T>(
  path: string,
  init: RequestInit | undefined,
  refuse: (error: ServerError) => Error,
): Promise<T> {
  const response = await fetch(path, {
    credentials: 'same-origin',
    ...init,
    headers: { 'content-type': 'application/json', ...init?.headers },
  });
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = (
      body as { error?: { code?: string; message?: string; details?: unknown } } | undefined
    )?.error;
    throw refuse({
      status: response.status,
      code: error?.code ?? 'HTTP_ERROR',
      message: error?.message ?? response.statusText,
      details: error?.details,
    });
  }
  return body as T;
}
