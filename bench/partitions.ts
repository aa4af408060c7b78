// The busiest partition at a province-wide deadline (issue 12), from the real key builders:
// 1,000 submits a second over a realistic contest (60 units, 300 villages, a month of earlier
// participants, some repeat attempts, the web app's real autosave cadence) are put through
// functions/adapters/dynamodb/keys.ts and the counters' item split (counter-items.ts), and every
// read and write is charged to the partition its key names, by DynamoDB's rules: a write unit per
// KB of the item written (two in a transaction), a read unit per 4 KB read strongly (half
// eventually). DynamoDB's limits are 1,000 WCU/s and 3,000 RCU/s per partition, table and index.
//
//   npm run bench:partitions          (or: npm run bench -- --only partitions)
//
// The layout-2 rows show the same load on the previous design (one counter item per contest, a
// leaderboard index of 4 shards projecting every attribute). Pure arithmetic: no database runs.
import { marshall } from '@aws-sdk/util-dynamodb';
import { CONTEST_CACHE_MS } from '../functions/app/attempts.ts';
import { BATCH as START_COUNT_BATCH } from '../functions/app/rate-limits.ts';
import { counterEntries, counterItems } from '../functions/adapters/dynamodb/counter-items.ts';
import { indexKeys, keys, LEADERBOARD_SHARDS, PEOPLE_SHARDS, shardOf } from '../functions/adapters/dynamodb/keys.ts';
import { addAggregates, aggregateDelta, emptyAggregate, type ContestAggregate } from '../functions/domain/aggregate.ts';
import { saveTimes, typicalAttempt } from '../web/src/lib/state/save-cadence.ts';
import { itemSize } from './lib/item-size.ts';
import { seededRng as rng } from '../functions/domain/random.ts';

export interface PeakOptions {
  submitsPerSec: number;
  seconds: number;
  units: number;
  villages: number;
  /** Share of submits that are a person's later attempt, and of those, the share that beat the best. */
  repeatShare: number;
  improveShare: number;
  questions: number;
  attemptMinutes: number;
  /** People who took part before the peak (the counters' size). */
  priorParticipants: number;
  contestDays: number;
  /** Share of starts coming through carrier-grade NAT, and the size of that address pool. */
  natShare: number;
  natAddresses: number;
  /** Lambda time per request on AWS (the environments that each read the contest per CONTEST_CACHE_MS). */
  lambdaMsPerRequest: number;
  seed: number;
}

export const PEAK: PeakOptions = {
  submitsPerSec: 1_000,
  seconds: 30,
  units: 60,
  villages: 300,
  repeatShare: 0.15,
  improveShare: 0.5,
  questions: 20,
  attemptMinutes: 6,
  priorParticipants: 100_000,
  contestDays: 30,
  natShare: 0.5,
  natAddresses: 32,
  lambdaMsPerRequest: 25,
  seed: 12,
};

/** Earlier participants drawn one by one; the counts are then scaled to `priorParticipants`. */
const SAMPLED = 5_000;

/** DynamoDB's per-partition limits. */
export const PARTITION_LIMIT = { wcu: 1_000, rcu: 3_000 };


/** Picks an index with Zipf-like weights (a few large communes, many small villages). */
function zipf(n: number, random: () => number, s = 0.8) {
  const weights = Array.from({ length: n }, (_, i) => 1 / (i + 1) ** s);
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  let acc = 0;
  for (const w of weights) cumulative.push((acc += w / total));
  return () => {
    const r = random();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < r) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const SYLLABLES = ['Đắk', 'Kon', 'Tu', 'Mơ', 'Rông', 'Chum', 'Viên', 'Hà', 'Long', 'Tro', 'Năng', 'Xốp', 'Plei', 'Ngọc', 'Hồi', 'Thượng', 'Đông', 'Tây'];
const villageName = (i: number, random: () => number) =>
  i % 3 === 0 ? `Thôn ${1 + (i % 40)} ${SYLLABLES[i % SYLLABLES.length]}` : `Thôn ${SYLLABLES[Math.floor(random() * SYLLABLES.length)]} ${SYLLABLES[i % SYLLABLES.length]} ${i}`;
const unitId = (i: number) => `${['hoi-nong-dan', 'doan-thanh-nien', 'hoi-phu-nu', 'cong-an', 'truong-thcs', 'tram-y-te'][i % 6]}-xa-${i}`;

/** Size of a counter item as stored: its keys, `entity`, and its counters. */
function counterItemSize(key: { PK: string; SK: string }, adds: [string, number][]): number {
  return itemSize(marshall({ ...key, entity: 'aggregate', ...Object.fromEntries(adds) }));
}

type Tally = Map<string, { wcu: number; rcu: number }>;
const charge = (t: Tally, key: string, wcu: number, rcu = 0) => {
  const e = t.get(key) ?? { wcu: 0, rcu: 0 };
  e.wcu += wcu;
  e.rcu += rcu;
  t.set(key, e);
};
const kb = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

export interface PartitionRow {
  what: string;
  /** The busiest partition key of its kind (the item key for counter items). */
  key: string;
  wcuPerSec: number;
  rcuPerSec: number;
  /** How many partitions of its kind were written. */
  partitions: number;
}

export interface PeakResult {
  options: PeakOptions;
  savesPerAttempt: number;
  streamShards: number;
  tableWcuPerSec: number;
  tableRcuPerSec: number;
  rows: PartitionRow[];
  layout2: PartitionRow[];
  counterItemBytes: Record<string, number>;
}

/** The simulated peak: every figure per second, averaged over `seconds`; the busiest partition of each kind. */
export function simulatePeak(options: Partial<PeakOptions> = {}): PeakResult {
  const o = { ...PEAK, ...options };
  const random = rng(o.seed);
  const contestId = 'k7x2m9q4p1z8wd';
  const units = Array.from({ length: o.units }, (_, i) => unitId(i));
  const villages = Array.from({ length: o.villages }, (_, i) => villageName(i, random));
  const pickUnit = zipf(o.units, random);
  const pickVillage = zipf(o.villages, random);
  const phone = () => `09${String(Math.floor(random() * 1e8)).padStart(8, '0')}`;
  const attemptId = () => Math.floor(random() * 36 ** 16).toString(36).padStart(16, '0');
  const savesPerAttempt = saveTimes(typicalAttempt(o.questions, o.attemptMinutes * 60_000)).length;

  // The counters as a month of earlier participants left them: their items' sizes.
  let state = emptyAggregate();
  const deadline = Date.parse('2026-12-20T16:59:59.000Z');
  const dayMs = 86_400_000;
  for (let i = 0; i < Math.min(o.priorParticipants, SAMPLED); i++) {
    const at = new Date(deadline - Math.floor(random() * o.contestDays) * dayMs).toISOString();
    state = addAggregates(state, aggregateDelta(null, { unitId: units[pickUnit()]!, village: villages[pickVillage()]!, bestCorrect: Math.floor(random() * (o.questions + 1)) }, at));
  }
  // Scaled to the participants: the counts' digits, not their names, grow with them.
  const scale = o.priorParticipants / Math.min(o.priorParticipants, SAMPLED);
  const scaled = (a: ContestAggregate): ContestAggregate => JSON.parse(JSON.stringify(a), (k, v) => (typeof v === 'number' && k !== '' ? Math.round(v * scale) : v));
  state = scaled(state);
  const counterBytes = new Map<string, number>(counterItems(contestId, state).map(({ key, adds }) => [`${key.PK}|${key.SK}`, counterItemSize(key, adds)]));
  const layout2Bytes = counterItemSize({ PK: `CONTEST#${contestId}`, SK: 'AGG#CONTEST#0' }, counterEntries(state));

  const table: Tally = new Map();
  const index: Tally = new Map();
  const counters: Tally = new Map();
  const index2: Tally = new Map();
  const counters2: Tally = new Map();
  const nat = Array.from({ length: o.natAddresses }, (_, i) => `203.113.${i >> 8}.${i & 255}`);
  const records: { pk: string; delta: ContestAggregate | null }[][] = [];
  const attemptBytes = (answered: number) => 620 + o.questions * 16 + answered * 44;

  for (let s = 0; s < o.seconds; s++) {
    const second: { pk: string; delta: ContestAggregate | null }[] = [];
    const at = new Date(deadline - (o.seconds - s) * 1000).toISOString();
    for (let i = 0; i < o.submitsPerSec; i++) {
      const p = phone();
      const person = keys.person(contestId, p).PK;
      const repeat = random() < o.repeatShare;
      const improved = repeat && random() < o.improveShare;
      const unit = units[pickUnit()]!;
      const village = villages[pickVillage()]!;
      // Start (steady state: as many starts as submits): the reservation, the attempt, the start count.
      charge(table, person, 1);
      const started = keys.attempt(attemptId()).PK;
      charge(table, started, kb(attemptBytes(0)));
      second.push({ pk: person, delta: null });
      const address = random() < o.natShare ? nat[Math.floor(random() * nat.length)]! : `2402:800:${i}:${s}::/64`;
      charge(table, keys.rateLimit(`start#${address}`, 0).PK, 1 / START_COUNT_BATCH);
      // Autosaves of attempts in flight: a consistent read and an update of a growing attempt item.
      for (let k = 1; k <= savesPerAttempt; k++) {
        const answered = Math.round((k / savesPerAttempt) * o.questions * 0.9);
        charge(table, keys.attempt(attemptId()).PK, kb(attemptBytes(answered)), 1);
      }
      // Submit: the attempt read (consistent) and its commit, a repeat's person read (eventual), the person.
      const submitted = keys.attempt(attemptId()).PK;
      charge(table, submitted, kb(attemptBytes(o.questions)), 1);
      charge(table, person, 1, repeat ? 0.5 : 0);
      // The stream consumer's check that the person holds the attempt (BatchGetItem, eventually consistent).
      charge(table, person, 0, 0.5);
      const before = repeat ? { unitId: unit, village, bestCorrect: 10 } : null;
      const after = { unitId: unit, village, bestCorrect: improved ? 14 : 10 };
      second.push({ pk: submitted, delta: aggregateDelta(null, { unitId: unit, village, bestCorrect: 0 }, at) }, { pk: person, delta: aggregateDelta(before, after, at) });
      // Leaderboard index: a first score is an entry (1), a better repeat moves it (2); the projection
      // leaves a worse repeat and a repeat's reservation alone. Layout 2 (ALL) wrote those too.
      charge(index, indexKeys.leaderboard.pk(contestId, shardOf(p, LEADERBOARD_SHARDS)), repeat ? (improved ? 2 : 0) : 1);
      charge(index2, `LB#${contestId}#${shardOf(p, 4)}`, repeat ? (improved ? 2 : 1) + 1 : 1);
    }
    records.push(second);
  }

  // Lambda environments each read the contest once per CONTEST_CACHE_MS (eventually consistent, ≤ 4 KB).
  const requestsPerSec = o.submitsPerSec * (2 + savesPerAttempt);
  const environments = (requestsPerSec * o.lambdaMsPerRequest) / 1000;
  charge(table, keys.contest(contestId).PK, 0, ((environments * 1000) / CONTEST_CACHE_MS) * 0.5 * o.seconds);

  // The stream: one shard per table partition (≥ the table's write rate / 1,000), one batch a second
  // per shard, one transaction per batch: the ledger item and every counter item its records touch.
  const tableWcu = [...table.values()].reduce((sum, e) => sum + e.wcu, 0) / o.seconds;
  const streamShards = Math.max(1, Math.ceil(tableWcu / PARTITION_LIMIT.wcu));
  for (const second of records) {
    const batches = Array.from({ length: streamShards }, () => emptyAggregate());
    for (const r of second) if (r.delta) batches[shardOf(r.pk, streamShards)] = addAggregates(batches[shardOf(r.pk, streamShards)]!, r.delta);
    for (const batch of batches) {
      for (const { key } of counterItems(contestId, batch)) {
        const bytes = counterBytes.get(`${key.PK}|${key.SK}`) ?? 200;
        charge(counters, `${key.PK}|${key.SK}`, 2 * kb(bytes));
      }
      charge(counters2, `CONTEST#${contestId}|AGG#CONTEST#0`, 2 * kb(layout2Bytes));
    }
  }

  const per = (v: number) => Math.round((v / o.seconds) * 10) / 10;
  const busiest = (what: string, tally: Tally, match: (key: string) => boolean, byPartition = true): PartitionRow => {
    const grouped: Tally = new Map();
    for (const [key, e] of tally) if (match(key)) charge(grouped, byPartition ? key.split('|')[0]! : key, e.wcu, e.rcu);
    const [key, e] = [...grouped].sort((a, b) => b[1].wcu + b[1].rcu / 3 - (a[1].wcu + a[1].rcu / 3))[0] ?? ['-', { wcu: 0, rcu: 0 }];
    return { what, key, wcuPerSec: per(e.wcu), rcuPerSec: per(e.rcu), partitions: grouped.size };
  };
  const is = (prefix: string) => (key: string) => key.startsWith(prefix);
  const rows: PartitionRow[] = [
    busiest(`table: people (${PEOPLE_SHARDS} partitions a contest)`, table, is('PEOPLE#')),
    busiest('table: an attempt', table, is('ATTEMPT#')),
    busiest('table: every contest (CONTESTS), cached reads', table, is('CONTESTS')),
    busiest('table: start counts of one address (carrier NAT)', table, is('RATE#')),
    busiest(`index ranking (${LEADERBOARD_SHARDS} shards a contest)`, index, () => true),
    busiest('counter item (busiest)', counters, () => true, false),
    busiest('counter partition: the contest (TOTAL, DAY#)', counters, is(`CONTEST#${contestId}|`)),
    busiest('counter partition: a unit or village item', counters, is('AGG#')),
  ];
  const layout2: PartitionRow[] = [
    busiest('layout 2: index leaderboard (4 shards, ALL)', index2, () => true),
    busiest('layout 2: the one counter item', counters2, () => true, false),
  ];
  const tableRcu = [...table.values()].reduce((sum, e) => sum + e.rcu, 0) / o.seconds;
  return {
    options: o,
    savesPerAttempt,
    streamShards,
    tableWcuPerSec: Math.round(tableWcu),
    tableRcuPerSec: Math.round(tableRcu),
    rows,
    layout2,
    counterItemBytes: Object.fromEntries([...counterBytes].map(([k, v]) => [k.replace(`CONTEST#${contestId}|`, '').replace(`AGG#${contestId}#`, ''), v])),
  };
}

export function formatPeak(r: PeakResult): string {
  const o = r.options;
  const lines = [
    `${o.submitsPerSec.toLocaleString('en')} submits/s for ${o.seconds} s at a deadline: ${o.units} units, ${o.villages} villages (Zipf), ${Math.round(o.repeatShare * 100)}% repeat attempts (${Math.round(o.improveShare * 100)}% of them better),`,
    `${o.questions} questions in ${o.attemptMinutes} min at the web app's cadence (${r.savesPerAttempt} saves an attempt), ${o.priorParticipants.toLocaleString('en')} earlier participants over ${o.contestDays} days.`,
    `Table: ${r.tableWcuPerSec.toLocaleString('en')} WCU/s, ${r.tableRcuPerSec.toLocaleString('en')} RCU/s in all; stream: ${r.streamShards} shards, a counter transaction per shard a second.`,
    '',
    '| partition | busiest key | WCU/s | RCU/s | partitions written |',
    '|---|---|---|---|---|',
    ...[...r.rows, ...r.layout2].map((row) => `| ${row.what} | \`${row.key.replace('|', ' / ')}\` | ${row.wcuPerSec} | ${row.rcuPerSec} | ${row.partitions} |`),
    '',
    `Limits per partition: ${PARTITION_LIMIT.wcu} WCU/s, ${PARTITION_LIMIT.rcu} RCU/s. Counter items (bytes): ${Object.entries(r.counterItemBytes)
      .filter(([k]) => !k.startsWith('AGG#DAY#') || k === Object.keys(r.counterItemBytes).filter((d) => d.startsWith('AGG#DAY#')).sort().at(-1))
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')} (one DAY# item per day, each that size).`,
  ];
  return lines.join('\n');
}

if (import.meta.main || process.argv[1]?.endsWith('partitions.ts')) {
  console.log(formatPeak(simulatePeak()));
}
