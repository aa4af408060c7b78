// Demo data that shows life on the first run: a contest of the past, closed, with a few hundred
// simulated participants from the commune's organizations and villages. Their attempts are drawn,
// answered and scored by the domain's own functions and written in batches (25 items a request)
// as the items a start and a submit leave, keyed by keys.ts; the close's own rows() ranks them for
// the final pages, and the stream consumer derives the counters from the items, as always.
// Going through the HTTP use cases instead would cost ~10 requests per attempt at every first
// start. Deterministic (seeded), clearly marked in the title and description, removed by
// `npm run demo:remove`.
import { createHash } from 'node:crypto';
import type { AttemptRecord, ContestRecord, PersonBestRecord, SubmitOutcome } from '../app/contest-ports.ts';
import { rows as finalRows } from '../app/standings.ts';
import { encodeAnswers, encodeDrawn, toPerson } from '../adapters/dynamodb/attempts.ts';
import { batchWrite } from '../adapters/dynamodb/batches.ts';
import { indexKeys, keys, LEADERBOARD_SHARDS, shardOf } from '../adapters/dynamodb/keys.ts';
import { attemptDeadline } from '../domain/contest.ts';
import { drawAttempt } from '../domain/draw.ts';
import { replacesBest } from '../domain/ranking.ts';
import { checkRegistration } from '../domain/registration.ts';
import { optionId, scoreAttempt } from '../domain/scoring.ts';
import { contestRepository } from '../adapters/dynamodb/contests.ts';
import { standingsStore } from '../adapters/dynamodb/standings.ts';
import { demoQuestions, demoUnits, demoVillages } from './demo.ts';
import { seededRng } from '../domain/random.ts';
import { DEMO_PAST_CONTEST_ID, demoParticipants } from './demo-people.ts';

export { DEMO_PAST_CONTEST_ID };

const DAY = 86_400_000;

/** Milliseconds the last seeding spent writing the items and closing (start-up time report). */
export const timings = { items: 0, close: 0 };

/** Writes the past contest and its participants unless it is there. Returns the participants written. */
export async function seedPastContest(now = new Date()): Promise<number> {
  // Resumable: every item below is deterministic (ids included) and the contest turns closed last,
  // so a start stopped half-way writes the same items again next time.
  const existing = await contestRepository.get(DEMO_PAST_CONTEST_ID, true);
  if (existing?.status === 'closed') return 0;
  if (!existing) {
    // Three weeks that ended a month and a half ago.
    const startsAt = new Date(Math.floor((now.getTime() - 70 * DAY) / DAY) * DAY);
    const created = startsAt.toISOString();
    await contestRepository.create({
      id: DEMO_PAST_CONTEST_ID,
      title: 'Tìm hiểu dịch vụ công trực tuyến và bưu chính công ích (dữ liệu mẫu)',
      description:
        'Dữ liệu mẫu của chế độ chạy thử: một cuộc thi đã kết thúc với người tham gia mô phỏng từ các đoàn thể và các thôn của xã, để các bảng xếp hạng, kết quả và biểu đồ có số liệu ngay lần chạy đầu. Xoá bằng lệnh npm run demo:remove.',
      rules: 'Mỗi người thi tối đa 2 lượt, mỗi lượt 10 câu trong 10 phút; lượt có kết quả cao nhất được tính.',
      startsAt: created,
      endsAt: new Date(startsAt.getTime() + 21 * DAY).toISOString(),
      questionsPerAttempt: 10,
      timeLimitSec: 600,
      maxAttempts: 2,
      unitIds: demoUnits.map((u) => u.id),
      villages: demoVillages,
      prediction: { prompt: 'Theo bạn, sẽ có bao nhiêu người tham gia cuộc thi này?' },
      showAnswers: 'after_close',
      status: 'draft',
      createdAt: created,
      updatedAt: created,
      version: 1,
    } as ContestRecord);
  }
  let contest = (await contestRepository.get(DEMO_PAST_CONTEST_ID, true))!;
  if (contest.status === 'draft') {
    if ((await contestRepository.countQuestions(DEMO_PAST_CONTEST_ID)) === 0) {
      await contestRepository.addQuestions(DEMO_PAST_CONTEST_ID, demoQuestions.map((q, i) => ({ id: `mau${String(i + 1).padStart(3, '0')}`, ...q })));
    }
    await contestRepository.replace({ ...contest, status: 'published', publishedAt: contest.createdAt, version: contest.version + 1 });
    contest = (await contestRepository.get(DEMO_PAST_CONTEST_ID, true))!;
  }
  const startsAt = new Date(contest.startsAt);
  const endsAt = new Date(contest.endsAt);

  const bank = await contestRepository.questions(DEMO_PAST_CONTEST_ID);
  const people = demoParticipants();
  const rnd = seededRng(1945);
  const items: Record<string, unknown>[] = [];
  for (const person of people) {
    const day = Math.floor(Math.pow(rnd(), 1.8) * 20); // most in the first days after the launch
    const first = startsAt.getTime() + day * DAY + Math.round((1 + rnd() * 13) * 3600) * 1000;
    const tries = rnd() < 0.3 ? 2 : 1;
    const registration = checkRegistration({ ...person, consent: true } as never, contest, first);
    const scored: (AttemptRecord & { outcome: SubmitOutcome })[] = [];
    let best: PersonBestRecord | undefined;
    for (let t = 0; t < tries; t++) {
      const at = Math.min(first + Math.round(t * (1 + rnd() * 2) * 86_400) * 1000, endsAt.getTime() - 2 * 3600_000);
      const drawn = drawAttempt(bank, contest.questionsPerAttempt, rnd);
      const skill = Math.min(0.98, person.skill + t * 0.08);
      const submittedAt = new Date(at + (90 + Math.floor(rnd() * 420)) * 1000).toISOString();
      // Right: every correct option as shown; wrong: one option that is not correct.
      const answers = Object.fromEntries(
        drawn.map((d) => {
          const correct = new Set(bank.find((q) => q.id === d.questionId)!.correct);
          const shown = d.optionOrder.map((original, position) => ({ id: optionId(position), right: correct.has(original) }));
          const wrong = shown.filter((o) => !o.right);
          const chosen = rnd() < skill || wrong.length === 0 ? shown.filter((o) => o.right) : [wrong[Math.floor(rnd() * wrong.length)]!];
          return [d.questionId, chosen.map((o) => o.id)];
        }),
      );
      const keyed = drawn.map((d) => ({ ...d, question: bank.find((q) => q.id === d.questionId)!, correct: bank.find((q) => q.id === d.questionId)!.correct }));
      const result = scoreAttempt(keyed, answers);
      const id = `d${registration.phone}${t + 1}demo`; // 16 characters like newId(16); the same on every run
      const startedAt = new Date(at).toISOString();
      const candidate: PersonBestRecord = { attemptId: id, correctCount: result.correctCount, durationMs: Date.parse(submittedAt) - at, submittedAt, prediction: 150 + Math.floor(rnd() * 350) };
      if (replacesBest(candidate, best)) best = candidate;
      scored.push({
        id,
        contestId: contest.id,
        phone: registration.phone,
        attemptNo: t + 1,
        tokenHash: createHash('sha256').update(id).digest('base64url'),
        registration,
        drawn,
        startedAt,
        deadline: attemptDeadline(startedAt, contest.timeLimitSec, contest.endsAt),
        status: 'submitted',
        answers: Object.fromEntries(Object.entries(answers).map(([q, optionIds]) => [q, { optionIds, savedAt: submittedAt }])),
        prediction: candidate.prediction,
        outcome: { attemptId: id, correctCount: result.correctCount, questionCount: result.questionCount, durationMs: candidate.durationMs, submittedAt, late: false, best: { correctCount: best!.correctCount, durationMs: best!.durationMs } },
      });
    }
    // The items exactly as a start (reserveAttempt, createAttempt), a submit (submitAttempt) and its
    // person's update (applyToPerson) leave them.
    for (const { drawn, answers, ...attempt } of scored) {
      items.push({ ...keys.attempt(attempt.id), entity: 'attempt', ...attempt, drawn: encodeDrawn(drawn), ans: encodeAnswers(answers) });
    }
    const latest = scored.at(-1)!.registration;
    items.push({
      ...keys.person(contest.id, registration.phone),
      entity: 'person',
      contestId: contest.id,
      phone: registration.phone,
      fullName: registration.fullName,
      birthYear: registration.birthYear,
      attemptsUsed: scored.length,
      attemptIds: new Set(scored.map((a) => a.id)),
      scoredIds: new Set(scored.map((a) => a.id)),
      scoredAttempts: scored.length,
      version: scored.length,
      best,
      unitId: latest.unitId,
      village: latest.village,
      firstScoredAt: scored[0]!.outcome.submittedAt,
      LBPK: indexKeys.leaderboard.pk(contest.id, shardOf(registration.phone, LEADERBOARD_SHARDS)),
      LBSK: `${indexKeys.leaderboard.sk(best!.correctCount, best!.durationMs, best!.submittedAt)}#${registration.phone}`,
    });
  }
  // Two batch writers: faster than one, and gentle enough for DynamoDB Local on a busy machine.
  const written = Date.now();
  const parts = 2;
  await Promise.all(Array.from({ length: parts }, (_, p) => batchWrite(items.filter((_, i) => i % parts === p).map((Item) => ({ PutRequest: { Item } })))));
  timings.items = Date.now() - written;

  // What the close writes (app/standings.ts): the final ranking from the same rows(), then the
  // contest closed and finalised at its end.
  const closing = Date.now();
  const scoredPeople = items.filter((i) => i.entity === 'person').map((i) => toPerson(i));
  await standingsStore.writeFinal(contest.id, finalRows(scoredPeople, contest, scoredPeople.length, true));
  const published = (await contestRepository.get(DEMO_PAST_CONTEST_ID, true))!;
  await contestRepository.replace({
    ...published,
    status: 'closed',
    closedAt: endsAt.toISOString(),
    finalizedAt: endsAt.toISOString(),
    finalParticipants: scoredPeople.length,
    updatedAt: endsAt.toISOString(),
    version: published.version + 1,
  });
  timings.close = Date.now() - closing;
  return people.length;
}
