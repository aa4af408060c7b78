// What each route of the contract takes and returns, keyed by its route key. The shared
// middy stack validates requests with these schemas; the OpenAPI document is generated from them.
import * as z from 'zod';
import type { ZodType } from 'zod';
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

  'GET /api/contests': { summary: 'Published and closed contests', status: 200, response: c.PublicContestList },
  'GET /api/contests/{contestId}': { summary: 'A public contest (404 for drafts)', params: ContestParams, status: 200, response: c.PublicContest },
  'GET /api/contests/{contestId}/leaderboard': {
    summary: 'Leaderboard: live while open, final once closed; phones masked',
    params: ContestParams,
    query: c.LeaderboardQuery,
    status: 200,
    response: c.Leaderboard,
  },
  'GET /api/contests/{contestId}/units': { summary: 'Unit leaderboard by participation rate', params: ContestParams, status: 200, response: c.UnitLeaderboard },

  'POST /api/admin/contests': { summary: 'Create a contest (draft)', body: c.CreateContestBody, status: 201, response: c.AdminContest },
  'GET /api/admin/contests': { summary: 'All contests', status: 200, response: c.AdminContestList },
  'GET /api/admin/contests/{contestId}': { summary: 'A contest', params: ContestParams, status: 200, response: c.AdminContest },
  'PATCH /api/admin/contests/{contestId}': {
    summary: 'Update a contest (draft: any field; published: description, rules, a later endsAt)',
    params: ContestParams,
    body: c.PatchContestBody,
    status: 200,
    response: c.AdminContest,
  },
  'POST /api/admin/contests/{contestId}/publish': { summary: 'Publish a draft', params: ContestParams, status: 200, response: c.AdminContest },
  'POST /api/admin/contests/{contestId}/close': {
    summary: 'Close: finalise open attempts and the ranking',
    params: ContestParams,
    status: 200,
    response: c.AdminContest,
  },
  'POST /api/admin/contests/{contestId}/questions': { summary: 'Add a question (draft only)', params: ContestParams, body: c.QuestionBody, status: 201, response: c.AdminQuestion },
  'GET /api/admin/contests/{contestId}/questions': { summary: 'The question bank, with answers', params: ContestParams, status: 200, response: c.AdminQuestionList },
  'POST /api/admin/contests/{contestId}/questions/import': {
    summary: 'Import a CSV or .xlsx question file, all or nothing; with dryRun=true, check it and return the questions without storing',
    params: ContestParams,
    query: c.ImportQuery,
    file: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    status: 200,
    response: z.union([c.ImportResult, c.ImportPreview]),
  },
  'PUT /api/admin/contests/{contestId}/questions/{questionId}': {
    summary: 'Replace a question (draft only)',
    params: c.QuestionParams,
    body: c.QuestionBody,
    status: 200,
    response: c.AdminQuestion,
  },
  'GET /api/admin/question-template': {
    summary: 'Question-file template with Vietnamese headers (CSV or .xlsx, as a download)',
    query: c.TemplateQuery,
    status: 200,
    produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  },
  'DELETE /api/admin/contests/{contestId}/questions/{questionId}': { summary: 'Delete a question (draft only)', params: c.QuestionParams, status: 204 },
  'GET /api/admin/contests/{contestId}/results': {
    summary: 'Ranking with personal data (JSON, CSV or .xlsx)',
    params: ContestParams,
    query: c.ResultsQuery,
    status: 200,
    response: c.Results,
    produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  },
  'GET /api/admin/contests/{contestId}/stats': { summary: 'Participation statistics, no personal data', params: ContestParams, status: 200, response: c.Stats },
  'GET /api/admin/audit': {
    summary: 'Audit log of staff access to personal data, newest first (admin)',
    query: c.AuditQuery,
    status: 200,
    response: c.AuditList,
  },
  'GET /api/admin/people/{phone}': {
    summary: 'Everything stored about a phone number, across contests (admin; audited; 404 when nothing is)',
    params: c.PersonParams,
    status: 200,
    response: c.PersonExport,
  },
  'DELETE /api/admin/people/{phone}': {
    summary: 'Erase a phone number from every contest: rankings and statistics recomputed exactly (admin; audited)',
    params: c.PersonParams,
    status: 200,
    response: c.ErasureResult,
  },
  'POST /api/contests/{contestId}/attempts': { summary: 'Register and start an attempt', params: ContestParams, body: c.StartAttemptBody, status: 201, response: c.StartedAttempt },
  'GET /api/attempts/{attemptId}': { summary: 'Resume an attempt', params: c.AttemptParams, status: 200, response: c.AttemptState },
  'PUT /api/attempts/{attemptId}/answers': { summary: 'Autosave answers (partial)', params: c.AttemptParams, body: c.SaveAnswersBody, status: 200, response: c.SavedAck },
  'POST /api/attempts/{attemptId}/submit': { summary: 'Submit; repeating returns the same result', params: c.AttemptParams, body: c.SubmitBody, status: 200, response: c.SubmitResult },
} as const satisfies Record<RouteKey, Operation>;

export type Operations = typeof operations;
