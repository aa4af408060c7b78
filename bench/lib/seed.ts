// Grows a contest to 1,000 / 100,000 scored participants by writing its person items directly,
// each exactly as a scored submit leaves it (adapters/dynamodb/attempts.ts applyToPerson: best,
// unit, village, scored ids, leaderboard index keys). No aggregate item is written: as in
// production, the table's stream consumer (handlers/stream.ts, run by local mode's poller) folds
// the new people into the contest's counters, and `waitForCounters` measures how long it takes.
import { QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { indexKeys, keys, LEADERBOARD_SHARDS, shardOf } from '../../functions/adapters/dynamodb/keys.ts';
import { fullName, phone } from './people.ts';
import { forEachLimit, sleep } from './stats.ts';

export interface SeedSpec {
  contestId: string;
  units: string[];
  villages: string[];
  questionsPerAttempt: number;
  /** Submissions are spread between these instants. */
  from: number;
  to: number;
}

/** Deterministic pseudo-random in [0, 1) from an index (so 1k is a prefix of 100k). */
const rand = (i: number, salt: number) => {
  let h = (i + 1) * 2_654_435_761 + salt * 40_503;
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
};

/** Person i of a seeded contest: one scored attempt (whose attempt item is not written). */
export function personItem(spec: SeedSpec, i: number) {
  const p = phone(3, i);
  // Roughly bell-shaped scores: the sum of three uniform draws.
  const correct = Math.min(spec.questionsPerAttempt, Math.floor(((rand(i, 1) + rand(i, 2) + rand(i, 3)) / 3) * (spec.questionsPerAttempt + 1)));
  const durationMs = 60_000 + Math.floor(rand(i, 4) * 540_000);
  const submittedAt = new Date(spec.from + Math.floor(rand(i, 5) * (spec.to - spec.from))).toISOString();
  const unitId = spec.units[i % spec.units.length]!;
  const village = spec.villages.length ? spec.villages[i % spec.villages.length]! : null;
  const attemptId = `seed${String(i).padStart(16, '0')}`;
  const item = {
    ...keys.person(spec.contestId, p),
    entity: 'person',
    contestId: spec.contestId,
    phone: p,
    fullName: fullName(i),
    birthYear: 1960 + (i % 45),
    attemptsUsed: 1,
    unitId,
    village,
    best: { attemptId, correctCount: correct, durationMs, submittedAt, prediction: 1000 + (i % 5000) },
    scoredAttempts: 1,
    version: 1,
    scoredIds: new Set([attemptId]),
    attemptIds: new Set([attemptId]),
    firstScoredAt: submittedAt,
    // As applyToPerson writes them: leaderboard shard of the phone, rank tuple then the phone.
    LBPK: indexKeys.leaderboard.pk(spec.contestId, shardOf(p, LEADERBOARD_SHARDS)),
    LBSK: `${indexKeys.leaderboard.sk(correct, durationMs, submittedAt)}#${p}`,
  };
  return { item, correct };
}

/** The counters the stream consumer keeps for a contest, summed over its aggregate items (read consistently). */
export async function readCounters(client: DynamoDBClient, tableName: string, contestId: string): Promise<{ participants: number; attempts: number }> {
  const { PK, SKPrefix } = keys.aggregatesOf(contestId);
  const out = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': { S: PK }, ':sk': { S: SKPrefix } },
      ProjectionExpression: 'participants, attempts',
      ConsistentRead: true,
    }),
  );
  let participants = 0;
  let attempts = 0;
  for (const item of out.Items ?? []) {
    participants += Number(item.participants?.N ?? 0);
    attempts += Number(item.attempts?.N ?? 0);
  }
  return { participants, attempts };
}

export interface ConsumerCatchUp {
  /** Stream records to fold: one INSERT per seeded person. */
  records: number;
  /** Counters' participants when the last seeding write was acknowledged. */
  participantsAtSeedEnd: number;
  /** From the last seeding write to the counters showing every seeded person. */
  catchUpMs: number;
  /** Records ÷ (seeding start → counters complete): the consumer's rate while keeping up with the writes. */
  recordsPerSec: number;
  /** Records still unfolded when the seeding ended ÷ catch-up time: its rate on a backlog (null when none was left). */
  backlogRecordsPerSec: number | null;
  /** Counters' participants at the end; must equal the seeded total. */
  participants: number;
  timedOut: boolean;
}

export interface SeedProgress {
  written: number;
  itemsPerSec: number;
  ms: number;
  consumer: ConsumerCatchUp;
}

/**
 * Polls the contest's counters until they show `expected` participants (or `timeoutMs` passed).
 * `t0` = when the writes began, `writesEnd` = when the last one was acknowledged.
 */
export async function waitForCounters(
  client: DynamoDBClient,
  tableName: string,
  contestId: string,
  expected: number,
  records: number,
  t0: number,
  writesEnd: number,
  timeoutMs: number,
): Promise<ConsumerCatchUp> {
  const atEnd = (await readCounters(client, tableName, contestId)).participants;
  let now = atEnd;
  let t = performance.now();
  while (now < expected && t - writesEnd < timeoutMs) {
    await sleep(100);
    now = (await readCounters(client, tableName, contestId)).participants;
    t = performance.now();
  }
  const catchUpMs = Math.max(0, t - writesEnd);
  const backlog = expected - atEnd;
  return {
    records,
    participantsAtSeedEnd: atEnd,
    catchUpMs: Math.round(catchUpMs),
    recordsPerSec: Math.round((records / (t - t0)) * 1000),
    backlogRecordsPerSec: backlog > 0 && catchUpMs > 0 ? Math.round((backlog / catchUpMs) * 1000) : null,
    participants: now,
    timedOut: now < expected,
  };
}

/**
 * Writes people [from, to), then waits until the stream consumer has folded them into the
 * counters (which then hold people [0, to)). DynamoDB Local commits every item of a BatchWriteItem
 * on its own (one disk sync each: about 65 to 100 items/s on a VM disk), while a TransactWriteItems
 * commits its 100 items at once (about 600 to 1,400 items/s on the same disk), so the seeding writes
 * transactions of 100 Puts, `inFlight` at a time. Only the seeding: the app's own writes are untouched.
 */
export async function seedPeople(
  client: DynamoDBClient,
  tableName: string,
  spec: SeedSpec,
  from: number,
  to: number,
  inFlight: number,
  progress?: (written: number, itemsPerSec: number) => void,
): Promise<SeedProgress> {
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const PER = 100;
  const t0 = performance.now();
  const chunks = Math.ceil((to - from) / PER);
  let done = 0;
  let reported = 0;
  await forEachLimit(chunks, inFlight, async (b) => {
    const start = from + b * PER;
    const items = [];
    for (let i = start; i < Math.min(to, start + PER); i++) items.push({ Put: { TableName: tableName, Item: personItem(spec, i).item } });
    for (let tryNo = 0; ; tryNo++) {
      try {
        await doc.send(new TransactWriteCommand({ TransactItems: items }));
        break;
      } catch (e) {
        if (tryNo >= 5) throw e;
        await sleep(50 * 2 ** tryNo);
      }
    }
    done += items.length;
    if (progress && done - reported >= 10_000) {
      reported = done;
      progress(done, Math.round((done / (performance.now() - t0)) * 1000));
    }
  });
  const writesEnd = performance.now();
  const ms = writesEnd - t0;
  // Generous: a consumer slower than 50 records/s is reported as timed out, not waited for.
  const consumer = await waitForCounters(client, tableName, spec.contestId, to, to - from, t0, writesEnd, 60_000 + (to - from) * 20);
  return { written: to - from, itemsPerSec: Math.round(((to - from) / ms) * 1000), ms: Math.round(ms), consumer };
}

/**
 * What the stats endpoint must report for people [0, count), once the stream consumer has folded
 * them in. The seeded people's attempt items do not exist (only the person items are written), so
 * the consumer counts no attempt for them: `attempts` is 0, as the counters are a projection of the
 * stored items.
 */
export function expectedTotals(spec: SeedSpec, count: number): { participants: number; attempts: number; byUnit: Record<string, number>; histogram: Record<number, number> } {
  const byUnit: Record<string, number> = {};
  const histogram: Record<number, number> = {};
  for (let i = 0; i < count; i++) {
    const unit = spec.units[i % spec.units.length]!;
    byUnit[unit] = (byUnit[unit] ?? 0) + 1;
    const { correct } = personItem(spec, i);
    histogram[correct] = (histogram[correct] ?? 0) + 1;
  }
  return { participants: count, attempts: 0, byUnit, histogram };
}
