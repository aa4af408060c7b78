// What each route of the contract takes and returns, keyed by its route key. The shared
// middy stack validates requests with these schemas; the OpenAPI document is generated from them.
import { z, type ZodType } from 'zod';
import * as c from './contract.ts';
import type { RouteKey } from './routes.ts';

export interface Operation {
  summary: string;
  body?: ZodType;
  /** The body is a file (bytes), described by these media types. */
  file?: readonly string[];
  params?: ZodType;
  query?: ZodType;
  status: number;
  response?: ZodType;
  /** Other media types the success response may take (exports). */
  produces?: readonly string[];
}

const ContestParams = z.object({ contestId: c.Id });

export const operations = {
  'GET /api/health': { summary: 'Liveness', status: 200, response: c.Health },
  'GET /api/openapi.json': { summary: 'This OpenAPI 3.1 document', status: 200 },
  'POST /api/auth/login': { summary: 'Staff sign-in', body: c.LoginBody, status: 200, response: c.LoginResponse },

  'GET /api/admin/users': { summary: 'Staff accounts', status: 200, response: c.UserList },
  'POST /api/admin/users': { summary: 'Create a staff account', body: c.CreateUserBody, status: 201, response: c.User },
  'POST /api/admin/units': { summary: 'Create a unit', body: c.CreateUnitBody, status: 201, response: c.Unit },
  'PATCH /api/admin/units/{unitId}': {
    summary: 'Update a unit',
    params: c.UnitIdParams,
    body: c.PatchUnitBody,
    status: 200,
    response: c.Unit,
  },
  'GET /api/units': { summary: 'Units (mass organizations, agencies, schools)', status: 200, response: c.UnitList },

  'GET /api/contests': { summary: 'Published and closed contests', status: 200 },
  'GET /api/contests/{contestId}': { summary: 'A public contest', params: ContestParams, status: 200 },
  'GET /api/contests/{contestId}/leaderboard': { summary: 'Leaderboard', params: ContestParams, status: 200 },
  'GET /api/contests/{contestId}/units': { summary: 'Unit leaderboard', params: ContestParams, status: 200 },
  'POST /api/admin/contests': { summary: 'Create a contest', status: 201 },
  'GET /api/admin/contests': { summary: 'Contests', status: 200 },
  'GET /api/admin/contests/{contestId}': { summary: 'A contest', params: ContestParams, status: 200 },
  'PATCH /api/admin/contests/{contestId}': { summary: 'Update a contest', params: ContestParams, status: 200 },
  'POST /api/admin/contests/{contestId}/publish': { summary: 'Publish', params: ContestParams, status: 200 },
  'POST /api/admin/contests/{contestId}/close': { summary: 'Close', params: ContestParams, status: 200 },
  'POST /api/admin/contests/{contestId}/questions': { summary: 'Add a question', params: ContestParams, status: 201 },
  'GET /api/admin/contests/{contestId}/questions': { summary: 'Question bank', params: ContestParams, status: 200 },
  'POST /api/admin/contests/{contestId}/questions/import': { summary: 'Import questions', params: ContestParams, status: 200 },
  'DELETE /api/admin/contests/{contestId}/questions/{questionId}': { summary: 'Delete a question', status: 204 },
  'GET /api/admin/contests/{contestId}/results': { summary: 'Results', params: ContestParams, status: 200 },
  'GET /api/admin/contests/{contestId}/stats': { summary: 'Statistics', params: ContestParams, status: 200 },
  'POST /api/contests/{contestId}/attempts': { summary: 'Start an attempt', params: ContestParams, status: 201 },
  'GET /api/attempts/{attemptId}': { summary: 'Resume an attempt', status: 200 },
  'PUT /api/attempts/{attemptId}/answers': { summary: 'Autosave answers', status: 200 },
  'POST /api/attempts/{attemptId}/submit': { summary: 'Submit an attempt', status: 200 },
} as const satisfies Record<RouteKey, Operation>;

export type Operations = typeof operations;
