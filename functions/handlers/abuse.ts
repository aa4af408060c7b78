// Abuse controls of the public write routes, configured from the environment at cold start
// (a bad value fails the start loudly): rate limits per client address on attempt starts, on
// failed staff sign-ins and on answers naming a phone's other registration (docs/identity.md),
// and the proof of work that attempt starts may require.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { optionalEnv } from '../adapters/config.ts';
import { rateLimitStore } from '../adapters/dynamodb/rate-limit.ts';
import { addressKey, clientAddress } from '../adapters/http/client-address.ts';
import { parseProofBits } from '../adapters/http/start-proof.ts';
import { rateLimit } from '../app/rate-limits.ts';
import { DEFAULT_START_RATE_PER_MINUTE, parseLimit } from '../domain/rate-limit.ts';

/** Starts per client address per minute (domain/rate-limit.ts says how it was sized). */
export { DEFAULT_START_RATE_PER_MINUTE };
/** Wrong passwords per address per minute before sign-in answers 429 for the rest of the minute. */
export const DEFAULT_LOGIN_FAILURES_PER_MINUTE = 20;

/**
 * Answers "this phone is registered under another name" per address per minute; past it, 429. A family
 * sharing a phone needs one or two; a village hall's connection a handful.
 */
export const DEFAULT_SHARED_PHONE_NOTICES_PER_MINUTE = 10;

/** Leading zero bits the start proof needs; 0 (the default, local mode) asks for none. */
export const startProofBits = parseProofBits(process.env.START_POW_BITS);

const originSecret = optionalEnv('ORIGIN_VERIFY_SECRET');
const now = () => Date.now();

export const startLimit = rateLimit({
  store: rateLimitStore,
  now,
  name: 'start',
  perMinute: parseLimit('START_RATE_PER_MINUTE', process.env.START_RATE_PER_MINUTE, DEFAULT_START_RATE_PER_MINUTE),
});

export const sharedPhoneLimit = rateLimit({
  store: rateLimitStore,
  now,
  name: 'sharedPhone',
  perMinute: parseLimit(
    'SHARED_PHONE_NOTICES_PER_MINUTE',
    process.env.SHARED_PHONE_NOTICES_PER_MINUTE,
    DEFAULT_SHARED_PHONE_NOTICES_PER_MINUTE,
  ),
});

export const loginLimit = rateLimit({
  store: rateLimitStore,
  now,
  name: 'login',
  perMinute: parseLimit('LOGIN_FAILURES_PER_MINUTE', process.env.LOGIN_FAILURES_PER_MINUTE, DEFAULT_LOGIN_FAILURES_PER_MINUTE),
});

/** The key a request's client is counted under (see client-address.ts for whom we believe). */
export function clientKey(event: APIGatewayProxyEventV2, headers: Record<string, string | undefined>): string {
  return addressKey(clientAddress(headers, event.requestContext?.http?.sourceIp, originSecret));
}
