// The shared middy stack counts the participant traffic for the dashboard in CloudWatch's embedded
// metric format: a submit answered 2xx is one AttemptSubmitted, a refusal one Refused with its
// contract code as a dimension, and a request that counted nothing prints nothing.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

type Api = typeof import('../../../functions/adapters/http/api.ts');
let api: Api;
// From the same module instances as the stack (loaded after vi.resetModules below), so instanceof holds.
let AttemptClosed: typeof import('../../../functions/domain/errors.ts').AttemptClosed;

beforeAll(async () => {
  // Read at load, as on Lambda, where the stack sets it per stage.
  vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'CuocThi/test');
  // The unit project shares modules between files: load the stack afresh, with this environment.
  vi.resetModules();
  api = await import('../../../functions/adapters/http/api.ts');
  ({ AttemptClosed } = await import('../../../functions/domain/errors.ts'));
});
afterEach(() => vi.restoreAllMocks());

const submitEvent = (): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: 'POST /api/attempts/{attemptId}/submit',
    rawPath: '/api/attempts/a1/submit',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', 'x-attempt-token': 'tok' },
    pathParameters: { attemptId: 'a1' },
    body: '{}',
    isBase64Encoded: false,
    requestContext: { http: { method: 'POST', path: '/api/attempts/a1/submit' }, requestId: 'r1' },
  }) as never;
const context = { awsRequestId: 'req', functionName: 'attempts', getRemainingTimeInMillis: () => 10_000 } as Context;

/** EMF documents printed while `fn` runs. */
async function emitted(fn: () => Promise<unknown>) {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  const result = await fn();
  vi.restoreAllMocks();
  const docs = lines.flatMap((l) => l.split('\n')).filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l));
  return { result, docs };
}

describe('traffic metrics', () => {
  it('counts a successful submit once, in the stage namespace', async () => {
    const handler = api.httpApi({ 'POST /api/attempts/{attemptId}/submit': async () => api.json(200, { ok: true }) });
    const { result, docs } = await emitted(() => handler(submitEvent(), context));
    expect(result).toMatchObject({ statusCode: 200 });
    expect(docs).toHaveLength(1);
    expect(docs[0]._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'CuocThi/test', Metrics: [{ Name: 'AttemptSubmitted', Unit: 'Count' }] });
    expect(docs[0].AttemptSubmitted).toBe(1);
  });

  it('counts a refusal by its contract code, and not as a submit', async () => {
    const handler = api.httpApi({
      'POST /api/attempts/{attemptId}/submit': async () => {
        throw new AttemptClosed();
      },
    });
    const { result, docs } = await emitted(() => handler(submitEvent(), context));
    expect(result).toMatchObject({ statusCode: 409, headers: expect.objectContaining({ 'Cache-Control': 'no-store' }) });
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ code: 'ATTEMPT_CLOSED', Refused: 1 });
    expect(docs[0]._aws.CloudWatchMetrics[0].Dimensions[0]).toEqual(expect.arrayContaining(['code']));
    expect(docs[0].AttemptSubmitted).toBeUndefined();
  });

  it('prints nothing for a request that counted nothing', async () => {
    const handler = api.httpApi({ 'GET /api/health': async () => api.json(200, { ok: true }) } as never);
    const event = { ...submitEvent(), routeKey: 'GET /api/health', body: undefined, pathParameters: {} } as APIGatewayProxyEventV2;
    const { result, docs } = await emitted(() => handler(event, context));
    expect(result).toMatchObject({ statusCode: 200 });
    expect(docs).toEqual([]);
  });
});
