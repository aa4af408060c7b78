import { unitRepository } from '../adapters/dynamodb/units.ts';
import { httpApi, json } from '../adapters/http/api.ts';
import { newId } from '../adapters/ids.ts';
import { unitUseCases } from '../app/units.ts';

const units = unitUseCases({ units: unitRepository, newId });

export const handler = httpApi({
  'GET /api/units': async () => json(200, { items: await units.list() }, { 'Cache-Control': 'public, max-age=30' }),
});
