// Layout 2 -> 3 (issue 12, "no hot item, no hot partition"). Data written by layout 2 differs in:
// - scored people carry the keys of the `leaderboard` index (GSI1PK = LB#<contest>#<FNV(phone) % 4>,
//   GSI1SK = the rank tuple#phone), which projected every attribute; layout 3 reads the `ranking`
//   index (LBPK = LB#<contest>#<FNV(phone) % 16>, LBSK = the same rank tuple#phone), which projects
//   only what the board shows. Each person gets LBPK/LBSK and loses GSI1PK/GSI1SK, so the old index
//   empties and a later release can delete it (docs/migrations.md).
// - the villages typed in a contest without a village list were not registered; layout 3 caps them
//   through a registry item per contest (`CONTEST#<id>` / `VILLAGES`, a string set `names`). Every
//   attempt's village is added, whatever the cap: villages already in use keep working.
// The counters need nothing: layout 2's single `AGG#CONTEST#0` keeps its counts and readers still
// sum it; the stream consumer adds to layout 3's items from now on. Removing GSI1* changes no
// counted attribute, so the consumer sees no counter change in these writes.
//
// Keys are spelled out here, not taken from keys.ts: a migration stays what it was when the layout
// it produces was current, whatever keys.ts becomes later.
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { shardOf } from '../adapters/dynamodb/keys.ts';
import type { Item, Migration, MigrationContext } from './runner.ts';

const RANKING_SHARDS_V3 = 16;
const rankingPkV3 = (contestId: string, phone: string) => `LB#${contestId}#${shardOf(phone, RANKING_SHARDS_V3)}`;

const isConditionFailure = (e: unknown) => (e as Error).name === 'ConditionalCheckFailedException';

async function moveLeaderboardEntry(item: Item, { db, tableName }: MigrationContext): Promise<string | undefined> {
  try {
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { PK: item.PK, SK: item.SK },
        // A person the layout-3 code already scored keeps its own (newer) entry.
        UpdateExpression: 'SET LBPK = if_not_exists(LBPK, :pk), LBSK = if_not_exists(LBSK, GSI1SK) REMOVE GSI1PK, GSI1SK',
        ConditionExpression: 'attribute_exists(GSI1PK)',
        ExpressionAttributeValues: { ':pk': rankingPkV3(String(item.contestId), String(item.phone)) },
      }),
    );
    return 'leaderboard entries moved to the ranking index';
  } catch (e) {
    if (isConditionFailure(e)) return undefined;
    throw e;
  }
}

/** Whether a contest lists its villages, read once per contest and run. */
const listed = new WeakMap<MigrationContext, Map<string, Promise<boolean>>>();
function listsVillages(contestId: string, context: MigrationContext): Promise<boolean> {
  let seen = listed.get(context);
  if (!seen) listed.set(context, (seen = new Map()));
  let answer = seen.get(contestId);
  if (!answer) {
    answer = context.db
      .send(new GetCommand({ TableName: context.tableName, Key: { PK: 'CONTESTS', SK: `CONTEST#${contestId}` }, ProjectionExpression: 'villages', ConsistentRead: true }))
      .then((out) => Array.isArray(out.Item?.villages) && out.Item.villages.length > 0);
    seen.set(contestId, answer);
  }
  return answer;
}

async function registerVillage(item: Item, context: MigrationContext): Promise<string | undefined> {
  const village = (item.registration as { village?: unknown } | undefined)?.village;
  const contestId = item.contestId;
  if (typeof village !== 'string' || village === '' || typeof contestId !== 'string') return undefined;
  if (await listsVillages(contestId, context)) return undefined;
  try {
    await context.db.send(
      new UpdateCommand({
        TableName: context.tableName,
        Key: { PK: `CONTEST#${contestId}`, SK: 'VILLAGES' },
        UpdateExpression: 'SET entity = :entity, contestId = :contestId ADD #names :name',
        ConditionExpression: 'NOT contains(#names, :one)',
        ExpressionAttributeNames: { '#names': 'names' },
        ExpressionAttributeValues: { ':entity': 'villages', ':contestId': contestId, ':name': new Set([village]), ':one': village },
      }),
    );
    return 'typed villages registered';
  } catch (e) {
    if (isConditionFailure(e)) return undefined;
    throw e;
  }
}

export const rankingIndex: Migration = {
  version: 3,
  name: 'ranking index and village registry',
  async migrateItem(item, context) {
    if (item.entity === 'person' && item.GSI1PK !== undefined) return moveLeaderboardEntry(item, context);
    if (item.entity === 'attempt') return registerVillage(item, context);
    return undefined;
  },
};
