// Reads behind leaderboards, unit standings, statistics and results. Flow: standings use case ->
// this store -> the aggregate items (kept by the stream consumer), the sparse leaderboard index,
// the people partitions, or the final pages.
import type { FinalRow, PersonRecord, StandingsStore } from '../../app/contest-ports.ts';
import { addAggregates, emptyAggregate, type ContestAggregate } from '../../domain/aggregate.ts';
import { compareLive } from '../../domain/ranking.ts';
import { peopleOf, toPerson } from './attempts.ts';
import { ddb, QueryCommand, type QueryCommandInput, tableName } from './client.ts';
import { indexKeys, keys, LEADERBOARD_SHARDS, roundAttr } from './keys.ts';
import { queryAll } from './query.ts';
import { batchGet, batchWrite } from './batches.ts';
import { hashedCounterKeys } from './counter-items.ts';
import { readPages } from './jobs.ts';

/** Rows per final-ranking item: 100 rows of ~200 bytes stay far below the 400 KB item limit. */
export const FINAL_PAGE_ROWS = 100;

/** An explicit round's counters: `R<no>|` before the contest-wide name (aggregates.ts counterEntries). */
const ROUND_COUNTER = /^R(\d+)\|(.*)$/s;

function parseAggregate(items: Record<string, unknown>[]): ContestAggregate {
  const agg = emptyAggregate();
  const add = (rec: Record<string, number>, key: string, v: number) => {
    rec[key] = (rec[key] ?? 0) + v;
  };
  for (const item of items) {
    for (const [fullName, raw] of Object.entries(item)) {
      if (typeof raw !== 'number' || raw === 0) continue;
      const inRound = ROUND_COUNTER.exec(fullName);
      if (inRound) {
        const rounds = (agg.rounds ??= Object.create(null) as Record<string, ContestAggregate>);
        const roundAgg = (rounds[inRound[1]!] ??= emptyAggregate());
        Object.assign(roundAgg, addAggregates(roundAgg, parseAggregate([{ [inRound[2]!]: raw }])));
        continue;
      }
      const name = fullName;
      if (name === 'participants' || name === 'attempts' || name === 'sumBestCorrect') agg[name] += raw;
      else if (name.startsWith('h:')) add(agg.histogram, name.slice(2), raw);
      else if (name.startsWith('v:')) add(agg.villages, name.slice(2), raw);
      else if (name.startsWith('u:')) {
        const unitId = name.slice(2, -2);
        const unit = (agg.units[unitId] ??= { participants: 0, sumBestCorrect: 0 });
        if (name.endsWith(':p')) unit.participants += raw;
        else unit.sumBestCorrect += raw;
      } else if (name.startsWith('d:')) {
        const day = (agg.days[name.slice(2, -2)] ??= { attempts: 0, participants: 0 });
        if (name.endsWith(':a')) day.attempts += raw;
        else day.participants += raw;
      }
    }
  }
  return agg;
}

const entry = (p: PersonRecord) => ({ ...p.best!, personKey: p.phone });
const bestAttr = (roundNo?: number) => roundAttr('best', roundNo);

/** One people partition's people with a best (in the round): the filter saves transfer and memory, not read units. */
function scoredQuery(contestId: string, shard: number, roundNo?: number): QueryCommandInput {
  const { PK, SKPrefix } = keys.peopleShard(contestId, shard);
  return {
    TableName: tableName,
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
    FilterExpression: 'attribute_exists(#best)',
    ExpressionAttributeNames: { '#best': bestAttr(roundNo) },
    ExpressionAttributeValues: { ':pk': PK, ':sk': SKPrefix },
    ConsistentRead: true,
  };
}

export const standingsStore: StandingsStore = {
  async aggregate(contestId) {
    const { PK, SKPrefix } = keys.aggregatesOf(contestId);
    const [own, hashed] = await Promise.all([queryAll<Record<string, unknown>>(PK, SKPrefix), batchGet(hashedCounterKeys(contestId))]);
    return parseAggregate([...own, ...hashed]);
  },

  async liveTop(contestId, limit, roundNo) {
    const shards = await Promise.all(
      Array.from({ length: LEADERBOARD_SHARDS }, (_, shard) =>
        ddb.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: indexKeys.leaderboard.index,
            KeyConditionExpression: 'LBPK = :pk',
            ExpressionAttributeValues: { ':pk': indexKeys.leaderboard.pk(contestId, shard, roundNo) },
            Limit: limit,
          }),
        ),
      ),
    );
    // The index projects `best`: on a round's board that is the round's best (set with the entry).
    const people = shards.flatMap((out) => (out.Items ?? []).map((item) => toPerson(item))).filter((p) => p.best !== undefined);
    return people.sort((a, b) => compareLive(entry(a), entry(b))).slice(0, limit);
  },

  async allScored(contestId, roundNo) {
    return (await peopleOf(contestId)).filter((item) => item[bestAttr(roundNo)] !== undefined).map((item) => toPerson(item, roundNo));
  },

  async countScored(contestId, shard, roundNo) {
    let count = 0;
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const out = await ddb.send(new QueryCommand({ ...scoredQuery(contestId, shard, roundNo), Select: 'COUNT', ExclusiveStartKey }));
      count += out.Count ?? 0;
      ExclusiveStartKey = out.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return count;
  },

  async scoredIn(contestId, shard, roundNo) {
    const { PK, SKPrefix } = keys.peopleShard(contestId, shard);
    const { FilterExpression, ExpressionAttributeNames } = scoredQuery(contestId, shard, roundNo);
    const items = await queryAll<Record<string, unknown>>(PK, SKPrefix, { ConsistentRead: true, FilterExpression, ExpressionAttributeNames });
    return items.map((item) => toPerson(item, roundNo));
  },

  async writeFinal(contestId, rows, roundNo) {
    const pages: FinalRow[][] = [];
    for (let i = 0; i < rows.length || i === 0; i += FINAL_PAGE_ROWS) pages.push(rows.slice(i, i + FINAL_PAGE_ROWS));
    await this.writeFinalPages(contestId, 0, pages, roundNo);
  },

  async writeFinalPages(contestId, firstPage, pages, roundNo) {
    await batchWrite(pages.map((rows, i) => ({ PutRequest: { Item: { ...keys.finalPage(contestId, firstPage + i, roundNo), entity: 'finalPage', rows } } })));
  },

  finalPages(contestId, fromPage, maxPages, roundNo) {
    return readPages(keys.finalPage(contestId, fromPage, roundNo), keys.finalPagesOf(contestId, roundNo).SKPrefix, maxPages);
  },

  async readFinal(contestId, limit, roundNo) {
    const { PK, SKPrefix } = keys.finalPagesOf(contestId, roundNo);
    if (limit === undefined) return (await queryAll<{ rows: FinalRow[] }>(PK, SKPrefix)).flatMap((i) => i.rows);
    // The top N costs ceil(N / 100) page reads, whatever the number of participants.
    const out = await ddb.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
        ExpressionAttributeValues: { ':pk': PK, ':sk': SKPrefix },
        Limit: Math.max(1, Math.ceil(limit / FINAL_PAGE_ROWS)),
      }),
    );
    return (out.Items ?? []).flatMap((i) => (i as { rows: FinalRow[] }).rows).slice(0, limit);
  },
};
