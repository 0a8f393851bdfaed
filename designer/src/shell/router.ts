// Hash routing: `#/section/rest/of/path`. Small on purpose; the app has few top-level screens.
import { useEffect, useState } from 'react';

/** The current route split into segments, e.g. `#/flows/meddev/golden` → ['flows', 'meddev', 'golden']. */
export function currentSegments(): string[] {
  return window.location.hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter((s) => s !== '')
    .map((s) => decodeURIComponent(s));
}

/** Re-renders on every hash change and returns the current segments. */
export function useRoute(): string[] {
  const [segments, setSegments] = useState(currentSegments);
  useEffect(() => {
    const onChange = () => setSegments(currentSegments());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return segments;
}

/**
 * Goes to a route built from segments; each segment is URI-encoded.
 * @example navigate('flows', spaceKey, flowKey)
 */
export function navigate(...segments: string[]): void {
  window.location.hash = '/' + segments.map((s) => encodeURIComponent(s)).join('/');
}

/** The href for a route, for `<a>` elements. */
export function routeHref(...segments: string[]): string {
  return '#/' + segments.map((s) => encodeURIComponent(s)).join('/');
}
