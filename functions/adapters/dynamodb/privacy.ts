// Erasure on request and the retention purge. Flow: privacy use case -> this store -> DynamoDB
// (one conditional transaction per erased person and contest; batch deletes for retention). The
// aggregate counters follow the deleted items through the stream (handlers/stream.ts).
import { createHash } from 'node:crypto';
import type { PersonDataStore, StoredPerson } from '../../app/privacy-ports.ts';
import { peopleOf, toPerson } from './attempts.ts';
import { ddb, GetCommand, tableName, UpdateCommand } from './client.ts';
import { keys } from './keys.ts';
import { isConditionFailure, queryAll } from './query.ts';
import { FINAL_PAGE_ROWS, standingsStore } from './standings.ts';
import { batchWrite, transactWrite } from './batches.ts';

const toStoredPerson = (item: Record<string, unknown>): StoredPerson => {
  const { birthYear, attemptIds, startKeys } = item as { birthYear?: number | null; attemptIds?: Set<string>; startKeys?: Set<string> };
  return { ...toPerson(item), birthYear: birthYear ?? null, attemptIds: [...(attemptIds ?? [])], startKeys: [...(startKeys ?? [])] };
};

type Key = { PK: string; SK: string };

/** BatchWriteItem deletes, retried until processed. */
const deleteAll = (keyList: Key[]) => batchWrite(keyList.map((Key) => ({ DeleteRequest: { Key } })));


/**
 * Marks items as removed by retention before they are deleted: the stream consumer then keeps what
 * they contributed to the counters (statistics outlive the personal data), where an erasure's
 * plain delete takes it away. Missing items stay missing (the condition stops an upsert).
 */
async function markPurged(keyList: Key[]): Promise<void> {
  for (let i = 0; i < keyList.length; i += 25) {
    await Promise.all(
      keyList.slice(i, i + 25).map(async (Key) => {
        try {
          await ddb.send(
            new UpdateCommand({ TableName: tableName, Key, UpdateExpression: 'SET purged = :t', ConditionExpression: 'attribute_exists(PK)', ExpressionAttributeValues: { ':t': true } }),
          );
        } catch (e) {
          if (!isConditionFailure(e)) throw e;
        }
      }),
    );
  }
}

export const personDataStore: PersonDataStore = {
  async getPerson(contestId, phone) {
    const out = await ddb.send(new GetCommand({ TableName: tableName, Key: keys.person(contestId, phone), ConsistentRead: true }));
    return out.Item ? toStoredPerson(out.Item) : undefined;
  },

  async listPeople(contestId, shard) {
    return (await peopleOf(contestId, shard)).map(toStoredPerson);
  },

  async erase({ contestId, phone, expected, attempts }) {
    const input = {
      TransactItems: [
        {
          Delete: {
            TableName: tableName,
            Key: keys.person(contestId, phone),
            // Unchanged since it was read: no start took an attempt and no attempt was scored meanwhile.
            // A person of a contest with rounds counts starts per round (attemptsUsed_r<no>): every start adds its id to attemptIds.
            ConditionExpression: `${expected.attemptsUsed === undefined ? 'attribute_not_exists(attemptsUsed) AND size(attemptIds) = :used' : 'attemptsUsed = :used'} AND ${expected.version === 0 ? '(attribute_not_exists(version) OR version = :version)' : 'version = :version'}`,
            ExpressionAttributeValues: { ':used': expected.attemptsUsed ?? expected.attemptIds ?? 0, ':version': expected.version },
          },
        },
        ...attempts.map((a) => ({
          Delete: {
            TableName: tableName,
            Key: keys.attempt(a.id),
            // An open attempt deleted here can no longer be scored: its commit's `#status = :open` fails.
            ...(a.status === 'absent'
              ? { ConditionExpression: 'attribute_not_exists(PK)' }
              : {
                  ConditionExpression: '#status = :status',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: { ':status': a.status },
                }),
          },
        })),
      ],
    };
    // Idempotent: the token is the request's own digest, so a repeat of this very erasure within
    // DynamoDB's 10-minute window (a retry after an answer lost on the way back) is answered 'ok'
    // without running again, where a second run would fail its conditions and report 'changed'.
    const ClientRequestToken = createHash('sha256').update(JSON.stringify(input)).digest('base64url').slice(0, 36);
    return (await transactWrite({ ...input, ClientRequestToken })) === 'ok' ? 'ok' : 'changed';
  },

  async deleteAttempts(attemptIds) {
    await deleteAll(attemptIds.map((id) => keys.attempt(id)));
  },

  async purge(contestId, people) {
    // Attempts first: were the run to stop in between, the person items still lead to what is left.
    const attemptKeys = people.flatMap((p) => p.attemptIds.map((id) => keys.attempt(id)));
    await markPurged(attemptKeys);
    await deleteAll(attemptKeys);
    const personKeys = people.map((p) => keys.person(contestId, p.phone));
    await markPurged(personKeys);
    await deleteAll(personKeys);
  },

  async replaceFinal(contestId, rows, roundNo) {
    const { PK, SKPrefix } = keys.finalPagesOf(contestId, roundNo);
    const existing = await queryAll<Key>(PK, SKPrefix, { ConsistentRead: true, ProjectionExpression: 'PK, SK' });
    await standingsStore.writeFinal(contestId, rows, roundNo);
    const pages = Math.max(1, Math.ceil(rows.length / FINAL_PAGE_ROWS));
    const kept = new Set(Array.from({ length: pages }, (_, page) => keys.finalPage(contestId, page, roundNo).SK));
    await deleteAll(existing.filter((k) => !kept.has(k.SK)).map(({ PK: pk, SK }) => ({ PK: pk, SK })));
  },

  writeFinalPages: (contestId, firstPage, pages, roundNo) => standingsStore.writeFinalPages(contestId, firstPage, pages, roundNo),

  async dropFinalPages(contestId, fromPage, roundNo) {
    const { PK, SKPrefix } = keys.finalPagesOf(contestId, roundNo);
    const existing = await queryAll<Key>(PK, SKPrefix, { ConsistentRead: true, ProjectionExpression: 'PK, SK' });
    const from = keys.finalPage(contestId, fromPage, roundNo).SK;
    await deleteAll(existing.filter((k) => k.SK >= from).map(({ PK: pk, SK }) => ({ PK: pk, SK })));
  },
};
