// Which item holds each aggregate counter of a contest (layout 3). Pure, like keys.ts: the stream
// consumer (aggregates.ts), the readers (standings.ts), demo removal and the partition simulation
// (bench/partitions.ts) all use it.
import type { ContestAggregate } from '../../domain/aggregate.ts';
import { keys, shardOf } from './keys.ts';

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
