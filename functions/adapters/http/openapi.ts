// OpenAPI 3.1 generated from the route table and the zod schemas that validate requests.
import * as z from 'zod';
import type { ZodType } from 'zod';
import { API_VERSION } from './api-version.ts';
import { ErrorEnvelope } from './contract.ts';
import { routes, type RouteDef } from './routes.ts';

const schema = (s: ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(s, { target: 'draft-2020-12', io, unrepresentable: 'any', reused: 'inline' }) as Record<string, unknown>;

const strip = ({ $schema: _drop, ...rest }: Record<string, unknown>) => rest;

/**
 * zod puts the schemas named with `.meta({ id })` in a local `$defs` and points at them with
 * `#/$defs/...`, which means nothing once the schema is inside the document: move them to
 * components.schemas and point there.
 */
function hoist(js: Record<string, unknown>, named: Record<string, unknown>): Record<string, unknown> {
  const rewrite = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(rewrite)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v).map(([k, x]) => [k, k === '$ref' && typeof x === 'string' && x.startsWith('#/$defs/') ? `#/components/schemas/${x.slice(8)}` : rewrite(x)]),
          )
        : v;
  const { $defs, ...rest } = js as { $defs?: Record<string, unknown> };
  for (const [id, def] of Object.entries($defs ?? {})) {
    const body = rewrite(def);
    if (id in named && JSON.stringify(named[id]) !== JSON.stringify(body)) throw new Error(`Two different schemas are named ${id}`);
    named[id] = body;
  }
  return rewrite(rest) as Record<string, unknown>;
}

const ERROR_STATUS: Record<string, string> = {
  '400': 'Invalid request (VALIDATION_FAILED, BAD_JSON)',
  '401': 'Missing or invalid credentials (UNAUTHORIZED, INVALID_CREDENTIALS)',
  '403': 'Role not allowed (FORBIDDEN)',
  '404': 'Not found (NOT_FOUND)',
  '409': 'Conflicts with the current state (CONTEST_NOT_OPEN, ATTEMPTS_EXHAUSTED, ATTEMPT_CLOSED, INVALID_STATE, PHONE_NAME_MISMATCH)',
  '413': 'Body too large (PAYLOAD_TOO_LARGE)',
  '422': 'Unprocessable (IMPORT_INVALID, NOT_ENOUGH_QUESTIONS)',
  '426': 'The app is older than this API (APP_OUTDATED): X-Api-Version below the API version; reload the app',
  '429': 'Too many requests (RATE_LIMITED)',
};

function parameters(route: RouteDef) {
  const out: unknown[] = [];
  for (const [where, s] of [['path', route.params], ['query', route.query]] as const) {
    if (!s) continue;
    const js = strip(schema(s, 'input')) as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, prop] of Object.entries(js.properties ?? {})) {
      out.push({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), schema: prop });
    }
  }
  return out;
}

export function buildOpenApi(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const named: Record<string, unknown> = {};
  const described = (s: ZodType, io: 'input' | 'output') => hoist(strip(schema(s, io)), named);
  described(ErrorEnvelope, 'output');
  for (const route of routes as readonly RouteDef[]) {
    const success: Record<string, unknown> = { description: route.summary };
    if (route.status !== 204) {
      const content: Record<string, unknown> = { 'application/json': { schema: route.response ? described(route.response, 'output') : {} } };
      for (const type of route.produces ?? []) content[type] = { schema: { type: 'string', contentEncoding: 'binary' } };
      success.content = content;
    }
    const responses: Record<string, unknown> = { [String(route.status)]: success };
    for (const [status, description] of Object.entries(ERROR_STATUS)) {
      responses[status] = { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    }
    const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const declared = parameters(route);
    const declaredNames = new Set(declared.map((p) => (p as { name: string }).name));
    const params = [
      ...declared,
      ...pathParams.filter((n) => !declaredNames.has(n)).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    ];
    const operation: Record<string, unknown> = {
      operationId: `${route.method.toLowerCase()}${route.path.replace(/^\/api/, '').replace(/\{(\w+)\}/g, 'By-$1').replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) => (ch ? ch.toUpperCase() : ''))}`,
      summary: route.summary,
      tags: [route.group],
      ...(params.length ? { parameters: params } : {}),
      responses,
      security: route.roles ? [{ staffToken: [] }] : route.attemptToken ? [{ attemptToken: [] }] : [],
      ...(route.roles ? { 'x-roles': route.roles } : {}),
    };
    if (route.body) operation.requestBody = { required: true, content: { 'application/json': { schema: described(route.body, 'input') } } };
    if (route.file) {
      operation.requestBody = {
        required: true,
        content: Object.fromEntries(route.file.map((t) => [t, { schema: { type: 'string', contentEncoding: 'binary' } }])),
      };
    }
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Cuộc thi tìm hiểu CCHC — API',
      version: '1.0.0',
      description: `Knowledge contests for a commune: API contract v1. Clients may send X-Api-Version (the contract version they were built for, now ${API_VERSION}); an older one is refused on every route with 426 APP_OUTDATED.`,
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: named,
      securitySchemes: {
        staffToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Token from POST /api/auth/login' },
        attemptToken: { type: 'apiKey', in: 'header', name: 'X-Attempt-Token', description: 'Token returned when the attempt started' },
      },
    },
  };
}
