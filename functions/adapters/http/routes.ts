// Every route of API contract v1, described once: the CDK API stack creates its
// HTTP API routes (and their authorizer) from this list, the local gateway matches
// requests against it, and each handler dispatches on its routeKey.
export type Role = 'admin' | 'organizer' | 'observer';
export type FunctionGroup = 'system' | 'auth' | 'admin' | 'public' | 'contests' | 'imports' | 'results' | 'attempts' | 'privacy';

export interface RouteDef {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  group: FunctionGroup;
  /** Staff roles allowed; absent means public (or attempt-token) access. */
  roles?: readonly Role[];
  /** Requests per second allowed for this route on AWS (steady rate, burst twice that). */
  throttle?: number;
}

const STAFF: readonly Role[] = ['admin', 'organizer'];
const ADMIN: readonly Role[] = ['admin'];
/** Reads with no personal data: the Fatherland Front's observers see them too. */
const STAFF_READ: readonly Role[] = ['admin', 'organizer', 'observer'];

export const routes = [
  { method: 'GET', path: '/api/health', group: 'system' },
  { method: 'GET', path: '/api/openapi.json', group: 'system' },
  { method: 'POST', path: '/api/auth/login', group: 'auth', throttle: 20 },

  { method: 'GET', path: '/api/admin/users', group: 'admin', roles: ADMIN },
  { method: 'POST', path: '/api/admin/users', group: 'admin', roles: ADMIN },
  { method: 'POST', path: '/api/admin/units', group: 'admin', roles: ADMIN },
  { method: 'PATCH', path: '/api/admin/units/{unitId}', group: 'admin', roles: ADMIN },

  { method: 'GET', path: '/api/units', group: 'public' },
  { method: 'GET', path: '/api/contests', group: 'public' },
  { method: 'GET', path: '/api/contests/{contestId}', group: 'public' },
  { method: 'GET', path: '/api/contests/{contestId}/leaderboard', group: 'public' },
  { method: 'GET', path: '/api/contests/{contestId}/units', group: 'public' },

  { method: 'POST', path: '/api/admin/contests', group: 'contests', roles: STAFF },
  { method: 'GET', path: '/api/admin/contests', group: 'contests', roles: STAFF_READ },
  { method: 'GET', path: '/api/admin/contests/{contestId}', group: 'contests', roles: STAFF_READ },
  { method: 'PATCH', path: '/api/admin/contests/{contestId}', group: 'contests', roles: STAFF },
  { method: 'POST', path: '/api/admin/contests/{contestId}/publish', group: 'contests', roles: STAFF },
  { method: 'POST', path: '/api/admin/contests/{contestId}/close', group: 'contests', roles: STAFF },
  { method: 'POST', path: '/api/admin/contests/{contestId}/questions', group: 'contests', roles: STAFF },
  { method: 'GET', path: '/api/admin/contests/{contestId}/questions', group: 'contests', roles: STAFF },
  { method: 'POST', path: '/api/admin/contests/{contestId}/questions/import', group: 'imports', roles: STAFF },
  { method: 'PUT', path: '/api/admin/contests/{contestId}/questions/{questionId}', group: 'contests', roles: STAFF },
  { method: 'DELETE', path: '/api/admin/contests/{contestId}/questions/{questionId}', group: 'contests', roles: STAFF },
  { method: 'GET', path: '/api/admin/question-template', group: 'imports', roles: STAFF },

  { method: 'GET', path: '/api/admin/contests/{contestId}/results', group: 'results', roles: STAFF },
  { method: 'GET', path: '/api/admin/contests/{contestId}/stats', group: 'results', roles: STAFF_READ },

  // Personal data (Decree 13/2023): the audit log, a person's export and erasure on request. The same
  // function runs the daily retention purge (a scheduled event, infra/stacks/api.ts).
  { method: 'GET', path: '/api/admin/audit', group: 'privacy', roles: ADMIN },
  { method: 'GET', path: '/api/admin/people/{phone}', group: 'privacy', roles: ADMIN },
  { method: 'DELETE', path: '/api/admin/people/{phone}', group: 'privacy', roles: ADMIN },

  { method: 'POST', path: '/api/contests/{contestId}/attempts', group: 'attempts', throttle: 200 },
  { method: 'GET', path: '/api/attempts/{attemptId}', group: 'attempts' },
  { method: 'PUT', path: '/api/attempts/{attemptId}/answers', group: 'attempts' },
  { method: 'POST', path: '/api/attempts/{attemptId}/submit', group: 'attempts' },
] as const satisfies readonly RouteDef[];

type AnyRoute = (typeof routes)[number];
export type RouteKey = AnyRoute extends infer R ? (R extends { method: infer M extends string; path: infer P extends string } ? `${M} ${P}` : never) : never;

export const routeKey = (r: RouteDef): string => `${r.method} ${r.path}`;

export const functionGroups = [...new Set(routes.map((r) => r.group))] as FunctionGroup[];

/** Matches a concrete method + path against the route table, returning the route and its path parameters. */
export function matchRoute(
  method: string,
  path: string,
): { route: RouteDef; pathParameters: Record<string, string> } | { route: undefined; methodNotAllowed: boolean } {
  const parts = path.split('/');
  let pathMatched = false;
  for (const route of routes as readonly RouteDef[]) {
    const template = route.path.split('/');
    if (template.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < template.length; i++) {
      const t = template[i]!;
      const p = parts[i]!;
      if (t.startsWith('{') && t.endsWith('}')) {
        if (!p) { ok = false; break; }
        try { params[t.slice(1, -1)] = decodeURIComponent(p); } catch { ok = false; break; }
      } else if (t !== p) { ok = false; break; }
    }
    if (!ok) continue;
    pathMatched = true;
    if (route.method === method) return { route, pathParameters: params };
  }
  return { route: undefined, methodNotAllowed: pathMatched };
}
