import { httpApi, json } from '../adapters/http/api.ts';
import { attemptCases } from './composition.ts';

export const handler = httpApi({
  'POST /api/contests/{contestId}/attempts': async ({ params, body }) => json(201, await attemptCases.start(params.contestId, body)),
  'GET /api/attempts/{attemptId}': async ({ params, headers }) =>
    json(200, await attemptCases.resume(params.attemptId, headers['x-attempt-token'])),
  'PUT /api/attempts/{attemptId}/answers': async ({ params, headers, body }) =>
    json(200, await attemptCases.save(params.attemptId, headers['x-attempt-token'], body.answers)),
  'POST /api/attempts/{attemptId}/submit': async ({ params, headers, body }) =>
    json(200, await attemptCases.submit(params.attemptId, headers['x-attempt-token'], body)),
});
