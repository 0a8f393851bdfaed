// Sends the session's CSRF token with every same-origin write the designer makes (double submit).

/** The token login put in the readable `baton_csrf` cookie. */
export function csrfToken(): string | undefined {
  const match = /(?:^|;\s*)baton_csrf=([^;]*)/.exec(document.cookie);
  return match ? decodeURIComponent(match[1]!) : undefined;
}

/**
 * Wraps `window.fetch` once so every POST/PUT/PATCH/DELETE to this origin carries `x-csrf-token`:
 * the server refuses cookie-authenticated writes without it, and every screen's API module then
 * works without knowing about it.
 * @example installCsrfHeader() // in main.tsx, before rendering
 */
export function installCsrfHeader(): void {
  const original = window.fetch.bind(window);
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const method = (
      init?.method ?? (input instanceof Request ? input.method : 'GET')
    ).toUpperCase();
    const url = new URL(input instanceof Request ? input.url : String(input), window.location.href);
    const token = csrfToken();
    if (
      ['GET', 'HEAD', 'OPTIONS'].includes(method) ||
      url.origin !== window.location.origin ||
      !token
    ) {
      return original(input, init);
    }
    const headers = new Headers(
      init?.headers ?? (input instanceof Request ? input.headers : undefined),
    );
    if (!headers.has('x-csrf-token')) headers.set('x-csrf-token', token);
    return original(input, { ...init, headers });
  };
}
