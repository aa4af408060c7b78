/// <reference types="svelte" />
// A tiny history-API router: four routes do not need a library. Same-origin <a> clicks
// are handled here, so pages use plain links.

export type Route =
  | { name: 'home' }
  | { name: 'contest'; contestId: string }
  | { name: 'attempt'; attemptId: string }
  | { name: 'staff'; path: string }
  | { name: 'notFound' };

function segment(s: string): string | undefined {
  try {
    const v = decodeURIComponent(s);
    return v ? v : undefined;
  } catch {
    return undefined;
  }
}

export function matchPath(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { name: 'home' };
  const parts = path.split('/').slice(1);
  if (parts[0] === 'admin') return { name: 'staff', path: '/' + parts.slice(1).join('/') };
  if (parts.length === 2) {
    const id = segment(parts[1]!);
    if (id && parts[0] === 'contests') return { name: 'contest', contestId: id };
    if (id && parts[0] === 'attempts') return { name: 'attempt', attemptId: id };
  }
  return { name: 'notFound' };
}

export const contestPath = (contestId: string) => `/contests/${encodeURIComponent(contestId)}`;
export const attemptPath = (attemptId: string) => `/attempts/${encodeURIComponent(attemptId)}`;
/** Sections of the contest page that other pages link to. */
export const BOARD_ANCHOR = 'bang-xep-hang';
export const UNIT_BOARD_ANCHOR = 'xep-hang-don-vi';

class Router {
  #path = $state('/');
  #search = $state('');
  #hash = $state('');
  /** Bumped on every in-app navigation (not the first load), for focus handling. */
  #navigations = $state(0);
  #route = $derived(matchPath(this.#path));

  constructor() {
    // Read the address before the first render, or "/" would flash (and fetch) first.
    if (typeof location !== 'undefined') this.#sync();
  }

  get route(): Route {
    return this.#route;
  }
  get path(): string {
    return this.#path;
  }
  get query(): URLSearchParams {
    return new URLSearchParams(this.#search);
  }
  get hash(): string {
    return this.#hash;
  }
  get navigations(): number {
    return this.#navigations;
  }

  #sync(): void {
    this.#path = location.pathname;
    this.#search = location.search;
    this.#hash = location.hash;
  }

  navigate(href: string, opts: { replace?: boolean } = {}): void {
    const url = new URL(href, location.href);
    if (opts.replace) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
    this.#sync();
    this.#navigations++;
    if (!url.hash) window.scrollTo(0, 0);
  }

  /** Starts listening; returns the cleanup. */
  start(): () => void {
    this.#sync();
    const onPop = () => {
      this.#sync();
      this.#navigations++;
    };
    const onClick = (e: MouseEvent) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const a = (e.target as Element | null)?.closest?.('a');
      if (!a || a.target || a.hasAttribute('download') || a.getAttribute('rel') === 'external') return;
      const url = new URL(a.href, location.href);
      if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
      if (url.pathname === location.pathname && url.search === location.search && url.hash) return;
      e.preventDefault();
      this.navigate(url.pathname + url.search + url.hash);
    };
    addEventListener('popstate', onPop);
    document.addEventListener('click', onClick);
    return () => {
      removeEventListener('popstate', onPop);
      document.removeEventListener('click', onClick);
    };
  }
}

export const router = new Router();
