import { signIn } from '../adapters/auth/cognito.ts';
import { primaryRole } from '../adapters/auth/claims.ts';
import { httpApi, json } from '../adapters/http/api.ts';
import { Forbidden } from '../domain/errors.ts';

export const handler = httpApi({
  'POST /api/auth/login': async ({ body }) => {
    const session = await signIn(body.email, body.password, body.newPassword);
    const role = primaryRole(session.roles);
    // An account with no role group can do nothing here; say so instead of issuing a useless token.
    if (!role) throw new Forbidden('This account has no role yet');
    return json(200, { token: session.token, role, expiresAt: session.expiresAt });
  },
});
