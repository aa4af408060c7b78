// Domain errors: a stable `code` from API contract v1 and optional `details`.
// No HTTP here: the http adapter maps each code to its status in one table, and declares the
// refusals of the transport itself (bad JSON, too large, no credentials) on its own.

export interface FieldIssue {
  /** Dotted path of the offending input, e.g. `options.2` or `endsAt`. */
  field: string;
  message: string;
  /** A reason the client may show in its own words (e.g. `VILLAGE_LIMIT`); the message stays English. */
  code?: string;
}

export interface RowIssue {
  /** The row number Excel shows: 1 is the header, 2 the first question; 0 means the file as a whole (docs/import.md). */
  row: number;
  message: string;
}

export class DomainError extends Error {
  readonly code: string;
  readonly details?: unknown;

  constructor(code: string, message: string, details?: unknown) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

export class ValidationFailed extends DomainError {
  declare readonly details: FieldIssue[];
  constructor(details: FieldIssue[], message = 'Invalid input') {
    super('VALIDATION_FAILED', message, details);
  }
}

export class InvalidCredentials extends DomainError {
  constructor(message = 'Wrong email or password') {
    super('INVALID_CREDENTIALS', message);
  }
}

export class Forbidden extends DomainError {
  constructor(message = 'Not allowed') {
    super('FORBIDDEN', message);
  }
}

export class NotFound extends DomainError {
  constructor(what = 'Resource', id?: string) {
    super('NOT_FOUND', id === undefined ? `${what} not found` : `${what} ${id} not found`);
  }
}

export class ContestNotOpen extends DomainError {
  /** `details.nextRoundStartsAt` when a later round (or the contest) opens. */
  constructor(message = 'The contest is not open', details?: { nextRoundStartsAt: string }) {
    super('CONTEST_NOT_OPEN', message, details);
  }
}

export class AttemptsExhausted extends DomainError {
  constructor(maxAttempts: number) {
    super('ATTEMPTS_EXHAUSTED', `All ${maxAttempts} attempts have been used`, { maxAttempts });
  }
}

export class AttemptClosed extends DomainError {
  constructor(message = 'The attempt is closed') {
    super('ATTEMPT_CLOSED', message);
  }
}

export class InvalidState extends DomainError {
  constructor(message: string, details?: unknown) {
    super('INVALID_STATE', message, details);
  }
}

export class ImportInvalid extends DomainError {
  declare readonly details: RowIssue[];
  constructor(details: RowIssue[], message = 'The question file has errors; nothing was imported') {
    super('IMPORT_INVALID', message, details);
  }
}

/** A topic of a contest's library draw that has fewer questions than its quota. */
export interface TopicShortage {
  topic: string;
  needed: number;
  available: number;
}

export class NotEnoughQuestions extends DomainError {
  /** `topics` (a draw from the library): each topic that has too few, named in the message and the details. */
  constructor(needed: number, available: number, topics?: TopicShortage[]) {
    super(
      'NOT_ENOUGH_QUESTIONS',
      topics
        ? `Not enough questions in the library for: ${topics.map((t) => `${t.topic} (need ${t.needed}, has ${t.available})`).join('; ')}`
        : `Need ${needed} questions, the bank has ${available}`,
      topics ? { needed, available, topics } : { needed, available },
    );
  }
}

export class RateLimited extends DomainError {
  readonly retryAfterSec: number;
  constructor(retryAfterSec: number) {
    super('RATE_LIMITED', 'Too many requests', { retryAfterSec });
    this.retryAfterSec = retryAfterSec;
  }
}

/**
 * The phone is registered in this contest under another name (a family sharing one phone): the
 * start took nothing. `maskedName` is that registration's initials only; starting again with
 * `confirmSharedPhone: true` continues as that registration.
 */
export class PhoneNameMismatch extends DomainError {
  constructor(maskedName: string, attemptsLeft: number) {
    super('PHONE_NAME_MISMATCH', 'This phone number is registered in this contest under another name', { maskedName, attemptsLeft });
  }
}
