// Scenario helpers for the use-case tests: a commune's units, contest bodies, question banks,
// participants, and answer sheets with a chosen number of correct answers.
import type { ContestBody } from '../../../functions/app/contests.ts';
import type { Unit } from '../../../functions/app/ports.ts';
import type { Question, QuestionInput } from '../../../functions/domain/question.ts';
import type { RegistrationInput } from '../../../functions/domain/registration.ts';
import type { Answers } from '../../../functions/domain/scoring.ts';
import { fakeSystem, type FakeSystem, type FakeSystemOptions } from '../../factories/fakes.ts';

export const UNITS: Unit[] = [
  { id: 'u-nd', name: 'Hội Nông dân', kind: 'mass_organization', memberCount: 10 },
  { id: 'u-pn', name: 'Hội Liên hiệp Phụ nữ', kind: 'mass_organization', memberCount: 4 },
  { id: 'u-dtn', name: 'Đoàn Thanh niên', kind: 'mass_organization', memberCount: 0 },
  { id: 'u-ccb', name: 'Hội Cựu chiến binh', kind: 'mass_organization', memberCount: 1 },
  { id: 'u-cd', name: 'Công đoàn cơ sở', kind: 'agency', memberCount: 20 },
];

/** The default fake clock time: the contest window below is open. */
export const NOW = '2024-06-10T03:00:00.000Z';

export function contestBody(overrides: Partial<ContestBody> = {}): ContestBody {
  return {
    title: 'Tìm hiểu cải cách hành chính 2024',
    description: 'Cuộc thi trực tuyến',
    rules: 'Mỗi người được thi tối đa 3 lượt.',
    startsAt: '2024-06-01T00:00:00.000Z',
    endsAt: '2024-06-30T17:00:00.000Z',
    questionsPerAttempt: 5,
    timeLimitSec: 900,
    maxAttempts: 3,
    unitIds: UNITS.map((u) => u.id),
    villages: ['Thôn 1', 'Thôn 2', 'Thôn 3'],
    prediction: { prompt: 'Bao nhiêu người sẽ tham gia?' },
    showAnswers: 'after_close',
    ...overrides,
  };
}

/** `n` valid questions; every fifth has two correct options (a multiple-choice question). */
export function bankRows(n: number): QuestionInput[] {
  return Array.from({ length: n }, (_, i) => ({
    text: `Câu hỏi số ${i + 1} về cải cách hành chính?`,
    options: [`Phương án A${i}`, `Phương án B${i}`, `Phương án C${i}`, `Phương án D${i}`],
    correct: i % 5 === 4 ? [0, 2] : [i % 4],
    explanation: `Giải thích câu ${i + 1}`,
    topic: 'Một cửa',
  }));
}

export function system(options: FakeSystemOptions = {}): FakeSystem {
  return fakeSystem({ units: UNITS, ...options });
}

/** A published contest with a bank of `bankSize` questions, created through the use cases. */
export async function openContest(sys: FakeSystem, overrides: Partial<ContestBody> = {}, bankSize = 8) {
  const created = await sys.contestCases.create(contestBody(overrides), 'staff-1');
  await sys.contestCases.importQuestions(created.id, bankRows(bankSize), []);
  const contest = await sys.contestCases.publish(created.id);
  return contest;
}

/** A distinct participant per `i`; phones are canonical `09xxxxxxxx`. */
export function participant(i: number, overrides: Partial<RegistrationInput> = {}): RegistrationInput {
  return {
    fullName: `Người thi ${i}`,
    phone: phoneOf(i),
    unitId: 'u-nd',
    village: 'Thôn 1',
    birthYear: 1980,
    consent: true,
    ...overrides,
  };
}

export const phoneOf = (i: number) => `09${String(10_000_000 + i).padStart(8, '0')}`;

function bankOf(sys: FakeSystem, contestId: string): Map<string, Question> {
  const bank = sys.contests.banks.get(contestId);
  if (!bank) throw new Error(`no bank for ${contestId}`);
  return bank;
}

/** Option ids that are right (or, with `right: false`, one that is wrong) for one drawn question. */
export function optionIdsFor(sys: FakeSystem, contestId: string, drawn: { questionId: string; optionOrder: number[] }, right: boolean): string[] {
  const question = bankOf(sys, contestId).get(drawn.questionId)!;
  const ids = drawn.optionOrder.map((original, position) => ({ id: String.fromCharCode(97 + position), ok: question.correct.includes(original) }));
  return right ? ids.filter((o) => o.ok).map((o) => o.id) : [ids.find((o) => !o.ok)!.id];
}

/**
 * Answers to an attempt with exactly `correct` right answers: the first `correct` drawn questions
 * right, every other one wrong. Option ids are mapped through the attempt's own shuffled order.
 */
export function answersWith(sys: FakeSystem, attemptId: string, correct: number): Answers {
  const attempt = sys.attempts.attempt(attemptId);
  return Object.fromEntries(attempt.drawn.map((d, i) => [d.questionId, optionIdsFor(sys, attempt.contestId, d, i < correct)]));
}

/** Starts an attempt for participant `i`, waits `durationSec` on the clock and submits `correct` right answers. */
export async function takeAttempt(
  sys: FakeSystem,
  contestId: string,
  who: RegistrationInput,
  correct: number,
  durationSec: number,
  prediction?: number,
) {
  const started = await sys.attemptCases.start(contestId, who);
  sys.clock.advanceSec(durationSec);
  const answers = answersWith(sys, started.attemptId, correct);
  const outcome = await sys.attemptCases.submit(started.attemptId, started.attemptToken, {
    answers,
    ...(prediction === undefined ? {} : { prediction }),
  });
  return { started, outcome };
}

/** Runs `fn` and returns the error it rejects with (fails the test when it resolves). */
export async function rejection(fn: () => Promise<unknown>): Promise<Error & { code?: string; details?: unknown }> {
  try {
    await fn();
  } catch (e) {
    return e as Error & { code?: string; details?: unknown };
  }
  throw new Error('expected a rejection, but the call resolved');
}
