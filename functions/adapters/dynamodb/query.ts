import { ddb, QueryCommand, type QueryCommandInput, tableName } from './client.ts';
import { tableDefinition } from './table.ts';

/** Runs a query to its last page. */
async function paginate<T>(input: QueryCommandInput): Promise<T[]> {
  const items: T[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await ddb.send(new QueryCommand({ ...input, ExclusiveStartKey }));
    items.push(...((out.Items ?? []) as T[]));
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** Reads every item of one partition (optionally under a sort-key prefix), following pagination. */
export function queryAll<T>(pk: string, skPrefix?: string, extra: Partial<QueryCommandInput> = {}): Promise<T[]> {
  return paginate<T>({
    TableName: tableName,
    KeyConditionExpression: skPrefix ? 'PK = :pk AND begins_with(SK, :sk)' : 'PK = :pk',
    ExpressionAttributeValues: skPrefix ? { ':pk': pk, ':sk': skPrefix } : { ':pk': pk },
    ...extra,
  });
}

/** Reads a whole partition of a GSI, following pagination (staff-only and close-time paths). */
export function queryAllIndex<T>(index: keyof typeof tableDefinition.indexes, pk: string, extra: Partial<QueryCommandInput> = {}): Promise<T[]> {
  return paginate<T>({
    TableName: tableName,
    IndexName: index,
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': tableDefinition.indexes[index].partitionKey },
    ExpressionAttributeValues: { ':pk': pk },
    ...extra,
  });
}

export const isConditionFailure = (e: unknown) =>
  e instanceof Error && (e.name === 'ConditionalCheckFailedException' || e.name === 'TransactionCanceledException');
