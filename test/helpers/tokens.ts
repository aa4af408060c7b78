// Staff tokens for authorization tests: real ones from the login route, and JWTs minted by hand
// (signed by another key, or by cognito-local's own key with a wrong expiry, audience or no role).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SignJWT, generateKeyPair, importJWK, type JWTPayload } from 'jose';
import type { apiClient } from './api.ts';
import { ADMIN, type Stack } from './server.ts';

export type StaffRole = 'admin' | 'organizer' | 'observer';

/** cognito-local's signing key: a token signed with it is genuine as far as the local gateway can tell. */
export async function cognitoLocalKey() {
  const keyFile = join(dirname(createRequire(import.meta.url).resolve('cognito-local/package.json')), 'lib/keys/cognitoLocal.private.json');
  return importJWK(JSON.parse(readFileSync(keyFile, 'utf8')).jwk, 'RS256');
}

export interface MintOptions {
  groups?: string[];
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  audience?: string;
  issuer?: string;
  key?: 'cognito-local' | 'other';
}

export async function mintToken(server: Stack, options: MintOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const expiresIn = options.expiresIn ?? 3600;
  const claims: JWTPayload = {
    sub: `minted-${Math.random().toString(36).slice(2)}`,
    email: 'minted@example.com',
    'cognito:groups': options.groups ?? ['admin'],
    token_use: 'id',
  };
  const key = options.key === 'other' ? (await generateKeyPair('RS256')).privateKey : await cognitoLocalKey();
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'CognitoLocal' })
    .setIssuer(options.issuer ?? `${server.ready.cognitoEndpoint}/${server.ready.userPoolId}`)
    .setAudience(options.audience ?? server.ready.clientId)
    .setIssuedAt(Math.min(now, now + expiresIn - 3600))
    .setExpirationTime(now + expiresIn)
    .sign(key);
}

/** An unsigned token (`alg: none`) that claims to be an admin. */
export function unsignedToken(server: Stack): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${b64({ alg: 'none', kid: 'CognitoLocal' })}.${b64({
    sub: 'forged',
    email: 'forged@example.com',
    'cognito:groups': ['admin'],
    token_use: 'id',
    iss: `${server.ready.cognitoEndpoint}/${server.ready.userPoolId}`,
    aud: server.ready.clientId,
    iat: now,
    exp: now + 3600,
  })}.`;
}

/** Logs the admin in and creates (once per server) an organizer and an observer; returns a real token per role. */
export async function staffTokens(api: ReturnType<typeof apiClient>): Promise<Record<StaffRole, string>> {
  const admin = await api.login(ADMIN.email, ADMIN.password);
  const tokens: Record<StaffRole, string> = { admin, organizer: '', observer: '' };
  for (const role of ['organizer', 'observer'] as const) {
    const account = { email: `${role}.tokens@example.com`, password: `${role[0]!.toUpperCase()}${role.slice(1)}@2024-xyz`, role };
    const created = await api.post('/api/admin/users', account, admin);
    if (created.status !== 201 && created.status !== 400) throw new Error(`creating ${role}: ${created.status} ${created.text}`);
    tokens[role] = await api.login(account.email, account.password);
  }
  return tokens;
}
