// Grows a contest to 1,000 / 100,000 scored participants by writing its items directly:
// one person item each (with the leaderboard index keys, exactly as a scored submit leaves it)
// and the sharded aggregate items holding the same totals the submits would have added.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { aggregateDelta, type ContestAggregate } from '../../functions/domain/aggregate.ts';
import { indexKeys, keys, SHARDS, shardOf } from '../../functions/adapters/dynamodb/keys.ts';
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

/** Flat counters, named as attempts.ts's aggregateUpdate names them (ADD cannot create nested maps). */
type Counters = Map<string, number>;

function addDelta(counters: Counters, d: ContestAggregate): void {
  const add = (k: string, v: number) => v !== 0 && counters.set(k, (counters.get(k) ?? 0) + v);
  add('participants', d.participants);
  add('attempts', d.attempts);
  add('sumBestCorrect', d.sumBestCorrect);
  for (const [k, v] of Object.entries(d.histogram)) add(`h:${k}`, v);
  for (const [k, v] of Object.entries(d.units)) {
    add(`u:${k}:p`, v.participants);
    add(`u:${k}:s`, v.sumBestCorrect);
  }
  for (const [k, v] of Object.entries(d.villages)) add(`v:${k}`, v);
  for (const [k, v] of Object.entries(d.days)) {
    add(`d:${k}:a`, v.attempts);
    add(`d:${k}:p`, v.participants);
  }
}

/** Deterministic pseudo-random in [0, 1) from an index (so 1k is a prefix of 100k). */
const rand = (i: number, salt: number) => {
  let h = (i + 1) * 2_654_435_761 + salt * 40_503;
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
};

export function personItem(spec: SeedSpec, i: number) {
  const p = phone(3, i);
  // Roughly bell-shaped scores: the sum of three uniform draws.
  const correct = Math.min(spec.questionsPerAttempt, Math.floor(((rand(i, 1) + rand(i, 2) + rand(i, 3)) / 3) * (spec.questionsPerAttempt + 1)));
  const durationMs = 60_000 + Math.floor(rand(i, 4) * 540_000);
  const submittedAt = new Date(spec.from + Math.floor(rand(i, 5) * (spec.to - spec.from))).toISOString();
  const unitId = spec.units[i % spec.units.length]!;
  const village = spec.villages.length ? spec.villages[i % spec.villages.length]! : null;
  const shard = shardOf(p);
  const item = {
    ...keys.person(spec.contestId, p),
    attemptsUsed: 1,
    fullName: fullName(i),
    birthYear: 1960 + (i % 45),
    contestId: spec.contestId,
    phone: p,
    entity: 'person',
    best: { attemptId: `seed${String(i).padStart(12, '0')}`, correctCount: correct, durationMs, submittedAt, prediction: 1000 + (i % 5000) },
    unitId,
    village,
    scoredAttempts: 1,
    version: 1,
    GSI1PK: indexKeys.leaderboard.pk(spec.contestId, shard),
    GSI1SK: `${indexKeys.leaderboard.sk(correct, durationMs, submittedAt)}#${p}`,
  };
  const delta = aggregateDelta(null, { unitId, village, bestCorrect: correct }, submittedAt);
  return { item, shard, delta };
}

export interface SeedProgress {
  written: number;
  itemsPerSec: number;
  ms: number;
}

/**
 * Writes people [from, to), then replaces the aggregate items with the totals of people [0, to).
 * DynamoDB Local commits every item of a BatchWriteItem on its own (one disk sync each: about 65 to
 * 100 items/s on a VM disk), while a TransactWriteItems commits its 100 items at once (about 600 to
 * 700 items/s on the same disk), so the seeding writes transactions of 100 Puts, `inFlight` at a time.
 * Only the seeding: the app's own writes are untouched.
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
  const ms = performance.now() - t0;
  await writeAggregates(doc, tableName, spec, to);
  return { written: to - from, itemsPerSec: Math.round(((to - from) / ms) * 1000), ms: Math.round(ms) };
}

async function writeAggregates(doc: DynamoDBDocumentClient, tableName: string, spec: SeedSpec, count: number): Promise<void> {
  const shards: Counters[] = Array.from({ length: SHARDS }, () => new Map());
  for (let i = 0; i < count; i++) {
    const { shard, delta } = personItem(spec, i);
    addDelta(shards[shard]!, delta);
  }
  for (let s = 0; s < SHARDS; s++) {
    const item = { ...keys.contestAggregate(spec.contestId, s), entity: 'aggregate', ...Object.fromEntries(shards[s]!) };
    await doc.send(new PutCommand({ TableName: tableName, Item: item }));
  }
}

/** What the stats endpoint must report for people [0, count): used to check the seeding. */
export function expectedTotals(spec: SeedSpec, count: number): { participants: number; byUnit: Record<string, number> } {
  const byUnit: Record<string, number> = {};
  for (let i = 0; i < count; i++) byUnit[spec.units[i % spec.units.length]!] = (byUnit[spec.units[i % spec.units.length]!] ?? 0) + 1;
  return { participants: count, byUnit };
}
