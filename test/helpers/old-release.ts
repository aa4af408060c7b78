// The migration tests' starting point: DynamoDB Local on a data directory (started as the local
// mode starts it, functions/local/dynamodb-local.ts), holding a layout fixture's items in a table
// made as that layout's release made it. `npm start` on that directory then runs the migrations.
import { BatchWriteItemCommand, CreateTableCommand, DynamoDBClient, type AttributeValue, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { join } from 'node:path';
import { startDynamoDbLocal } from '../../functions/local/dynamodb-local.ts';
import { stopAll } from '../../functions/local/processes.ts';
import { freePort } from './server.ts';

type Item = Record<string, AttributeValue>;

/**
 * A fixture keeps the dates it was recorded with. Two would make a test depend on the day it runs:
 * the open demo contest ends 60 days after recording, and the closed one's personal data is purged
 * after 365. Only those two attributes are moved; everything else is as stored.
 */
export function timeless(items: Item[], contests: { open: string; closed: string }): Item[] {
  return items.map((item) => {
    if (item.PK?.S === 'CONTESTS' && item.SK?.S === `CONTEST#${contests.open}`) return { ...item, endsAt: { S: new Date(Date.now() + 7 * 86400_000).toISOString() } };
    if (item.PK?.S === 'CONTESTS' && item.SK?.S === `CONTEST#${contests.closed}`) return { ...item, retentionDays: { N: '3650' } };
    return item;
  });
}

export async function oldReleaseTable(dataDir: string, table: CreateTableCommandInput, items: Item[]) {
  const endpoint = await startDynamoDbLocal({ dataDir: join(dataDir, 'dynamodb'), port: await freePort() });
  const raw = new DynamoDBClient({ endpoint, region: 'ap-southeast-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await raw.send(new CreateTableCommand(table));
  for (let i = 0; i < items.length; i += 25) {
    await raw.send(new BatchWriteItemCommand({ RequestItems: { [table.TableName!]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
  }
  return {
    db: DynamoDBDocumentClient.from(raw),
    /** Stops the emulator (the only child the test's process started) and waits for it to exit. */
    async stop() {
      raw.destroy();
      await stopAll();
    },
  };
}

/** Every item of `tableName`, strongly consistent. */
export async function scanAll(db: DynamoDBDocumentClient, tableName: string) {
  const items: Record<string, any>[] = [];
  let ExclusiveStartKey: Record<string, any> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}
