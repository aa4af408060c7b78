import { httpApi, json } from '../adapters/http/api.ts';
import { ValidationFailed } from '../domain/errors.ts';
import { attemptCases } from './composition.ts';

function idempotencyKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[A-Za-z0-9_-]{22,64}$/.test(value)) {
    throw new ValidationFailed([{ field: 'Idempotency-Key', message: '22 to 64 url-safe characters' }]);
  }
  return value;
}

export const handler = httpApi({
  'POST /api/contests/{contestId}/attempts': async ({ params, body, headers }) =>
    json(201, await attemptCases.start(params.contestId, body, idempotencyKey(headers['idempotency-key']))),
  'GET /api/attempts/{attemptId}': async ({ params, headers }) =>
    json(200, await attemptCases.resume(params.attemptId, headers['x-attempt-token'])),
  'PUT /api/attempts/{attemptId}/answers': async ({ params, headers, body }) =>
    json(200, await attemptCases.save(params.attemptId, headers['x-attempt-token'], body.answers)),
  'POST /api/attempts/{attemptId}/submit': async ({ params, headers, body }) =>
    json(200, await attemptCases.submit(params.attemptId, headers['x-attempt-token'], body)),
});
