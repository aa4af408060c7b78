import { buildOpenApi } from '../adapters/http/openapi.ts';
import { httpApi, json } from '../adapters/http/api.ts';

let openApi: Record<string, unknown> | undefined;

export const handler = httpApi({
  'GET /api/health': async () => json(200, { status: 'ok' }),
  'GET /api/openapi.json': async () => json(200, (openApi ??= buildOpenApi()), { 'Cache-Control': 'public, max-age=300' }),
});
