import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { optionalEnv, requireEnv } from '../config.ts';

// One document client per execution environment, created at cold start.
// DYNAMODB_ENDPOINT is set only in local mode (DynamoDB Local).
const endpoint = optionalEnv('DYNAMODB_ENDPOINT');

export const tableName = requireEnv('TABLE_NAME');

export const ddb = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    ...(endpoint ? { endpoint } : {}),
    maxAttempts: 4,
    // The short form: the SDK builds its own handler, so no @smithy package is imported here
    // (the Lambda runtime's SDK does not expose @smithy/* to function code).
    requestHandler: {
      httpAgent: { keepAlive: true, maxSockets: 64 },
      httpsAgent: { keepAlive: true, maxSockets: 64 },
      connectionTimeout: 2_000,
      requestTimeout: 5_000,
    },
  }),
  { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } },
);

// DynamoDB Local answers TransactWriteItems before its SQLite COMMIT has run (the commit is queued
// on the database thread, not awaited), so a kill -9 right after could lose a write that got a
// 2xx. The database thread runs its jobs in order, so a read that waits for its own job returns
// only after that commit: in local mode every transaction is followed by one before it counts.
if (endpoint) {
  ddb.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      if (context.commandName === 'TransactWriteItemsCommand') {
        await ddb.send(new GetCommand({ TableName: tableName, Key: { PK: '#', SK: 'commit-barrier' }, ConsistentRead: true }));
      }
      return out;
    },
    { step: 'initialize', name: 'localTransactionCommitBarrier' },
  );
}
