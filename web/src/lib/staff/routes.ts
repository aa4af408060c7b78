// The console's own routes (the path below /admin) and who may open each screen.
import type { Role } from './types.ts';

export type ContestTab = 'settings' | 'questions' | 'monitor' | 'results' | 'awards' | 'share';
export const CONTEST_TABS: readonly ContestTab[] = ['settings', 'questions', 'monitor', 'results', 'awards', 'share'];

export type StaffRoute =
  | { name: 'home' }
  | { name: 'contests' }
  | { name: 'contestNew' }
  | { name: 'contest'; id: string; tab: ContestTab }
  | { name: 'library' }
  | { name: 'units' }
  | { name: 'users' }
  | { name: 'dashboards' }
  | { name: 'dashboard'; id: string }
  | { name: 'notFound' };

/** Which group of screens a route belongs to; access is decided per group. */
export type Area = 'home' | 'organize' | 'administer' | 'observe' | 'none';

function decode(s: string | undefined): string | undefined {
  if (!s) return undefined;
  try {
    return decodeURIComponent(s) || undefined;
  } catch {
    return undefined;
  }
}

export function matchStaffPath(path: string): StaffRoute {
  const parts = path.replace(/\/+$/, '').split('/').filter(Boolean);
  const [a, b, c] = parts;
  if (parts.length === 0) return { name: 'home' };
  if (a === 'contests') {
    if (parts.length === 1) return { name: 'contests' };
    if (b === 'new' && parts.length === 2) return { name: 'contestNew' };
    const id = decode(b);
    if (!id || parts.length > 3) return { name: 'notFound' };
    if (c === undefined) return { name: 'contest', id, tab: 'settings' };
    return (CONTEST_TABS as readonly string[]).includes(c) && c !== 'settings' ? { name: 'contest', id, tab: c as ContestTab } : { name: 'notFound' };
  }
  if (a === 'library' && parts.length === 1) return { name: 'library' };
  if (a === 'units' && parts.length === 1) return { name: 'units' };
  if (a === 'users' && parts.length === 1) return { name: 'users' };
  if (a === 'dashboard') {
    if (parts.length === 1) return { name: 'dashboards' };
    const id = decode(b);
    if (id && parts.length === 2) return { name: 'dashboard', id };
  }
  return { name: 'notFound' };
}

export const staffPaths = {
  home: '/admin',
  contests: '/admin/contests',
  contestNew: '/admin/contests/new',
  contest: (id: string, tab: ContestTab = 'settings') => `/admin/contests/${encodeURIComponent(id)}${tab === 'settings' ? '' : '/' + tab}`,
  library: '/admin/library',
  units: '/admin/units',
  users: '/admin/users',
  dashboards: '/admin/dashboard',
  dashboard: (id: string) => `/admin/dashboard/${encodeURIComponent(id)}`,
} as const;

export function areaOf(route: StaffRoute): Area {
  switch (route.name) {
    case 'home':
      return 'home';
    case 'contests':
    case 'contestNew':
    case 'contest':
    case 'library':
      return 'organize';
    case 'units':
    case 'users':
      return 'administer';
    case 'dashboards':
    case 'dashboard':
      return 'observe';
    default:
      return 'none';
  }
}

const AREAS: Record<Role, readonly Area[]> = {
  admin: ['home', 'organize', 'administer', 'observe', 'none'],
  organizer: ['home', 'organize', 'observe', 'none'],
  // The Fatherland Front sees participation figures only: no names, no phone numbers.
  observer: ['home', 'observe', 'none'],
};

export function canOpen(role: Role, route: StaffRoute): boolean {
  return AREAS[role].includes(areaOf(route));
}

/** Where a role lands after signing in. */
export const homeOf = (role: Role): string => (role === 'observer' ? staffPaths.dashboards : staffPaths.contests);
