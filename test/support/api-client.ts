// A small JSON client over `app.request`, so tests read like API calls.
import { expect } from 'vitest';

type AppLike = { request: (path: string, init?: RequestInit) => Response | Promise<Response> };

export interface ApiAnswer<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
}

export function apiClient(app: AppLike) {
  const call = async <T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiAnswer<T>> => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    const response = await app.request(path, init);
    const text = await response.text();
    return { status: response.status, body: (text === '' ? {} : JSON.parse(text)) as T };
  };
  return {
    get: <T = Record<string, any>>(path: string) => call<T>('GET', path),
    post: <T = Record<string, any>>(
      path: string,
      body?: unknown,
      headers?: Record<string, string>,
    ) => call<T>('POST', path, body ?? {}, headers),
    put: <T = Record<string, any>>(path: string, body: unknown) => call<T>('PUT', path, body),
    patch: <T = Record<string, any>>(
      path: string,
      body: unknown,
      headers?: Record<string, string>,
    ) => call<T>('PATCH', path, body, headers),
    delete: <T = Record<string, any>>(path: string) => call<T>('DELETE', path),
    /** Calls and asserts the status, returning the body. */
    async expect<T = Record<string, any>>(
      status: number,
      method: string,
      path: string,
      body?: unknown,
    ): Promise<T> {
      const answer = await call<T>(method, path, body);
      expect(
        answer.status,
        `${method} ${path} → ${JSON.stringify(answer.body).slice(0, 800)}`,
      ).toBe(status);
      return answer.body;
    },
  };
}
