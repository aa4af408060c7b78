// `npm run demo:remove`: deletes the demo contests (the open one and the closed one with simulated
// participants: contest, questions, people, attempts, counters, final ranking) from the local data,
// and records that they were removed so the next start does not write them again. The commune's
// organizations and villages stay: they are real. Works with the server running (through its
// DynamoDB Local) or stopped (starting DynamoDB Local alone, under the DATA_DIR lock).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BatchWriteCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys, PEOPLE_SHARDS } from '../adapters/dynamodb/keys.ts';
import { hashedCounterKeys } from '../adapters/dynamodb/counter-items.ts';
import { DEMO_CONTEST_ID, DEMO_LIBRARY_CONTEST_ID, DEMO_ROUNDS_CONTEST_ID } from './demo.ts';
import { DEMO_PAST_CONTEST_ID } from './demo-people.ts';

type Key = { PK: string; SK: string };

async function queryKeys(db: DynamoDBDocumentClient, tableName: string, pk: string, prefix?: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await db.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: prefix ? 'PK = :pk AND begins_with(SK, :p)' : 'PK = :pk',
        ExpressionAttributeValues: { ':pk': pk, ...(prefix ? { ':p': prefix } : {}) },
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    items.push(...(out.Items ?? []));
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

async function deleteKeys(db: DynamoDBDocumentClient, tableName: string, list: Key[]) {
  for (let i = 0; i < list.length; i += 25) {
    let request: Record<string, unknown>[] | undefined = list.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
    while (request?.length) {
      const out = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: request as never } }));
      request = out.UnprocessedItems?.[tableName] as Record<string, unknown>[] | undefined;
    }
  }
}

/**
 * Marked `purged` first, like retention does: the stream consumer then leaves the counters alone
 * when the deletes arrive, instead of writing negative counts for a contest that is gone.
 */
async function markPurged(db: DynamoDBDocumentClient, tableName: string, list: Key[]) {
  for (let i = 0; i < list.length; i += 25) {
    await Promise.all(
      list.slice(i, i + 25).map((Key) =>
        db
          .send(new UpdateCommand({ TableName: tableName, Key, UpdateExpression: 'SET purged = :t', ConditionExpression: 'attribute_exists(PK)', ExpressionAttributeValues: { ':t': true } }))
          .catch((e: Error) => {
            if (e.name !== 'ConditionalCheckFailedException') throw e;
          }),
      ),
    );
  }
}

export async function removeDemo(db: DynamoDBDocumentClient, tableName: string): Promise<{ contestId: string; people: number; attempts: number; items: number }[]> {
  const removed = [];
  // The library's ready-made bank stays: it is real content (checked against the plan), like the organizations.
  for (const contestId of [DEMO_CONTEST_ID, DEMO_PAST_CONTEST_ID, DEMO_LIBRARY_CONTEST_ID, DEMO_ROUNDS_CONTEST_ID]) {
    const people = (await Promise.all(Array.from({ length: PEOPLE_SHARDS }, (_, s) => queryKeys(db, tableName, keys.peopleShard(contestId, s).PK, 'P#')))).flat();
    const attempts = people.flatMap((p) => [...((p.attemptIds as Set<string> | undefined) ?? [])].map((id) => keys.attempt(id)));
    const personKeys = people.map((p) => ({ PK: String(p.PK), SK: String(p.SK) }));
    await markPurged(db, tableName, [...attempts, ...personKeys]);
    await deleteKeys(db, tableName, [...attempts, ...personKeys]);
    const own = (await queryKeys(db, tableName, `CONTEST#${contestId}`)).map((i) => ({ PK: String(i.PK), SK: String(i.SK) }));
    await deleteKeys(db, tableName, [...own, ...hashedCounterKeys(contestId), keys.contest(contestId)]);
    removed.push({ contestId, people: people.length, attempts: attempts.length, items: own.length + 1 });
  }
  await db.send(new PutCommand({ TableName: tableName, Item: { ...keys.demoRemoved(), entity: 'demo', removedAt: new Date().toISOString() } }));
  return removed;
}

async function cli() {
  const { startConfig } = await import('./preflight.ts');
  const { acquireLock, runningInstance } = await import('./lock.ts');
  const { documentClient } = await import('../migrations/runner.ts');
  const { dataDir } = startConfig();
  const tableName = process.env.TABLE_NAME || 'cuoc-thi';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  const running = runningInstance(dataDir);
  let stop = async () => undefined as void;
  if (running) {
    const ports = JSON.parse(readFileSync(join(dataDir, 'ports.json'), 'utf8')) as { dynamodb: number };
    process.env.DYNAMODB_ENDPOINT = `http://127.0.0.1:${ports.dynamodb}`;
  } else {
    const lock = acquireLock(dataDir, 0);
    if (!lock.ok) throw new Error(`${dataDir} is in use by pid ${lock.holder.pid}`);
    const { startDynamoDbLocal } = await import('./dynamodb-local.ts');
    const { freePort, stopAll } = await import('./processes.ts');
    process.env.DYNAMODB_ENDPOINT = await startDynamoDbLocal({ dataDir: join(dataDir, 'dynamodb'), port: await freePort() });
    stop = async () => {
      await stopAll();
      lock.release();
    };
  }
  try {
    const removed = await removeDemo(documentClient(), tableName);
    for (const r of removed) console.log(`demo contest ${r.contestId}: removed ${r.people} people, ${r.attempts} attempts, ${r.items} contest items`);
    console.log('The demo will not be written again (SEED_DEMO is ignored from now on for this DATA_DIR); organizations and villages are kept.');
  } finally {
    await stop();
  }
}

if (process.argv[1]?.endsWith('demo-remove.ts')) {
  cli().catch((e: Error) => {
    console.error(`npm run demo:remove failed: ${e.message}`);
    process.exit(1);
  });
}
