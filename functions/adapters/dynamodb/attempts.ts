// Attempts and people: starts, autosaves and scoring. Flow: attempts use case -> this store ->
// DynamoDB, with single conditional writes and no transaction: scoring is two writes (the attempt,
// the commit point, then its person), and the aggregate counters follow from both items through
// the table's stream (handlers/stream.ts), not from the request path.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttemptRecord, AttemptStore, PersonBestRecord, PersonRecord } from '../../app/contest-ports.ts';
import type { SavedAnswers } from '../../domain/contest.ts';
import type { DrawnQuestion } from '../../domain/draw.ts';
import { AttemptsExhausted } from '../../domain/errors.ts';
import { nameKey } from '../../domain/names.ts';
import { ddb, GetCommand, PutCommand, QueryCommand, tableName, UpdateCommand } from './client.ts';
import { batchGet } from './batches.ts';
import { indexKeys, keys, LEADERBOARD_SHARDS, PEOPLE_SHARDS, roundAttr, shardOf } from './keys.ts';
import { isConditionFailure, queryAll } from './query.ts';

// Compact encodings keep an attempt item near 1 KB, so each write costs one or two write units.
export const encodeDrawn = (drawn: DrawnQuestion[]) => drawn.map((d) => `${d.questionId}:${d.optionOrder.join('')}`);
const decodeDrawn = (drawn: string[]): DrawnQuestion[] =>
  drawn.map((s) => {
    const i = s.lastIndexOf(':');
    return { questionId: s.slice(0, i), optionOrder: [...s.slice(i + 1)].map(Number) };
  });
export const encodeAnswers = (answers: SavedAnswers) =>
  Object.fromEntries(Object.entries(answers).map(([q, a]) => [q, `${a.optionIds.join('')}|${a.savedAt}`]));
const decodeAnswers = (stored: Record<string, string> | undefined): SavedAnswers =>
  Object.fromEntries(
    Object.entries(stored ?? {}).map(([q, s]) => {
      const [ids = '', savedAt = ''] = s.split('|');
      return [q, { optionIds: [...ids], savedAt }];
    }),
  );

type AttemptItem = Omit<AttemptRecord, 'drawn' | 'answers'> & { drawn: string[]; ans: Record<string, string> };

/** An attempt from its stored item (a read, or a stream image). */
export const toAttempt = ({ drawn, ans, ...rest }: AttemptItem & Record<string, unknown>): AttemptRecord => {
  const { PK: _pk, SK: _sk, entity: _e, ...attempt } = rest;
  return { ...(attempt as Omit<AttemptRecord, 'drawn' | 'answers'>), drawn: decodeDrawn(drawn), answers: decodeAnswers(ans) };
};

/** Per-round attributes (`best_r2`...) of a person item, left out of the record. */
const ROUND_ATTR = /_r\d+$/;

/** A person from its item; with `roundNo`, as in that explicit round (its attempts, best, scored count). */
export const toPerson = (item: Record<string, unknown>, roundNo?: number): PersonRecord => {
  const { PK: _pk, SK: _sk, entity: _e, GSI1PK: _g, GSI1SK: _h, LBPK: _lp, LBSK: _ls, startKeys: _k, nameKey: _n, lbRound: _l, attemptIds, scoredIds, ...all } = item;
  const person = Object.fromEntries(Object.entries(all).filter(([name]) => !ROUND_ATTR.test(name)));
  if (roundNo !== undefined) {
    delete person.best;
    delete person.firstScoredAt;
    const pick = (name: string) => item[roundAttr(name, roundNo)];
    person.attemptsUsed = pick('attemptsUsed') ?? 0;
    person.scoredAttempts = pick('scoredAttempts') ?? 0;
    if (pick('best') !== undefined) person.best = pick('best');
    if (pick('firstScoredAt') !== undefined) person.firstScoredAt = pick('firstScoredAt');
  }
  return {
    scoredAttempts: 0,
    version: 0,
    ...(person as Partial<PersonRecord>),
    attemptIds: [...((attemptIds as Set<string> | undefined) ?? [])],
    scoredIds: [...((scoredIds as Set<string> | undefined) ?? [])],
  } as PersonRecord;
};

/**
 * The scored attempts whose person does not hold them yet (a submit stopped between its two
 * writes), from eventually consistent BatchGetItem reads of the people's `scoredIds`: half a read
 * unit per attempt, where trying the write would cost a write unit each. A stale read only means
 * one idempotent write too many; a missing person (erased) needs nothing.
 */
export async function unsettled<T extends { contestId: string; phone: string; id: string }>(scored: T[]): Promise<T[]> {
  const keyOf = (k: { PK: unknown; SK: unknown }) => `${String(k.PK)}\n${String(k.SK)}`;
  const people = new Map(scored.map((a) => [keyOf(keys.person(a.contestId, a.phone)), keys.person(a.contestId, a.phone)]));
  const found = new Map(
    (await batchGet([...people.values()], 'PK, SK, scoredIds')).map((item) => [keyOf(item as { PK: unknown; SK: unknown }), (item.scoredIds as Set<string>) ?? new Set<string>()]),
  );
  return scored.filter((a) => {
    const ids = found.get(keyOf(keys.person(a.contestId, a.phone)));
    return ids !== undefined && !ids.has(a.id);
  });
}

/** Every person item of a contest, or of one of its people partitions (a job's step). */
export async function peopleOf(contestId: string, only?: number): Promise<Record<string, unknown>[]> {
  const list = only === undefined ? Array.from({ length: PEOPLE_SHARDS }, (_, shard) => shard) : [only];
  const shards = await Promise.all(
    list.map((shard) => {
      const { PK, SKPrefix } = keys.peopleShard(contestId, shard);
      return queryAll<Record<string, unknown>>(PK, SKPrefix, { ConsistentRead: true });
    }),
  );
  return shards.flat();
}

/** The item a failed conditional write returned (ReturnValuesOnConditionCheckFailure: ALL_OLD), if any. */
function failedItem(e: unknown): Record<string, unknown> | undefined {
  const item = (e as { Item?: Record<string, AttributeValue> }).Item;
  return item ? unmarshall(item) : undefined;
}

export const attemptStore: AttemptStore = {
  async reserveAttempt(contestId, registration, maxAttempts, idempotencyKey, attemptId, asRegistered = false, roundNo) {
    const keyed = idempotencyKey !== undefined;
    const used = roundAttr('attemptsUsed', roundNo);
    // The attempt id is recorded with the reservation: erasure and retention find every attempt of a person from it.
    const sets = [...(keyed ? ['startKeys :keySet'] : []), ...(attemptId !== undefined ? ['attemptIds :idSet'] : [])];
    // The name is checked in the same write (identity rule, docs/identity.md): a phone registered under
    // another name takes nothing unless the start says to continue as that registration, which then
    // keeps its name. People stored before `nameKey` existed are not checked.
    const name = asRegistered ? 'fullName = if_not_exists(fullName, :name), nameKey = if_not_exists(nameKey, :nameKey)' : 'fullName = :name, nameKey = :nameKey';
    const conditions = [
      '(attribute_not_exists(#used) OR #used < :max)',
      ...(keyed ? ['NOT contains(startKeys, :key)'] : []),
      ...(asRegistered ? [] : ['(attribute_not_exists(nameKey) OR nameKey = :nameKey)']),
    ];
    try {
      const out = await ddb.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.person(contestId, registration.phone),
          // The count is taken with a condition, not read-then-write: parallel starts cannot overshoot,
          // and a start key is recorded in the same write so its retries cannot take a second attempt.
          UpdateExpression: `SET #used = if_not_exists(#used, :zero) + :one, ${name}, birthYear = :birthYear, contestId = :contestId, phone = :phone, entity = :entity${sets.length ? ` ADD ${sets.join(', ')}` : ''}`,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: { '#used': used },
          ExpressionAttributeValues: {
            ':zero': 0,
            ':one': 1,
            ':max': maxAttempts,
            ':name': registration.fullName,
            ':nameKey': nameKey(registration.fullName),
            ':birthYear': registration.birthYear,
            ':contestId': contestId,
            ':phone': registration.phone,
            ':entity': 'person',
            ...(keyed ? { ':keySet': new Set([idempotencyKey]), ':key': idempotencyKey } : {}),
            ...(attemptId !== undefined ? { ':idSet': new Set([attemptId]) } : {}),
          },
          ReturnValues: 'UPDATED_NEW',
          // Which condition failed, from the item as it was: no second read.
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { attemptNo: Number(out.Attributes?.[used]), fullName: String(out.Attributes?.fullName ?? registration.fullName) };
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      const old = failedItem(e);
      if (keyed && (old?.startKeys as Set<string> | undefined)?.has(idempotencyKey)) return 'duplicate';
      if (!asRegistered && old?.nameKey !== undefined && old.nameKey !== nameKey(registration.fullName)) {
        return { otherName: String(old.fullName), attemptsUsed: Number(old[used] ?? 0) };
      }
      throw new AttemptsExhausted(maxAttempts);
    }
  },

  async createAttempt(attempt) {
    const { drawn, answers, ...rest } = attempt;
    await ddb.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...keys.attempt(attempt.id),
          entity: 'attempt',
          ...rest,
          drawn: encodeDrawn(drawn),
          ans: encodeAnswers(answers),
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  },

  async getAttempt(attemptId) {
    const out = await ddb.send(new GetCommand({ TableName: tableName, Key: keys.attempt(attemptId), ConsistentRead: true }));
    return out.Item ? toAttempt(out.Item as AttemptItem) : undefined;
  },

  async saveAnswers(attemptId, answers) {
    const entries = Object.entries(encodeAnswers(answers));
    if (entries.length === 0) return true;
    try {
      await ddb.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.attempt(attemptId),
          UpdateExpression: `SET ${entries.map((_, i) => `ans.#q${i} = :q${i}`).join(', ')}`,
          ConditionExpression: '#status = :open',
          ExpressionAttributeNames: { '#status': 'status', ...Object.fromEntries(entries.map(([q], i) => [`#q${i}`, q])) },
          ExpressionAttributeValues: { ':open': 'open', ...Object.fromEntries(entries.map(([, v], i) => [`:q${i}`, v])) },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  },

  async getPerson(contestId, phone, consistent = true, roundNo) {
    const out = await ddb.send(new GetCommand({ TableName: tableName, Key: keys.person(contestId, phone), ConsistentRead: consistent }));
    return out.Item ? toPerson(out.Item, roundNo) : undefined;
  },

  async submitAttempt(attempt) {
    try {
      await ddb.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.attempt(attempt.id),
          UpdateExpression: 'SET #status = :submitted, outcome = :outcome, ans = :ans, prediction = :prediction',
          ConditionExpression: '#status = :open',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':submitted': 'submitted',
            ':open': 'open',
            ':outcome': attempt.outcome,
            ':ans': encodeAnswers(attempt.answers),
            ':prediction': attempt.prediction ?? null,
          },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  },

  async applyToPerson(attempt, candidate) {
    const Key = keys.person(attempt.contestId, attempt.phone);
    const roundNo = attempt.roundNo;
    // The leaderboard's sort key orders attempts exactly as replacesBest does (more correct, then
    // shorter, then earlier): comparing it in the condition decides "better than the stored best"
    // without reading the person first. The implicit round compares with the index key itself; an
    // explicit round keeps its own (`lbKey_r<no>`), since the index entry follows the latest round.
    const sk = `${indexKeys.leaderboard.sk(candidate.correctCount, candidate.durationMs, candidate.submittedAt)}#${attempt.phone}`;
    const names = {
      '#best': roundAttr('best', roundNo),
      '#scored': roundAttr('scoredAttempts', roundNo),
      '#first': roundAttr('firstScoredAt', roundNo),
      '#lbk': roundNo === undefined ? 'LBSK' : roundAttr('lbKey', roundNo),
    };
    const counted = {
      ':unitId': attempt.registration.unitId,
      ':village': attempt.registration.village ?? null,
      ':one': 1,
      ':ids': new Set([attempt.id]),
      ':id': attempt.id,
      ':sk': sk,
    };
    // An explicit round's best moves the person's board entry to that round, unless the person has
    // already scored in a later one (an abandoned attempt scored when its round is finalised).
    let moveBoard = true;
    for (let tryNo = 0; tryNo < 5; tryNo++) {
      // As the new best (a first scored attempt always is).
      try {
        // The index projects `best`: the entry of a round's board carries that round's best.
        const board = roundNo === undefined ? '' : moveBoard ? ', #lbk = :sk, best = :best, LBPK = :lbpk, LBSK = :sk, lbRound = :round' : ', #lbk = :sk';
        const boardCondition = roundNo !== undefined && moveBoard ? ' AND (attribute_not_exists(lbRound) OR lbRound <= :round)' : '';
        const out = await ddb.send(
          new UpdateCommand({
            TableName: tableName,
            Key,
            UpdateExpression: `SET #best = :best${roundNo === undefined ? ', LBPK = :lbpk, LBSK = :sk' : board}, unitId = :unitId, village = :village, firstScoredAt = if_not_exists(firstScoredAt, :at)${roundNo === undefined ? '' : ', #first = if_not_exists(#first, :at)'}, version = if_not_exists(version, :zero) + :one ADD #scored :one, scoredIds :ids`,
            // The person exists (an erased one is not recreated), the attempt is not counted yet.
            ConditionExpression: `attribute_exists(PK) AND NOT contains(scoredIds, :id) AND (attribute_not_exists(#lbk) OR #lbk > :sk)${boardCondition}`,
            ExpressionAttributeNames: roundNo === undefined ? { '#best': names['#best'], '#scored': names['#scored'], '#lbk': names['#lbk'] } : names,
            ExpressionAttributeValues: {
              ...counted,
              ':zero': 0,
              ':best': candidate,
              ...(roundNo === undefined || moveBoard ? { ':lbpk': indexKeys.leaderboard.pk(attempt.contestId, shardOf(attempt.phone, LEADERBOARD_SHARDS), roundNo) } : {}),
              ...(roundNo !== undefined && moveBoard ? { ':round': roundNo } : {}),
              ':at': candidate.submittedAt,
            },
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return out.Attributes?.[names['#best']] as PersonBestRecord;
      } catch (e) {
        if (!isConditionFailure(e)) throw e;
        const old = failedItem(e);
        if (!old) return undefined;
        if ((old.scoredIds as Set<string> | undefined)?.has(attempt.id)) return old[names['#best']] as PersonBestRecord;
        if (roundNo !== undefined && typeof old.lbRound === 'number' && old.lbRound > roundNo && moveBoard) {
          moveBoard = false;
          continue;
        }
      }
      // Not better than the stored best: counted, under its registration, the best kept.
      try {
        const out = await ddb.send(
          new UpdateCommand({
            TableName: tableName,
            Key,
            UpdateExpression: 'SET unitId = :unitId, village = :village, version = version + :one ADD #scored :one, scoredIds :ids',
            ConditionExpression: 'attribute_exists(PK) AND NOT contains(scoredIds, :id) AND #lbk <= :sk',
            ExpressionAttributeNames: { '#scored': names['#scored'], '#lbk': names['#lbk'] },
            ExpressionAttributeValues: counted,
            ReturnValues: 'ALL_NEW',
          }),
        );
        return out.Attributes?.[names['#best']] as PersonBestRecord;
      } catch (e) {
        if (!isConditionFailure(e)) throw e;
        // Changed in between (erased, applied, or its best erased): decide again.
      }
    }
    throw new Error(`person of attempt ${attempt.id} keeps changing`);
  },

  async setOutcomeBest(attemptId, best) {
    try {
      await ddb.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.attempt(attemptId),
          UpdateExpression: 'SET outcome.best = :best',
          ConditionExpression: 'attribute_exists(outcome)',
          ExpressionAttributeValues: { ':best': best },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e; // erased meanwhile
    }
  },

  async people(contestId, shard, roundNo) {
    return (await peopleOf(contestId, shard)).map((item) => toPerson(item, roundNo));
  },

  async liveRank(contestId, phone, best, roundNo) {
    // Entries strictly ahead in the live order (the sort key, then the phone for a full tie), counted
    // on each shard; a page per shard bounds the cost of a submit: past it the rank is left out.
    const sk = `${indexKeys.leaderboard.sk(best.correctCount, best.durationMs, best.submittedAt)}#${phone}`;
    const counts = await Promise.all(
      Array.from({ length: LEADERBOARD_SHARDS }, async (_, shard) => {
        const out = await ddb.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: indexKeys.leaderboard.index,
            KeyConditionExpression: 'LBPK = :pk AND LBSK < :sk',
            ExpressionAttributeValues: { ':pk': indexKeys.leaderboard.pk(contestId, shard, roundNo), ':sk': sk },
            Select: 'COUNT',
          }),
        );
        return out.LastEvaluatedKey ? null : (out.Count ?? 0);
      }),
    );
    return counts.some((c) => c === null) ? null : 1 + counts.reduce<number>((a, c) => a + (c ?? 0), 0);
  },

  async villages(contestId) {
    const out = await ddb.send(new GetCommand({ TableName: tableName, Key: keys.villages(contestId), ProjectionExpression: '#names', ExpressionAttributeNames: { '#names': 'names' } }));
    return [...((out.Item?.names as Set<string> | undefined) ?? [])];
  },

  async admitVillage(contestId, village, cap) {
    try {
      const out = await ddb.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.villages(contestId),
          UpdateExpression: 'SET entity = :entity, contestId = :contestId ADD #names :name',
          // Exact under concurrency: DynamoDB applies writes to one item one at a time.
          ConditionExpression: 'attribute_not_exists(#names) OR contains(#names, :one) OR size(#names) < :cap',
          ExpressionAttributeNames: { '#names': 'names' },
          ExpressionAttributeValues: { ':entity': 'villages', ':contestId': contestId, ':name': new Set([village]), ':one': village, ':cap': cap },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { admitted: true, villages: [...((out.Attributes?.names as Set<string> | undefined) ?? [])] };
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      return { admitted: false, villages: [...((failedItem(e)?.names as Set<string> | undefined) ?? [])] };
    }
  },
};
