import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from './client.ts';
import { tableDefinition } from './table.ts';

/** Reads every item of one partition (optionally under a sort-key prefix), following pagination. */
export async function queryAll<T>(
  pk: string,
  skPrefix?: string,
  extra: Partial<QueryCommandInput> = {},
): Promise<T[]> {
  const items: T[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await ddb.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: skPrefix ? 'PK = :pk AND begins_with(SK, :sk)' : 'PK = :pk',
        ExpressionAttributeValues: skPrefix ? { ':pk': pk, ':sk': skPrefix } : { ':pk': pk },
        ExclusiveStartKey,
        ...extra,
      }),
    );
    items.push(...((out.Items ?? []) as T[]));
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

export const isConditionFailure = (e: unknown) =>
  e instanceof Error && (e.name === 'ConditionalCheckFailedException' || e.name === 'TransactionCanceledException');

/** Reads a whole partition of a GSI, following pagination (staff-only and close-time paths). */
export async function queryAllIndex<T>(index: keyof typeof tableDefinition.indexes, pk: string, extra: Partial<QueryCommandInput> = {}): Promise<T[]> {
  const def = tableDefinition.indexes[index];
  const items: T[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await ddb.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: index,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': def.partitionKey },
        ExpressionAttributeValues: { ':pk': pk },
        ExclusiveStartKey,
        ...extra,
      }),
    );
    items.push(...((out.Items ?? []) as T[]));
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}
