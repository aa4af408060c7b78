// Staff identities live in Cognito (cognito-local in local mode, same API), called through
// @aws-sdk/client-cognito-identity-provider: one client per execution environment, retries and
// timeouts from ../aws/settings.ts. COGNITO_ENDPOINT is set only in local mode.
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  type AuthenticationResultType,
} from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import { clientOptions } from '../aws/settings.ts';
import { InvalidCredentials, InvalidState, ValidationFailed } from '../../domain/errors.ts';
import { optionalEnv, requireEnv } from '../config.ts';
import { parseGroups } from './claims.ts';
import type { Role } from '../../domain/staff.ts';

const userPoolId = requireEnv('USER_POOL_ID');
const clientId = requireEnv('USER_POOL_CLIENT_ID');

// The two sign-in calls of a public app client (no secret) are sent unsigned by the SDK (their
// operations declare no auth); the Admin* calls are signed with the function's role.
const cognito = new CognitoIdentityProviderClient(clientOptions(optionalEnv('COGNITO_ENDPOINT')));

export interface Session {
  token: string;
  roles: Role[];
  expiresAt: string;
  userId: string;
}

function toSession(result: AuthenticationResultType | undefined): Session {
  if (!result?.IdToken) throw new InvalidCredentials();
  // The ID token carries the groups and the email; API Gateway's JWT authorizer accepts it (aud = client id).
  const claims = decodeJwt(result.IdToken);
  return {
    token: result.IdToken,
    roles: parseGroups(claims['cognito:groups']),
    expiresAt: new Date((claims.exp ?? 0) * 1000).toISOString(),
    userId: String(claims.sub),
  };
}

const isNamed = (e: unknown, ...names: string[]) => e instanceof Error && names.includes(e.name);

export async function signIn(email: string, password: string, newPassword?: string): Promise<Session> {
  let out;
  try {
    out = await cognito.send(
      new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: email, PASSWORD: password } }),
    );
  } catch (e) {
    // cognito-local answers a wrong password with InvalidPasswordException, Cognito with NotAuthorized.
    if (isNamed(e, 'NotAuthorizedException', 'UserNotFoundException', 'InvalidPasswordException', 'PasswordResetRequiredException', 'UserNotConfirmedException')) {
      throw new InvalidCredentials();
    }
    throw e;
  }
  if (out.ChallengeName !== 'NEW_PASSWORD_REQUIRED') return toSession(out.AuthenticationResult);
  if (!newPassword) {
    throw new InvalidState('A new password is required on first sign-in', { challenge: 'NEW_PASSWORD_REQUIRED' });
  }
  try {
    const answered = await cognito.send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: out.Session,
        ChallengeResponses: { USERNAME: email, NEW_PASSWORD: newPassword },
      }),
    );
    return toSession(answered.AuthenticationResult);
  } catch (e) {
    if (isNamed(e, 'InvalidPasswordException')) throw new ValidationFailed([{ field: 'newPassword', message: (e as Error).message }]);
    if (isNamed(e, 'NotAuthorizedException', 'CodeMismatchException', 'ExpiredCodeException')) throw new InvalidCredentials();
    throw e;
  }
}

/** Creates a staff account with a permanent password and its role group; returns the Cognito `sub`. */
export async function createStaffAccount(input: { email: string; password: string; role: Role; displayName?: string }): Promise<string> {
  let sub: string | undefined;
  let username = input.email;
  try {
    const created = await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: input.email,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: input.email },
          { Name: 'email_verified', Value: 'true' },
          ...(input.displayName ? [{ Name: 'name', Value: input.displayName }] : []),
        ],
      }),
    );
    // Follow-up calls use the real username (a UUID when email is the sign-in alias): aliases are
    // not resolved everywhere, notably not by cognito-local's group calls.
    username = created.User?.Username ?? input.email;
    sub = created.User?.Attributes?.find((a) => a.Name === 'sub')?.Value ?? username;
  } catch (e) {
    if (isNamed(e, 'UsernameExistsException', 'AliasExistsException')) {
      throw new ValidationFailed([{ field: 'email', message: 'An account with this email already exists' }]);
    }
    throw e;
  }
  try {
    await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: username, Password: input.password, Permanent: true }));
  } catch (e) {
    if (isNamed(e, 'InvalidPasswordException')) throw new ValidationFailed([{ field: 'password', message: (e as Error).message }]);
    throw e;
  }
  await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: username, GroupName: input.role }));
  if (!sub) throw new Error('Cognito returned no user id');
  return sub;
}
