// Demo: the shared library filled from the ready-made bank (data/bank/plan-2024.csv) through the
// same import code as POST /api/admin/library/import, and a contest drawing from it by topic
// quotas, published through the same publish (its snapshot). Idempotent: ids are fixed per row,
// a marker item records that the import finished (so a question an organizer deleted is not
// brought back), and the contest is written only when missing.
import { existsSync, readFileSync } from 'node:fs';
import { contestRepository } from '../adapters/dynamodb/contests.ts';
import { ddb, GetCommand, PutCommand, tableName } from '../adapters/dynamodb/client.ts';
import { keys } from '../adapters/dynamodb/keys.ts';
import { libraryRepository } from '../adapters/dynamodb/library.ts';
import { unitRepository } from '../adapters/dynamodb/units.ts';
import { parseQuestionFile } from '../adapters/import/question-file.ts';
import { contestUseCases } from '../app/contests.ts';
import { libraryUseCases } from '../app/library.ts';
import type { ContestRecord } from '../app/contest-ports.ts';
import type { TopicQuota } from '../domain/library.ts';
import { consecutiveRounds } from '../domain/rounds.ts';
import { DEMO_LIBRARY_CONTEST_ID, DEMO_ROUNDS_CONTEST_ID, demoRoundsContest, demoUnits, demoVillages, READY_MADE_BANK } from './demo.ts';


const PER_ATTEMPT = 10;

/**
 * Quotas over every topic of the bank, as even as the topics allow, adding up to `total` (or to
 * all the questions when there are fewer): round-robin, a topic dropping out when it has no more.
 */
export function evenQuotas(topics: readonly { topic: string; questions: number }[], total: number): TopicQuota[] {
  const counts = new Map(topics.map((t) => [t.topic, 0]));
  let left = Math.min(total, topics.reduce((s, t) => s + t.questions, 0));
  while (left > 0) {
    for (const t of topics) {
      if (left === 0) break;
      if (counts.get(t.topic)! < t.questions) {
        counts.set(t.topic, counts.get(t.topic)! + 1);
        left--;
      }
    }
  }
  return [...counts].filter(([, count]) => count > 0).map(([topic, count]) => ({ topic, count }));
}

/** Imports the ready-made bank once; the number of questions it added (0 when done before or absent). */
export async function seedLibrary(file = READY_MADE_BANK): Promise<number> {
  const marker = await ddb.send(new GetCommand({ TableName: tableName, Key: keys.demoLibrary(), ConsistentRead: true }));
  if (marker.Item || !existsSync(file)) return 0;
  const parsed = await parseQuestionFile(readFileSync(file), 'text/csv');
  if (!parsed.ok) throw new Error(`the ready-made bank ${file} does not import: ${JSON.stringify(parsed.errors.slice(0, 3))}`);
  // The bank's date: ids then sort in file order and are the same at every start.
  const at = new Date('2024-01-01T00:00:00.000Z');
  const library = libraryUseCases({ library: libraryRepository, newId: () => '', now: () => at });
  const { imported } = await library.importQuestions(parsed.questions, parsed.rows, { idOf: (i) => `bank2024-${String(i + 1).padStart(4, '0')}` });
  await ddb.send(new PutCommand({ TableName: tableName, Item: { ...keys.demoLibrary(), entity: 'meta', seededAt: new Date().toISOString(), file: 'data/bank/plan-2024.csv' } }));
  return imported;
}

type ContestFields = Omit<ContestRecord, 'id' | 'status' | 'createdAt' | 'updatedAt' | 'version' | 'draw' | 'questionsPerAttempt' | 'unitIds' | 'villages'>;

/**
 * Writes a draft drawing `perAttempt` questions from every topic of the library (evenQuotas) and
 * publishes it through the same publish as the console (its snapshot). False when it exists or the
 * library is empty (the next start tries again).
 */
async function seedDrawingContest(id: string, perAttempt: number, fields: (draw: TopicQuota[], questions: number) => ContestFields): Promise<boolean> {
  const existing = await contestRepository.get(id, true);
  const contests = contestUseCases({ contests: contestRepository, units: unitRepository, newId: () => '', now: () => new Date(), library: libraryRepository });
  if (existing) {
    // A start stopped between writing the draft and publishing it: publish now.
    if (existing.status === 'draft' && existing.draw?.length) await contests.publish(id);
    return false;
  }
  const bankTopics = (await libraryRepository.topics()).filter((t) => t.questions > 0);
  if (bankTopics.length === 0) return false;
  const draw = evenQuotas(bankTopics, perAttempt);
  // As many as the quotas give (fewer than asked when the library is small).
  const questionsPerAttempt = draw.reduce((s, q) => s + q.count, 0);
  const at = new Date().toISOString();
  await contestRepository.create({
    ...fields(draw, questionsPerAttempt),
    id,
    questionsPerAttempt,
    unitIds: demoUnits.map((u) => u.id),
    villages: demoVillages,
    draw,
    status: 'draft',
    createdAt: at,
    updatedAt: at,
    version: 1,
  });
  await contests.publish(id);
  return true;
}

const quotaText = (draw: TopicQuota[]) => draw.map((q) => `${q.topic} (${q.count} câu)`).join('; ');

/** A published contest drawing 10 questions an attempt from every topic of the library's bank, open 60 days. */
export function seedLibraryContest(): Promise<boolean> {
  const start = new Date(Date.now() - 24 * 3600_000);
  return seedDrawingContest(DEMO_LIBRARY_CONTEST_ID, PER_ATTEMPT, (draw, questions) => ({
    title: 'Tìm hiểu Kế hoạch tuyên truyền cải cách hành chính năm 2024 (rút từ ngân hàng câu hỏi chung)',
    description:
      'Cuộc thi trực tuyến rút câu hỏi từ ngân hàng câu hỏi dùng chung của xã, theo từng chủ đề của Kế hoạch tuyên truyền cải cách hành chính năm 2024.',
    rules: [
      `1. Mỗi lượt thi gồm ${questions} câu hỏi, rút theo chủ đề: ${quotaText(draw)}.`,
      '2. Mỗi người được thi tối đa 3 lượt; lượt có kết quả cao nhất được tính.',
      '3. Số điện thoại chỉ dùng để liên hệ trao giải, không công khai.',
    ].join('\n'),
    startsAt: start.toISOString(),
    endsAt: new Date(start.getTime() + 60 * 24 * 3600_000).toISOString(),
    timeLimitSec: 900,
    maxAttempts: 3,
    prediction: { prompt: 'Theo bạn, sẽ có bao nhiêu người tham gia cuộc thi này?' },
    showAnswers: 'after_submit',
    retentionDays: 365,
  }));
}

/** The demo of rounds (docs/rounds.md): 4 weekly rounds drawing from the library, the first started two days ago. */
export function seedRoundsContest(): Promise<boolean> {
  const rounds = consecutiveRounds(Date.now() - 2 * 24 * 3600_000, 4, 7, (n) => `Tuần ${n}`);
  return seedDrawingContest(DEMO_ROUNDS_CONTEST_ID, demoRoundsContest.questionsPerAttempt, (draw) => ({
    ...demoRoundsContest,
    rules: demoRoundsContest.rules.replace('{quotas}', quotaText(draw)),
    startsAt: rounds[0]!.startsAt,
    endsAt: rounds[3]!.endsAt,
    rounds,
  }));
}
