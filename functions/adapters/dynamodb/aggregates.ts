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
import { keys } from './keys.ts';
import { counterItems } from './counter-items.ts';
import { transactWrite } from './batches.ts';

/** A transaction holds 100 items: the ledger and up to 99 counter items. */
const MAX_COUNTER_ITEMS = 99;
/** ADDs per counter item and transaction: keeps each update expression far under DynamoDB's 4 KB. */
const MAX_ADDS = 200;
/** Ledger items are needed only while the stream still holds their records (24 hours). */
const LEDGER_TTL_SEC = 2 * 24 * 3600;

export { counterEntries, counterItems, counterKey, counterPart, hashedCounterKeys, UNIT_ITEMS, VILLAGE_ITEMS } from './counter-items.ts';

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
