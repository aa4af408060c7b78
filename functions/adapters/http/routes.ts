// Every route of the API, declared once: method and path, the Lambda (group) that serves it, who may
// call it, its throttle, and the zod schemas of what it takes and returns. From this one list:
// the CDK stack creates the HTTP API routes and their authorizer (infra/stacks/api.ts), the local
// gateway matches requests, the shared middy stack (api.ts) authorizes and validates, GET
// /api/openapi.json is generated (openapi.ts), each handler is typed by its route key, and the web
// app's types are derived (type-only imports in web/src/lib/api/types.ts and lib/staff/types.ts).
// To add a route: see docs/architecture.md.
import * as z from 'zod';
import type { ZodType } from 'zod';
import type { Role } from '../../domain/staff.ts';
import * as c from './contract.ts';

export type FunctionGroup = 'system' | 'auth' | 'admin' | 'public' | 'contests' | 'imports' | 'results' | 'attempts' | 'privacy';

export interface RouteDef {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  /** The Lambda function that serves it (functions/handlers/<group>.ts). */
  group: FunctionGroup;
  summary: string;
  /** Staff roles allowed (JWT authorizer on AWS, checked again in api.ts); absent means public. */
  roles?: readonly Role[];
  /** Opened only by the attempt's own token (X-Attempt-Token), never by a staff token. */
  attemptToken?: true;
  /** Requests per second allowed for this route on AWS (steady rate, burst twice that). */
  throttle?: number;
  params?: ZodType;
  query?: ZodType;
  /** A JSON body. */
  body?: ZodType;
  /** The body is a file (bytes) of one of these media types instead. */
  file?: readonly string[];
  /** The success status. */
  status: number;
  /** The JSON body of the success response. */
  response?: ZodType;
  /** Other media types the success response may take (exports). */
  produces?: readonly string[];
}

const STAFF: readonly Role[] = ['admin', 'organizer'];
const ADMIN: readonly Role[] = ['admin'];
/** Reads with no personal data: the Fatherland Front's observers see them too. */
const STAFF_READ: readonly Role[] = ['admin', 'organizer', 'observer'];

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const ContestParams = z.object({ contestId: c.Id });

export const routes = [
  { method: 'GET', path: '/api/health', group: 'system', summary: 'Liveness', status: 200, response: c.Health },
  { method: 'GET', path: '/api/openapi.json', group: 'system', summary: 'This OpenAPI 3.1 document', status: 200 },
  { method: 'POST', path: '/api/auth/login', group: 'auth', throttle: 20, summary: 'Staff sign-in', body: c.LoginBody, status: 200, response: c.LoginResponse },

  { method: 'GET', path: '/api/admin/users', group: 'admin', roles: ADMIN, summary: 'Staff accounts', status: 200, response: c.UserList },
  { method: 'POST', path: '/api/admin/users', group: 'admin', roles: ADMIN, summary: 'Create a staff account', body: c.CreateUserBody, status: 201, response: c.User },
  { method: 'POST', path: '/api/admin/units', group: 'admin', roles: ADMIN, summary: 'Create a unit', body: c.CreateUnitBody, status: 201, response: c.Unit },
  {
    method: 'PATCH',
    path: '/api/admin/units/{unitId}',
    group: 'admin',
    roles: ADMIN,
    summary: 'Update a unit',
    params: c.UnitIdParams,
    body: c.PatchUnitBody,
    status: 200,
    response: c.Unit,
  },

  { method: 'GET', path: '/api/units', group: 'public', summary: 'Units (mass organizations, agencies, schools)', status: 200, response: c.UnitList },
  { method: 'GET', path: '/api/contests', group: 'public', summary: 'Published and closed contests', status: 200, response: c.PublicContestList },
  {
    method: 'GET',
    path: '/api/contests/{contestId}',
    group: 'public',
    summary: 'A public contest (404 for drafts)',
    params: ContestParams,
    status: 200,
    response: c.PublicContest,
  },
  {
    method: 'GET',
    path: '/api/contests/{contestId}/leaderboard',
    group: 'public',
    summary: 'Leaderboard: live while open, final once closed; phones masked',
    params: ContestParams,
    query: c.LeaderboardQuery,
    status: 200,
    response: c.Leaderboard,
  },
  {
    method: 'GET',
    path: '/api/contests/{contestId}/units',
    group: 'public',
    summary: 'Unit leaderboard by participation rate (the whole contest, or ?round=)',
    params: ContestParams,
    query: c.RoundQuery,
    status: 200,
    response: c.UnitLeaderboard,
  },

  {
    method: 'POST',
    path: '/api/admin/contests',
    group: 'contests',
    roles: STAFF,
    summary: 'Create a contest (draft)',
    body: c.CreateContestBody,
    status: 201,
    response: c.AdminContest,
  },
  { method: 'GET', path: '/api/admin/contests', group: 'contests', roles: STAFF_READ, summary: 'All contests', status: 200, response: c.AdminContestList },
  {
    method: 'GET',
    path: '/api/admin/contests/{contestId}',
    group: 'contests',
    roles: STAFF_READ,
    summary: 'A contest',
    params: ContestParams,
    status: 200,
    response: c.AdminContest,
  },
  {
    method: 'PATCH',
    path: '/api/admin/contests/{contestId}',
    group: 'contests',
    roles: STAFF,
    summary: 'Update a contest (draft: any field; published: description, rules, a later endsAt)',
    params: ContestParams,
    body: c.PatchContestBody,
    status: 200,
    response: c.AdminContest,
  },
  {
    method: 'POST',
    path: '/api/admin/contests/{contestId}/publish',
    group: 'contests',
    roles: STAFF,
    summary: 'Publish a draft',
    params: ContestParams,
    status: 200,
    response: c.AdminContest,
  },
  {
    method: 'POST',
    path: '/api/admin/contests/{contestId}/close',
    group: 'contests',
    roles: STAFF,
    summary: 'Close as a job: the contest shows `closing` until its open attempts and final ranking are done, then `closed`',
    params: ContestParams,
    status: 202,
    response: c.JobResponse,
  },
  {
    method: 'POST',
    path: '/api/admin/contests/{contestId}/rounds/{roundId}/close',
    group: 'contests',
    roles: STAFF,
    summary: "End an open round early and write its final ranking (a job)",
    params: c.RoundParams,
    status: 202,
    response: c.JobResponse,
  },
  {
    method: 'POST',
    path: '/api/admin/contests/{contestId}/questions',
    group: 'contests',
    roles: STAFF,
    summary: 'Add a question (draft only)',
    params: ContestParams,
    body: c.QuestionBody,
    status: 201,
    response: c.AdminQuestion,
  },
  {
    method: 'GET',
    path: '/api/admin/contests/{contestId}/questions',
    group: 'contests',
    roles: STAFF,
    summary: 'The question bank, with answers',
    params: ContestParams,
    status: 200,
    response: c.AdminQuestionList,
  },
  {
    method: 'POST',
    path: '/api/admin/contests/{contestId}/questions/import',
    group: 'imports',
    roles: STAFF,
    summary: 'Import a CSV or .xlsx question file, all or nothing; with dryRun=true, check it and return the questions without storing',
    params: ContestParams,
    query: c.ImportQuery,
    file: ['text/csv', XLSX],
    status: 200,
    response: z.union([c.ImportResult, c.ImportPreview]),
  },
  {
    method: 'PUT',
    path: '/api/admin/contests/{contestId}/questions/{questionId}',
    group: 'contests',
    roles: STAFF,
    summary: 'Replace a question (draft only)',
    params: c.QuestionParams,
    body: c.QuestionBody,
    status: 200,
    response: c.AdminQuestion,
  },
  {
    method: 'DELETE',
    path: '/api/admin/contests/{contestId}/questions/{questionId}',
    group: 'contests',
    roles: STAFF,
    summary: 'Delete a question (draft only)',
    params: c.QuestionParams,
    status: 204,
  },
  {
    method: 'GET',
    path: '/api/admin/question-template',
    group: 'imports',
    roles: STAFF,
    summary: 'Question-file template with Vietnamese headers (CSV or .xlsx, as a download)',
    query: c.TemplateQuery,
    status: 200,
    produces: ['text/csv', XLSX],
  },

  // The shared question library (contract v2): contests with `draw` copy from it at publish.
  {
    method: 'GET',
    path: '/api/admin/library',
    group: 'contests',
    roles: STAFF,
    summary: 'Library questions by topic and search words (without diacritics too), a page at a time',
    query: c.LibraryQuery,
    status: 200,
    response: c.LibraryList,
  },
  {
    method: 'GET',
    path: '/api/admin/library/topics',
    group: 'contests',
    roles: STAFF,
    summary: 'Library topics and their question counts',
    status: 200,
    response: c.LibraryTopics,
  },
  {
    method: 'POST',
    path: '/api/admin/library',
    group: 'contests',
    roles: STAFF,
    summary: 'Add a question to the library (topic required)',
    body: c.LibraryQuestionBody,
    status: 201,
    response: c.LibraryQuestion,
  },
  {
    method: 'POST',
    path: '/api/admin/library/import',
    group: 'imports',
    roles: STAFF,
    summary: 'Import a CSV or .xlsx question file into the library (topic column required), all or nothing',
    file: ['text/csv', XLSX],
    status: 200,
    response: c.ImportResult,
  },
  {
    method: 'PUT',
    path: '/api/admin/library/{questionId}',
    group: 'contests',
    roles: STAFF,
    summary: 'Replace a library question (published contests keep their copies)',
    params: c.LibraryParams,
    body: c.LibraryQuestionBody,
    status: 200,
    response: c.LibraryQuestion,
  },
  {
    method: 'DELETE',
    path: '/api/admin/library/{questionId}',
    group: 'contests',
    roles: STAFF,
    summary: 'Delete a library question (published contests keep their copies)',
    params: c.LibraryParams,
    status: 204,
  },

  {
    method: 'GET',
    path: '/api/admin/contests/{contestId}/results',
    group: 'results',
    roles: STAFF,
    summary: 'Ranking with personal data, in pages of up to 500 (files: POST .../exports)',
    params: ContestParams,
    query: c.ResultsQuery,
    status: 200,
    response: c.Results,
  },
  {
    method: 'POST',
    path: '/api/admin/contests/{contestId}/exports',
    group: 'results',
    roles: STAFF,
    summary: 'Export the ranking or the award list as a file (a job; its result is a signed download link)',
    params: ContestParams,
    body: c.ExportBody,
    status: 202,
    response: c.JobResponse,
  },
  {
    method: 'GET',
    path: '/api/admin/jobs/{jobId}',
    group: 'results',
    roles: STAFF,
    summary: 'A background job: status, progress, result (the staff member who started it, and admins)',
    params: c.JobParams,
    status: 200,
    response: c.JobResponse,
  },
  {
    method: 'GET',
    path: '/api/admin/contests/{contestId}/stats',
    group: 'results',
    roles: STAFF_READ,
    summary: 'Participation statistics, no personal data (the whole contest, or ?round=)',
    params: ContestParams,
    query: c.RoundQuery,
    status: 200,
    response: c.Stats,
  },

  // Personal data (Decree 13/2023): the audit log, a person's export and erasure on request. The same
  // function runs the daily retention purge (a scheduled event, infra/stacks/api.ts).
  {
    method: 'GET',
    path: '/api/admin/audit',
    group: 'privacy',
    roles: ADMIN,
    summary: 'Audit log of staff access to personal data, newest first (admin)',
    query: c.AuditQuery,
    status: 200,
    response: c.AuditList,
  },
  {
    method: 'GET',
    path: '/api/admin/people/{phone}',
    group: 'privacy',
    roles: ADMIN,
    summary: 'Everything stored about a phone number, across contests (admin; audited; 404 when nothing is)',
    params: c.PersonParams,
    status: 200,
    response: c.PersonExport,
  },
  {
    method: 'DELETE',
    path: '/api/admin/people/{phone}',
    group: 'privacy',
    roles: ADMIN,
    summary: 'Erase a phone number from every contest: rankings and statistics recomputed exactly (admin; audited)',
    params: c.PersonParams,
    status: 200,
    response: c.ErasureResult,
  },

  {
    method: 'POST',
    path: '/api/contests/{contestId}/attempts',
    group: 'attempts',
    throttle: 200,
    summary: 'Register and start an attempt',
    params: ContestParams,
    body: c.StartAttemptBody,
    status: 201,
    response: c.StartedAttempt,
  },
  {
    method: 'GET',
    path: '/api/attempts/{attemptId}',
    group: 'attempts',
    attemptToken: true,
    summary: 'Resume an attempt',
    params: c.AttemptParams,
    status: 200,
    response: c.AttemptState,
  },
  {
    method: 'PUT',
    path: '/api/attempts/{attemptId}/answers',
    group: 'attempts',
    attemptToken: true,
    summary: 'Autosave answers (partial)',
    params: c.AttemptParams,
    body: c.SaveAnswersBody,
    status: 200,
    response: c.SavedAck,
  },
  {
    method: 'POST',
    path: '/api/attempts/{attemptId}/submit',
    group: 'attempts',
    attemptToken: true,
    summary: 'Submit; repeating returns the same result',
    params: c.AttemptParams,
    body: c.SubmitBody,
    status: 200,
    response: c.SubmitResult,
  },
] as const satisfies readonly RouteDef[];

type AnyRoute = (typeof routes)[number];
/** Each route by its key, `METHOD /path` (API Gateway's routeKey). */
export type RouteTable = { [R in AnyRoute as `${R['method']} ${R['path']}`]: R };
export type RouteKey = keyof RouteTable;

type SchemaOf<K extends RouteKey, F extends 'body' | 'params' | 'query' | 'response'> = RouteTable[K] extends { [P in F]: infer S extends ZodType } ? S : never;
/** The JSON body a route takes, as a client sends it (before the schema's transforms). */
export type BodyOf<K extends RouteKey> = z.input<SchemaOf<K, 'body'>>;
/** The JSON body a route answers with on success. */
export type ResponseOf<K extends RouteKey> = z.output<SchemaOf<K, 'response'>>;
/** What a handler receives once the schema has validated (and transformed) the input. */
export type Validated<K extends RouteKey, F extends 'body' | 'params' | 'query'> = [SchemaOf<K, F>] extends [never] ? undefined : z.output<SchemaOf<K, F>>;

export const routeKey = (r: Pick<RouteDef, 'method' | 'path'>): string => `${r.method} ${r.path}`;

export const routeByKey: ReadonlyMap<string, RouteDef> = new Map((routes as readonly RouteDef[]).map((r) => [routeKey(r), r]));

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
