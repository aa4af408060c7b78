import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, UpdateTableCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { createTableInput, tableDefinition } from '../adapters/dynamodb/table.ts';

/**
 * Creates the table from the same definition the CDK data stack uses, if it is not there yet (and
 * turns its stream on if a table from an older version has none). Returns the stream's ARN. An
 * index an older release had stays (layout 1's `openAttempts`: DynamoDB Local fails the next
 * UpdateTable while one is being deleted); the migration removed its keys from every item, so it
 * stays empty. On AWS, CDK drops it.
 */
export async function ensureTable(endpoint: string, tableName: string): Promise<string> {
  const client = new DynamoDBClient({ endpoint });
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
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
