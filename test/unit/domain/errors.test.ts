import { describe, expect, it } from 'vitest';
import * as errors from '../../../functions/domain/errors.ts';

describe('domain errors', () => {
  it.each([
    [new errors.ValidationFailed([{ field: 'phone', message: 'bad' }]), 'VALIDATION_FAILED'],
    [new errors.InvalidCredentials(), 'INVALID_CREDENTIALS'],
    [new errors.Forbidden(), 'FORBIDDEN'],
    [new errors.NotFound('Contest', 'c1'), 'NOT_FOUND'],
    [new errors.ContestNotOpen(), 'CONTEST_NOT_OPEN'],
    [new errors.AttemptsExhausted(3), 'ATTEMPTS_EXHAUSTED'],
    [new errors.AttemptClosed(), 'ATTEMPT_CLOSED'],
    [new errors.InvalidState('no'), 'INVALID_STATE'],
    [new errors.ImportInvalid([{ row: 2, message: 'no question' }]), 'IMPORT_INVALID'],
    [new errors.NotEnoughQuestions(20, 5), 'NOT_ENOUGH_QUESTIONS'],
    [new errors.RateLimited(30), 'RATE_LIMITED'],
  ])('%s has code %s and is a DomainError', (error, code) => {
    expect(error.code).toBe(code);
    expect(error).toBeInstanceOf(errors.DomainError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(error.constructor.name);
    expect(error.message).not.toBe('');
  });

  it('carries details for the contract', () => {
    expect(new errors.ValidationFailed([{ field: 'phone', message: 'bad' }]).details).toEqual([{ field: 'phone', message: 'bad' }]);
    expect(new errors.ImportInvalid([{ row: 3, message: 'x' }]).details).toEqual([{ row: 3, message: 'x' }]);
    expect(new errors.RateLimited(12).retryAfterSec).toBe(12);
    expect(new errors.NotFound('Contest', 'c1').message).toBe('Contest c1 not found');
    expect(new errors.Forbidden().details).toBeUndefined();
  });
});
