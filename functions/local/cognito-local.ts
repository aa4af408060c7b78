// cognito-local: a Cognito emulator with the same API, its state in JSON files under DATA_DIR.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  ListGroupsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { startChild, waitForPort } from './processes.ts';

export interface CognitoLocal {
  endpoint: string;
  userPoolId: string;
  clientId: string;
  issuer: string;
  client: CognitoIdentityProviderClient;
}

export async function startCognitoLocal(options: { dataDir: string; port: number }): Promise<CognitoLocal> {
  mkdirSync(join(options.dataDir, '.cognito'), { recursive: true });
  const bin = join(dirname(createRequire(import.meta.url).resolve('cognito-local/package.json')), 'lib', 'bin', 'start.js');
  const child = startChild('cognito-local', process.execPath, [bin], {
    cwd: options.dataDir,
    // HOST stays localhost: the emulator's token issuer is built from it and must match.
    env: { ...process.env, PORT: String(options.port), DEBUG: '', LOCAL_DATA_DIR: options.dataDir },
  });
  await waitForPort(options.port, 30_000, 'cognito-local', child);
  const endpoint = `http://localhost:${options.port}`;
  const client = new CognitoIdentityProviderClient({ endpoint, region: process.env.AWS_REGION ?? 'ap-southeast-1' });
  const { userPoolId, clientId } = await ensurePool(client, join(options.dataDir, 'pool.json'));
  return { endpoint, userPoolId, clientId, issuer: `${endpoint}/${userPoolId}`, client };
}

const ROLES = ['admin', 'organizer', 'observer'] as const;

/** Creates the pool, its app client and the role groups once; their ids are kept beside the emulator's data. */
async function ensurePool(client: CognitoIdentityProviderClient, file: string) {
  let saved: { userPoolId: string; clientId: string } | undefined;
  try {
    saved = JSON.parse(readFileSync(file, 'utf8'));
    await client.send(new DescribeUserPoolCommand({ UserPoolId: saved!.userPoolId }));
  } catch {
    saved = undefined;
  }
  if (!saved) {
    const pool = await client.send(
      new CreateUserPoolCommand({ PoolName: 'cuoc-thi-staff', UsernameAttributes: ['email'], AutoVerifiedAttributes: ['email'] }),
    );
    const userPoolId = pool.UserPool!.Id!;
    const app = await client.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: 'web',
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      }),
    );
    saved = { userPoolId, clientId: app.UserPoolClient!.ClientId! };
    writeFileSync(file, JSON.stringify(saved));
  }
  const groups = await client.send(new ListGroupsCommand({ UserPoolId: saved.userPoolId }));
  for (const role of ROLES) {
    if (!groups.Groups?.some((g) => g.GroupName === role)) {
      await client.send(new CreateGroupCommand({ UserPoolId: saved.userPoolId, GroupName: role }));
    }
  }
  return saved;
}

/** Makes sure the admin account exists with this password and is in the admin group. */
export async function ensureAdmin(cognito: CognitoLocal, email: string, password: string): Promise<string> {
  const { client, userPoolId } = cognito;
  let username: string | undefined;
  try {
    const user = await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: email }));
    username = user.Username;
  } catch (e) {
    if ((e as Error).name !== 'UserNotFoundException') throw e;
  }
  if (!username) {
    const created = await client.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: email,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
    username = created.User!.Username!;
  }
  await client.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: username, Password: password, Permanent: true }));
  await client.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: username, GroupName: 'admin' }));
  const user = await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
  return user.UserAttributes?.find((a) => a.Name === 'sub')?.Value ?? username;
}
