// HTTP adapter: API Gateway v2 event -> shared middy stack -> typed endpoint -> JSON response.
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpSecurityHeaders from '@middy/http-security-headers';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { z, ZodType } from 'zod';
import { Forbidden, NotFound, ValidationFailed } from '../../domain/errors.ts';
import { staffFromEvent, type Staff } from '../auth/claims.ts';
import { serviceErrorFields } from '../aws/settings.ts';
import { count, countRefusal, flushMetrics, METRIC } from '../metrics.ts';
import { API_VERSION, API_VERSION_HEADER, isOutdatedClient } from './api-version.ts';
import { AppOutdated, BadJson, PayloadTooLarge, toErrorResponse, Unauthorized } from './errors.ts';
import { routeByKey, type RouteDef, type RouteKey, type RouteTable, type Validated } from './routes.ts';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'cuoc-thi' });

/** JSON bodies are small (the largest is a question); anything bigger is refused before parsing. */
export const JSON_BODY_LIMIT = 100 * 1024;
/** Question files: well under Lambda's 6 MB invocation limit once base64-encoded by API Gateway. */
export const FILE_BODY_LIMIT = 4 * 1024 * 1024;

export type Result = APIGatewayProxyStructuredResultV2;

export interface Request<K extends RouteKey> {
  body: Validated<K, 'body'>;
  params: Validated<K, 'params'>;
  query: Validated<K, 'query'>;
  /** Always there on a route with roles: the stack refused the request otherwise. */
  staff: RouteTable[K] extends { roles: readonly string[] } ? Staff : Staff | undefined;
  /** The X-Attempt-Token of an attempt route (never empty: the stack refused the request otherwise). */
  attemptToken: RouteTable[K] extends { attemptToken: true } ? string : undefined;
  /** Undecoded body, for endpoints that take files. */
  raw: Buffer;
  headers: Record<string, string | undefined>;
  event: APIGatewayProxyEventV2;
}

export type RouteHandler<K extends RouteKey> = (req: Request<K>) => Promise<Result>;
export type Handlers = { [K in RouteKey]?: RouteHandler<K> };

const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' };

export const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): Result => ({
  statusCode,
  headers: { ...JSON_HEADERS, ...headers },
  body: JSON.stringify(body),
});

export const noContent = (): Result => ({ statusCode: 204, headers: { 'Cache-Control': 'no-store' } });

export const file = (body: Buffer | string, contentType: string, filename: string): Result => ({
  statusCode: 200,
  headers: {
    'Content-Type': contentType,
    'Content-Disposition': `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
    'Cache-Control': 'no-store',
  },
  body: Buffer.isBuffer(body) ? body.toString('base64') : Buffer.from(body, 'utf8').toString('base64'),
  isBase64Encoded: true,
});

export function validate<S extends ZodType>(schema: S, value: unknown, prefix = ''): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.flatMap((issue) => {
    const base = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => ({ field: base ? `${base}.${k}` : k, message: 'Unknown field' }));
    }
    return [{ field: base || '(body)', message: issue.message }];
  });
  throw new ValidationFailed(details);
}

function readBody(event: APIGatewayProxyEventV2, limit: number): Buffer {
  if (!event.body) return Buffer.alloc(0);
  // A cheap upper bound before decoding: base64 is 4/3 of the bytes.
  const approx = event.isBase64Encoded ? Math.floor((event.body.length * 3) / 4) : Buffer.byteLength(event.body);
  if (approx > limit) throw new PayloadTooLarge(limit);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) throw new BadJson('A JSON body is required');
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new BadJson();
  }
}

function authorize(route: RouteDef, staff: Staff | undefined): void {
  if (!route.roles) return;
  if (!staff) throw new Unauthorized();
  if (!staff.roles.some((r) => route.roles!.includes(r))) throw new Forbidden();
}

/** Maps any error to the contract's envelope; 5xx say nothing of internals but are logged in full. */
const errorEnvelope = (): middy.MiddlewareObj<APIGatewayProxyEventV2, Result> => ({
  onError: async (request) => {
    const response = toErrorResponse(request.error);
    if (!response.expose) {
      // An AWS call's request id goes with it: the one thing AWS Support needs to trace a failed call.
      logger.error('Unhandled error', { error: request.error as Error, routeKey: request.event.routeKey, ...serviceErrorFields(request.error) });
    } else if (response.statusCode >= 400) {
      const { code } = request.error as Error & { code?: string };
      logger.info('Request refused', { routeKey: request.event.routeKey, code });
      if (code) countRefusal(code);
    }
    request.response = { statusCode: response.statusCode, headers: response.headers, body: response.body };
  },
});

/** The participant traffic on the dashboard: successful answers of these routes. */
const TRAFFIC: Partial<Record<RouteKey, string>> = {
  'POST /api/contests/{contestId}/attempts': METRIC.attemptStarted,
  'POST /api/attempts/{attemptId}/submit': METRIC.attemptSubmitted,
};

/** The one middy stack every Lambda of this API uses; it dispatches on the route key API Gateway matched. */
export function httpApi(handlers: Handlers) {
  return middy<APIGatewayProxyEventV2, Result, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(flushMetrics())
    .use(httpHeaderNormalizer())
    .use(httpSecurityHeaders({ poweredBy: false, reportTo: false, ...({ reportingEndpoints: false } as object) }))
    .use(errorEnvelope())
    .handler(async (event) => {
      // First: an app built for an older contract must not be served anything it could misread.
      const sentVersion = event.headers?.[API_VERSION_HEADER];
      if (isOutdatedClient(sentVersion)) throw new AppOutdated(sentVersion!, API_VERSION);
      const route = routeByKey.get(event.routeKey);
      const handle = handlers[event.routeKey as RouteKey] as RouteHandler<RouteKey> | undefined;
      if (!handle || !route) throw new NotFound('Route', event.routeKey);
      const staff = staffFromEvent(event);
      authorize(route, staff);
      const headers = event.headers ?? {};
      const raw = readBody(event, route.file ? FILE_BODY_LIMIT : JSON_BODY_LIMIT);
      const body = route.body ? validate(route.body, parseJson(raw)) : undefined;
      const params = route.params ? validate(route.params, event.pathParameters ?? {}, 'path') : (event.pathParameters ?? {});
      const query = route.query ? validate(route.query, event.queryStringParameters ?? {}, 'query') : undefined;
      // After validation: a malformed body is a 400 whatever the token carried.
      const attemptToken = route.attemptToken ? headers['x-attempt-token'] : undefined;
      if (route.attemptToken && !attemptToken) throw new Unauthorized('X-Attempt-Token is required');
      const result = await handle({ body, params, query, staff, attemptToken, raw, headers, event } as never);
      const traffic = TRAFFIC[event.routeKey as RouteKey];
      if (traffic && (result.statusCode ?? 200) < 300) count(traffic);
      return result;
    });
}
