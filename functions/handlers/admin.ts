import { createStaffAccount } from '../adapters/auth/cognito.ts';
import { unitRepository } from '../adapters/dynamodb/units.ts';
import { userRepository } from '../adapters/dynamodb/users.ts';
import { httpApi, json } from '../adapters/http/api.ts';
import { newId } from '../adapters/ids.ts';
import { unitUseCases } from '../app/units.ts';
import { userUseCases } from '../app/users.ts';

const units = unitUseCases({ units: unitRepository, newId });
const users = userUseCases({ users: userRepository, directory: { createAccount: createStaffAccount }, now: () => new Date() });

export const handler = httpApi({
  'GET /api/admin/users': async () => json(200, { items: await users.list() }),
  'POST /api/admin/users': async ({ body }) => {
    const user = await users.create(body);
    return json(201, user);
  },
  'POST /api/admin/units': async ({ body }) => json(201, await units.create(body)),
  'PATCH /api/admin/units/{unitId}': async ({ params, body }) => json(200, await units.update(params.unitId, body)),
});
