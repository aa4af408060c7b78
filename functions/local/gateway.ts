// The local stand-in for API Gateway HTTP API: each request becomes a payload-v2 event, staff
// routes get their JWT verified like the Cognito authorizer does, and the very Lambda handler runs.
import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { errorBody } from '../adapters/http/errors.ts';
import { matchRoute, type FunctionGroup, type RouteDef } from '../adapters/http/routes.ts';
import { sendCompressed } from './static.ts';

/** Lambda's synchronous invocation limit; API Gateway refuses larger requests before any handler. */
const MAX_REQUEST_BYTES = 6 * 1024 * 1024;

type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export interface GatewayOptions {
  issuer: string;
  audience: string;
  loadHandler: (group: FunctionGroup) => Promise<LambdaHandler>;
}

const TEXT_TYPES = /^(application\/(json|x-www-form-urlencoded|xml)|text\/)/i;

/** API Gateway passes JWT claims as strings, arrays flattened to "[a b]". */
function flattenClaims(payload: JWTPayload): Record<string, string> {
  return Object.fromEntries(
    Object.entries(payload).map(([k, v]) => [k, Array.isArray(v) ? `[${v.join(' ')}]` : typeof v === 'object' ? JSON.stringify(v) : String(v)]),
  );
}

function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendError(req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string) {
  sendCompressed(req, res, status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }, Buffer.from(errorBody(code, message)));
}

/** A request as API Gateway's payload v2 event (also a Lambda function URL's), for any of our handlers. */
export function lambdaEvent(
  req: IncomingMessage,
  url: URL,
  body: Buffer,
  routeKey: string,
  pathParameters: Record<string, string>,
  auth?: { jwt: { claims: Record<string, string>; scopes: null } },
): APIGatewayProxyEventV2 {
  const method = (req.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  // A text body is passed as a string only when it is valid UTF-8: decoding anything else would
  // silently replace bytes with U+FFFD (a Windows-1258 or UTF-16 CSV, a zip labelled text/csv).
  const isText = body.length === 0 || (TEXT_TYPES.test(headers['content-type'] ?? 'application/json') && isUtf8(body));
  const now = new Date();
  const requestId = randomUUID();
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    ...(headers.cookie ? { cookies: headers.cookie.split(/;\s*/) } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      ...(auth ? { authorizer: auth } : {}),
    } as APIGatewayProxyEventV2['requestContext'],
    ...(body.length ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: !isText,
  };
}

/** A handler's result as the HTTP response API Gateway (or a function URL) would send. */
export function sendLambdaResult(req: IncomingMessage, res: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const out = result.body === undefined ? Buffer.alloc(0) : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  const outHeaders: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) if (v !== undefined) outHeaders[k.toLowerCase()] = String(v);
  if (result.cookies?.length) outHeaders['set-cookie'] = result.cookies;
  sendCompressed(req, res, result.statusCode ?? 200, outHeaders, out);
}

export function createGateway(options: GatewayOptions) {
  const jwks = createRemoteJWKSet(new URL(`${options.issuer}/.well-known/jwks.json`));
  const handlers = new Map<FunctionGroup, Promise<LambdaHandler>>();
  const handlerFor = (group: FunctionGroup) => {
    let h = handlers.get(group);
    if (!h) handlers.set(group, (h = options.loadHandler(group)));
    return h;
  };

  async function authorizer(route: RouteDef, authorization: string | undefined) {
    if (!route.roles) return undefined;
    const token = authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
    if (!token) return null;
    try {
      const { payload } = await jwtVerify(token, jwks, { issuer: options.issuer, audience: options.audience });
      return { jwt: { claims: flattenClaims(payload), scopes: null } };
    } catch {
      return null;
    }
  }

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const match = matchRoute(method, url.pathname);
    if (!match.route) {
      // Drain the body so the connection stays usable.
      await readBody(req);
      return sendError(req, res, 404, 'NOT_FOUND', `No route ${method} ${url.pathname}`);
    }
    const { route, pathParameters } = match;
    const body = await readBody(req);
    if (body === 'too-large') return sendError(req, res, 413, 'PAYLOAD_TOO_LARGE', 'Request body larger than 6 MB');

    const authorization = req.headers.authorization;
    const auth = await authorizer(route, authorization);
    if (auth === null) return sendError(req, res, 401, 'UNAUTHORIZED', 'A valid staff token is required');

    const routeKey = `${route.method} ${route.path}`;
    const event = lambdaEvent(req, url, body, routeKey, pathParameters, auth);
    const requestId = event.requestContext.requestId;
    // Monotonic, as Lambda's: the tests move Date (server-clock.mjs), which must not cut a request short.
    const deadline = performance.now() + 60_000;
    const context = {
      functionName: `local-${route.group}`,
      awsRequestId: requestId,
      getRemainingTimeInMillis: () => deadline - performance.now(),
    } as unknown as Context;

    let result: APIGatewayProxyStructuredResultV2;
    try {
      const handler = await handlerFor(route.group);
      result = await handler(event, context);
    } catch (error) {
      console.error(`[local] ${routeKey} threw`, error);
      return sendError(req, res, 500, 'INTERNAL', 'Internal Server Error');
    }
    sendLambdaResult(req, res, result);
  };
}
