import { signIn } from '../adapters/auth/cognito.ts';
import { primaryRole } from '../adapters/auth/claims.ts';
import { httpApi, json } from '../adapters/http/api.ts';
import { Forbidden, InvalidCredentials } from '../domain/errors.ts';
import { clientKey, loginLimit } from './abuse.ts';

export const handler = httpApi({
  'POST /api/auth/login': async ({ body, event, headers }) => {
    // Password guessing is slowed per address: after LOGIN_FAILURES_PER_MINUTE wrong passwords
    // the address gets 429 until the minute ends. Successful sign-ins are not counted.
    const client = clientKey(event, headers);
    await loginLimit.check(client);
    let session: Awaited<ReturnType<typeof signIn>>;
    try {
      session = await signIn(body.email, body.password, body.newPassword);
    } catch (error) {
      if (error instanceof InvalidCredentials) await loginLimit.fail(client);
      throw error;
    }
    const role = primaryRole(session.roles);
    // An account with no role group can do nothing here; say so instead of issuing a useless token.
    if (!role) throw new Forbidden('This account has no role yet');
    return json(200, { token: session.token, role, expiresAt: session.expiresAt });
  },
});
