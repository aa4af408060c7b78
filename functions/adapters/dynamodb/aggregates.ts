// Applies item changes from the table's stream to the aggregate counters, exactly once.
//
// Each chunk of consecutive records of one stream shard is one transaction: a ledger item keyed by
// the chunk's first record (its eventID, unique in the stream) holding the chunk's last sequence
// number, plus one ADD per touched counter item. A stream batch is delivered again from its first
// record after a failure (Lambda, or the local poller, checkpoints only after success), so a
// redelivered chunk finds its ledger item and skips the records it already applied, then
// continues with the rest. Nothing is ever applied twice or partly.
//
// A batch that fails part way is answered with a partial batch response naming the first record of
// the first chunk not applied (handlers/stream.ts); Lambda then checkpoints before it and delivers
// again from it, bisecting there when bisectBatchOnError is on. So every redelivery begins at a
// chunk's first record, where the ledger is looked up. (A function that crashes or times out is
// bisected at the batch's midpoint instead, which may fall inside an applied chunk: the handler
// stops early, before its deadline, and never throws, so only a crash of the runtime gets there.)
import { counterChange, type ItemChange } from '../../app/aggregates.ts';
import { addAggregates, emptyAggregate, isEmptyDelta, type ContestAggregate } from '../../domain/aggregate.ts';
import { ddb, GetCommand, tableName } from './client.ts';
import { keys, shardOf } from './keys.ts';
import { transactWrite } from './batches.ts';

/** A transaction holds 100 items: the ledger and up to 99 counter items. */
const MAX_COUNTER_ITEMS = 99;
/** ADDs per counter item and transaction: keeps each update expression far under DynamoDB's 4 KB. */
const MAX_ADDS = 200;
/** Ledger items are needed only while the stream still holds their records (24 hours). */
const LEDGER_TTL_SEC = 2 * 24 * 3600;

/** Counters as flat attribute names (ADD cannot create nested maps), zero entries left out. */
export function counterEntries(delta: ContestAggregate): [string, number][] {
  const adds: [string, number][] = [
    ['participants', delta.participants],
    ['attempts', delta.attempts],
    ['sumBestCorrect', delta.sumBestCorrect],
  ];
  for (const [k, v] of Object.entries(delta.histogram)) adds.push([`h:${k}`, v]);
  for (const [k, v] of Object.entries(delta.units)) adds.push([`u:${k}:p`, v.participants], [`u:${k}:s`, v.sumBestCorrect]);
  for (const [k, v] of Object.entries(delta.villages)) adds.push([`v:${k}`, v]);
  for (const [k, v] of Object.entries(delta.days)) adds.push([`d:${k}:a`, v.attempts], [`d:${k}:p`, v.participants]);
  return adds.filter(([, v]) => v !== 0);
}

/**
 * How the counters of a contest are spread over items (layout 3). Every stream shard writes one
 * transaction per batch (~1 s) touching each counter item its records change, and a transaction
 * costs 2 write units per KB of each whole item it touches. At 1,000 submits/s the table runs at
 * 7,000 – 15,000 WCU/s, so its stream has ~20 shards: ~20 transactions a second, each touching
 * nearly every unit and village of the contest (~50 submits a batch over 60 units, 300 villages).
 * One item holding everything (layout 2: 60 units, 300 villages and 60 days in ~15 KB) took
 * 20 × 2 × 15 = 600 WCU/s, in one partition that also holds the contest's questions.
 *
 * - `TOTAL`: participants, attempts, the score histogram (≤ 201 entries): under 2 KB.
 * - `DAY#<yyyy-mm-dd>`: that Vietnamese day's two counters, so a long contest's past days are never
 *   rewritten (60 days were ~2.5 KB of every transaction). These two stay in `CONTEST#<id>`:
 *   20 × 2 × (1 + 1) KB = 80 WCU/s there.
 * - `UNITS#<0..UNIT_ITEMS-1>` and `VILLAGES#<0..VILLAGE_ITEMS-1>`: by FNV hash of the counter's
 *   unit or village, each in a partition of its own (keys.counterPartition). 60 units × 2 counters
 *   × ~35 B ≈ 4 KB over 2 items: 20 × 2 × 2 KB = 80 WCU/s each; 300 villages × ~30 B ≈ 9 KB over
 *   8 items: 20 × 2 × 2 KB = 80 WCU/s each. The worst case the village cap allows (VILLAGE_CAP
 *   names of 80 three-byte characters, ~120 KB) is 15 KB an item: 600 WCU/s, still a single
 *   item's and partition's budget, and 30× under the 400 KB item limit.
 *
 * So no item or partition takes more than ~100 WCU/s in the realistic case (`npm run
 * bench:partitions` prints the simulated figures), at the price of rounding each item up to whole KB
 * (about 44 instead of 30 WCU a transaction: under 1 write unit per participant at the peak). A
 * transaction touches at most 1 + 2 + 2 + 8 = 13 items per contest, so the 99-item chunk limit
 * still holds 7 contests, and hashing keeps each item's ADDs of one chunk under MAX_ADDS.
 * Readers sum every `AGG#` item of the contest partition plus these by key, so layout 2's single
 * `AGG#CONTEST#0` keeps counting (never written again) and no counter moves in a migration.
 */
export const UNIT_ITEMS = 2;
export const VILLAGE_ITEMS = 8;

/** The item-part names an attribute of the counters goes to. */
export function counterPart(attribute: string): string {
  if (attribute.startsWith('d:')) return `DAY#${attribute.slice(2, 12)}`;
  if (attribute.startsWith('u:')) return `UNITS#${shardOf(attribute.slice(2, -2), UNIT_ITEMS)}`;
  if (attribute.startsWith('v:')) return `VILLAGES#${shardOf(attribute.slice(2), VILLAGE_ITEMS)}`;
  return 'TOTAL';
}

/** The key of a counter part: small families in the contest's partition, hashed ones in their own. */
export function counterKey(contestId: string, part: string): { PK: string; SK: string } {
  return part.startsWith('UNITS#') || part.startsWith('VILLAGES#') ? keys.counterPartition(contestId, part) : keys.contestAggregate(contestId, part);
}

/** Every counter item a contest may have outside its own partition (read by key). */
export function hashedCounterKeys(contestId: string): { PK: string; SK: string }[] {
  return [
    ...Array.from({ length: UNIT_ITEMS }, (_, i) => keys.counterPartition(contestId, `UNITS#${i}`)),
    ...Array.from({ length: VILLAGE_ITEMS }, (_, i) => keys.counterPartition(contestId, `VILLAGES#${i}`)),
  ];
}

export function counterItems(contestId: string, delta: ContestAggregate): { key: { PK: string; SK: string }; adds: [string, number][] }[] {
  const parts = new Map<string, [string, number][]>();
  for (const entry of counterEntries(delta)) {
    const part = counterPart(entry[0]);
    const adds = parts.get(part);
    if (adds) adds.push(entry);
    else parts.set(part, [entry]);
  }
  return [...parts].map(([part, adds]) => ({ key: counterKey(contestId, part), adds }));
}

function updateOf(key: { PK: string; SK: string }, adds: [string, number][]) {
  return {
    Update: {
      TableName: tableName,
      Key: key,
      UpdateExpression: `SET entity = :entity ADD ${adds.map((_, i) => `#a${i} :a${i}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(adds.map(([k], i) => [`#a${i}`, k])),
      ExpressionAttributeValues: { ':entity': 'aggregate', ...Object.fromEntries(adds.map(([, v], i) => [`:a${i}`, v])) },
    },
  };
}

const seq = (s: string) => BigInt(s);

export interface ApplyProgress {
  /** Transactions written. */
  written: number;
  /** Index of the first change not applied: `changes.length` when all were. */
  done: number;
  /** Why it stopped before the end: the failure, or 'deadline'. */
  stopped?: unknown;
}

/**
 * Applies `changes` (consecutive records of one stream shard, in order) until they are all applied,
 * a chunk fails, or `shouldStop()` says the time is up before a chunk. Never throws: what was not
 * applied begins at `done`, always a chunk's first record (or a record applied before).
 */
export async function applyChangesUntil(
  changes: readonly ItemChange[],
  options: { nowSec?: number; shouldStop?: () => boolean } = {},
): Promise<ApplyProgress> {
  const nowSec = options.nowSec ?? Math.floor(Date.now() / 1000);
  let written = 0;
  let i = 0;
  while (i < changes.length) {
    if (options.shouldStop?.()) return { written, done: i, stopped: 'deadline' };
    // Grow the chunk while it fits one transaction; changes that touch no counter ride along for
    // free. Only the contest a change touches is re-checked.
    const folded = new Map<string, ContestAggregate>();
    const itemsOf = new Map<string, number>();
    let items = 0;
    let j = i;
    for (; j < changes.length; j++) {
      const c = counterChange(changes[j]!);
      if (!c) continue;
      const sum = addAggregates(folded.get(c.contestId) ?? emptyAggregate(), c.delta);
      const parts = counterItems(c.contestId, sum);
      const total = items - (itemsOf.get(c.contestId) ?? 0) + parts.length;
      if (j > i && (total > MAX_COUNTER_ITEMS || parts.some((p) => p.adds.length > MAX_ADDS))) break;
      folded.set(c.contestId, sum);
      itemsOf.set(c.contestId, parts.length);
      items = total;
    }
    const chunk = changes.slice(i, j);
    const counters = [...folded].flatMap(([contestId, delta]) => (isEmptyDelta(delta) ? [] : counterItems(contestId, delta)));
    if (counters.length === 0) {
      i = j;
      continue;
    }
    const first = chunk[0]!;
    const last = chunk[chunk.length - 1]!;
    try {
      // No ClientRequestToken of ours: the SDK gives each call one and keeps it across its retries,
      // so a retry after a lost answer is answered as the first one was; a later delivery of the
      // same chunk is caught by the ledger (a token of ours would refuse it for 10 minutes, since
      // its expiresAt differs).
      const result = await transactWrite({
        TransactItems: [
          {
            Put: {
              TableName: tableName,
              Item: { ...keys.streamLedger(first.eventID), entity: 'ledger', lastSeq: last.sequenceNumber, expiresAt: nowSec + LEDGER_TTL_SEC },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          ...counters.map(({ key, adds }) => updateOf(key, adds)),
        ],
      });
      if (result === 'ok') {
        written++;
        i = j;
        continue;
      }
      // This chunk's first record was applied before: skip everything up to where that application ended.
      const ledger = await ddb.send(new GetCommand({ TableName: tableName, Key: keys.streamLedger(first.eventID), ConsistentRead: true }));
      const appliedUpTo = ledger.Item?.lastSeq as string | undefined;
      if (appliedUpTo === undefined) throw new Error('aggregate transaction refused without a ledger item');
      while (i < changes.length && seq(changes[i]!.sequenceNumber) <= seq(appliedUpTo)) i++;
    } catch (error) {
      return { written, done: i, stopped: error };
    }
  }
  return { written, done: changes.length };
}

/**
 * Applies `changes` (consecutive records of one stream shard, in order). Returns the number of
 * transactions written. Throws on anything but a ledger hit.
 */
export async function applyChanges(changes: readonly ItemChange[], nowSec = Math.floor(Date.now() / 1000)): Promise<number> {
  const progress = await applyChangesUntil(changes, { nowSec });
  if (progress.stopped !== undefined) throw progress.stopped;
  return progress.written;
}
