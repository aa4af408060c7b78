// Layout 1 -> 2: the change of commit 692e629 ("write path without transactions, counters from the
// table's stream"), first landed after stop 8 (d51dfb1). Data written by stop 8 differs in:
// - people: one partition per person, `PERSON#<contest>#<phone>` / `PERSON`, without `scoredIds`;
//   layout 2 keeps them in 16 partitions per contest, `PEOPLE#<contest>#<shard>` / `P#<phone>`, with
//   the ids of the attempts already applied to their best (closing and the stream consumer need them).
// - attempts still open carry `GSI2PK`/`GSI2SK` of the open-attempts index, which layout 2 dropped.
// The counters need nothing: stop 8's sharded `AGG#CONTEST#<n>` items hold the same counts, and
// readers sum every `AGG#` item. Moving a person is one transaction (put the new item, delete the
// old): the stream consumer sees the delete take the person's share off and the put add it back.
//
// Keys are spelled out here, not taken from keys.ts: a migration stays what it was when the layout
// it produces was current, whatever keys.ts becomes later.
import { BatchGetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { shardOf } from '../adapters/dynamodb/keys.ts';
import type { Item, Migration, MigrationContext } from './runner.ts';

const PEOPLE_SHARDS_V2 = 16;
const personKeyV2 = (contestId: string, phone: string) => ({ PK: `PEOPLE#${contestId}#${shardOf(phone, PEOPLE_SHARDS_V2)}`, SK: `P#${phone}` });

const isConditionFailure = (e: unknown) => (e as Error).name === 'ConditionalCheckFailedException';

/** Ids among `attemptIds` whose attempt is scored (`submitted`): stop 8 scored and applied them in one transaction. */
async function scoredAmong(ids: string[], { db, tableName }: MigrationContext): Promise<string[]> {
  const scored: string[] = [];
  for (let i = 0; i < ids.length; i += 100) {
    let request: Record<string, { Keys: Item[]; ProjectionExpression: string; ExpressionAttributeNames: Record<string, string>; ConsistentRead: boolean }> | undefined = {
      [tableName]: {
        Keys: ids.slice(i, i + 100).map((id) => ({ PK: `ATTEMPT#${id}`, SK: 'ATTEMPT' })),
        ProjectionExpression: 'id, #status',
        ExpressionAttributeNames: { '#status': 'status' },
        ConsistentRead: true,
      },
    };
    while (request && Object.keys(request).length > 0) {
      const out = await db.send(new BatchGetCommand({ RequestItems: request }));
      for (const a of out.Responses?.[tableName] ?? []) if (a.status === 'submitted') scored.push(String(a.id));
      request = out.UnprocessedKeys as typeof request;
    }
  }
  return scored.sort();
}

async function movePerson(item: Item, context: MigrationContext): Promise<string> {
  const { db, tableName } = context;
  const [, contestFromKey, phoneFromKey] = String(item.PK).split('#');
  const contestId = String(item.contestId ?? contestFromKey);
  const phone = String(item.phone ?? phoneFromKey);
  const attemptIds = [...((item.attemptIds as Set<string> | undefined) ?? [])];
  const scoredIds = await scoredAmong(attemptIds, context);
  const { PK: _pk, SK: _sk, ...rest } = item;
  const moved = { ...rest, ...personKeyV2(contestId, phone), contestId, phone, ...(scoredIds.length ? { scoredIds: new Set(scoredIds) } : {}) };
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName, Item: moved, ConditionExpression: 'attribute_not_exists(PK)' } },
          { Delete: { TableName: tableName, Key: { PK: item.PK, SK: item.SK }, ConditionExpression: 'attribute_exists(PK)' } },
        ],
      }),
    );
    return 'people moved to their contest partitions';
  } catch (e) {
    const reasons = (e as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
    if (reasons[1]?.Code === 'ConditionalCheckFailed') return 'people already moved';
    if (reasons[0]?.Code === 'ConditionalCheckFailed') {
      // Layout-2 code wrote this person first (a deploy's old and new functions overlapping): the
      // newer item wins and the old one stays for a person to look at; docs/migrations.md says how.
      console.warn(`[migrate] person ${contestId}/${phone.slice(0, 4)}*** exists in both layouts; the layout-1 item ${String(item.PK)} is kept`);
      return 'people left in both layouts (see the log)';
    }
    throw e;
  }
}

async function dropOpenAttemptKeys(item: Item, { db, tableName }: MigrationContext): Promise<string | undefined> {
  try {
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { PK: item.PK, SK: item.SK },
        UpdateExpression: 'REMOVE GSI2PK, GSI2SK',
        ConditionExpression: 'attribute_exists(GSI2PK)',
      }),
    );
    return 'open attempts without the dropped index keys';
  } catch (e) {
    if (isConditionFailure(e)) return undefined;
    throw e;
  }
}

export const peoplePartitions: Migration = {
  version: 2,
  name: 'people in contest partitions',
  async migrateItem(item, context) {
    const pk = String(item.PK);
    if (pk.startsWith('PERSON#') && item.SK === 'PERSON') return movePerson(item, context);
    if (pk.startsWith('ATTEMPT#') && item.GSI2PK !== undefined) return dropOpenAttemptKeys(item, context);
    return undefined;
  },
};
