/** Hash routes (`#/incidents/INC-…?ack=1`): deep links from IM cards survive the login page. */
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  parts: string[];
  query: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [path = '', search = ''] = raw.split('?');
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(search) };
}

/**
 * The current route, following `hashchange`. The listener is attached in an effect, which runs after the first paint
 * (later still on a loaded machine): a hash navigation in between fired no event this component heard, and the page
 * stayed on the previous route for good (seen as a list that never rendered after `#/incidents?status=all`). So
 * the hash is read again once subscribed.
 */
export function useRoute(): Route {
  const [state, setState] = useState(() => ({ hash: location.hash, route: parseHash(location.hash) }));
  useEffect(() => {
    const on = () => setState((prev) => (prev.hash === location.hash ? prev : { hash: location.hash, route: parseHash(location.hash) }));
    window.addEventListener('hashchange', on);
    on();
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return state.route;
}

export const go = (path: string) => void (location.hash = `#/${path}`);
export const href = (path: string) => `#/${path}`;
