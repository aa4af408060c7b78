import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, UpdateTableCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { createTableInput, indexInput, tableDefinition } from '../adapters/dynamodb/table.ts';

/**
 * Adds the indexes of the definition an existing table lacks (layout 3's `ranking` on a table made
 * by an older release), one UpdateTable each, waiting until each is ACTIVE: DynamoDB takes one
 * index change at a time. Before the migrations run, which fill the new index's keys.
 */
async function addMissingIndexes(client: DynamoDBClient, tableName: string, present: Set<string>): Promise<void> {
  for (const [name, index] of Object.entries(tableDefinition.indexes)) {
    if (present.has(name)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [index.partitionKey, index.sortKey].map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const })),
        GlobalSecondaryIndexUpdates: [{ Create: indexInput(name, index) }],
      }),
    );
    for (let i = 0; ; i++) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      const status = Table?.GlobalSecondaryIndexes?.find((g) => g.IndexName === name)?.IndexStatus;
      if (status === 'ACTIVE') break;
      if (i > 600) throw new Error(`index ${name} of ${tableName} stayed ${status} for a minute`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * Creates the table from the same definition the CDK data stack uses, if it is not there yet (and
 * turns its stream on if a table from an older version has none). Returns the stream's ARN. An
 * index an older release had stays (layout 1's `openAttempts`: DynamoDB Local fails the next
 * UpdateTable while one is being deleted); the migration removed its keys from every item, so it
 * stays empty. On AWS, CDK drops it. Layout 2's `leaderboard` index stays too, emptied by layout 3's
 * migration; an index the definition has and the table lacks is added.
 */
export async function ensureTable(endpoint: string, tableName: string): Promise<string> {
  const client = new DynamoDBClient({ endpoint });
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    await addMissingIndexes(client, tableName, new Set((Table?.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName!)));
    if (Table?.LatestStreamArn && Table.StreamSpecification?.StreamEnabled) return Table.LatestStreamArn;
    const out = await client.send(new UpdateTableCommand({ TableName: tableName, StreamSpecification: createTableInput(tableName).StreamSpecification }));
    return out.TableDescription!.LatestStreamArn!;
  } catch (e) {
    if ((e as Error).name !== 'ResourceNotFoundException') throw e;
  }
  const created = await client.send(new CreateTableCommand(createTableInput(tableName)));
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: tableDefinition.ttlAttribute, Enabled: true },
    }),
  );
  client.destroy();
  return created.TableDescription!.LatestStreamArn!;
}
