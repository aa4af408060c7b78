// What every AWS SDK client of the functions shares: how long a call may take, how often it is
// retried, and what of a failed call goes into a log line.
//
// Budget: API functions time out after 20 s (29 s for the heavy ones; infra/stacks/api.ts), inside
// API Gateway's 30 s. One SDK call takes at most maxAttempts x (connectionTimeout + requestTimeout)
// plus the backoff between attempts: 3 x (1 + 3) s + at most 1 + 2 s = 15 s. So a hung connection
// costs one attempt, not the whole invocation, and even the worst case ends in an error the handler
// logs (with the request id) before Lambda kills it. A DynamoDB item call normally answers in
// 5-20 ms and a 100-item transaction well under a second: 3 s without a byte means it is lost.
//
// Retries: standard mode, written out so nobody "tunes" it by accident. The SDK's backoff has full
// jitter from a 1 s base for throttling (TransactionInProgressException included) and a 25-50 ms
// base for transient errors, capped at 20 s, and a retry quota per client, so when DynamoDB
// throttles, a busy environment stops retrying instead of multiplying the load. 3 attempts, not
// DynamoDB's default 4: a person is waiting on most of these calls. Adaptive mode would add a
// client-side rate limiter per process, which across hundreds of short-lived Lambda environments
// slows callers without protecting the table.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export const MAX_ATTEMPTS = 3;
export const CONNECTION_TIMEOUT_MS = 1_000;
export const REQUEST_TIMEOUT_MS = 3_000;

/** The client options every SDK client of ours is built with; `endpoint` only in local mode. */
export function clientOptions(endpoint: string | undefined) {
  return {
    retryMode: 'standard' as const,
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      // Keep-alive: a new TLS connection per call would add a round trip or two to every request.
      // 64 sockets: local mode serves every function from one process under the benchmark's load.
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 64 }),
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 64 }),
    }),
    ...(endpoint ? { endpoint } : {}),
  };
}

/**
 * The fields of an SDK error worth a log line: the service's request id (what AWS Support asks for),
 * the HTTP status, and how many attempts and how much backoff the call took.
 */
export function serviceErrorFields(error: unknown): Record<string, unknown> {
  const meta = (error as { $metadata?: { requestId?: string; extendedRequestId?: string; httpStatusCode?: number; attempts?: number; totalRetryDelay?: number } })
    ?.$metadata;
  if (!meta) return {};
  return {
    awsRequestId: meta.requestId,
    ...(meta.extendedRequestId ? { awsExtendedRequestId: meta.extendedRequestId } : {}),
    awsHttpStatus: meta.httpStatusCode,
    awsAttempts: meta.attempts,
    awsRetryDelayMs: meta.totalRetryDelay,
  };
}
