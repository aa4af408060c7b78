// Errors -> the contract's envelope: the refusals of the HTTP layer itself, and the one table from
// error codes (domain and HTTP) to statuses.
import { DomainError, RateLimited } from '../../domain/errors.ts';

/**
 * A refusal decided by the HTTP layer before any use case runs (the body, the credentials the
 * request carries): the domain never sees these.
 */
export class HttpRefusal extends Error {
  readonly code: string;
  readonly details?: unknown;

  constructor(code: string, message: string, details?: unknown) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

export class BadJson extends HttpRefusal {
  constructor(message = 'Request body is not valid JSON') {
    super('BAD_JSON', message);
  }
}

export class Unauthorized extends HttpRefusal {
  constructor(message = 'Authentication required') {
    super('UNAUTHORIZED', message);
  }
}

/** The app was built for an older API contract (api-version.ts): it must reload. */
export class AppOutdated extends HttpRefusal {
  constructor(sent: string, current: number) {
    super('APP_OUTDATED', 'This version of the app is out of date: reload it', { clientVersion: sent, apiVersion: current });
  }
}

export class PayloadTooLarge extends HttpRefusal {
  constructor(limitBytes?: number) {
    super(
      'PAYLOAD_TOO_LARGE',
      limitBytes === undefined ? 'Payload too large' : `Payload larger than ${limitBytes} bytes`,
      limitBytes === undefined ? undefined : { limitBytes },
    );
  }
}

// The one table from error codes to HTTP statuses.
const statusByCode: Record<string, number> = {
  VALIDATION_FAILED: 400,
  BAD_JSON: 400,
  UNAUTHORIZED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONTEST_NOT_OPEN: 409,
  ATTEMPTS_EXHAUSTED: 409,
  ATTEMPT_CLOSED: 409,
  INVALID_STATE: 409,
  PHONE_NAME_MISMATCH: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IMPORT_INVALID: 422,
  NOT_ENOUGH_QUESTIONS: 422,
  APP_OUTDATED: 426,
  RATE_LIMITED: 429,
};

export interface ErrorResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export function errorBody(code: string, message: string, details?: unknown): string {
  return JSON.stringify({ error: details === undefined ? { code, message } : { code, message, details } });
}

/** Turns any thrown value into the contract's envelope. Unknown errors become a 500 that says nothing of internals. */
export function toErrorResponse(error: unknown): ErrorResponse & { expose: boolean } {
  const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' };
  if ((error instanceof DomainError || error instanceof HttpRefusal) && statusByCode[error.code] !== undefined) {
    if (error instanceof RateLimited) headers['Retry-After'] = String(error.retryAfterSec);
    return {
      statusCode: statusByCode[error.code]!,
      headers,
      body: errorBody(error.code, error.message, error.details),
      expose: true,
    };
  }
  return {
    statusCode: 500,
    headers,
    body: errorBody('INTERNAL', 'Something went wrong on our side. Please try again.'),
    expose: false,
  };
}
