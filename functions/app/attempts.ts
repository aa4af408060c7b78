// Participant use cases: start, resume, autosave and submit an attempt; finalise abandoned ones.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  answersThatCount,
  attemptDeadline,
  attemptsLeft,
  canSaveAnswers,
  durationMs,
  isLateSubmit,
  reviewVisible,
} from '../domain/contest.ts';
import { drawForContest, type Rng } from '../domain/draw.ts';
import { AttemptClosed, Forbidden, InvalidState, NotFound, PhoneNameMismatch, ValidationFailed, type FieldIssue } from '../domain/errors.ts';
import { maskName } from '../domain/names.ts';
import type { Question } from '../domain/question.ts';
import { normalizePhone } from '../domain/phone.ts';
import { replacesBest } from '../domain/ranking.ts';
import { checkRegistration, type RegistrationInput } from '../domain/registration.ts';
import { positionOf, presentQuestion, scoreAttempt, type Answers } from '../domain/scoring.ts';
import { toIso } from '../domain/time.ts';
import { villageRegistry } from './villages.ts';
import { roundEnd, roundForStart, roundId, roundsOf, roundStateOf, roundStatus, type Round } from '../domain/rounds.ts';
import type { AttemptRecord, AttemptStore, ContestRecord, ContestRepository, PersonBestRecord, SubmitOutcome } from './contest-ports.ts';

export interface AttemptDeps {
  contests: ContestRepository;
  attempts: AttemptStore;
  /** Distinct villages typed in a contest without a list (default LIMITS.typedVillages.max). */
  villageCap?: number;
  newId: (length?: number) => string;
  now: () => Date;
  rng: Rng;
}

/**
 * How long an execution environment trusts its copy of a published contest. Starts and submits
 * then read the `CONTESTS` partition about once per environment per interval instead of once per
 * request; closing waits this long before it finalises, so every environment has seen the close.
 */
export const CONTEST_CACHE_MS = 2_000;

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
  const villages = villageRegistry(attempts, deps.villageCap);
  // A published bank never changes, so each execution environment reads it once per contest.
  const banks = new Map<string, Promise<Map<string, Question>>>();
  const published = new Map<string, { until: number; contest: Promise<ContestRecord | undefined> }>();

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

  /** A published or closed contest; drafts and unknown ids are never cached, so a publish shows at once. */
  async function publicContest(contestId: string): Promise<ContestRecord> {
    const at = performance.now();
    let cached = published.get(contestId);
    if (!cached || cached.until <= at) {
      if (published.size > 1_000) published.clear();
      cached = { until: at + CONTEST_CACHE_MS, contest: contests.get(contestId) };
      published.set(contestId, cached);
    }
    const contest = await cached.contest.catch(() => undefined);
    if (!contest || contest.status === 'draft') {
      published.delete(contestId);
      throw new NotFound('Contest', contestId);
    }
    return contest;
  }

  /** The token is the one the request carried; a request without one never gets here (the HTTP layer answers 401). */
  async function authorized(attemptId: string, token: string): Promise<AttemptRecord> {
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
      roundId: roundId(attempt.roundNo ?? 1),
      attemptNo: attempt.attemptNo,
      /** The registration's name: after a shared phone's confirmation, that of the phone's first registration. */
      fullName: attempt.registration.fullName,
      attemptsLeft: attemptsLeft(contest.maxAttempts, used),
      startedAt: attempt.startedAt,
      deadline: attempt.deadline,
      serverNow: now().toISOString(),
      questions: attempt.drawn.map((d) => presentQuestion(bank.get(d.questionId)!, d)),
      ...(contest.prediction ? { prediction: { prompt: contest.prediction.prompt } } : {}),
    };
  }

  /**
   * Applies a scored attempt to its person (best, unit, village, scored count), in one conditional
   * write without a read. Idempotent, so a replayed submit, the stream consumer and the close can
   * all complete a submit that stopped between its two writes, and none counts it twice.
   */
  function settle(attempt: AttemptRecord & { outcome: SubmitOutcome }): Promise<PersonBestRecord | undefined> {
    return attempts.applyToPerson(attempt, {
      attemptId: attempt.id,
      correctCount: attempt.outcome.correctCount,
      durationMs: attempt.outcome.durationMs,
      submittedAt: attempt.outcome.submittedAt,
      prediction: attempt.prediction ?? null,
    });
  }

  /**
   * Scores an open attempt: the attempt's conditional write from open to submitted is the commit
   * point, then the person follows (`settle`). `submitted` is null when the contest closes on an
   * attempt that was never submitted.
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
    const savedAt = at.toISOString();
    const finalAnswers = Object.fromEntries(
      Object.entries(counted).map(([q, ids]) => [q, { optionIds: [...new Set(ids)], savedAt: attempt.answers[q]?.savedAt ?? savedAt }]),
    );
    const candidate: PersonBestRecord = {
      attemptId: attempt.id,
      correctCount: result.correctCount,
      durationMs: durationMs(attempt.startedAt, submittedAt),
      submittedAt,
      // A prediction sent after the grace could use knowledge of the turnout: it does not count.
      prediction: submitted !== null && !late ? prediction : null,
    };
    // The best this attempt leaves the person with. A first attempt is almost always its person's
    // first score, so it is taken as the best without a read; a later one reads the person eventually
    // consistent (half a read unit). Either way the person's write decides for itself and returns
    // the real best, and the outcome is corrected in the rare case the guess was wrong.
    const person = attempt.attemptNo === 1 ? undefined : await attempts.getPerson(contest.id, attempt.phone, false, attempt.roundNo);
    const expected = replacesBest(candidate, person?.best) ? candidate : person!.best!;
    const scored = {
      ...attempt,
      status: 'submitted' as const,
      answers: finalAnswers,
      prediction: candidate.prediction,
      outcome: {
        attemptId: attempt.id,
        correctCount: candidate.correctCount,
        questionCount: result.questionCount,
        durationMs: candidate.durationMs,
        submittedAt,
        late,
        best: { correctCount: expected.correctCount, durationMs: expected.durationMs },
      },
    };
    if (await attempts.submitAttempt(scored)) {
      const best = await settle(scored);
      if (best && (best.correctCount !== expected.correctCount || best.durationMs !== expected.durationMs)) {
        scored.outcome.best = { correctCount: best.correctCount, durationMs: best.durationMs };
        await attempts.setOutcomeBest(scored.id, scored.outcome.best);
      }
      return scored;
    }
    // Scored meanwhile by a concurrent submit or by the close: that result stands.
    const stored = await attempts.getAttempt(attempt.id);
    if (!stored?.outcome) throw new AttemptClosed();
    const done = stored as AttemptRecord & { outcome: SubmitOutcome };
    await settle(done);
    return done;
  }

  function roundOf(contest: ContestRecord, attempt: AttemptRecord): Round {
    return roundsOf(contest)[(attempt.roundNo ?? 1) - 1] ?? roundsOf(contest)[0]!;
  }

  /**
   * What a submit says of the attempt's round: its id, the person's attempts left in it, and their
   * live rank there (best attempt, live order; null once the round is final or past a page per shard).
   */
  async function inRound(contest: ContestRecord, round: Round, attempt: AttemptRecord & { outcome: SubmitOutcome }) {
    const person = await attempts.getPerson(contest.id, attempt.phone, false, attempt.roundNo);
    const status = roundStatus(contest, round, now().getTime());
    const rank =
      person?.best && status !== 'final' && attempts.liveRank ? await attempts.liveRank(contest.id, attempt.phone, person.best, attempt.roundNo) : null;
    return {
      roundId: round.id,
      ...(round.explicit ? { roundName: round.name } : {}),
      rank,
      attemptsLeft: attemptsLeft(contest.maxAttempts, person?.attemptsUsed ?? attempt.attemptNo),
    };
  }

  /**
   * An attempt whose reservation is stored may not be written yet (its start is a moment behind):
   * looks for it `tries` times, `everyMs` apart; undefined if it never came (that start failed).
   */
  async function awaitAttempt(attemptId: string, tries: number, everyMs: number): Promise<AttemptRecord | undefined> {
    for (let i = 0; ; i++) {
      const attempt = await attempts.getAttempt(attemptId);
      if (attempt || i >= tries) return attempt;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }

  /** A concurrent copy of a keyed start took the attempt: its attempt item lands within moments. */
  async function waitForAttempt(attemptId: string): Promise<AttemptRecord> {
    const attempt = await awaitAttempt(attemptId, 50, 100);
    if (!attempt) throw new InvalidState('The first request with this Idempotency-Key did not finish; start again with a new key');
    return attempt;
  }

  async function replay(contest: ContestRecord, existing: AttemptRecord, key: string, phone: string) {
    if (!tokenMatches(key, existing.tokenHash) || existing.contestId !== contest.id) throw new Forbidden('This key belongs to another attempt');
    if (normalizePhone(phone) !== existing.phone) throw new InvalidState('This Idempotency-Key was used for another registration');
    const person = await attempts.getPerson(contest.id, existing.phone, true, existing.roundNo);
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
    async start(contestId: string, input: RegistrationInput & { confirmSharedPhone?: boolean }, idempotencyKey?: string) {
      const contest = await publicContest(contestId);
      const attemptId = idempotencyKey === undefined ? newId(16) : keyedAttemptId(contest.id, idempotencyKey);
      if (idempotencyKey !== undefined) {
        const existing = await attempts.getAttempt(attemptId);
        if (existing) return replay(contest, existing, idempotencyKey, input.phone);
      }
      const at = now();
      const checked = checkRegistration(input, contest, at.getTime());
      // Every attempt belongs to the round open at its start (the implicit round: the contest window).
      const round = roundForStart(contest, at.getTime());
      const roundNo = round.explicit ? round.no : undefined;
      // A typed village (no list) is registered, within the cap, before anything is taken.
      const registration =
        checked.village !== null && !contest.villages?.length ? { ...checked, village: await villages.admit(contest.id, checked.village) } : checked;
      const bank = [...(await bankOf(contest)).values()];
      // Everything that can fail is done before the attempt is taken: a failed start must not consume one.
      const drawn = drawForContest(contest, bank, rng);
      const reserved = await attempts.reserveAttempt(contest.id, registration, contest.maxAttempts, idempotencyKey, attemptId, input.confirmSharedPhone === true, roundNo);
      if (reserved === 'duplicate') return replay(contest, await waitForAttempt(attemptId), idempotencyKey!, input.phone);
      if ('otherName' in reserved) throw new PhoneNameMismatch(maskName(reserved.otherName), attemptsLeft(contest.maxAttempts, reserved.attemptsUsed));
      const { attemptNo } = reserved;
      const token = idempotencyKey ?? randomBytes(24).toString('base64url');
      const startedAt = at.toISOString();
      const attempt: AttemptRecord = {
        id: attemptId,
        contestId: contest.id,
        phone: registration.phone,
        attemptNo,
        tokenHash: hashToken(token),
        // Continuing as the phone's registration (a shared phone): the attempt is that person's, under their name.
        registration: { ...registration, fullName: reserved.fullName },
        drawn,
        startedAt,
        deadline: attemptDeadline(startedAt, contest.timeLimitSec, roundEnd(contest, round)),
        status: 'open',
        answers: {},
        ...(roundNo !== undefined ? { roundNo } : {}),
      };
      await attempts.createAttempt(attempt);
      return { ...(await startPayload(contest, attempt, attemptNo)), attemptToken: token };
    },

    async resume(attemptId: string, token: string) {
      const attempt = await authorized(attemptId, token);
      const contest = await publicContest(attempt.contestId);
      const person = await attempts.getPerson(contest.id, attempt.phone, true, attempt.roundNo);
      const expired = attempt.status === 'open' && isLateSubmit(now().getTime(), attempt.deadline);
      const reviewed = attempt.outcome ? await review(contest, attempt) : undefined;
      return {
        ...(await startPayload(contest, attempt, person?.attemptsUsed ?? attempt.attemptNo)),
        status: attempt.status === 'submitted' ? ('submitted' as const) : expired ? ('expired' as const) : ('open' as const),
        savedAnswers: Object.fromEntries(Object.entries(attempt.answers).map(([q, a]) => [q, a.optionIds])),
        // The same body a (repeated) submit answers, round figures included.
        ...(attempt.outcome
          ? { result: { ...attempt.outcome, ...(reviewed ? { review: reviewed } : {}), ...(await inRound(contest, roundOf(contest, attempt), attempt as AttemptRecord & { outcome: SubmitOutcome })) } }
          : {}),
      };
    },

    async save(attemptId: string, token: string, answers: Answers) {
      const attempt = await authorized(attemptId, token);
      const at = now();
      if (attempt.status !== 'open' || !canSaveAnswers(at.getTime(), attempt.deadline)) throw new AttemptClosed('Time is up for this attempt');
      checkAnswers(attempt, answers);
      const savedAt = at.toISOString();
      const fresh = Object.fromEntries(Object.entries(answers).map(([q, ids]) => [q, { optionIds: [...new Set(ids)], savedAt }]));
      if (!(await attempts.saveAnswers(attemptId, fresh))) throw new AttemptClosed();
      return { savedAt };
    },

    async submit(attemptId: string, token: string, body: { answers?: Answers; prediction?: number | null }) {
      const attempt = await authorized(attemptId, token);
      const contest = await publicContest(attempt.contestId);
      const round = roundOf(contest, attempt);
      // The final ranking is written: an attempt that slipped past the close can no longer change it.
      if (!attempt.outcome && (contest.finalizedAt || roundStateOf(contest, round).finalizedAt)) {
        throw new AttemptClosed(round.explicit ? 'The round is closed' : 'The contest is closed');
      }
      let scored = attempt as AttemptRecord & { outcome: SubmitOutcome };
      if (!attempt.outcome) {
        const answers = body.answers ?? {};
        checkAnswers(attempt, answers);
        scored = await score(contest, attempt, answers, contest.prediction ? (body.prediction ?? null) : null);
      } else {
        // A repeated submit answers the same body, and finishes the person's side if the first stopped before it.
        await settle(scored);
      }
      const reviewed = await review(contest, scored);
      return { ...scored.outcome, ...(reviewed ? { review: reviewed } : {}), ...(await inRound(contest, round, scored)) };
    },

    /**
     * Scores every attempt of the contest still open, from what was saved by its deadline, and
     * settles any scored attempt whose person was not updated (a submit that stopped in between).
     * The people are read strongly consistent; a start that reserved its attempt just before may
     * not have written it yet, so a missing attempt is looked for again for a moment.
     */
    async finalizeOpen(contest: ContestRecord, shard?: number, onlyRoundNo?: number): Promise<number> {
      const people = await attempts.people(contest.id, shard);
      const queue = people.flatMap((p) => (p.attemptIds ?? []).filter((id) => !p.scoredIds?.includes(id)));
      let done = 0;
      await Promise.all(
        Array.from({ length: Math.min(8, queue.length) }, async () => {
          for (let id = queue.shift(); id; id = queue.shift()) {
            const fresh = await awaitAttempt(id, 5, 200);
            // A round's close scores that round's attempts only (the next round may be open already).
            if (onlyRoundNo !== undefined && fresh?.roundNo !== onlyRoundNo) continue;
            if (fresh?.status === 'open') {
              await score(contest, fresh, null, null);
              done++;
            } else if (fresh?.outcome) await settle(fresh as AttemptRecord & { outcome: SubmitOutcome });
          }
        }),
      );
      return done;
    },

    settle,

    /** Forgets this environment's copy of a contest (a change made here shows at once). */
    forgetContest(contestId: string) {
      published.delete(contestId);
      banks.delete(contestId);
    },
  };
}

export type AttemptUseCases = ReturnType<typeof attemptUseCases>;
