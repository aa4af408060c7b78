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
  // An explicit round's counters (docs/rounds.md): the same names after `R<no>|`.
  for (const [no, r] of Object.entries(delta.rounds ?? {})) adds.push(...counterEntries(r).map(([k, v]): [string, number] => [`R${no}|${k}`, v]));
  return adds.filter(([, v]) => v !== 0);
}

/**
 * How the counters of a contest are spread over items (layout 3). Every stream shard writes one
 * transaction per batch (~1 s) touching each counter item its records change, and a transaction
 * costs 2 write units per KB of each whole item it touches. At 1,000 submits/s the table takes
 * ~15,000 WCU/s, so its stream has ~16 shards (one per partition): ~16 transactions a second, each
 * touching nearly every unit and village of the contest (~60 submits a batch over 60 units and 300
 * villages). Layout 2's single item (60 units, 300 villages, 30 days: ~11 KB) took 16 × 2 × 11 =
 * ~350 WCU/s, in the partition that also holds the contest's questions.
 *
 * - `TOTAL`: participants, attempts, the score histogram (≤ 201 entries): under 2 KB.
 * - `DAY#<yyyy-mm-dd>`: that Vietnamese day's two counters, so a long contest's past days are never
 *   rewritten. These two stay in `CONTEST#<id>`: 16 × 2 × (1 + 1) KB = 64 WCU/s there.
 * - `UNITS#<0..UNIT_ITEMS-1>` and `VILLAGES#<0..VILLAGE_ITEMS-1>`: by FNV hash of the unit or the
 *   village, each in a partition of its own (keys.counterPartition). 60 units × 2 counters × ~24 B
 *   ≈ 2.9 KB over 2 items: 16 × 2 × 2 KB = 64 WCU/s each; 300 villages × ~25 B ≈ 7 KB over 8 items:
 *   16 × 2 × 1 – 2 KB = 32 – 64 WCU/s each. The worst the village cap allows (LIMITS.typedVillages,
 *   500 names of 80 three-byte characters, ~121 KB in all) is ~15 KB an item: ~500 WCU/s, still
 *   within an item's and a partition's budget, and far under the 400 KB item limit even if every
 *   name hashed to one item.
 *
 * `npm run bench:partitions` prints these figures from a simulation (docs/scale.md). The price:
 * each item is rounded up to whole KB, and a lone submit touches 4 counter items instead of 1 (at
 * a commune's load about 10 WCU a transaction instead of 4 – 8, ~US$0.003 per 10,000 participants).
 * A transaction touches at most 1 + 1 + 2 + 8 = 12 counter items per contest, so the 99-item limit
 * still holds 8 contests, and hashing keeps each item's ADDs of one chunk under MAX_ADDS.
 * Readers sum every `AGG#` item of the contest partition plus these by key, so layout 2's single
 * `AGG#CONTEST#0` keeps counting (never written again) and no counter moves in a migration.
 */
export const UNIT_ITEMS = 2;
export const VILLAGE_ITEMS = 8;

/** The item-part names an attribute of the counters goes to. */
export function counterPart(attribute: string): string {
  // Each explicit round's counters in one item of the contest's partition (`AGG#ROUND#<nn>`): a round
  // is one week of a commune's submits, a few KB; its past rounds are never rewritten.
  const round = /^R(\d+)\|/.exec(attribute);
  if (round) return `ROUND#${round[1]!.padStart(2, '0')}`;
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
