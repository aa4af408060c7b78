// Issue 12: the busiest-partition arithmetic of docs/scale.md comes from the real key builders, and
// what it shows holds: no partition or item near DynamoDB's limits at 1,000 submits a second, and no
// item near 400 KB whatever villages people type.
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { formatPeak, PARTITION_LIMIT, simulatePeak } from '../../../bench/partitions.ts';
import { itemSize } from '../../../bench/lib/item-size.ts';
import { counterItems, hashedCounterKeys, VILLAGE_ITEMS } from '../../../functions/adapters/dynamodb/counter-items.ts';
import { indexKeys, keys, LEADERBOARD_SHARDS, PEOPLE_SHARDS } from '../../../functions/adapters/dynamodb/keys.ts';
import { aggregateDelta } from '../../../functions/domain/aggregate.ts';
import { LIMITS } from '../../../functions/domain/limits.ts';

const peak = simulatePeak({ seconds: 2 });
const row = (what: string) => peak.rows.find((r) => r.what.startsWith(what))!;
const contestId = row('index ranking').key.split('#')[1]!;

describe('bench/partitions.ts: the peak through the key builders', () => {
  it('names partitions as keys.ts builds them', () => {
    const shardOfKey = (key: string) => Number(key.split('#').at(-1));
    expect(row('table: people').key).toBe(keys.peopleShard(contestId, shardOfKey(row('table: people').key)).PK);
    expect(shardOfKey(row('table: people').key)).toBeLessThan(PEOPLE_SHARDS);
    expect(row('table: people').partitions).toBe(PEOPLE_SHARDS);
    expect(row('index ranking').key).toBe(indexKeys.leaderboard.pk(contestId, shardOfKey(row('index ranking').key)));
    expect(row('index ranking').partitions).toBe(LEADERBOARD_SHARDS);
    expect(row('table: every contest').key).toBe(keys.contest(contestId).PK);
    expect(row('table: start counts').key.startsWith(keys.rateLimit('start#', 0).PK)).toBe(true);
    expect(row('counter partition: the contest').key).toBe(keys.aggregatesOf(contestId).PK);
    expect(hashedCounterKeys(contestId).map((k) => k.PK)).toContain(row('counter partition: a unit or village').key);
    expect(row('table: an attempt').key).toMatch(new RegExp(`^${keys.attempt('x').PK.slice(0, -1)}[0-9a-z]+$`));
  });

  it('keeps every partition and counter item of layout 3 to a few hundred write units a second, under the previous layout', () => {
    for (const r of peak.rows) {
      expect(r.wcuPerSec, r.what).toBeLessThanOrEqual(300);
      expect(r.rcuPerSec, r.what).toBeLessThan(PARTITION_LIMIT.rcu / 10);
    }
    const [oldIndex, oldCounter] = peak.layout2;
    expect(row('index ranking').wcuPerSec).toBeLessThan(oldIndex!.wcuPerSec / 3);
    expect(row('counter item').wcuPerSec).toBeLessThan(oldCounter!.wcuPerSec / 3);
    expect(peak.savesPerAttempt).toBeLessThanOrEqual(5);
    expect(formatPeak(peak)).toContain('| index ranking (16 shards a contest) |');
  });
});

describe('no item approaches 400 KB (issue 12)', () => {
  // The longest name a person may type, in characters of 3 bytes in UTF-8, made distinct.
  const longest = (i: number) => `${'Ấ'.repeat(LIMITS.villageName.max - 6)} ${String(i).padStart(5, '0')}`;
  const names = Array.from({ length: LIMITS.typedVillages.max }, (_, i) => longest(i));

  it('the village registry at the cap, of the longest names, stays far under 400 KB', () => {
    const bytes = itemSize(marshall({ ...keys.villages(contestId), entity: 'villages', contestId, names: new Set(names) }));
    expect(bytes).toBeLessThan(140 * 1024);
  });

  it('the village counters of every registered name, even all hashed to one item, stay far under 400 KB', () => {
    let delta = aggregateDelta(null, { unitId: 'u', village: names[0]!, bestCorrect: 1 }, '2026-12-20T10:00:00.000Z');
    for (const v of names.slice(1)) delta.villages[v] = 99_999;
    delta = { ...delta, villages: { ...delta.villages } };
    const adds = counterItems(contestId, delta).flatMap((i) => i.adds).filter(([name]) => name.startsWith('v:'));
    expect(adds).toHaveLength(names.length);
    const oneItem = itemSize(marshall({ PK: 'AGG#x', SK: 'AGG', entity: 'aggregate', ...Object.fromEntries(adds) }));
    expect(oneItem).toBeLessThan(140 * 1024);
    // As hashed: about 1/VILLAGE_ITEMS of that per item.
    const perItem = counterItems(contestId, delta).filter((i) => i.key.PK.includes('#VILLAGES#')).map((i) => itemSize(marshall({ ...i.key, ...Object.fromEntries(i.adds) })));
    expect(perItem).toHaveLength(VILLAGE_ITEMS);
    expect(Math.max(...perItem)).toBeLessThan(oneItem / 4);
  });
});

describe('counterItems: which item holds each counter', () => {
  it('totals and the day in the contest partition, units and villages hashed into partitions of their own', () => {
    const delta = aggregateDelta(null, { unitId: 'hoi-nong-dan', village: 'Thôn 1', bestCorrect: 7 }, '2026-12-20T10:00:00.000Z');
    const items = new Map(counterItems('c1', delta).map((i) => [`${i.key.PK} ${i.key.SK}`, i.adds.map(([n]) => n).sort()]));
    const [unitItem] = [...items.keys()].filter((k) => k.includes('#UNITS#'));
    const [villageItem] = [...items.keys()].filter((k) => k.includes('#VILLAGES#'));
    expect(Object.fromEntries(items)).toEqual({
      'CONTEST#c1 AGG#TOTAL': ['attempts', 'h:7', 'participants', 'sumBestCorrect'],
      'CONTEST#c1 AGG#DAY#2026-12-20': ['d:2026-12-20:a', 'd:2026-12-20:p'],
      [unitItem!]: ['u:hoi-nong-dan:p', 'u:hoi-nong-dan:s'],
      [villageItem!]: ['v:Thôn 1'],
    });
    expect(hashedCounterKeys('c1').map((k) => `${k.PK} ${k.SK}`)).toEqual(expect.arrayContaining([unitItem, villageItem]));
  });
});
