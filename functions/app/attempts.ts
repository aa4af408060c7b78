// Participant use cases: start, resume, autosave and submit an attempt; finalise abandoned ones.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { aggregateDelta } from '../domain/aggregate.ts';
import {
  answersThatCount,
  assertCanStartAttempt,
  attemptDeadline,
  attemptsLeft,
  canSaveAnswers,
  durationMs,
  isLateSubmit,
  reviewVisible,
} from '../domain/contest.ts';
import { drawAttempt, type Rng } from '../domain/draw.ts';
import { AttemptClosed, Forbidden, InvalidState, NotFound, Unauthorized, ValidationFailed, type FieldIssue } from '../domain/errors.ts';
import type { Question } from '../domain/question.ts';
import { normalizePhone } from '../domain/phone.ts';
import { replacesBest } from '../domain/ranking.ts';
import { checkRegistration, type RegistrationInput } from '../domain/registration.ts';
import { positionOf, presentQuestion, scoreAttempt, type Answers } from '../domain/scoring.ts';
import { toIso } from '../domain/time.ts';
import type { AttemptRecord, AttemptStore, ContestRecord, ContestRepository, PersonBestRecord, SubmitOutcome } from './contest-ports.ts';

export interface AttemptDeps {
  contests: ContestRepository;
  attempts: AttemptStore;
  newId: (length?: number) => string;
  now: () => Date;
  rng: Rng;
}

/** The attempt a keyed start creates: derived, so a retry finds it without any index. */
export const keyedAttemptId = (contestId: string, key: string) =>
  createHash('sha256').update(`${contestId}\n${key}`).digest('hex').slice(0, 20);

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

function tokenMatches(token: string, hash: string): boolean {
  const a = Buffer.from(hashToken(token));
  const b = Buffer.from(hash);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function attemptUseCases(deps: AttemptDeps) {
  const { contests, attempts, newId, now, rng } = deps;
  // A published bank never changes, so each execution environment reads it once per contest.
  const banks = new Map<string, Promise<Map<string, Question>>>();

  function bankOf(contest: ContestRecord): Promise<Map<string, Question>> {
    let bank = banks.get(contest.id);
    if (!bank) {
      bank = contests.questions(contest.id).then((qs) => new Map(qs.map((q) => [q.id, q])));
      if (contest.status === 'draft') return bank;
      banks.set(contest.id, bank);
      bank.catch(() => banks.delete(contest.id));
    }
    return bank;
  }

  async function publicContest(contestId: string): Promise<ContestRecord> {
    const contest = await contests.get(contestId, true);
    if (!contest || contest.status === 'draft') throw new NotFound('Contest', contestId);
    return contest;
  }

  async function authorized(attemptId: string, token: string | undefined): Promise<AttemptRecord> {
    if (!token) throw new Unauthorized('X-Attempt-Token is required');
    const attempt = await attempts.getAttempt(attemptId);
    if (!attempt) throw new NotFound('Attempt', attemptId);
    if (!tokenMatches(token, attempt.tokenHash)) throw new Forbidden('This token does not open this attempt');
    return attempt;
  }

  /** Unknown questions or option ids are refused: a client bug must show, not silently score zero. */
  function checkAnswers(attempt: AttemptRecord, answers: Answers): void {
    const drawn = new Map(attempt.drawn.map((d) => [d.questionId, d.optionOrder.length]));
    const issues: FieldIssue[] = [];
    for (const [questionId, ids] of Object.entries(answers)) {
      const count = drawn.get(questionId);
      if (count === undefined) issues.push({ field: `answers.${questionId}`, message: 'not a question of this attempt' });
      else if (ids.some((id) => positionOf(id, count) < 0)) issues.push({ field: `answers.${questionId}`, message: 'unknown option id' });
    }
    if (issues.length) throw new ValidationFailed(issues);
  }

  async function keyed(contest: ContestRecord, attempt: AttemptRecord) {
    const bank = await bankOf(contest);
    return attempt.drawn.map((d) => ({ ...d, question: bank.get(d.questionId)!, correct: bank.get(d.questionId)?.correct ?? [] }));
  }

  async function review(contest: ContestRecord, attempt: AttemptRecord) {
    if (!reviewVisible(contest.showAnswers, contest.status, attempt.status === 'submitted')) return undefined;
    const questions = await keyed(contest, attempt);
    const answers = Object.fromEntries(Object.entries(attempt.answers).map(([q, a]) => [q, a.optionIds]));
    return scoreAttempt(questions, answers).results.map((r, i) => ({
      ...r,
      ...(questions[i]!.question?.explanation ? { explanation: questions[i]!.question.explanation } : {}),
    }));
  }

  async function startPayload(contest: ContestRecord, attempt: AttemptRecord, used: number) {
    const bank = await bankOf(contest);
    return {
      attemptId: attempt.id,
      contestId: contest.id,
      attemptNo: attempt.attemptNo,
      attemptsLeft: attemptsLeft(contest.maxAttempts, used),
      startedAt: attempt.startedAt,
      deadline: attempt.deadline,
      serverNow: now().toISOString(),
      questions: attempt.drawn.map((d) => presentQuestion(bank.get(d.questionId)!, d)),
      ...(contest.prediction ? { prediction: { prompt: contest.prediction.prompt } } : {}),
    };
  }

  /**
   * Scores an open attempt and commits it with the person's best and the aggregates, atomically.
   * `submitted` is null when the contest closes on an attempt that was never submitted.
   */
  async function score(
    contest: ContestRecord,
    attempt: AttemptRecord,
    submitted: Answers | null,
    prediction: number | null,
  ): Promise<AttemptRecord & { outcome: SubmitOutcome }> {
    const at = now();
    const late = submitted === null || isLateSubmit(at.getTime(), attempt.deadline);
    const counted = answersThatCount(attempt.answers, submitted, at.getTime(), attempt.deadline);
    const result = scoreAttempt(await keyed(contest, attempt), counted);
    // A late or abandoned attempt counts as ended at its deadline (or at the close, if earlier): coming
    // back late must not rank worse than never coming back, since both are scored from the same saves.
    const submittedAt = late ? toIso(Math.min(at.getTime(), Date.parse(attempt.deadline))) : at.toISOString();
    const candidate: PersonBestRecord = {
      attemptId: attempt.id,
      correctCount: result.correctCount,
      durationMs: durationMs(attempt.startedAt, submittedAt),
      submittedAt,
      // A prediction sent after the grace could use knowledge of the turnout: it does not count.
      prediction: submitted !== null && !late ? prediction : null,
    };
    const savedAt = at.toISOString();
    const finalAnswers = Object.fromEntries(
      Object.entries(counted).map(([q, ids]) => [q, { optionIds: [...new Set(ids)], savedAt: attempt.answers[q]?.savedAt ?? savedAt }]),
    );

    for (;;) {
      const person = await attempts.getPerson(contest.id, attempt.phone);
      if (!person) throw new Error(`person of attempt ${attempt.id} is missing`);
      const best = replacesBest(candidate, person.best) ? candidate : person.best!;
      const before = person.best ? { unitId: person.unitId!, village: person.village ?? null, bestCorrect: person.best.correctCount } : null;
      const after = { unitId: attempt.registration.unitId, village: attempt.registration.village, bestCorrect: best.correctCount };
      const outcome: SubmitOutcome = {
        attemptId: attempt.id,
        correctCount: result.correctCount,
        questionCount: result.questionCount,
        durationMs: candidate.durationMs,
        submittedAt,
        late,
        best: { correctCount: best.correctCount, durationMs: best.durationMs },
      };
      const status = await attempts.commitScore({
        attempt: { ...attempt, status: 'submitted', outcome, answers: finalAnswers, prediction: candidate.prediction },
        person: { ...person, unitId: after.unitId, village: after.village, best, scoredAttempts: person.scoredAttempts + 1 },
        expectedPersonVersion: person.version,
        delta: aggregateDelta(before, after, submittedAt),
      });
      if (status === 'ok') return { ...attempt, status: 'submitted', outcome, answers: finalAnswers };
      if (status === 'attempt-closed') {
        // Scored meanwhile by a concurrent submit or by the close: that result stands.
        const stored = await attempts.getAttempt(attempt.id);
        if (stored?.outcome) return stored as AttemptRecord & { outcome: SubmitOutcome };
        throw new AttemptClosed();
      }
      // person-changed: another attempt of the same person was scored meanwhile; recompute from it.
    }
  }

  /** A concurrent copy of a keyed start took the attempt: its attempt item lands within moments. */
  async function waitForAttempt(attemptId: string): Promise<AttemptRecord> {
    for (let i = 0; i < 50; i++) {
      const attempt = await attempts.getAttempt(attemptId);
      if (attempt) return attempt;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new InvalidState('The first request with this Idempotency-Key did not finish; start again with a new key');
  }

  async function replay(contest: ContestRecord, existing: AttemptRecord, key: string, phone: string) {
    if (!tokenMatches(key, existing.tokenHash) || existing.contestId !== contest.id) throw new Forbidden('This key belongs to another attempt');
    if (normalizePhone(phone) !== existing.phone) throw new InvalidState('This Idempotency-Key was used for another registration');
    const person = await attempts.getPerson(contest.id, existing.phone);
    return { ...(await startPayload(contest, existing, person?.attemptsUsed ?? existing.attemptNo)), attemptToken: key };
  }

  return {
    bankOf,
    publicContest,

    /**
     * `idempotencyKey` (optional, client-generated, 22+ random url-safe characters) makes a retried
     * start safe on a flaky connection: the same key returns the same attempt instead of taking another.
     * The key doubles as the attempt token, so only its sender can open the attempt.
     */
    async start(contestId: string, input: RegistrationInput, idempotencyKey?: string) {
      const contest = await publicContest(contestId);
      const attemptId = idempotencyKey === undefined ? newId(16) : keyedAttemptId(contest.id, idempotencyKey);
      if (idempotencyKey !== undefined) {
        const existing = await attempts.getAttempt(attemptId);
        if (existing) return replay(contest, existing, idempotencyKey, input.phone);
      }
      const at = now();
      const registration = checkRegistration(input, contest, at.getTime());
      assertCanStartAttempt(contest, at.getTime(), 0);
      const bank = [...(await bankOf(contest)).values()];
      // Everything that can fail is done before the attempt is taken: a failed start must not consume one.
      const drawn = drawAttempt(bank, contest.questionsPerAttempt, rng);
      const attemptNo = await attempts.reserveAttempt(contest.id, registration, contest.maxAttempts, idempotencyKey, attemptId);
      if (attemptNo === 'duplicate') return replay(contest, await waitForAttempt(attemptId), idempotencyKey!, input.phone);
      const token = idempotencyKey ?? randomBytes(24).toString('base64url');
      const startedAt = at.toISOString();
      const attempt: AttemptRecord = {
        id: attemptId,
        contestId: contest.id,
        phone: registration.phone,
        attemptNo,
        tokenHash: hashToken(token),
        registration,
        drawn,
        startedAt,
        deadline: attemptDeadline(startedAt, contest.timeLimitSec, contest.endsAt),
        status: 'open',
        answers: {},
      };
      await attempts.createAttempt(attempt);
      return { ...(await startPayload(contest, attempt, attemptNo)), attemptToken: token };
    },

    async resume(attemptId: string, token: string | undefined) {
      const attempt = await authorized(attemptId, token);
      const contest = await publicContest(attempt.contestId);
      const person = await attempts.getPerson(contest.id, attempt.phone);
      const expired = attempt.status === 'open' && isLateSubmit(now().getTime(), attempt.deadline);
      const reviewed = attempt.outcome ? await review(contest, attempt) : undefined;
      return {
        ...(await startPayload(contest, attempt, person?.attemptsUsed ?? attempt.attemptNo)),
        status: attempt.status === 'submitted' ? ('submitted' as const) : expired ? ('expired' as const) : ('open' as const),
        savedAnswers: Object.fromEntries(Object.entries(attempt.answers).map(([q, a]) => [q, a.optionIds])),
        ...(attempt.outcome ? { result: { ...attempt.outcome, ...(reviewed ? { review: reviewed } : {}) } } : {}),
      };
    },

    async save(attemptId: string, token: string | undefined, answers: Answers) {
      const attempt = await authorized(attemptId, token);
      const at = now();
      if (attempt.status !== 'open' || !canSaveAnswers(at.getTime(), attempt.deadline)) throw new AttemptClosed('Time is up for this attempt');
      checkAnswers(attempt, answers);
      const savedAt = at.toISOString();
      const fresh = Object.fromEntries(Object.entries(answers).map(([q, ids]) => [q, { optionIds: [...new Set(ids)], savedAt }]));
      if (!(await attempts.saveAnswers(attemptId, fresh))) throw new AttemptClosed();
      return { savedAt };
    },

    async submit(attemptId: string, token: string | undefined, body: { answers?: Answers; prediction?: number | null }) {
      const attempt = await authorized(attemptId, token);
      const contest = await publicContest(attempt.contestId);
      let scored = attempt;
      // The final ranking is written: an attempt that slipped past the close can no longer change it.
      if (!attempt.outcome && contest.finalizedAt) throw new AttemptClosed('The contest is closed');
      if (!attempt.outcome) {
        const answers = body.answers ?? {};
        checkAnswers(attempt, answers);
        scored = await score(contest, attempt, answers, contest.prediction ? (body.prediction ?? null) : null);
      }
      const reviewed = await review(contest, scored);
      return { ...scored.outcome!, ...(reviewed ? { review: reviewed } : {}) };
    },

    /** Scores every attempt of the contest still open, from what was saved by its deadline. */
    async finalizeOpen(contest: ContestRecord): Promise<number> {
      const queue = await attempts.openAttemptIds(contest.id);
      let done = 0;
      await Promise.all(
        Array.from({ length: Math.min(8, queue.length) }, async () => {
          for (let id = queue.shift(); id; id = queue.shift()) {
            const fresh = await attempts.getAttempt(id);
            if (fresh?.status === 'open') {
              await score(contest, fresh, null, null);
              done++;
            }
          }
        }),
      );
      return done;
    },
  };
}

export type AttemptUseCases = ReturnType<typeof attemptUseCases>;
